/**
 * DESIGN §2 matching, as pure functions over a SocketTable:
 *   TCP: 4-tuple → listener on local ip:port → wildcard listener (0.0.0.0, ::)
 *   UDP: connected 4-tuple → bound local ip:port → wildcard (0.0.0.0, ::)
 * Each rule is tried in every namespace (ours first) before the next rule,
 * so an exact socket in a peer namespace beats a wildcard in ours. A wildcard
 * only matches in a namespace the address is local to (when that is known):
 * a host-side 0.0.0.0:80 must not claim a packet to a container's address.
 */
import { Proto } from './proc-net-parser.js';
import type { SocketEntry } from './proc-net-parser.js';
import { addrKey, tupleKey, V4_ANY_KEY, V6_ANY_KEY, type NamespaceTable, type SocketTable } from './socket-table.js';

export type MatchRule = 'tuple' | 'local' | 'wildcard';

export interface Match {
  entry: SocketEntry;
  ns: NamespaceTable;
  rule: MatchRule;
}

function isV4Mapped(w: ArrayLike<number>): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

/** Multicast and broadcast destinations are delivered to wildcard sockets of any namespace on the path. */
function isGroupAddress(w: ArrayLike<number>): boolean {
  if (isV4Mapped(w)) {
    const v = w[3]! >>> 0;
    return v >>> 28 === 0xe || v === 0xffffffff;
  }
  return w[0]! >>> 24 === 0xff;
}

function wildcardAllowed(ns: NamespaceTable, key: string, group: boolean, table: SocketTable): boolean {
  if (group || ns.localAddrs === null || ns.localAddrs.has(key)) return true;
  if (!ns.own) return false;
  // Our namespace is the fallback for addresses no other namespace claims (DNAT, --net …).
  for (const other of table.namespaces) {
    if (other !== ns && other.localAddrs?.has(key)) return false;
  }
  return true;
}

/**
 * All matching sockets in precedence order (usually zero or one; more when a
 * tuple hit has no owner yet and a listener may stand in for it).
 */
export function findCandidates(
  table: SocketTable,
  proto: number,
  local: ArrayLike<number>,
  localPort: number,
  remote: ArrayLike<number>,
  remotePort: number,
): Match[] {
  const out: Match[] = [];
  if (proto !== Proto.TCP && proto !== Proto.UDP) return out;
  const tcp = proto === Proto.TCP;
  const nss = table.namespaces;
  if (nss.length === 0) return out;

  const tk = tupleKey(local, localPort, remote, remotePort);
  for (const ns of nss) {
    const e = (tcp ? ns.tcpConn : ns.udpConn).get(tk);
    if (e) out.push({ entry: e, ns, rule: 'tuple' });
  }

  const lk = addrKey(local);
  const exactKey = `${lk}/${localPort}`;
  for (const ns of nss) {
    const e = (tcp ? ns.tcpListen : ns.udpBound).get(exactKey);
    if (e) out.push({ entry: e, ns, rule: 'local' });
  }

  const v4 = isV4Mapped(local);
  const group = isGroupAddress(local);
  const v4Key = `${V4_ANY_KEY}/${localPort}`;
  const v6Key = `${V6_ANY_KEY}/${localPort}`;
  for (const ns of nss) {
    const map = tcp ? ns.tcpListen : ns.udpBound;
    if (map.size === 0 || !wildcardAllowed(ns, lk, group, table)) continue;
    if (v4) {
      const e = map.get(v4Key);
      if (e) out.push({ entry: e, ns, rule: 'wildcard' });
    }
    // An IPv4 packet reaches a dual-stack :: socket as ::ffff:a.b.c.d.
    // (IPV6_V6ONLY is not visible in /proc; dual-stack is the Linux default.)
    const e6 = map.get(v6Key);
    if (e6) out.push({ entry: e6, ns, rule: 'wildcard' });
  }
  return out;
}

/** The first match by the rules, ignoring whether its process is known. */
export function matchSocket(
  table: SocketTable,
  proto: number,
  local: ArrayLike<number>,
  localPort: number,
  remote: ArrayLike<number>,
  remotePort: number,
): Match | null {
  return findCandidates(table, proto, local, localPort, remote, remotePort)[0] ?? null;
}
