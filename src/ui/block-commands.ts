import { parseAddress } from '../util/address.js';

/**
 * Ready-to-paste commands that would block a host or network. They are only
 * shown, never run: the operator reads them, then decides.
 */
export function blockCommands(target: string, family: 4 | 6): string[] {
  const [address, prefix] = target.split('/');
  if (!address || !parseAddress(address) || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
    return [`# ${target} is not a single address or network; nothing to block`];
  }
  const ip = family === 6 ? 'ip6' : 'ip';
  const set = family === 6 ? 'wiretop-block6' : 'wiretop-block';
  const fam = family === 6 ? 'inet6' : 'inet';
  return [
    `nft add rule inet filter input ${ip} saddr ${target} drop`,
    `ipset create ${set} hash:net family ${fam} -exist`,
    `ipset add ${set} ${target}`,
  ];
}
