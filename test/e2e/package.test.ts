import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** `npm pack` gives a tarball that `npm install -g` installs, and its wiretop works. */
describe('packaging', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the packed tarball installs globally; --help, --version and --demo work', () => {
    execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const listing = execFileSync('tar', ['tzf', join(dir, tgz)]).toString().split('\n');
    expect(listing).toContain('package/bin/wiretop.js');
    expect(listing).toContain('package/dist/cli.js');
    expect(listing.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/') || f.endsWith('.map'))).toBe(false);
    const prefix = join(dir, 'prefix');
    execFileSync('npm', ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, join(dir, tgz)], { stdio: 'pipe', timeout: 240_000 });
    const bin = join(prefix, 'bin', 'wiretop');
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(bin, ['--help']).toString()).toMatch(/^wiretop — live network traffic/);
    expect(execFileSync(bin, ['--version']).toString().trim()).toMatch(/^wiretop \d+\.\d+\.\d+$/);
    const line = execFileSync(bin, ['--demo', '--json', '--duration', '2', '-n']).toString().split('\n')[0]!;
    expect((JSON.parse(line) as { interface: string }).interface).toBe('demo');
  }, 300_000);
});
