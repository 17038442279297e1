import { Resolver } from 'node:dns';
import { isIP } from 'node:net';
import { isValidHostname, sanitizeText } from '../util/sanitize.js';
import { LruCache } from './lru-cache.js';

/** The part of node:dns Resolver used here (injectable for tests). */
export interface ReverseResolver {
  reverse(address: string, callback: (err: NodeJS.ErrnoException | null, hostnames: string[]) => void): void;
  cancel(): void;
}

export interface ReverseDnsOptions {
  /** DNS servers ("IP" or "IP:PORT", "[V6]:PORT"); default: the system's */
  servers?: string[];
  /** per query (default 2000 ms); one try per server */
  timeoutMs?: number;
  /** queries in flight at once (default 8) */
  maxInFlight?: number;
  /** addresses waiting for a slot; the oldest requests are dropped first (default 256) */
  maxQueued?: number;
  /** cached answers, positive and negative (default 10 000) */
  cacheSize?: number;
  /** how long a name is trusted (default 1 h) */
  positiveTtlMs?: number;
  /** how long "no name" is remembered (default 10 min) */
  negativeTtlMs?: number;
  /** how long a failure (timeout, SERVFAIL, refused) is remembered (default 1 min) */
  failureTtlMs?: number;
  /** called when a lookup finishes with a (possibly new) name, so the view can redraw */
  onResolved?: (address: string, name: string | null) => void;
  now?: () => number;
  resolver?: ReverseResolver;
}

interface Entry {
  name: string | null;
  expires: number;
}

export interface ReverseDnsStats {
  inFlight: number;
  queued: number;
  cached: number;
  started: number;
}

/** Codes after which the address has no usable name (as opposed to "try again later"). */
const NO_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EFORMERR', 'EBADRESP', 'EBADNAME', 'ENONAME']);

/** First answer that is a syntactically valid host name, sanitised; never raw bytes from the wire. */
export function pickHostname(hostnames: readonly unknown[]): string | null {
  for (const raw of hostnames) {
    if (typeof raw !== 'string') continue;
    const name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
    if (isValidHostname(name)) return sanitizeText(name, 253);
  }
  return null;
}

/**
 * Reverse DNS that never blocks the caller: `host()` answers from the cache at
 * once and schedules a lookup on a miss. Bounded in every direction: cache
 * size, queries in flight, queue length and time per query, so a flood of
 * new addresses or a dead DNS server cannot pile up work.
 */
export class ReverseDns {
  private readonly resolver: ReverseResolver;
  private readonly cache: LruCache<string, Entry>;
  /** waiting addresses, most recently asked last */
  private readonly queue = new Map<string, true>();
  private readonly inFlight = new Set<string>();
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly positiveTtl: number;
  private readonly negativeTtl: number;
  private readonly failureTtl: number;
  private readonly now: () => number;
  private readonly onResolved: ((address: string, name: string | null) => void) | undefined;
  private started = 0;
  private closed = false;

  constructor(opts: ReverseDnsOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 8);
    this.maxQueued = Math.max(0, opts.maxQueued ?? 256);
    this.cache = new LruCache(Math.max(1, opts.cacheSize ?? 10_000));
    this.positiveTtl = opts.positiveTtlMs ?? 3_600_000;
    this.negativeTtl = opts.negativeTtlMs ?? 600_000;
    this.failureTtl = opts.failureTtlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.onResolved = opts.onResolved;
    if (opts.resolver) {
      this.resolver = opts.resolver;
    } else {
      const resolver = new Resolver({ timeout: this.timeoutMs, tries: 1 });
      if (opts.servers && opts.servers.length > 0) resolver.setServers(opts.servers);
      this.resolver = resolver;
    }
  }

  /**
   * The name of `address` if known, else null (and a lookup is scheduled).
   * A name past its TTL is still shown while it is refreshed.
   */
  host(address: string): string | null {
    if (this.closed) return null;
    const ip = normalise(address);
    if (ip === null) return null;
    const entry = this.cache.get(ip);
    if (entry && entry.expires > this.now()) return entry.name;
    this.request(ip);
    return entry ? entry.name : null;
  }

  stats(): ReverseDnsStats {
    return { inFlight: this.inFlight.size, queued: this.queue.size, cached: this.cache.size, started: this.started };
  }

  /** Drop queued work and cancel queries in flight. */
  close(): void {
    this.closed = true;
    this.queue.clear();
    this.resolver.cancel();
  }

  private request(ip: string): void {
    if (this.inFlight.has(ip)) return;
    this.queue.delete(ip);
    this.queue.set(ip, true);
    this.pump();
    while (this.queue.size > this.maxQueued) {
      const oldest = this.queue.keys().next();
      if (oldest.done) break;
      this.queue.delete(oldest.value);
    }
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.maxInFlight && this.queue.size > 0) {
      // Newest first: those are the rows on screen now.
      let ip = '';
      for (const k of this.queue.keys()) ip = k;
      this.queue.delete(ip);
      this.start(ip);
    }
  }

  private start(ip: string): void {
    this.inFlight.add(ip);
    this.started++;
    let done = false;
    const finish = (name: string | null, ttl: number): void => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      this.inFlight.delete(ip);
      if (this.closed) return;
      const previous = this.cache.get(ip);
      this.cache.set(ip, { name, expires: this.now() + ttl });
      if (previous?.name !== name) this.onResolved?.(ip, name);
      this.pump();
    };
    // c-ares enforces the timeout per server; this guard frees the slot even
    // if several servers are configured or a callback never comes.
    const guard = setTimeout(() => finish(null, this.failureTtl), this.timeoutMs + 500);
    guard.unref();
    try {
      this.resolver.reverse(ip, (err, hostnames) => {
        if (err) {
          if (err.code === 'ECANCELLED' || err.code === 'EDESTRUCTION') return finish(null, 0);
          return finish(null, NO_NAME.has(err.code ?? '') ? this.negativeTtl : this.failureTtl);
        }
        const name = pickHostname(Array.isArray(hostnames) ? hostnames : []);
        finish(name, name === null ? this.negativeTtl : this.positiveTtl);
      });
    } catch {
      finish(null, this.failureTtl);
    }
  }
}

/** An IP address as the resolver wants it, or null for anything else (aggregates, "a ⇄ b"). */
function normalise(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  return isIP(address) === 0 ? null : address;
}
