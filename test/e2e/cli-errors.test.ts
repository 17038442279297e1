import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';

/**
 * DESIGN §3: a user or environment error is exactly one line on stderr,
 * exit 2, no stack trace — checked against the real binary.
 */
const FIXTURES = new URL('../fixtures/captures/', import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v setpriv'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;

/** Run wiretop with stdin and stdout not terminals; `asNobody` drops to uid/gid 65534 (HOME elsewhere: /root is not theirs). */
function wiretop(args: string[], opts: { asNobody?: boolean; timeout?: number } = {}): Result {
  const cmd = opts.asNobody ? 'setpriv' : process.execPath;
  const argv = opts.asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${dir}`, process.execPath, WIRETOP, ...args] : [WIRETOP, ...args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: opts.timeout ?? 15_000, stdio: ['pipe', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineError(r: Result, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^wiretop: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  expect(r.stdout).toBe('');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wt-cli-'));
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('options', () => {
  it('unknown option', () => expectOneLineError(wiretop(['--bogus']), /unknown option: --bogus/));
  it('unknown short option', () => expectOneLineError(wiretop(['-x']), /unknown option: -x/));
  it('option value missing', () => expectOneLineError(wiretop(['--interval']), /--interval needs a value/));
  it('option value that looks like an option', () => expectOneLineError(wiretop(['--net', '--demo']), /--net needs a value/));
  it('value given to a flag', () => expectOneLineError(wiretop(['--demo=yes']), /--demo takes no value/));
  it.each([['0'], ['abc'], ['-5'], ['1.5'], ['999999999']])('--interval %s', (v) => expectOneLineError(wiretop(['--demo', '--json', `--interval=${v}`]), /--interval/));
  it.each([['300.1.1.1/8'], ['10.0.0.0/33'], ['fd00::/129'], ['eth0']])('--net %s', (v) => expectOneLineError(wiretop(['--demo', '--json', '--net', v]), /--net: not an address or CIDR prefix/));
  it('--text with --json', () => expectOneLineError(wiretop(['--demo', '--text', '--json']), /cannot be combined/));
  it('two sources', () => expectOneLineError(wiretop(['--demo', '-r', 'x.pcap', '--json']), /choose one of/));
  it('TUI without a terminal suggests --text/--json', () => expectOneLineError(wiretop(['--demo']), /needs a terminal.*--text or --json/));
});

describe('config file', () => {
  it('a "sort" that names no column is one line naming the file, exit 2; a valid one is accepted', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'wt-xdg-'));
    try {
      execFileSync('mkdir', ['-p', join(cfg, 'wiretop')]);
      writeFileSync(join(cfg, 'wiretop', 'config.json'), '{"sort": "bogus"}');
      const run = () => spawnSync(process.execPath, [WIRETOP, '--demo', '--json', '--duration', '1'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: cfg }, timeout: 15_000 });
      const bad = run();
      expectOneLineError({ code: bad.status, stdout: bad.stdout, stderr: bad.stderr }, /config\.json: "sort" must name a column: .*total.*\(got "bogus"\)/);
      writeFileSync(join(cfg, 'wiretop', 'config.json'), '{"sort": "tx", "refresh": 2}');
      const good = run();
      expect(good.status, good.stderr).toBe(0);
      expect(good.stderr).toBe('');
    } finally {
      rmSync(cfg, { recursive: true, force: true });
    }
  });
});

describe('capture files', () => {
  it('missing file', () => expectOneLineError(wiretop(['-r', join(dir, 'nope.pcap'), '--json']), /no such file/));
  it('empty file', () => {
    writeFileSync(join(dir, 'empty.pcap'), '');
    expectOneLineError(wiretop(['-r', join(dir, 'empty.pcap'), '--json']), /empty file/);
  });
  it('not a capture file', () => {
    writeFileSync(join(dir, 'text.pcap'), 'hello, this is not a capture file\n'.repeat(10));
    expectOneLineError(wiretop(['-r', join(dir, 'text.pcap'), '--json']), /not a pcap or pcapng file/);
  });
  it('a directory', () => expectOneLineError(wiretop(['-r', dir, '--json']), /directory/));
  it.skipIf(!isRoot || !hasSetpriv)('unreadable file (as an unprivileged user)', () => {
    const f = join(dir, 'secret.pcap');
    copyFileSync(join(FIXTURES, 'eth-be.pcap'), f);
    chmodSync(f, 0o600);
    expectOneLineError(wiretop(['-r', f, '--json'], { asNobody: true }), /permission denied/);
  });
  it('a truncated file: one warning line, the report, exit 0', () => {
    const whole = readFileSync(join(FIXTURES, 'eth-be.pcap'));
    const f = join(dir, 'cut.pcap');
    writeFileSync(f, whole.subarray(0, whole.length - 7));
    const r = wiretop(['-r', f, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^wiretop: warning: .*cut off after \d+ packets/);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { totals: { packets: number } };
    expect(report.totals.packets).toBeGreaterThan(0);
  });
  it('-f with -r explains how to filter a file', () => expectOneLineError(wiretop(['-r', join(FIXTURES, 'eth-be.pcap'), '-f', 'udp', '--json']), /tcpdump -r FILE/));
});

describe.skipIf(!isRoot)('live capture (root)', () => {
  it('unknown interface', () => expectOneLineError(wiretop(['-i', 'wtnosuch0', '--json']), /no such interface: wtnosuch0/));
  it('not an interface name', () => expectOneLineError(wiretop(['-i', 'a b/c', '--json']), /not an interface name/));
  it('bad filter syntax', () => expectOneLineError(wiretop(['-i', 'lo', '-f', 'tcp[', '--json']), /bad capture filter "tcp\[".*syntax/));
  it('bad filter value', () => expectOneLineError(wiretop(['-i', 'lo', '-f', 'host 999.1.1.1', '--json']), /bad capture filter "host 999.1.1.1"/));
  it('unknown port name in a filter', () => expectOneLineError(wiretop(['-i', 'lo', '-f', 'port nosuchservice', '--json']), /bad capture filter/));
  it.skipIf(!hasSetpriv)('capture without permission gives the setcap hint', () => {
    expectOneLineError(wiretop(['-i', 'lo', '--json'], { asNobody: true }), /permission denied.*setcap cap_net_raw,cap_net_admin=eip/);
  });
});

describe('stopping', () => {
  it('`wiretop --json --demo | head -1` exits quietly, exit 0', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${WIRETOP}" --json --demo --interval 1 | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });
  it('`wiretop --text --demo | head -3` exits quietly, exit 0', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${WIRETOP}" --text --demo --interval 1 | head -3 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });

  it.each([
    ['SIGINT', '--json'],
    ['SIGTERM', '--json'],
    ['SIGINT', '--text'],
    ['SIGTERM', '--text'],
  ] as const)('%s in %s flushes a final report and exits 0', async (signal, format) => {
    const c = spawn(process.execPath, [WIRETOP, format, '--demo', '--interval', '60'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    expect(out).toBe(''); // nothing before the 60 s interval …
    c.kill(signal);
    const code = await new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    expect(code).toBe(0);
    expect(err).toBe('');
    // … and the final report on the signal
    if (format === '--json') {
      const last = JSON.parse(out.trim().split('\n').at(-1)!) as { totals: { packets: number } };
      expect(last.totals.packets).toBeGreaterThan(0);
    } else {
      expect(out).toMatch(/^total {2}rx /m);
      expect(out).toMatch(/packets [1-9]/);
    }
  });
});

const nsWhy = netnsUnavailable();
describe.skipIf(nsWhy !== null)(`libpcap's stderr noise never reaches the user${nsWhy ? ` (skipped: ${nsWhy})` : ''}`, () => {
  let pair: NsPair;
  beforeAll(() => {
    pair = createPair('cli', 87);
    // no IPv4 address: pcap_lookupnet fails and cap prints "Warning: … This may not actually work"
    execFileSync('ip', ['-n', pair.a, '-4', 'addr', 'flush', 'dev', pair.vethA]);
  });
  afterAll(() => pair?.cleanup());

  it.each([['an interface without an IPv4 address', () => pair.vethA], ['-i any', () => 'any']])('%s', (_what, iface) => {
    const r = spawnSync('ip', ['netns', 'exec', pair.a, process.execPath, WIRETOP, '-i', iface(), '--json', '--duration', '1.5', '-n'], { encoding: 'utf8', timeout: 15_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(1);
  });
});
