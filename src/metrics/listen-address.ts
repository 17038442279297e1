import { isIP } from 'node:net';
import { isValidHostname, sanitizeText } from '../util/sanitize.js';
import { UserError } from '../util/user-error.js';

export interface ListenAddress {
  host: string;
  port: number;
}

const DEFAULT_HOST = '127.0.0.1';
const PORT = /^\d{1,5}$/;

function parsePort(text: string, addr: string): number {
  const port = PORT.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new UserError(`--metrics ${addr}: "${text}" is not a port number (0-65535)`);
  }
  return port;
}

/**
 * `PORT`, `HOST:PORT` or `[V6]:PORT`. Without a host only loopback is bound:
 * the endpoint names processes and remote hosts, which is not for everyone.
 */
export function parseListenAddress(addr: string): ListenAddress {
  const shown = sanitizeText(addr, 80);
  const text = addr.trim();
  if (text === '') throw new UserError('--metrics: empty address (expected PORT, HOST:PORT or [IPV6]:PORT)');
  if (PORT.test(text)) return { host: DEFAULT_HOST, port: parsePort(text, shown) };

  if (text.startsWith('[')) {
    const m = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
    if (!m || isIP(m[1]!) !== 6) {
      throw new UserError(`--metrics ${shown}: expected [IPV6]:PORT, e.g. [::1]:9100`);
    }
    return { host: m[1]!, port: parsePort(m[2]!, shown) };
  }

  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    throw new UserError(`--metrics ${shown}: expected PORT, HOST:PORT or [IPV6]:PORT`);
  }
  const host = text.slice(0, colon);
  if (host.includes(':')) {
    throw new UserError(`--metrics ${shown}: put an IPv6 address in brackets, e.g. [::1]:9100`);
  }
  if (host === '') {
    throw new UserError(`--metrics ${shown}: missing host (use 0.0.0.0:PORT to listen on every interface)`);
  }
  if (isIP(host) !== 4 && !isValidHostname(host)) {
    throw new UserError(`--metrics ${shown}: "${sanitizeText(host, 80)}" is not an IP address or host name`);
  }
  return { host, port: parsePort(text.slice(colon + 1), shown) };
}

/** URL of the endpoint as a scraper would write it. */
export function metricsUrl(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/metrics`;
}
