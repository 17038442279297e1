// Prints each frame of classic pcap files as one hex line with its link type:
//   node test/decode/dump-pcap.mjs FILE.pcap...
import { readFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  const b = readFileSync(file);
  if (b.length < 24) continue;
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linkType = u32(20);
  let o = 24;
  let n = 0;
  while (o + 16 <= b.length) {
    const incl = u32(o + 8);
    const orig = u32(o + 12);
    const hex = b.subarray(o + 16, o + 16 + incl).toString('hex');
    console.log(`${file} #${n} link=${linkType} len=${incl}/${orig} ${hex}`);
    o += 16 + incl;
    n++;
  }
}
