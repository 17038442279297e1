import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Gauge, Registry, type OpenMetricsContentType, type PrometheusContentType } from 'prom-client';
import type { Snapshot } from '../core/snapshot.js';
import { UserError } from '../util/user-error.js';
import { metricsUrl, parseListenAddress } from './listen-address.js';
import { TrafficCounters, type CounterFamily } from './traffic-counters.js';
import { prefersOpenMetrics } from './accept.js';

export interface MetricsServerOptions {
  /** wiretop's version, for wiretop_build_info */
  version: string;
  /** most host label values exported before the rest go to host="other" (default 100) */
  maxHosts?: number;
  /** snapshots after which an unfed process/host series ends (default 600) */
  staleAfter?: number;
}

export interface MetricsServer {
  /** Feed the latest snapshot; scrapes see its cumulative values as counters. */
  update(snap: Snapshot): void;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
  /** e.g. http://127.0.0.1:9100/metrics (the real port when 0 was asked) */
  readonly url: string;
}

type AnyRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;

/**
 * Serve the counters through prom-client. The same state is registered twice:
 * prom-client rewrites counter names in place when it renders OpenMetrics, so
 * one registry per format keeps either output from leaking into the other.
 */
export function buildRegistry<T extends AnyRegistry>(registry: T, counters: TrafficCounters, version: string): T {
  const registers = [registry];
  const counterFrom = (
    name: string,
    help: string,
    labelNames: readonly string[],
    family: CounterFamily,
    index: number,
  ): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const s of family.series.values()) this.inc(s.labels, s.values[index] ?? 0);
      },
    });
  };
  const iface = ['interface'];
  counterFrom('wiretop_interface_receive_bytes_total', 'Bytes received (inbound to a local address), frame bytes on the wire.', iface, counters.interfaces, 0);
  counterFrom('wiretop_interface_transmit_bytes_total', 'Bytes transmitted (outbound from a local address), frame bytes on the wire.', iface, counters.interfaces, 1);
  counterFrom('wiretop_interface_transit_bytes_total', 'Bytes seen passing between two non-local addresses (forwarded or promiscuous).', iface, counters.interfaces, 2);
  counterFrom('wiretop_packets_total', 'Frames seen, whatever their protocol, malformed ones included.', iface, counters.interfaces, 3);
  counterFrom('wiretop_malformed_packets_total', 'Frames that could not be decoded.', iface, counters.interfaces, 4);
  counterFrom('wiretop_dropped_packets_total', 'Packets the capture lost (present only when knowable).', iface, counters.dropped, 0);
  const proc = ['pid', 'process', 'user', 'netns'];
  counterFrom('wiretop_process_receive_bytes_total', 'Bytes received, by local process or traffic class (<kernel>, <no listener>, ...).', proc, counters.processes, 0);
  counterFrom('wiretop_process_transmit_bytes_total', 'Bytes transmitted, by local process or traffic class.', proc, counters.processes, 1);
  counterFrom('wiretop_host_receive_bytes_total', 'Bytes received from a remote host; hosts beyond the cap are summed as host="other".', ['host'], counters.hosts, 0);
  counterFrom('wiretop_host_transmit_bytes_total', 'Bytes transmitted to a remote host; hosts beyond the cap are summed as host="other".', ['host'], counters.hosts, 1);
  const info = new Gauge({
    name: 'wiretop_build_info',
    help: 'wiretop build information; the value is always 1.',
    labelNames: ['version', 'node'],
    registers,
  });
  info.set({ version, node: process.version }, 1);
  return registry;
}

function bindError(addr: string, err: NodeJS.ErrnoException): UserError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new UserError(`--metrics ${addr}: address already in use`, 'choose another port, or stop what listens there');
    case 'EACCES':
      return new UserError(`--metrics ${addr}: permission denied`, 'ports below 1024 need root');
    case 'EADDRNOTAVAIL':
      return new UserError(`--metrics ${addr}: that address is not on this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`--metrics ${addr}: cannot resolve the host name`);
    default:
      return new UserError(`--metrics ${addr}: cannot listen (${err.code ?? err.message})`);
  }
}

/**
 * Start the metrics endpoint. Resolves once listening; rejects with a
 * UserError for a bad address or a port that cannot be bound.
 */
export async function startMetricsServer(addr: string, opts: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(addr);
  const counterOpts = {
    ...(opts.maxHosts !== undefined ? { maxHosts: opts.maxHosts } : {}),
    ...(opts.staleAfter !== undefined ? { staleAfter: opts.staleAfter } : {}),
  };
  const counters = new TrafficCounters(counterOpts);
  const prometheus = buildRegistry(new Registry(), counters, opts.version);
  const openMetricsRegistry = new Registry<OpenMetricsContentType>();
  openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const openMetrics = buildRegistry(openMetricsRegistry, counters, opts.version);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    const registry: AnyRegistry = prefersOpenMetrics(req.headers.accept) ? openMetrics : prometheus;
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  };

  const server: Server = createServer(handle);
  // A stuck scraper must not hold sockets forever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(bindError(addr, err));
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After listening, errors (e.g. a client socket reset) must not crash the program.
  server.on('error', () => {});
  server.on('clientError', (_err, socket) => socket.destroy());

  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  let closing: Promise<void> | null = null;

  return {
    url: metricsUrl(host, boundPort),
    update(snap: Snapshot): void {
      counters.update(snap);
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
