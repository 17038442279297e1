/**
 * The capture alone, as the live bench's reference: the same LiveSource (cap,
 * the same ring, the same coalescing naps) in a process of its own, with a sink
 * that only counts. What it costs per packet is the floor under wiretop's
 * capture process: cap's per-packet call into JS, libpcap's ring walk, the
 * wake-ups. Run: node dist/bench/bare-capture.js IFACE (stops on SIGTERM).
 */
import { LiveSource } from '../capture/live-source.js';
import { monotonicClock } from '../util/clock.js';

const iface = process.argv[2];
if (!iface) {
  process.stderr.write('usage: bare-capture IFACE\n');
  process.exit(2);
}
let frames = 0;
const source = new LiveSource({ interfaceName: iface, filter: null, clock: monotonicClock, coalesce: true });
process.on('SIGTERM', () => source.stop());
source
  .run({
    frame(): void {
      frames++;
    },
  })
  .then(
    () => process.stdout.write(`${frames}\n`),
    (err: unknown) => {
      process.stderr.write(`bare-capture: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
