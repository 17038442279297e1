import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { configPath, loadConfig, mergeOptions } from '../../src/config/config-file.js';
import { jsonErrorOffset, lineColumn } from '../../src/config/json-error-position.js';
import { UserError } from '../../src/util/user-error.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An XDG_CONFIG_HOME holding wiretop/config.json with `content` (or nothing). */
function xdg(content?: string | Buffer): { env: Record<string, string>; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wiretop-config-'));
  dirs.push(dir);
  const file = join(dir, 'wiretop', 'config.json');
  if (content !== undefined) {
    mkdirSync(join(dir, 'wiretop'));
    writeFileSync(file, content);
  }
  return { env: { XDG_CONFIG_HOME: dir, HOME: '/nonexistent' }, file };
}

function errorOf(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg).not.toMatch(/[\u0000-\u001f\u007f]/);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('configPath', () => {
  it('prefers an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' })).toBe('/x/cfg/wiretop/config.json');
    expect(configPath({ HOME: '/home/u' })).toBe('/home/u/.config/wiretop/config.json');
    expect(configPath({ XDG_CONFIG_HOME: '', HOME: '/home/u' })).toBe('/home/u/.config/wiretop/config.json');
    expect(configPath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.config/wiretop/config.json');
  });
});

describe('loadConfig', () => {
  it('missing file → {}', () => {
    expect(loadConfig(xdg().env)).toEqual({});
    expect(loadConfig({ HOME: '/nonexistent/home' })).toEqual({});
  });

  it('reads every setting', () => {
    const all = { interface: 'eth0', filter: 'udp port 53', bits: true, sort: 'total', refresh: 0.5, dns: false, services: true };
    expect(loadConfig(xdg(JSON.stringify(all)).env)).toEqual(all);
    expect(loadConfig(xdg('\ufeff{"interface": "any"}').env)).toEqual({ interface: 'any' });
    expect(loadConfig(xdg('{}').env)).toEqual({});
  });

  it('reads from ~/.config when XDG_CONFIG_HOME is unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wiretop-home-'));
    dirs.push(dir);
    mkdirSync(join(dir, '.config', 'wiretop'), { recursive: true });
    writeFileSync(join(dir, '.config', 'wiretop', 'config.json'), '{"bits": true}');
    expect(loadConfig({ HOME: dir })).toEqual({ bits: true });
  });

  it('unknown key → one line naming the file and the key', () => {
    const { env, file } = xdg('{"bits": true, "colour": "red"}');
    expect(errorOf(() => loadConfig(env)).message).toBe(
      `${file}: unknown key "colour" (known: interface, filter, bits, sort, refresh, dns, services)`,
    );
    const hostile = xdg('{"\\u001b[2Jx": 1}');
    expect(errorOf(() => loadConfig(hostile.env)).message).toContain('unknown key "?[2Jx"');
    expect(errorOf(() => loadConfig(xdg('{"__proto__": {"bits": true}}').env)).message).toContain('unknown key "__proto__"');
  });

  it.each([
    ['bits', '"yes"', '"bits" must be true or false, got "yes"'],
    ['dns', '1', '"dns" must be true or false, got 1'],
    ['services', 'null', '"services" must be true or false, got null'],
    ['refresh', '"2"', '"refresh" must be a number of seconds between 0.1 and 3600, got "2"'],
    ['refresh', '0', 'got 0'],
    ['refresh', '1e9', 'got 1000000000'],
    ['interface', '""', '"interface" must be an interface name'],
    ['interface', '"eth0 eth1"', '"interface" must be an interface name'],
    ['interface', '"averyveryverylongname"', '"interface" must be an interface name'],
    ['interface', '["eth0"]', 'got an array'],
    ['filter', '{}', '"filter" must be a capture filter string (tcpdump syntax), got an object'],
    ['filter', '"port 53\\u001b"', '"filter" must be a capture filter'],
    ['sort', '"rate; rm"', '"sort" must be a column name'],
  ])('wrong type for %s (%s)', (key, value, message) => {
    const { env, file } = xdg(`{"${key}": ${value}}`);
    const msg = errorOf(() => loadConfig(env)).message;
    expect(msg.startsWith(`${file}: `)).toBe(true);
    expect(msg).toContain(message);
  });

  it.each([
    ['{"bits": true,}', 1, 15, '"}"'],
    ['{\n  "bits": true\n  "dns": false\n}', 3, 3, '"\\""'],
    ['{"bits": }', 1, 10, '"}"'],
    ['{"bits": tru}', 1, 13, '"}"'],
    ['', 1, 1, 'end of file'],
    ['{"filter": "abc', 1, 16, 'end of file'],
    ['{"a": 1} x', 1, 10, '"x"'],
    ["{'bits': true}", 1, 2, '"\'"'],
  ])('invalid JSON %j → line %i column %i', (text, line, column, what) => {
    const { env, file } = xdg(text);
    expect(errorOf(() => loadConfig(env)).message).toBe(`${file}: invalid JSON at line ${line}, column ${column}: unexpected ${what}`);
  });

  it('top level must be an object', () => {
    const { env, file } = xdg('[1, 2]');
    expect(errorOf(() => loadConfig(env)).message).toBe(`${file}: expected a JSON object like {"bits": true}, got an array`);
  });

  it('a directory or unreadable file is a UserError', () => {
    const dir = xdg();
    mkdirSync(join(dir.env.XDG_CONFIG_HOME!, 'wiretop', 'config.json'), { recursive: true });
    expect(errorOf(() => loadConfig(dir.env)).message).toContain('is a directory');
    if (process.getuid?.() !== 0) {
      const f = xdg('{}');
      chmodSync(f.file, 0o000);
      expect(errorOf(() => loadConfig(f.env)).message).toContain('permission denied');
    }
  });

  it('a huge file is refused', () => {
    const { env } = xdg(`{"filter": "${'a'.repeat(1024 * 1024)}"}`);
    expect(errorOf(() => loadConfig(env)).message).toContain('too large');
  });
});

describe('jsonErrorOffset', () => {
  it('agrees with JSON.parse on validity', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.json().map((j) => j.slice(0, -1))), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const offset = jsonErrorOffset(text);
        return valid ? offset === null : offset !== null && offset >= 0 && offset <= text.length;
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with V8 where V8 gives a position', () => {
    for (const text of ['{"a":1,}', '[1,2', '{"a" 1}', '{"a":"x']) {
      let pos = -1;
      try {
        JSON.parse(text);
      } catch (e) {
        pos = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? -1);
      }
      expect(jsonErrorOffset(text)).toBe(pos);
    }
  });

  it('lineColumn', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('mergeOptions', () => {
  it('command line wins; undefined does not erase the config', () => {
    const config = { interface: 'eth0', bits: true, dns: true, refresh: 2 };
    const merged = mergeOptions(config, { interface: 'eth1', dns: false, bits: undefined, json: true });
    expect(merged).toEqual({ interface: 'eth1', bits: true, dns: false, refresh: 2, json: true });
    expect(config.interface).toBe('eth0');
    expect(mergeOptions({}, {})).toEqual({});
  });
});

describe.skipIf(process.getuid?.() !== 0)('a config directory we may not search (root: drops to uid 65534)', () => {
  it("means no config (another user's HOME), while an unreadable file of ours is an error", async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'wt-cfg-'));
    try {
      mkdirSync(join(dir, 'wiretop'));
      writeFileSync(join(dir, 'wiretop', 'config.json'), '{"bits": true}');
      chmodSync(dir, 0o700); // uid 65534 cannot search it
      const mod = new URL('../../dist/config/config-file.js', import.meta.url).pathname;
      const run = () =>
        execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e',
          `const m = await import(${JSON.stringify(mod)}); try { console.log(JSON.stringify(m.loadConfig({ XDG_CONFIG_HOME: ${JSON.stringify(dir)} }))) } catch (e) { console.log('ERR ' + e.message) }`]).toString().trim();
      expect(run()).toBe('{}');
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'wiretop', 'config.json'), 0o600);
      expect(run()).toMatch(/^ERR .*config\.json: cannot read the config file \(permission denied\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
