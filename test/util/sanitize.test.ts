import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonReport } from '../../src/headless/json-report.js';
import { TextReport } from '../../src/headless/text-report.js';
import { runTui } from '../../src/ui/run-tui.js';
import { escapeJsonUnsafe, isUnsafeCodePoint, sanitizeText } from '../../src/util/sanitize.js';
import { conn, FakeFeed, FakeTerminal, host, proc, snapshot } from '../ui/fakes.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

/** What must never reach a terminal raw. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const HOSTILE = [
  '\x1b]0;pwned\x07',
  '\x1b[2J\x1b[H',
  '\x1b]52;c;cm0gLXJmIH4=\x07', // OSC 52: write the clipboard
  '\x9b31m', // 8-bit CSI
  'evil\u202Egpj.exe',
  'a\u2066b\u2069c\u200fd',
  'line1\nline2\rline3\u2028line4',
  'tab\there\x00nul\x7fdel',
  'zero\u200bwidth\ufeffbom',
  'tag\u{E0041}\u{E0042}chars',
  '\ud800lone\udfffsurrogates',
  'x'.repeat(100_000),
];

/** Strings mixing the dangerous pieces with ordinary text. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE.slice(0, -1), '\x1b', '\x07', '\u202e', '😀', '界', 'é'), fc.string({ maxLength: 5 })), { maxLength: 40 }).map((a) => a.join('')),
);

function expectSafe(s: string): void {
  expect(s).not.toMatch(CONTROL);
  expect(s).not.toMatch(LONE_SURROGATE);
  for (const ch of s) expect(isUnsafeCodePoint(ch.codePointAt(0)!), `U+${ch.codePointAt(0)!.toString(16)}`).toBe(false);
}

describe('sanitizeText', () => {
  it.each(HOSTILE.map((h) => [JSON.stringify(h.slice(0, 40)), h]))('%s', (_label, h) => {
    const s = sanitizeText(h, 64);
    expectSafe(s);
    expect([...s].length).toBeLessThanOrEqual(64);
  });

  it('escape sequences lose their ESC/BEL and stay readable', () => {
    expect(sanitizeText('\x1b]0;pwned\x07')).toBe('?]0;pwned?');
    expect(sanitizeText('\x1b[2J')).toBe('?[2J');
    expect(sanitizeText('evil\u202Egpj.exe')).toBe('evil?gpj.exe');
  });

  it('invalid UTF-8 from /proc becomes ?', () => {
    expect(sanitizeText(Buffer.from([0x6e, 0x67, 0xff, 0xfe, 0x78, 0xc3]))).toBe('ng??x?');
    expect(sanitizeText(Buffer.from([0xed, 0xa0, 0x80]))).not.toMatch(LONE_SURROGATE); // CESU surrogate
  });

  it('ordinary names pass unchanged: accents, CJK, emoji, ZWJ sequences', () => {
    for (const name of ['nginx', 'postgres: writer', 'café', '数据库', '👩‍💻 dev', 'python3.12']) expect(sanitizeText(name)).toBe(name);
  });

  it('cuts on a code point, never inside a surrogate pair', () => {
    expect(sanitizeText('ab😀cd', 3)).toBe('ab…');
    expect(sanitizeText('😀😀😀😀', 3)).toBe('😀😀…');
    expect(sanitizeText('abc', 0)).toBe('');
  });

  it('property: any string, any bound → safe, bounded, idempotent', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 400 }), (input, max) => {
        const s = sanitizeText(input, max);
        expectSafe(s);
        expect([...s].length).toBeLessThanOrEqual(max);
        expect(sanitizeText(s, max)).toBe(s);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: arbitrary bytes (invalid UTF-8) → safe', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expectSafe(sanitizeText(Buffer.from(bytes), 300));
      }),
      { numRuns: RUNS },
    );
  });

  it('property: safe text shorter than the bound is unchanged', () => {
    const safeChar = fc.string({ unit: 'grapheme', maxLength: 1 }).filter((c) => [...c].every((ch) => !isUnsafeCodePoint(ch.codePointAt(0)!)));
    fc.assert(
      fc.property(fc.array(safeChar, { maxLength: 50 }).map((a) => a.join('')), (text) => {
        expect(sanitizeText(text, 1000)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('escapeJsonUnsafe: lossless and terminal-safe JSON', () => {
  it('property: parses back to the same value; no raw controls', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 5 }), (strings) => {
        const json = escapeJsonUnsafe(JSON.stringify({ names: strings }));
        expect(json).not.toMatch(CONTROL);
        expect(json).not.toMatch(LONE_SURROGATE);
        expect(json).not.toMatch(/[\u{E0000}-\u{E007F}]/u);
        expect((JSON.parse(json) as { names: string[] }).names).toEqual(strings);
      }),
      { numRuns: RUNS },
    );
  });
});

/** A snapshot whose every name is hostile (as if the capture process or a resolver let one through). */
function hostileSnapshot(i: number) {
  const name = HOSTILE[i % HOSTILE.length]!;
  const h = host('203.0.113.7', 1000, 2000);
  const p = proc(4242, name, 1000, 2000, { cmdline: `${name} --flag ${name}`, user: name, netns: name });
  return snapshot(1, { hosts: [h], processes: [p], connections: [conn(p, h, 53, 40000, 10, 20, name)], notices: [name] });
}

const hostileNames = { host: (): string => '\x1b]0;pwned\x07.example.', service: (): string => '\x1b[2Jhttp\u202e' };

describe('reports never print a raw control character', () => {
  it.each(HOSTILE.map((_, i) => [i]))('--text, hostile name #%i', (i) => {
    const out = new TextReport(false, hostileNames, 120).block(hostileSnapshot(i));
    expect(out.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(out).not.toMatch(LONE_SURROGATE);
    expect(out.length).toBeLessThan(20_000);
  });
  it.each(HOSTILE.map((_, i) => [i]))('--json, hostile name #%i', (i) => {
    const snap = hostileSnapshot(i);
    const line = new JsonReport(hostileNames).line(snap);
    expect(line).not.toMatch(CONTROL);
    expect(line).not.toMatch(LONE_SURROGATE);
    const o = JSON.parse(line) as { processes: { name: string }[] };
    expect(o.processes[0]!.name).toBe(snap.processes[0]!.name); // escaped, not lost
  });
});

describe('the TUI never writes a hostile name raw', () => {
  it('names with OSC/CSI sequences, bidi overrides, C1 controls and huge lengths render as plain text', async () => {
    const t = new FakeTerminal(120, 36);
    let raw = '';
    t.output.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    let titleChanged = false;
    t.term.onTitleChange((title) => (titleChanged = title.includes("pwned")));
    const feed = new FakeFeed();
    const done = runTui(feed, { input: t.input, output: t.output, terminal: 'xterm-256color', names: hostileNames });
    const h = host('203.0.113.7', 5000, 1000);
    const procs = HOSTILE.map((name, i) => proc(1000 + i, name, 1000 - i, 100, { cmdline: name, user: name.slice(0, 40), netns: name.slice(0, 40) }));
    for (let seq = 1; seq <= 3; seq++) {
      feed.emit(snapshot(seq, { hosts: [h], processes: procs, connections: procs.map((p, i) => conn(p, h, 50 + i, 40000, 10, 10)), notices: [HOSTILE[0]!] }));
    }
    await t.settle();
    // open the drill-down of the first process: its name shows in the title line too
    t.press('\t', '\r');
    await t.settle();
    t.press('q');
    await done;
    expect(titleChanged).toBe(false);
    raw = raw.split('\x1b]0;wiretop\x07').join(''); // blessed's own title
    expect(raw).not.toContain('\x07');
    expect(raw).not.toContain('\x1b]');
    expect(raw).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    expect(raw).not.toMatch(LONE_SURROGATE);
    expect(raw.length).toBeLessThan(200_000);
    expect(raw).toContain('?]0;pwned?'); // drawn, defused
  });
});
