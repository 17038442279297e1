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
  const iptables = family === 6 ? 'ip6tables' : 'iptables';
  // Two alternatives, each complete: an ipset with no rule matching it blocks nothing.
  // Comment lines keep the whole block safe to paste into a shell; every line fits 80 columns.
  return [
    '# nftables (table inet filter, chain input):',
    `nft add rule inet filter input ${ip} saddr ${target} drop`,
    '# or iptables + ipset (the rule once; then one ipset add per host):',
    `ipset create ${set} hash:net family ${fam} -exist`,
    `${iptables} -I INPUT -m set --match-set ${set} src -j DROP`,
    `ipset add ${set} ${target}`,
  ];
}
