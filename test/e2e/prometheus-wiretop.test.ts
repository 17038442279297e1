import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, prometheusBinary as prometheus } from './prometheus.js';
import { WIRETOP } from './netns.js';


const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'wt-prom-e2e-'));
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The real binary with --metrics, scraped by a real Prometheus on loopback, answering a query for a named process. */
describe('wiretop --metrics scraped by Prometheus', () => {
  it.skipIf(!prometheus)(`Prometheus answers for the named process${prometheus ? '' : ' (skipped: prometheus not installed; apt-get install prometheus)'}`, async () => {
    const mport = await freePort();
    const wt = spawn(process.execPath, [WIRETOP, '--demo', '--metrics', `127.0.0.1:${mport}`, '--json', '-n', '--duration', '40'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(wt);
    let wtErr = '';
    wt.stderr?.on('data', (d: Buffer) => (wtErr += d.toString()));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: wiretop', '    static_configs:', `      - targets: ['127.0.0.1:${mport}']`, ''].join('\n'));
    const pport = await freePort();
    let log = '';
    const prom = spawn(prometheus!, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${pport}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(prom);
    prom.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));

    const q = (expr: string) => `http://127.0.0.1:${pport}/api/v1/query?query=${encodeURIComponent(expr)}`;
    type Result = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    const deadline = Date.now() + 30_000;
    let named: { metric: Record<string, string>; value: [number, string] } | undefined;
    while (Date.now() < deadline && !named) {
      if (prom.exitCode !== null) throw new Error(`prometheus exited ${prom.exitCode}: ${log}`);
      if (wt.exitCode !== null) throw new Error(`wiretop exited ${wt.exitCode}: ${wtErr}`);
      try {
        const res = await fetch(q('wiretop_process_transmit_bytes_total{process="named"}'));
        if (res.ok) named = ((await res.json()) as Result).data.result[0];
      } catch {
        // not up yet
      }
      if (!named) await new Promise((r) => setTimeout(r, 300));
    }
    expect(named, `no sample within 30 s; prometheus: ${log}; wiretop: ${wtErr}`).toBeDefined();
    expect(named!.metric).toMatchObject({ process: 'named', pid: '812', user: 'bind', job: 'wiretop' });
    expect(Number(named!.value[1])).toBeGreaterThan(100_000);
    // the README's fleet query: the top process by outbound bytes is one of the demo's stories
    const top = ((await (await fetch(q('topk(1, sum by (process) (wiretop_process_transmit_bytes_total))'))).json()) as Result).data.result[0]!;
    expect(['ssh', 'named']).toContain(top.metric.process);
    expect(wtErr).toBe('');
    wt.kill('SIGTERM');
    prom.kill('SIGTERM');
  }, 60_000);
});
