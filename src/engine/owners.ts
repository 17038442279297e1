import { StatsStore } from '../core/stats-store.js';
import { OwnerClass, type OwnerClassName, type ProcessInfo } from '../procs/owner.js';

/**
 * The processes pane's rows: one per process (pid + start time, so a reused
 * pid is a new row) and one per class of DESIGN §2. Few rows, keyed by
 * string; touched per packet only through the numeric id cached on the
 * connection row.
 */
export class Owners {
  readonly stats: StatsStore;
  private ids = new Map<string, number>();
  private keys: (string | undefined)[] = [];
  private infos: (ProcessInfo | null)[] = [];
  private free: number[] = [];
  private capacity = 64;
  private next = 0;
  readonly classIds: Record<OwnerClassName | '(other)', number>;

  constructor() {
    this.stats = new StatsStore(this.capacity);
    this.classIds = {
      [OwnerClass.NO_LISTENER]: this.ensure(OwnerClass.NO_LISTENER, null),
      [OwnerClass.KERNEL]: this.ensure(OwnerClass.KERNEL, null),
      [OwnerClass.FORWARDED]: this.ensure(OwnerClass.FORWARDED, null),
      [OwnerClass.UNKNOWN]: this.ensure(OwnerClass.UNKNOWN, null),
      '(other)': this.ensure('(other)', null),
    } as Record<OwnerClassName | '(other)', number>;
  }

  static processKey(p: ProcessInfo): string {
    return `${p.pid}:${p.startTime}`;
  }

  forProcess(p: ProcessInfo): number {
    const id = this.ensure(Owners.processKey(p), p);
    this.infos[id] = p; // details may have been refreshed
    return id;
  }

  private ensure(key: string, info: ProcessInfo | null): number {
    const have = this.ids.get(key);
    if (have !== undefined) return have;
    let id = this.free.pop();
    if (id === undefined) {
      id = this.next++;
      if (id >= this.capacity) {
        this.capacity *= 2;
        this.stats.grow(this.capacity);
      }
    }
    this.stats.reset(id);
    this.ids.set(key, id);
    this.keys[id] = key;
    this.infos[id] = info;
    return id;
  }

  isClass(id: number): boolean {
    return this.infos[id] === null;
  }

  key(id: number): string {
    return this.keys[id]!;
  }

  info(id: number): ProcessInfo | null {
    return this.infos[id] ?? null;
  }

  get idLimit(): number {
    return this.next;
  }

  isLive(id: number): boolean {
    return this.keys[id] !== undefined;
  }

  /** Drop a process row that has been idle (class rows stay). */
  evict(id: number): void {
    const key = this.keys[id];
    if (key === undefined || this.infos[id] === null) return;
    this.ids.delete(key);
    this.keys[id] = undefined;
    this.infos[id] = null;
    this.free.push(id);
  }
}
