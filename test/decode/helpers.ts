import { decodeFrame } from '../../src/decode/decode-frame.js';
import { PacketInfo } from '../../src/decode/packet-info.js';
import { formatAddress } from '../../src/util/address.js';

/** Every PacketInfo field, addresses as text: what the assertions compare. */
export interface View {
  status: number;
  linkType: number;
  linkHeaderLength: number;
  etherType: number;
  vlan: number;
  pktType: number;
  dstMacOffset: number;
  srcMacOffset: number;
  ipVersion: number;
  src: string;
  dst: string;
  ipLength: number;
  protocol: number;
  fragment: boolean;
  laterFragment: boolean;
  hasPorts: boolean;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  icmpType: number;
  icmpCode: number;
  hasInner: boolean;
  innerProtocol: number;
  innerSrcPort: number;
  innerDstPort: number;
}

export function view(out: PacketInfo, macBase = 0): View {
  return {
    status: out.status,
    linkType: out.linkType,
    linkHeaderLength: out.linkHeaderLength,
    etherType: out.etherType,
    vlan: out.vlan,
    pktType: out.pktType,
    // Relative to the frame start, so results at different offsets compare equal.
    dstMacOffset: out.dstMacOffset < 0 ? -1 : out.dstMacOffset - macBase,
    srcMacOffset: out.srcMacOffset < 0 ? -1 : out.srcMacOffset - macBase,
    ipVersion: out.ipVersion,
    src: formatAddress(out.src),
    dst: formatAddress(out.dst),
    ipLength: out.ipLength,
    protocol: out.protocol,
    fragment: out.fragment,
    laterFragment: out.laterFragment,
    hasPorts: out.hasPorts,
    srcPort: out.srcPort,
    dstPort: out.dstPort,
    tcpFlags: out.tcpFlags,
    icmpType: out.icmpType,
    icmpCode: out.icmpCode,
    hasInner: out.hasInner,
    innerProtocol: out.innerProtocol,
    innerSrcPort: out.innerSrcPort,
    innerDstPort: out.innerDstPort,
  };
}

const shared = new PacketInfo();

/** Decodes a whole frame given as hex (or bytes) and returns its view. */
export function decodeHex(frame: string | Buffer, linkType: number): View {
  const buf = typeof frame === 'string' ? Buffer.from(frame, 'hex') : frame;
  decodeFrame(buf, 0, buf.length, linkType, shared);
  return view(shared);
}

export const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

/** TCP flag bits. */
export const FIN = 1;
export const SYN = 2;
export const RST = 4;
export const PSH = 8;
export const ACK = 16;
