/**
 * CPU % and memory of the processes on screen, via pidusage. Sampled at most
 * once per minIntervalMs and only for the pids asked for; a pid that has
 * exited simply has no sample. Never throws.
 */
import pidusage from 'pidusage';

export interface UsageSample {
  /** % of one core since the previous sample */
  cpu: number;
  /** resident memory, bytes */
  memory: number;
}

/** pids → samples; missing pids are absent. Injectable for tests. */
export type UsageSampler = (pids: number[]) => Promise<Map<number, UsageSample>>;

export const pidusageSampler: UsageSampler = async (pids) => {
  const out = new Map<number, UsageSample>();
  if (pids.length === 0) return out;
  let stats: Record<string, pidusage.Status | undefined>;
  try {
    // With several pids pidusage skips the ones that are gone; with one it rejects.
    stats = pids.length === 1 ? { [pids[0]!]: await pidusage(pids[0]!) } : await pidusage(pids);
  } catch {
    return out;
  }
  for (const pid of pids) {
    const s = stats[pid];
    if (s && Number.isFinite(s.cpu) && Number.isFinite(s.memory)) out.set(pid, { cpu: s.cpu, memory: s.memory });
  }
  return out;
};

/**
 * pidusage runs `getconf` twice (fork + exec) on its first sample. Done while the
 * capture is running, that fork copies the page tables of the mapped capture ring and
 * stalled the capture process for ~25 ms (packets lost at 100 k/s): the capture process
 * calls this before it opens the capture.
 */
export async function primeUsage(): Promise<void> {
  await pidusageSampler([process.pid]);
}

export interface ProcessUsageOptions {
  /** default 2000 ms */
  minIntervalMs?: number;
  now?: () => number;
  sampler?: UsageSampler;
}

export class ProcessUsage {
  private readonly minInterval: number;
  private readonly now: () => number;
  private readonly sampler: UsageSampler;
  private samples = new Map<number, UsageSample>();
  private lastSample = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private sampledPids = new Set<number>();

  constructor(opts: ProcessUsageOptions = {}) {
    this.minInterval = opts.minIntervalMs ?? 2000;
    this.now = opts.now ?? Date.now;
    this.sampler = opts.sampler ?? pidusageSampler;
  }

  /**
   * Samples for `pids`. Reuses the previous sample when it is younger than
   * minIntervalMs and covered these pids; otherwise samples (only these pids).
   */
  async sample(pids: readonly number[]): Promise<Map<number, UsageSample>> {
    const wanted = [...new Set(pids.filter((p) => Number.isInteger(p) && p > 0))];
    const covered = wanted.every((p) => this.sampledPids.has(p));
    if (this.inFlight) await this.inFlight;
    else if (!covered || this.now() - this.lastSample >= this.minInterval) {
      this.inFlight = this.take(wanted);
      try {
        await this.inFlight;
      } finally {
        this.inFlight = null;
      }
    }
    const out = new Map<number, UsageSample>();
    for (const p of wanted) {
      const s = this.samples.get(p);
      if (s) out.set(p, s);
    }
    return out;
  }

  /** The latest sample of pid, null when none (not asked for, or gone). */
  get(pid: number): UsageSample | null {
    return this.samples.get(pid) ?? null;
  }

  private async take(pids: number[]): Promise<void> {
    this.lastSample = this.now();
    let got: Map<number, UsageSample>;
    try {
      got = await this.sampler(pids);
    } catch {
      got = new Map();
    }
    this.samples = got;
    this.sampledPids = new Set(pids);
  }

  close(): void {
    try {
      pidusage.clear();
    } catch {
      // nothing to release
    }
  }
}
