import type { Lookup, ProcessInfo, SocketResolver } from '../../procs/owner.js';
import { DEMO_PORTS } from './demo-source.js';

const PROCS: Record<string, ProcessInfo> = {
  named: { pid: 812, name: 'named', cmdline: '/usr/sbin/named -u bind -f', user: 'bind', netns: null, startTime: 1200 },
  rsync: { pid: 23110, name: 'rsync', cmdline: 'rsync -az --delete /srv/ backup@198.51.100.20:/vault/web01/', user: 'root', netns: null, startTime: 880_000 },
  ssh: { pid: 23111, name: 'ssh', cmdline: 'ssh -l backup 198.51.100.20 rsync --server -logDtprze.iLsfxCIvu . /vault/web01/', user: 'root', netns: null, startTime: 880_001 },
  nginx: { pid: 1342, name: 'nginx', cmdline: 'nginx: worker process', user: 'www-data', netns: 'web-7f3a9c1e2b4d', startTime: 2100 },
  sshd: { pid: 4051, name: 'sshd', cmdline: 'sshd: admin@pts/0', user: 'admin', netns: null, startTime: 500_000 },
};

/** The demo's stand-in for /proc: fixed processes behind the demo's ports. */
export class DemoResolver implements SocketResolver {
  private gen = 0;
  get generation(): number {
    return this.gen;
  }
  lookup(proto: number, _local: Uint32Array, localPort: number): Lookup {
    if (proto === 17 && localPort === DEMO_PORTS.dns) return { kind: 'process', proc: PROCS.named! };
    if (proto === 6 && localPort === DEMO_PORTS.backupLocal) return { kind: 'process', proc: PROCS.ssh! };
    if (proto === 6 && localPort === DEMO_PORTS.https) return { kind: 'process', proc: PROCS.nginx! };
    if (proto === 6 && localPort === DEMO_PORTS.ssh) return { kind: 'process', proc: PROCS.sshd! };
    return { kind: 'miss', generation: this.gen };
  }
  /** Each request stands for a completed rescan that found nothing new. */
  requestRescan(): void {
    this.gen++;
  }
  close(): void {}
}
