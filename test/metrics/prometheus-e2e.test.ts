import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, prometheusBinary as prometheus } from '../e2e/prometheus.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { proc, snapshot } from './snapshot-factory.js';


let child: ChildProcess | null = null;
let dir: string | null = null;
let metrics: MetricsServer | null = null;

async function stopPrometheus(): Promise<void> {
  const c = child;
  child = null;
  if (c && c.exitCode === null && c.signalCode === null) {
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

afterAll(async () => {
  await stopPrometheus();
  await metrics?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('end to end with a real Prometheus', () => {
  it.skipIf(!prometheus)(
    `Prometheus scrapes the fed value${prometheus ? '' : ' (skipped: prometheus not installed; apt-get install prometheus)'}`,
    async () => {
      metrics = await startMetricsServer('127.0.0.1:0', { version: 'e2e' });
      metrics.update(snapshot({ processes: [proc(53, 'named', 100, 4242)] }));
      const target = new URL(metrics.url).host;

      dir = mkdtempSync(join(tmpdir(), 'wiretop-prom-'));
      const config = join(dir, 'prometheus.yml');
      writeFileSync(
        config,
        [
          'global:',
          '  scrape_interval: 1s',
          '  scrape_timeout: 1s',
          'scrape_configs:',
          '  - job_name: wiretop',
          '    static_configs:',
          `      - targets: ['${target}']`,
          '',
        ].join('\n'),
      );
      const port = await freePort();
      let log = '';
      child = spawn(
        prometheus!,
        [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr?.on('data', (d: Buffer) => {
        log = (log + d.toString()).slice(-4000);
      });

      const query = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('wiretop_process_transmit_bytes_total{process="named"}')}`;
      const deadline = Date.now() + 25_000;
      let value: string | null = null;
      while (Date.now() < deadline && value === null) {
        if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${log}`);
        try {
          const res = await fetch(query);
          if (res.ok) {
            const json = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
            const first = json.data.result[0];
            if (first) {
              expect(first.metric).toMatchObject({ pid: '53', process: 'named', user: 'bind', job: 'wiretop' });
              value = first.value[1];
            }
          }
        } catch {
          // not up yet
        }
        if (value === null) await new Promise((r) => setTimeout(r, 250));
      }
      expect(value, `no sample within 25 s; prometheus log: ${log}`).toBe('4242');
      await stopPrometheus();
      rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
    35_000,
  );
});
