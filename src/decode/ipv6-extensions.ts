/** Extension headers walked before giving up: real packets carry two or three. */
const MAX_EXTENSION_HEADERS = 16;

/**
 * Result of walkIpv6Extensions besides its return value, kept in one
 * preallocated array so the walk allocates nothing:
 * [0] upper-layer protocol, [1] 1 when a fragment header was seen,
 * [2] 1 when that fragment is not the first (no upper-layer header follows).
 */
export const ipv6Walk = new Int32Array(3);

/**
 * Skips the extension headers that start at `offset` with next-header
 * `nextHeader`. Returns the offset of the upper-layer header (ipv6Walk says
 * which), or -1 when a header runs past `end` or the chain is too long.
 * Stops at anything that is not an extension header it can skip: ESP (50)
 * and no-next-header (59) included.
 */
export function walkIpv6Extensions(buf: Buffer, offset: number, end: number, nextHeader: number): number {
  let q = offset;
  let nh = nextHeader;
  ipv6Walk[1] = 0;
  ipv6Walk[2] = 0;
  for (let i = 0; i < MAX_EXTENSION_HEADERS; i++) {
    switch (nh) {
      case 0: // hop-by-hop options
      case 43: // routing
      case 60: // destination options
      case 135: // mobility
      case 139: // HIP
      case 140: // shim6
        if (q + 2 > end) return -1;
        nh = buf[q]!;
        q += (buf[q + 1]! + 1) << 3;
        if (q > end) return -1;
        break;
      case 51: // AH: length in 4-byte units, minus 2
        if (q + 2 > end) return -1;
        nh = buf[q]!;
        q += (buf[q + 1]! + 2) << 2;
        if (q > end) return -1;
        break;
      case 44: // fragment
        if (q + 8 > end) return -1;
        nh = buf[q]!;
        ipv6Walk[1] = 1;
        if (((buf[q + 2]! << 8) | (buf[q + 3]! & 0xf8)) !== 0) {
          ipv6Walk[0] = nh;
          ipv6Walk[2] = 1;
          return q + 8;
        }
        q += 8;
        break;
      default:
        ipv6Walk[0] = nh;
        return q;
    }
  }
  return -1;
}
