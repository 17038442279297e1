/**
 * Everything read from the network or /proc is hostile until shown otherwise:
 * a process name or DNS answer must never carry escape sequences, control
 * characters or megabytes onto an operator's terminal.
 */

const MAX_DEFAULT = 256;

/**
 * Replace C0/C1 controls, DEL, lone surrogates and U+FFFD-producing bytes with
 * '?', collapse to one line and bound the length (an ellipsis marks the cut).
 */
export function sanitizeText(input: string | Buffer, maxLength = MAX_DEFAULT): string {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count >= maxLength) {
      return `${out.slice(0, Math.max(0, out.length - 1))}…`;
    }
    const cp = ch.codePointAt(0)!;
    const bad =
      cp < 0x20 ||
      (cp >= 0x7f && cp <= 0x9f) ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      cp === 0xfffd ||
      // bidi overrides and isolates can reorder what the operator reads
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069);
    out += bad ? '?' : ch;
    count++;
  }
  return out;
}

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A reverse-DNS answer is shown only if it is a syntactically valid host name. */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed.length === 0) return false;
  return trimmed.split('.').every((l) => LABEL.test(l));
}
