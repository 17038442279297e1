/**
 * Look at the TUI without capturing anything: a synthetic feed of a few
 * moving hosts and processes, one snapshot a second.
 *   npx tsc -p tsconfig.json && node dist/ui/dev-preview.js
 *   tmux new -d -s t -x 120 -y 36 'node dist/ui/dev-preview.js'; tmux capture-pane -p -t t
 */
import type { ConnectionRow, HostRow, ProcessRow, Snapshot } from '../core/snapshot.js';
import type { EngineCommand, SnapshotFeed } from '../engine/snapshot-feed.js';
import { runTui } from './run-tui.js';

interface Actor {
  address: string;
  family: 4 | 6;
  pid: number | null;
  name: string;
  user: string | null;
  localPort: number;
  remotePort: number;
  proto: string;
  rx: number;
  tx: number;
  period: number;
}

const ACTORS: Actor[] = [
  { address: '198.18.0.2', family: 4, pid: 1234, name: 'nginx', user: 'www-data', localPort: 443, remotePort: 51000, proto: 'tcp', rx: 60_000, tx: 2_400_000, period: 7 },
  { address: '198.18.0.77', family: 4, pid: 53, name: 'named', user: 'bind', localPort: 53, remotePort: 40000, proto: 'udp', rx: 40_000, tx: 900_000, period: 11 },
  { address: '198.18.5.9', family: 4, pid: 4321, name: 'restic', user: 'backup', localPort: 40222, remotePort: 443, proto: 'tcp', rx: 30_000, tx: 5_000_000, period: 23 },
  { address: 'fd00::5', family: 6, pid: 1234, name: 'nginx', user: 'www-data', localPort: 443, remotePort: 52000, proto: 'tcp', rx: 20_000, tx: 300_000, period: 5 },
  { address: '198.18.0.66', family: 4, pid: null, name: '<no listener>', user: null, localPort: 22, remotePort: 61000, proto: 'tcp', rx: 4_000, tx: 2_000, period: 3 },
  { address: '198.18.0.1', family: 4, pid: null, name: '<kernel>', user: null, localPort: 0, remotePort: 0, proto: 'icmp', rx: 500, tx: 500, period: 13 },
  { address: 'fd00::99', family: 6, pid: 777, name: 'sshd', user: 'root', localPort: 22, remotePort: 50022, proto: 'tcp', rx: 3_000, tx: 9_000, period: 17 },
];

class SyntheticFeed implements SnapshotFeed {
  private snapListeners: ((s: Snapshot) => void)[] = [];
  private endListeners: ((e: Error | null) => void)[] = [];
  private timer: NodeJS.Timeout;
  private seq = 0;
  private readonly cumulative = new Map<string, { rx: number; tx: number }>();
  private readonly history = new Map<string, number[]>();

  constructor() {
    this.timer = setInterval(() => this.tick(), 1000);
    setImmediate(() => this.tick());
  }

  onSnapshot(listener: (snap: Snapshot) => void): void {
    this.snapListeners.push(listener);
  }
  onEnd(listener: (error: Error | null) => void): void {
    this.endListeners.push(listener);
  }
  send(_command: EngineCommand): void {}
  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  private rate(key: string, now: number, window: number): number {
    const h = this.history.get(key) ?? [];
    const last = h.slice(-window);
    return last.length === 0 ? now : last.reduce((a, b) => a + b, 0) / last.length;
  }

  private tick(): void {
    this.seq++;
    const t = this.seq;
    const hosts = new Map<string, HostRow>();
    const procs = new Map<string, ProcessRow>();
    const conns: ConnectionRow[] = [];
    for (const a of ACTORS) {
      const wave = 0.55 + 0.45 * Math.sin((2 * Math.PI * t) / a.period);
      const rx1 = Math.round(a.rx * wave);
      const tx1 = Math.round(a.tx * wave);
      const stats = (key: string) => {
        const hist = this.history.get(`${key}:rx`) ?? [];
        hist.push(rx1);
        if (hist.length > 40) hist.shift();
        this.history.set(`${key}:rx`, hist);
        const histT = this.history.get(`${key}:tx`) ?? [];
        histT.push(tx1);
        if (histT.length > 40) histT.shift();
        this.history.set(`${key}:tx`, histT);
        const c = this.cumulative.get(key) ?? { rx: 0, tx: 0 };
        c.rx += rx1;
        c.tx += tx1;
        this.cumulative.set(key, c);
        const r = (w: number) => this.rate(`${key}:rx`, rx1, w);
        const x = (w: number) => this.rate(`${key}:tx`, tx1, w);
        return {
          rx1, tx1, rx2: r(2), tx2: x(2), rx10: r(10), tx10: x(10), rx40: r(40), tx40: x(40),
          peak: (a.rx + a.tx), rxBytes: c.rx, txBytes: c.tx, packets: t * 10, lastSeen: Date.now(),
        };
      };
      const processKey = a.pid === null ? a.name : `${a.pid}:1`;
      const local = a.family === 6 ? `[fd00::1]:${a.localPort}` : `198.18.0.1:${a.localPort}`;
      const remote = a.family === 6 ? `[${a.address}]:${a.remotePort}` : `${a.address}:${a.remotePort}`;
      const connKey = `${a.proto} ${local} ${remote}`;
      conns.push({ key: connKey, proto: a.proto, local, remote, hostKey: a.address, processKey, pid: a.pid, process: a.name, ...stats(connKey) });
      hosts.set(a.address, {
        key: a.address, host: a.address, family: a.family, transit: false, localPorts: a.name === '<no listener>' ? 1 + (t % 40) : 1,
        processKeys: [processKey], ...stats(`h:${a.address}`),
      });
      const prev = procs.get(processKey);
      if (prev) {
        prev.connections++;
      } else {
        procs.set(processKey, {
          key: processKey, pid: a.pid, name: a.name, cmdline: a.name, user: a.user, netns: null, connections: 1, gone: false,
          cpu: a.pid === null ? null : Math.round(wave * 300) / 10, memory: a.pid === null ? null : 40 * 1024 * 1024,
          ...stats(`p:${processKey}`),
        });
      }
    }
    const hs = [...hosts.values()];
    const sum = (f: (h: HostRow) => number) => hs.reduce((s, h) => s + f(h), 0);
    const snap: Snapshot = {
      seq: t, time: Date.now(), elapsed: t, interface: 'demo0', filter: null, local: '198.18.0.1, fd00::1',
      totals: {
        rx1: sum((h) => h.rx1), tx1: sum((h) => h.tx1), rx2: sum((h) => h.rx2), tx2: sum((h) => h.tx2),
        rx10: sum((h) => h.rx10), tx10: sum((h) => h.tx10), rx40: sum((h) => h.rx40), tx40: sum((h) => h.tx40),
        peak: sum((h) => h.peak), rxBytes: sum((h) => h.rxBytes), txBytes: sum((h) => h.txBytes), transitBytes: 0,
        packets: t * 70, malformed: 0, dropped: 0,
      },
      hosts: hs, processes: [...procs.values()], connections: conns, notices: [],
    };
    for (const l of this.snapListeners) l(snap);
  }
}

runTui(new SyntheticFeed(), { title: 'wiretop (preview)' }).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
