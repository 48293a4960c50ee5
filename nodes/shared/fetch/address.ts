import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a fetch from the n8n host may not reach unless the user allows private network
 * addresses: everything that is not the public internet (loopback, private, link-local, CGNAT,
 * unique-local IPv6, multicast, reserved), the cloud metadata addresses, and IPv6 forms that
 * embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) whatever they embed.
 */
const RANGES: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
	['0.0.0.0', 8, 'ipv4', 'this-network'],
	['10.0.0.0', 8, 'ipv4', 'private'],
	['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT (and metadata)'],
	['127.0.0.0', 8, 'ipv4', 'loopback'],
	['169.254.0.0', 16, 'ipv4', 'link-local (and metadata)'],
	['172.16.0.0', 12, 'ipv4', 'private'],
	['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
	['192.0.2.0', 24, 'ipv4', 'documentation'],
	['192.88.99.0', 24, 'ipv4', '6to4 relay'],
	['192.168.0.0', 16, 'ipv4', 'private'],
	['198.18.0.0', 15, 'ipv4', 'benchmarking'],
	['198.51.100.0', 24, 'ipv4', 'documentation'],
	['203.0.113.0', 24, 'ipv4', 'documentation'],
	['224.0.0.0', 4, 'ipv4', 'multicast'],
	['240.0.0.0', 4, 'ipv4', 'reserved'],
	['::', 128, 'ipv6', 'unspecified'],
	['::1', 128, 'ipv6', 'loopback'],
	['::', 96, 'ipv6', 'IPv4-compatible'],
	['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped'],
	['64:ff9b::', 96, 'ipv6', 'NAT64'],
	['64:ff9b:1::', 48, 'ipv6', 'NAT64'],
	['100::', 64, 'ipv6', 'discard'],
	['2001:db8::', 32, 'ipv6', 'documentation'],
	['2002::', 16, 'ipv6', '6to4'],
	['fc00::', 7, 'ipv6', 'unique-local (and metadata)'],
	['fe80::', 10, 'ipv6', 'link-local'],
	['fec0::', 10, 'ipv6', 'site-local'],
	['ff00::', 8, 'ipv6', 'multicast'],
];

const lists = RANGES.map(([net, prefix, family, reason]) => {
	const list = new BlockList();
	list.addSubnet(net, prefix, family);
	return { list, family, reason };
});

/**
 * Why an IP address is not on the public internet ("loopback", "private", ...), or undefined for
 * a public address. Anything that is not a valid IP address counts as not public.
 */
export function nonPublicReason(address: string): string | undefined {
	const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	const family = isIP(bare);
	if (family === 0) return 'not an IP address';
	const type = family === 4 ? 'ipv4' : 'ipv6';
	// only the rules of the address's own family: BlockList also matches IPv4 against IPv6 rules
	// through the IPv4-mapped form, and an IPv4-mapped IPv6 address against IPv4 rules
	for (const { list, family: ruleFamily, reason } of lists) {
		if (ruleFamily === type && list.check(bare, type)) return reason;
	}
	return undefined;
}
