import { readFileSync } from 'node:fs';
import { sanitizeText } from '../util/sanitize.js';

/** The most common services, for systems without /etc/services (containers, minimal images). */
const BUILT_IN: readonly (readonly [number, string, string])[] = [
  [7, 'tcp udp', 'echo'],
  [20, 'tcp', 'ftp-data'],
  [21, 'tcp', 'ftp'],
  [22, 'tcp', 'ssh'],
  [23, 'tcp', 'telnet'],
  [25, 'tcp', 'smtp'],
  [37, 'tcp udp', 'time'],
  [43, 'tcp', 'whois'],
  [49, 'tcp udp', 'tacacs'],
  [53, 'tcp udp', 'domain'],
  [67, 'udp', 'bootps'],
  [68, 'udp', 'bootpc'],
  [69, 'udp', 'tftp'],
  [70, 'tcp', 'gopher'],
  [79, 'tcp', 'finger'],
  [80, 'tcp', 'http'],
  [88, 'tcp udp', 'kerberos'],
  [110, 'tcp', 'pop3'],
  [111, 'tcp udp', 'sunrpc'],
  [113, 'tcp', 'auth'],
  [119, 'tcp', 'nntp'],
  [123, 'udp', 'ntp'],
  [135, 'tcp', 'epmap'],
  [137, 'udp', 'netbios-ns'],
  [138, 'udp', 'netbios-dgm'],
  [139, 'tcp', 'netbios-ssn'],
  [143, 'tcp', 'imap2'],
  [161, 'tcp udp', 'snmp'],
  [162, 'tcp udp', 'snmp-trap'],
  [179, 'tcp', 'bgp'],
  [194, 'tcp', 'irc'],
  [389, 'tcp', 'ldap'],
  [443, 'tcp udp', 'https'],
  [445, 'tcp', 'microsoft-ds'],
  [465, 'tcp', 'submissions'],
  [500, 'udp', 'isakmp'],
  [514, 'udp', 'syslog'],
  [514, 'tcp', 'shell'],
  [515, 'tcp', 'printer'],
  [520, 'udp', 'route'],
  [546, 'udp', 'dhcpv6-client'],
  [547, 'udp', 'dhcpv6-server'],
  [554, 'tcp', 'rtsp'],
  [587, 'tcp', 'submission'],
  [631, 'tcp', 'ipp'],
  [636, 'tcp', 'ldaps'],
  [853, 'tcp', 'domain-s'],
  [873, 'tcp', 'rsync'],
  [993, 'tcp', 'imaps'],
  [995, 'tcp', 'pop3s'],
  [1080, 'tcp', 'socks'],
  [1194, 'tcp udp', 'openvpn'],
  [1433, 'tcp', 'ms-sql-s'],
  [1701, 'udp', 'l2tp'],
  [1812, 'udp', 'radius'],
  [1813, 'udp', 'radius-acct'],
  [1883, 'tcp', 'mqtt'],
  [2049, 'tcp udp', 'nfs'],
  [3128, 'tcp', 'squid'],
  [3306, 'tcp', 'mysql'],
  [3389, 'tcp', 'ms-wbt-server'],
  [3478, 'tcp udp', 'stun'],
  [4500, 'udp', 'ipsec-nat-t'],
  [5060, 'tcp udp', 'sip'],
  [5353, 'udp', 'mdns'],
  [5432, 'tcp', 'postgresql'],
  [5672, 'tcp', 'amqp'],
  [5900, 'tcp', 'rfb'],
  [6379, 'tcp', 'redis'],
  [8443, 'tcp', 'https-alt'],
  [8080, 'tcp', 'http-alt'],
  [9092, 'tcp', 'kafka'],
  [9100, 'tcp', 'jetdirect'],
  [11211, 'tcp', 'memcache'],
  [27017, 'tcp', 'mongodb'],
  [51820, 'udp', 'wireguard'],
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+/-]*$/;
const PROTO = /^[a-z][a-z0-9-]*$/;
const MAX_NAME = 32;

const key = (port: number, proto: string): string => `${port}/${proto}`;

/**
 * Parse services(5): `name port/proto [aliases...] [# comment]`. The first
 * name listed for a port/proto wins, as with getservbyport(3). Lines that do
 * not fit are skipped, never fatal.
 */
export function parseServices(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const hash = rawLine.indexOf('#');
    const line = hash >= 0 ? rawLine.slice(0, hash) : rawLine;
    const [name, portProto] = line.trim().split(/\s+/);
    if (!name || !portProto || !NAME.test(name)) continue;
    const m = /^(\d{1,5})\/([A-Za-z0-9-]+)$/.exec(portProto);
    if (!m) continue;
    const port = Number(m[1]);
    const proto = m[2]!.toLowerCase();
    if (port < 1 || port > 65535 || !PROTO.test(proto)) continue;
    const k = key(port, proto);
    if (!out.has(k)) out.set(k, sanitizeText(name, MAX_NAME));
  }
  return out;
}

export interface ServiceNamesOptions {
  /** services(5) file (default /etc/services); missing or unreadable → built-in table only */
  path?: string;
}

/** port/proto → service name, from /etc/services with a built-in fallback. Loaded on first use. */
export class ServiceNames {
  private table: Map<string, string> | null = null;
  private readonly path: string;

  constructor(opts: ServiceNamesOptions = {}) {
    this.path = opts.path ?? '/etc/services';
  }

  service(port: number, proto: string): string | null {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
    this.table ??= this.load();
    return this.table.get(key(port, proto.toLowerCase())) ?? null;
  }

  private load(): Map<string, string> {
    let table = new Map<string, string>();
    try {
      // Bounded: a services file is ~15 KB; anything huge is not one.
      const text = readFileSync(this.path, 'utf8');
      if (text.length <= 4 * 1024 * 1024) table = parseServices(text);
    } catch {
      // no /etc/services (minimal container): the built-in table will do
    }
    for (const [port, protos, name] of BUILT_IN) {
      for (const proto of protos.split(' ')) {
        const k = key(port, proto);
        if (!table.has(k)) table.set(k, name);
      }
    }
    return table;
  }
}

export const BUILT_IN_SERVICE_COUNT = BUILT_IN.length;
