/**
 * The capture alone, as the live bench's reference: the same LiveSource (cap,
 * the same ring, the same coalescing naps) in a process of its own, with a sink
 * that only counts. What it costs per packet is the floor under wiretop's
 * capture process: cap's per-packet call into JS, libpcap's ring walk, the
 * wake-ups. With `--decode` the sink also decodes every frame (wiretop's
 * decoder, no counting): the floor with the headers read.
 * Run: node dist/bench/bare-capture.js IFACE [--decode] (stops on SIGTERM).
 */
import type { FrameSink } from '../capture/packet-source.js';
import { LiveSource } from '../capture/live-source.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { DecodeStatus, PacketInfo } from '../decode/packet-info.js';
import { monotonicClock } from '../util/clock.js';

const iface = process.argv[2];
const decode = process.argv[3] === '--decode';
if (!iface || (process.argv[3] !== undefined && !decode)) {
  process.stderr.write('usage: bare-capture IFACE [--decode]\n');
  process.exit(2);
}
let frames = 0;
let decoded = 0;
const info = new PacketInfo();
const sink: FrameSink = decode
  ? {
      frame(buf, offset, capLen, _origLen, _tsMs, linkType): void {
        frames++;
        // the status is used, so the decode cannot be optimized away
        if (decodeFrame(buf, offset, capLen, linkType, info) === DecodeStatus.OK) decoded++;
      },
    }
  : {
      frame(): void {
        frames++;
      },
    };
const source = new LiveSource({ interfaceName: iface, filter: null, clock: monotonicClock, coalesce: true });
process.on('SIGTERM', () => source.stop());
source
  .run(sink)
  .then(
    () => process.stdout.write(decode ? `${frames} ${decoded}\n` : `${frames}\n`),
    (err: unknown) => {
      process.stderr.write(`bare-capture: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
