/**
 * What the engine publishes once per second: plain data (structured-clone and
 * JSON safe), the only thing that crosses from the capture process to the UI,
 * the headless reporters and the metrics endpoint.
 */

/** Bytes per second over the last 1/2/10/40 seconds, and the peak 2 s rate (rx+tx). */
export interface Rates {
  rx1: number;
  tx1: number;
  rx2: number;
  tx2: number;
  rx10: number;
  tx10: number;
  rx40: number;
  tx40: number;
  peak: number;
}

export interface Cumulative {
  /** bytes since start (or since the row appeared) */
  rxBytes: number;
  txBytes: number;
  packets: number;
  /** snapshot time (ms) of the last packet */
  lastSeen: number;
}

export type RowStats = Rates & Cumulative;

export interface HostRow extends RowStats {
  /** stable identity across snapshots */
  key: string;
  /** remote address; for transit rows "a ⇄ b" */
  host: string;
  /** address family of host: 4 or 6 */
  family: 4 | 6;
  transit: boolean;
  /** distinct local ports this host touched (a scan signature) */
  localPorts: number;
  /** process keys seen talking to this host (for drill-down) */
  processKeys: string[];
}

export interface ProcessRow extends RowStats {
  /** "pid:starttime" for processes, the class name for classes */
  key: string;
  pid: number | null;
  name: string;
  cmdline: string;
  user: string | null;
  netns: string | null;
  connections: number;
  /** the process has exited; its row stays until evicted */
  gone: boolean;
  cpu: number | null;
  memory: number | null;
}

export interface ConnectionRow extends RowStats {
  key: string;
  proto: string;
  local: string;
  remote: string;
  hostKey: string;
  processKey: string;
  pid: number | null;
  process: string;
  /** both ends on this host (a veth to a namespace): the process at the remote end */
  peerProcessKey?: string;
}

export interface Totals extends Rates {
  rxBytes: number;
  txBytes: number;
  transitBytes: number;
  packets: number;
  malformed: number;
  /** packets the capture lost, null when not knowable */
  dropped: number | null;
}

export interface Snapshot {
  /** increases by one per published snapshot */
  seq: number;
  /** epoch ms at the end of the second this snapshot closes (capture time for files) */
  time: number;
  /** seconds of traffic covered so far */
  elapsed: number;
  interface: string;
  filter: string | null;
  /** what counts as local, as shown to the user (e.g. "guessed 198.18.0.1") */
  local: string;
  totals: Totals;
  hosts: HostRow[];
  processes: ProcessRow[];
  connections: ConnectionRow[];
  /** transient status messages (capture restarted, interface down, …) */
  notices: string[];
}
