/**
 * Everything read from the network or /proc is hostile until shown otherwise:
 * a process name or DNS answer must never carry escape sequences, control
 * characters or megabytes onto an operator's terminal.
 */

const MAX_DEFAULT = 256;

/**
 * Code points never shown as they are: C0/C1 controls and DEL (escape
 * sequences, BEL, CR), lone surrogates, U+FFFD (what invalid UTF-8 decodes
 * to), bidi embeddings/overrides/isolates and marks (they reorder what the
 * operator reads), line/paragraph separators (one row stays one line),
 * invisible format characters (zero-width space, BOM, interlinear
 * annotations, tag characters) and noncharacters.
 */
export function isUnsafeCodePoint(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0xfffd ||
    cp === 0x061c ||
    cp === 0x200b ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    cp === 0xfeff ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe ||
    (cp >= 0xe0000 && cp <= 0xe007f)
  );
}

/**
 * Replace unsafe code points (see isUnsafeCodePoint) with '?', which also
 * collapses the text to one line, and bound the length in code points (an
 * ellipsis marks the cut; a surrogate pair is never split).
 */
export function sanitizeText(input: string | Buffer, maxLength = MAX_DEFAULT): string {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  let out = '';
  let count = 0;
  let lastLen = 0;
  for (const ch of text) {
    if (count >= maxLength) {
      return maxLength <= 0 ? '' : `${out.slice(0, out.length - lastLen)}…`;
    }
    const cp = ch.codePointAt(0)!;
    const shown = isUnsafeCodePoint(cp) ? '?' : ch;
    out += shown;
    lastLen = shown.length;
    count++;
  }
  return out;
}

/**
 * Make JSON text terminal-safe without losing anything: JSON.stringify
 * escapes C0 controls and lone surrogates but passes DEL, C1 controls, bidi
 * overrides and the like through raw; write those as \uXXXX escapes too
 * (outside strings JSON text is ASCII, so this only touches string contents).
 */
export function escapeJsonUnsafe(json: string): string {
  return json.replace(JSON_UNSAFE, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

// per UTF-16 unit: the ranges of isUnsafeCodePoint that JSON.stringify leaves raw (tag characters: their surrogate pairs)
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff\ufffd]|\udb40[\udc00-\udc7f]/g;

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A reverse-DNS answer is shown only if it is a syntactically valid host name. */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed.length === 0) return false;
  return trimmed.split('.').every((l) => LABEL.test(l));
}
