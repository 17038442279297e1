/** blessed's keypress (ch, key) → the key names the reducer understands; null to ignore. */
export interface BlessedKey {
  name?: string | undefined;
  full?: string | undefined;
  ctrl?: boolean | undefined;
  meta?: boolean | undefined;
  shift?: boolean | undefined;
}

const NAMED = new Set([
  'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end',
  'enter', 'escape', 'tab', 'backspace', 'space',
]);

/**
 * Esc followed quickly by another key (a paste, a slow link, tmux send-keys)
 * reaches blessed as one Meta-key: read it as the two keys the user typed.
 */
export function keyNames(ch: string | undefined, key: BlessedKey | undefined): string[] {
  if (key?.meta) {
    const name = key.name ?? '';
    const rest = [...name].length === 1 ? (key.shift ? name.toUpperCase() : name) : keyName(undefined, { ...key, meta: false });
    return rest === null ? ['escape'] : ['escape', rest];
  }
  const one = keyName(ch, key);
  return one === null ? [] : [one];
}

export function keyName(ch: string | undefined, key: BlessedKey | undefined): string | null {
  const name = key?.name;
  // blessed reports "\r" twice, as "return" and again as "enter".
  if (name === 'return') return null;
  if (name === 'linefeed') return 'enter';
  if (key?.ctrl) return name ? `C-${name}` : null;
  if (key?.meta) return null;
  if (name && NAMED.has(name)) return name === 'tab' && key?.shift ? 'S-tab' : name;
  if (ch !== undefined && [...ch].length === 1) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp !== 0x7f) return ch;
  }
  return null;
}
