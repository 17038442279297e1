import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const canDrop = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v setpriv']).status === 0;
const mod = new URL('../../dist/capture/live-source.js', import.meta.url).pathname;

/**
 * cap's open() can fail after creating its pcap handle (no permission): that
 * Cap must never be collected, or its destructor segfaults the process (seen
 * as "capture process killed by SIGSEGV" instead of the permission message).
 */
describe.skipIf(!canDrop)(`a failed capture open survives garbage collection${canDrop ? '' : ' (skipped: needs root and setpriv to drop privileges)'}`, () => {
  it('reports permission denied, and the process lives on through forced GCs', () => {
    const script = `
      const { LiveSource } = await import(${JSON.stringify(mod)});
      for (let i = 0; i < 5; i++) {
        const s = new LiveSource({ interfaceName: 'lo', filter: null, clock: Date.now, coalesce: false });
        try { await s.run({ frame() {} }); } catch (e) { if (i === 0) console.log(e.message); }
      }
      for (let i = 0; i < 20; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
      console.log('alive');`;
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.stdout).toMatch(/cannot capture on lo: permission denied/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('alive');
  });
});
