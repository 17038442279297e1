import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { prefersOpenMetrics } from '../../src/metrics/accept.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { UserError } from '../../src/util/user-error.js';
import { host, proc, samples, scrape, snapshot } from './snapshot-factory.js';

const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const promtool = which('promtool');

const open: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function start(addr = '0', opts: Partial<Parameters<typeof startMetricsServer>[1]> = {}): Promise<MetricsServer> {
  const s = await startMetricsServer(addr, { version: '9.9.9', ...opts });
  open.push(s);
  return s;
}

function feed(s: MetricsServer): void {
  s.update(
    snapshot({
      totals: { rxBytes: 1000, txBytes: 2000, transitBytes: 30, packets: 40, malformed: 2, dropped: null },
      hosts: [host('198.18.0.2', 600, 1900), host('fd00::2', 400, 100)],
      processes: [proc(53, 'named', 300, 1800), proc(null, '<kernel>', 700, 200)],
    }),
  );
  s.update(
    snapshot({
      totals: { rxBytes: 1500, txBytes: 2600, transitBytes: 30, packets: 50, malformed: 2, dropped: 3 },
      hosts: [host('198.18.0.2', 900, 2400), host('fd00::2', 600, 200)],
      processes: [proc(53, 'named', 500, 2300), proc(null, '<kernel>', 1000, 300)],
    }),
  );
}

describe('metrics server', () => {
  it('serves Prometheus text with the fed values', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    feed(s);
    const { status, type, body } = await scrape(s.url);
    expect(status).toBe(200);
    expect(type).toContain('text/plain; version=0.0.4');
    const m = samples(body);
    expect(m.get('wiretop_interface_receive_bytes_total{interface="eth0"}')).toBe(1500);
    expect(m.get('wiretop_interface_transmit_bytes_total{interface="eth0"}')).toBe(2600);
    expect(m.get('wiretop_interface_transit_bytes_total{interface="eth0"}')).toBe(30);
    expect(m.get('wiretop_packets_total{interface="eth0"}')).toBe(50);
    expect(m.get('wiretop_malformed_packets_total{interface="eth0"}')).toBe(2);
    expect(m.get('wiretop_dropped_packets_total{interface="eth0"}')).toBe(3);
    expect(m.get('wiretop_process_transmit_bytes_total{pid="53",process="named",user="bind",netns=""}')).toBe(2300);
    expect(m.get('wiretop_process_receive_bytes_total{pid="",process="<kernel>",user="",netns=""}')).toBe(1000);
    expect(m.get('wiretop_host_receive_bytes_total{host="198.18.0.2"}')).toBe(900);
    expect(m.get('wiretop_host_transmit_bytes_total{host="fd00::2"}')).toBe(200);
    expect(m.get(`wiretop_build_info{version="9.9.9",node="${process.version}"}`)).toBe(1);
    expect(body).toContain('# TYPE wiretop_interface_receive_bytes_total counter');
  });

  it('omits dropped while unknown', async () => {
    const s = await start();
    s.update(snapshot({ totals: { rxBytes: 1 } }));
    const m = samples((await scrape(s.url)).body);
    expect([...m.keys()].some((k) => k.startsWith('wiretop_dropped_packets_total'))).toBe(false);
    expect(m.get('wiretop_interface_receive_bytes_total{interface="eth0"}')).toBe(1);
  });

  it('answers OpenMetrics when asked, and Prometheus text again afterwards', async () => {
    const s = await start();
    feed(s);
    const om = await scrape(s.url, OPENMETRICS_ACCEPT);
    expect(om.type).toContain('application/openmetrics-text');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect(om.body).toContain('# TYPE wiretop_interface_receive_bytes counter');
    expect(samples(om.body).get('wiretop_interface_receive_bytes_total{interface="eth0"}')).toBe(1500);
    // prom-client renames counters in place for OpenMetrics; the text format must not be affected
    const text = await scrape(s.url, 'text/plain');
    expect(text.body).toContain('# TYPE wiretop_interface_receive_bytes_total counter');
    expect(samples(text.body).get('wiretop_interface_receive_bytes_total{interface="eth0"}')).toBe(1500);
  });

  it('404 elsewhere, 405 for other methods, HEAD works', async () => {
    const s = await start();
    const base = s.url.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metricsx`)).status).toBe(404);
    expect((await fetch(`${s.url}?x=1`)).status).toBe(200);
    expect((await fetch(s.url, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(s.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('binds IPv6 loopback when asked', async () => {
    let s: MetricsServer;
    try {
      s = await start('[::1]:0');
    } catch (e) {
      if (e instanceof UserError && /not on this machine/.test(e.message)) return; // no IPv6 here
      throw e;
    }
    expect(s.url).toMatch(/^http:\/\/\[::1\]:\d+\/metrics$/);
    expect((await scrape(s.url)).status).toBe(200);
  });

  it('a port in use is a one-line UserError', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startMetricsServer(`127.0.0.1:${port}`, { version: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(`--metrics 127.0.0.1:${port}: address already in use`);
    } finally {
      blocker.close();
    }
  });

  it('a bad address is a UserError before anything is bound', async () => {
    await expect(startMetricsServer('nope', { version: 'x' })).rejects.toBeInstanceOf(UserError);
    await expect(startMetricsServer('198.51.100.77:0', { version: 'x' })).rejects.toThrow(/not on this machine/);
  });

  it('close() ends keep-alive connections and can be called twice', async () => {
    const s = await startMetricsServer('0', { version: 'x' });
    await scrape(s.url);
    await Promise.all([s.close(), s.close()]);
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it.skipIf(!promtool)(`promtool check metrics accepts the output${promtool ? '' : ' (skipped: promtool not installed; apt-get install prometheus)'}`, async () => {
    const s = await start('0', { maxHosts: 1 });
    feed(s);
    s.update(snapshot({ processes: [proc(9, 'we"ird\\name\n\u001b', 1, 1)], hosts: [host('198.18.0.9 ⇄ 198.18.0.10', 5, 5)] }));
    const { body } = await scrape(s.url);
    const out = execFileSync(promtool!, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(out.trim()).toBe('');
  });
});

describe('prefersOpenMetrics', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['text/plain', false],
    [OPENMETRICS_ACCEPT, true],
    ['application/openmetrics-text', true],
    ['text/plain;q=1, application/openmetrics-text;q=0.5', false],
    ['application/openmetrics-text;q=0', false],
  ])('%j → %s', (accept, want) => {
    expect(prefersOpenMetrics(accept)).toBe(want);
  });
});
