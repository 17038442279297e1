import { ReverseDns } from './reverse-dns.js';
import { ServiceNames } from './service-names.js';

/** Structurally identical to src/ui/name-lookup.ts's NameLookup (kept local to avoid depending on ui/). */
export interface NameLookup {
  host(address: string): string | null;
  service(port: number, proto: string): string | null;
}

export interface NameLookupOptions {
  /** reverse DNS on (off with -n) */
  dns: boolean;
  /** port → service names on (off with -N) */
  services: boolean;
  /** services(5) file, default /etc/services */
  servicesPath?: string;
  /** DNS servers instead of the system's ("IP", "IP:PORT", "[V6]:PORT") */
  resolverServers?: string[];
  /** called when a reverse lookup completes with a new answer (to redraw) */
  onResolved?: (address: string, name: string | null) => void;
}

export function createNameLookup(opts: NameLookupOptions): NameLookup {
  const dns = opts.dns
    ? new ReverseDns({
        ...(opts.resolverServers ? { servers: opts.resolverServers } : {}),
        ...(opts.onResolved ? { onResolved: opts.onResolved } : {}),
      })
    : null;
  const services = opts.services
    ? new ServiceNames(opts.servicesPath !== undefined ? { path: opts.servicesPath } : {})
    : null;
  return {
    host: (address: string): string | null => (dns ? dns.host(address) : null),
    service: (port: number, proto: string): string | null => (services ? services.service(port, proto) : null),
  };
}
