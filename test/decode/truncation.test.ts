import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { DecodeStatus, LinkType, PacketInfo } from '../../src/decode/packet-info.js';
import { FIXTURES, UNLISTED } from './fixture-table.js';
import { type View, view } from './helpers.js';

const { MALFORMED } = DecodeStatus;
const INNER_FIELDS = ['hasInner', 'innerProtocol', 'innerSrcPort', 'innerDstPort'] as const;

function withoutInner(v: View): Omit<View, (typeof INNER_FIELDS)[number]> {
  const { hasInner: _a, innerProtocol: _b, innerSrcPort: _c, innerDstPort: _d, ...rest } = v;
  return rest;
}

describe('every real frame cut at every length', () => {
  it('lists every fixture', () => {
    expect(UNLISTED).toEqual([]);
  });

  for (const f of FIXTURES) {
    it(f.name, () => {
      const full = Buffer.from(f.hex, 'hex');
      const out = new PacketInfo();
      decodeFrame(full, 0, full.length, f.linkType, out);
      const whole = view(out);
      expect(whole.status).not.toBe(MALFORMED);
      expect(f.headersEnd).toBeLessThanOrEqual(full.length);

      for (let cut = 0; cut <= full.length; cut++) {
        // Cut through capLen inside the whole buffer: bytes past the cut are
        // there but must not be read, so this equals decoding an exact copy.
        let status = -1;
        expect(() => {
          status = decodeFrame(full, 0, cut, f.linkType, out);
        }).not.toThrow();
        const cutView = view(out);
        decodeFrame(Buffer.from(full.subarray(0, cut)), 0, cut, f.linkType, out);
        expect(view(out), `cut ${cut}`).toEqual(cutView);
        expect(status).toBe(cutView.status);

        if (cut < f.headersEnd) {
          expect(cutView.status, `cut ${cut}`).toBe(MALFORMED);
          // Link-level facts survive for the engine to pick a direction.
          if (f.linkType === LinkType.ETHERNET && cut >= 12) expect(cutView.srcMacOffset).toBe(6);
          if (f.linkType === LinkType.LINUX_SLL && cut >= 2) expect(cutView.pktType).toBe(whole.pktType);
          if (f.linkType === LinkType.LINUX_SLL2 && cut >= 11) expect(cutView.pktType).toBe(whole.pktType);
        } else if (f.innerEnd !== undefined && cut < f.innerEnd) {
          expect(withoutInner(cutView), `cut ${cut}`).toEqual(withoutInner(whole));
          expect(cutView.hasInner).toBe(false);
        } else {
          expect(cutView, `cut ${cut}`).toEqual(whole);
        }
      }
    });
  }
});
