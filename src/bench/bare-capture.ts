/**
 * The floors under wiretop's capture process, as the live bench's references:
 * the same LiveSource (cap, the same ring, the same coalescing naps) in a
 * process of its own, with a sink that
 * - only counts frames (default): cap's per-packet call into JS, libpcap's ring
 *   walk, the wake-ups;
 * - `--decode`: also decodes every frame (wiretop's decoder, no counting);
 * - `--engine ADDR`: feeds wiretop's Engine (decode and count, ADDR local; the
 *   warm-up and the timer that closes seconds as in the capture process, but no
 *   attribution, no snapshots sent anywhere).
 * Run: node dist/bench/bare-capture.js IFACE [--decode | --engine ADDR] (stops on SIGTERM).
 */
import type { FrameSink } from '../capture/packet-source.js';
import { LiveSource } from '../capture/live-source.js';
import { LocalAddresses } from '../core/local-addresses.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { DecodeStatus, PacketInfo } from '../decode/packet-info.js';
import { Engine } from '../engine/engine.js';
import { warmUpEngine } from '../engine/warm-up.js';
import { parseAddress } from '../util/address.js';
import { monotonicClock } from '../util/clock.js';

const [iface, mode, arg] = process.argv.slice(2);
const local = mode === '--engine' && arg !== undefined ? parseAddress(arg) : null;
if (!iface || !(mode === undefined || mode === '--decode' || local !== null) || process.argv.length > (local ? 5 : mode ? 4 : 3)) {
  process.stderr.write('usage: bare-capture IFACE [--decode | --engine LOCAL_ADDRESS]\n');
  process.exit(2);
}
let frames = 0;
let decoded = 0;
let sink: FrameSink;
let timer: NodeJS.Timeout | null = null;
if (local !== null) {
  warmUpEngine();
  const locals = new LocalAddresses();
  locals.addAddress(local);
  const engine = new Engine({ interfaceName: iface, filter: null, localLabel: arg!, local: locals, resolver: null, startMs: monotonicClock(), onSnapshot: () => undefined });
  engine.advanceOnPackets = false;
  timer = setInterval(() => engine.advanceTo(Math.floor(monotonicClock() / 1000)), 200);
  sink = engine;
} else if (mode === '--decode') {
  const info = new PacketInfo();
  sink = {
    frame(buf, offset, capLen, _origLen, _tsMs, linkType): void {
      frames++;
      // the status is used, so the decode cannot be optimized away
      if (decodeFrame(buf, offset, capLen, linkType, info) === DecodeStatus.OK) decoded++;
    },
  };
} else {
  sink = {
    frame(): void {
      frames++;
    },
  };
}
const source = new LiveSource({ interfaceName: iface, filter: null, clock: monotonicClock, coalesce: true });
process.on('SIGTERM', () => source.stop());
source
  .run(sink)
  .then(
    () => {
      if (timer) clearInterval(timer);
      process.stdout.write(mode === '--decode' ? `${frames} ${decoded}\n` : `${source.stats().frames}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`bare-capture: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
