/**
 * Names for addresses and ports. Implemented elsewhere (reverse DNS cache,
 * /etc/services); the UI only asks, and a lookup never blocks: null means
 * "not known (yet)", and the address or number is shown instead.
 */
export interface NameLookup {
  host(address: string): string | null;
  service(port: number, proto: string): string | null;
}
