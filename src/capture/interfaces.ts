import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { LocalAddresses } from '../core/local-addresses.js';
import { parseAddress } from '../util/address.js';
import { UserError } from '../util/user-error.js';

const IFF_UP = 0x1;

function isUp(name: string, sysRoot = '/sys/class/net'): boolean {
  try {
    return (parseInt(readFileSync(`${sysRoot}/${name}/flags`, 'utf8'), 16) & IFF_UP) !== 0;
  } catch {
    return true; // no sysfs (not Linux): trust the address list
  }
}

/** DESIGN §3: the first up, non-loopback interface with an address. */
export function defaultInterface(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (!addrs || addrs.every((a) => a.internal)) continue;
    if (isUp(name)) return name;
  }
  throw new UserError('no network interface is up with an address', 'name one with -i NAME, or -i any; see --list-interfaces');
}

/**
 * Whether capture on `name` can open now: "missing" (deleted, e.g. a veth
 * whose namespace went away), "down" (administratively down), else "up".
 * "any" is always up.
 */
export function interfaceState(name: string, sysRoot = '/sys/class/net'): 'up' | 'down' | 'missing' {
  if (name === 'any') return 'up';
  let flags: string;
  try {
    flags = readFileSync(`${sysRoot}/${name}/flags`, 'utf8');
  } catch {
    return name in networkInterfaces() ? 'up' : 'missing';
  }
  return (parseInt(flags, 16) & IFF_UP) !== 0 ? 'up' : 'down';
}

export function interfaceExists(name: string): boolean {
  if (name === 'any') return true;
  try {
    readFileSync(`/sys/class/net/${name}/flags`);
    return true;
  } catch {
    return name in networkInterfaces();
  }
}

export interface InterfaceListing {
  name: string;
  up: boolean;
  addresses: string[];
}

export function listInterfaces(): InterfaceListing[] {
  const out: InterfaceListing[] = [];
  let names: string[] = [];
  try {
    names = readDirNames('/sys/class/net');
  } catch {
    names = Object.keys(networkInterfaces());
  }
  const addrs = networkInterfaces();
  for (const name of names.sort()) {
    out.push({ name, up: isUp(name), addresses: (addrs[name] ?? []).map((a) => a.cidr ?? a.address) });
  }
  out.push({ name: 'any', up: true, addresses: [] });
  return out;
}

function readDirNames(dir: string): string[] {
  return readdirSync(dir);
}

/** Addresses and MACs of this network namespace, plus subnet broadcasts. */
export function namespaceLocalAddresses(into = new LocalAddresses()): LocalAddresses {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      const w = parseAddress(a.address.replace(/%.*$/, ''));
      if (w) into.addAddress(w);
      if (a.family === 'IPv4' && w && a.netmask) {
        const m = parseAddress(a.netmask);
        if (m) {
          const bcast = new Uint32Array(w);
          bcast[3] = (w[3]! | ~m[3]!) >>> 0;
          into.addAddress(bcast);
        }
      }
      if (a.mac && a.mac !== '00:00:00:00:00:00') into.addMac(parseInt(a.mac.replace(/:/g, ''), 16));
    }
  }
  return into;
}

const ARPHRD_LOOPBACK = 772;

function isLoopback(name: string, sysRoot: string): boolean {
  try {
    return Number(readFileSync(`${sysRoot}/${name}/type`, 'utf8')) === ARPHRD_LOOPBACK;
  } catch {
    return false;
  }
}

/** The kernel's count of packets an interface carried (for the dropped estimate). */
export function kernelPacketCount(name: string, sysRoot = '/sys/class/net'): number | null {
  try {
    const rx = Number(readFileSync(`${sysRoot}/${name}/statistics/rx_packets`, 'utf8'));
    // Loopback counts every packet twice, sent and received; a capture on it sees each once.
    if (isLoopback(name, sysRoot)) return Number.isFinite(rx) ? rx : null;
    const tx = Number(readFileSync(`${sysRoot}/${name}/statistics/tx_packets`, 'utf8'));
    return Number.isFinite(rx + tx) ? rx + tx : null;
  } catch {
    return null;
  }
}
