import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/user-error.js';
import { FIXTURES, readBytes } from '../capture/collect.js';

/**
 * Random and mutated capture files through the streaming reader (the same
 * path FileSource uses): only UserError may escape, work is bounded, and
 * every delivered frame lies inside its buffer (CollectSink throws a plain
 * Error otherwise, which would fail the property).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const fixtures = ['eth-us.pcap', 'eth-be.pcap', 'eth-ns.pcap', 'sll-any.pcap', 'eth-ns.pcapng', 'multi.pcapng', 'writer-mixed.pcapng', 'eth-dsb.pcapng'].map(
  (n) => readFileSync(FIXTURES + n),
);

const magics = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x34, 0xcd, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

async function check(bytes: Uint8Array, chunk: number): Promise<void> {
  const { recs, warnings, error } = await readBytes(bytes, chunk, false);
  if (error !== null && !(error instanceof UserError)) throw error;
  if (error instanceof UserError) expect(error.message).not.toContain('\n');
  expect(warnings.length).toBeLessThanOrEqual(1);
  // Every record or block takes at least 12 bytes of the file.
  expect(recs.length).toBeLessThanOrEqual(Math.floor(bytes.length / 12));
}

const chunkArb = fc.oneof(fc.constantFrom(1, 3, 16, 4096, 1 << 20), fc.integer({ min: 1, max: 9000 }));

describe('capture readers under fuzzing', () => {
  it('random bytes behind a valid magic', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 600 }), chunkArb, async (magic, tail, chunk) => {
        await check(Uint8Array.from([...magic, ...tail]), chunk);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('real fixtures with flipped bytes, overwritten length fields and cuts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: fixtures.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1, 3, 0xfff0, 0x7fffffff, 0xffffffff, 0x04000000)), { maxLength: 3 }),
        fc.option(fc.nat()),
        chunkArb,
        async (which, flips, words, cut, chunk) => {
          const bytes = Buffer.from(fixtures[which]!);
          for (const [at, x] of flips) bytes[at % bytes.length]! ^= x;
          for (const [at, v] of words) {
            const o = (at % Math.floor(bytes.length / 4)) * 4;
            bytes.writeUInt32LE(v >>> 0, o);
          }
          const end = cut === null ? bytes.length : cut % (bytes.length + 1);
          await check(bytes.subarray(0, end), chunk);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('purely random bytes: not a capture (UserError) or a harmless prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), chunkArb, async (bytes, chunk) => {
        await check(bytes, chunk);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
