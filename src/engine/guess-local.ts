import { FileSource } from '../capture/file-source.js';
import { KeyTable } from '../core/key-table.js';
import { isGroupAddress } from '../core/local-addresses.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { DecodeStatus, PacketInfo } from '../decode/packet-info.js';
import { formatAddress } from '../util/address.js';

const SAMPLE = 20_000;

/**
 * DESIGN §2: for a file without --net, "local" is the address seen in the most
 * packets among the first SAMPLE frames (ties: the lowest address). Returns
 * null when no IP was seen. Counts by numeric key: this runs before every
 * `-r` without --net, on the user's clock.
 */
export async function guessLocalAddress(path: string): Promise<string | null> {
  const info = new PacketInfo();
  const table = new KeyTable(4, 2 * SAMPLE, 256);
  let counts = new Int32Array(table.rowCapacity);
  table.onGrow = (cap) => {
    const c = new Int32Array(cap);
    c.set(counts);
    counts = c;
  };
  const count = (w: Uint32Array): void => {
    if (isGroupAddress(w)) return;
    table.scratch.set(w);
    const h = table.hashScratch();
    let id = table.find(h);
    if (id < 0) id = table.insert(h);
    if (id >= 0) counts[id]!++;
  };
  let seen = 0;
  const source = new FileSource(path, { onWarning: () => undefined, chunkSize: 1 << 20 });
  await source.run({
    frame(buf, offset, capLen, _orig, _ts, linkType) {
      if (++seen > SAMPLE) return source.stop();
      if (decodeFrame(buf, offset, capLen, linkType, info) !== DecodeStatus.OK) return;
      count(info.src);
      count(info.dst);
    },
  });
  let best = -1;
  const words = new Uint32Array(4);
  const bestWords = new Uint32Array(4);
  for (let id = 0; id < table.idLimit; id++) {
    if (!table.isLive(id)) continue;
    for (let i = 0; i < 4; i++) words[i] = table.keyWord(id, i);
    if (best < 0 || counts[id]! > counts[best]! || (counts[id] === counts[best] && lowerWords(words, bestWords))) {
      best = id;
      bestWords.set(words);
    }
  }
  return best < 0 ? null : formatAddress(bestWords);
}

function lowerWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
