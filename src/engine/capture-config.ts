/** What the parent tells the capture process (plain data, crosses IPC). */
export interface CaptureConfig {
  interfaceName: string;
  filter: string | null;
  /** --net prefixes (validated by the CLI) */
  nets: string[];
  maxRows: number;
  idleMs: number;
  rowLimit: number;
  /** attribute traffic to processes through /proc */
  attribution: boolean;
  /** sleep between drains so packets batch in the kernel ring */
  coalesce: boolean;
  /** publish a snapshot every N seconds */
  publishEverySec: number;
}

/** Messages from the capture process. */
export type ChildMessage =
  | { type: 'snapshot'; snap: import('../core/snapshot.js').Snapshot }
  /** iface: the interface is down or missing (the parent waits for it instead of giving up) */
  | { type: 'error'; message: string; hint: string | null; user: boolean; iface?: boolean }
  | { type: 'end' };

/** Messages to the capture process. */
export type ParentMessage = { type: 'start'; config: CaptureConfig } | { type: 'command'; command: import('./snapshot-feed.js').EngineCommand };
