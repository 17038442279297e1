import { FileSource } from '../capture/file-source.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { DecodeStatus, PacketInfo } from '../decode/packet-info.js';
import { formatAddress } from '../util/address.js';

const SAMPLE = 20_000;

/**
 * DESIGN §2: for a file without --net, "local" is the address seen in the most
 * packets among the first SAMPLE frames. Returns null when no IP was seen.
 */
export async function guessLocalAddress(path: string): Promise<string | null> {
  const info = new PacketInfo();
  const counts = new Map<string, number>();
  let seen = 0;
  const source = new FileSource(path, { onWarning: () => undefined });
  await source.run({
    frame(buf, offset, capLen, _orig, _ts, linkType) {
      if (++seen > SAMPLE) return source.stop();
      if (decodeFrame(buf, offset, capLen, linkType, info) !== DecodeStatus.OK) return;
      for (const w of [info.src, info.dst]) {
        if (w[0]! >>> 24 === 0xff || (w[2] === 0xffff && (w[3]! >>> 28 === 0xe || w[3] === 0xffffffff))) continue;
        const a = formatAddress(w);
        counts.set(a, (counts.get(a) ?? 0) + 1);
      }
    },
  });
  let best: string | null = null;
  let bestCount = 0;
  for (const [a, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== null && a < best)) {
      best = a;
      bestCount = c;
    }
  }
  return best;
}
