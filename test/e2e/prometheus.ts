import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Path of the prometheus binary (Debian package `prometheus`), or null. */
export const prometheusBinary: string | null = (() => {
  const r = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
})();

/** A loopback TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
