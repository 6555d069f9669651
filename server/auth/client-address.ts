/**
 * The client address of a request. X-Forwarded-For is believed only from trusted proxies
 * (TRUSTED_PROXIES): walking the header from the right, the first address that is not a trusted
 * proxy is the client. Anything else would let a client pick its own address, and with it its
 * own per-address connection budget.
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
function normalise(address: string): string {
	return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** An X-Forwarded-For hop, without a port ("1.2.3.4:80", "[::1]:80") if a proxy added one. */
function hopAddress(hop: string): string | undefined {
	let value = hop.trim();
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
	if (bracketed) value = bracketed[1];
	else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
	return net.isIP(value) ? normalise(value) : undefined;
}

export type ClientAddressOf = (req: IncomingMessage) => string;

/**
 * Whether an address (as a socket reports it) is one of the trusted proxies. Entries are
 * addresses, CIDR blocks or "loopback" (as validated by server/config.ts).
 */
export function createTrustedProxyCheck(trustedProxies: readonly string[]): (address: string) => boolean {
	const trusted = new net.BlockList();
	for (const entry of trustedProxies) {
		if (entry === 'loopback') {
			trusted.addSubnet('127.0.0.0', 8, 'ipv4');
			trusted.addAddress('::1', 'ipv6');
			continue;
		}
		const [address, bits] = entry.split('/');
		const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
		if (bits === undefined) trusted.addAddress(address, family);
		else trusted.addSubnet(address, Number(bits), family);
	}
	return (raw) => {
		const address = normalise(raw);
		return net.isIP(address) !== 0 && trusted.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6');
	};
}

export function createClientAddressResolver(trustedProxies: readonly string[]): ClientAddressOf {
	const isTrusted = createTrustedProxyCheck(trustedProxies);

	return (req) => {
		let client = normalise(req.socket.remoteAddress ?? 'unknown');
		if (trustedProxies.length === 0 || !net.isIP(client) || !isTrusted(client)) return client;
		const header = req.headers['x-forwarded-for'];
		const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').filter((h) => h.trim());
		for (let i = hops.length - 1; i >= 0; i--) {
			const hop = hopAddress(hops[i]);
			if (!hop) return client; // garbled: stop at the last address we can vouch for
			client = hop;
			if (!isTrusted(hop)) return hop;
		}
		return client;
	};
}

/** The IPv6 network a client counts as one by, unless IPV6_LIMIT_PREFIX says otherwise. */
export const DEFAULT_IPV6_LIMIT_PREFIX = 64;

/**
 * The key a per-address limit counts under: an IPv4 address as it is, an IPv6 address by its
 * network (its first `ipv6Prefix` bits, 32 to 64). One IPv6 host is usually given a whole /64 and
 * may use any address in it, so counted address by address, one machine is as many clients as it
 * likes; a provider that gives each customer a /56 or a /48 gives them as many /64s
 * (IPV6_LIMIT_PREFIX).
 */
export function addressLimitKey(address: string, ipv6Prefix = DEFAULT_IPV6_LIMIT_PREFIX): string {
	if (net.isIPv6(address)) {
		const groups = expandIPv6(address);
		if (groups) {
			const whole = Math.floor(ipv6Prefix / 16);
			const kept = groups.slice(0, whole);
			const bits = ipv6Prefix % 16;
			if (bits > 0) kept.push((parseInt(groups[whole], 16) & (0xffff << (16 - bits)) & 0xffff).toString(16));
			return `${kept.join(':')}::/${ipv6Prefix}`;
		}
	}
	return address;
}

export type ClientNetworkOf = (req: IncomingMessage) => string;

/** The key a request's client counts under for per-address limits (addressLimitKey of its address). */
export function clientNetworkResolver(clientAddressOf: ClientAddressOf, ipv6Prefix = DEFAULT_IPV6_LIMIT_PREFIX): ClientNetworkOf {
	return (req) => addressLimitKey(clientAddressOf(req), ipv6Prefix);
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros; undefined for an embedded IPv4 form. */
function expandIPv6(address: string): string[] | undefined {
	const [head, tail, extra] = address.toLowerCase().split('::');
	if (extra !== undefined || address.includes('.')) return undefined;
	const left = head ? head.split(':') : [];
	const right = tail === undefined ? [] : tail ? tail.split(':') : [];
	const missing = 8 - left.length - right.length;
	if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
	return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
