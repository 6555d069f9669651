import type { IncomingMessage } from 'node:http';
import { expect, it } from 'vitest';
import { addressLimitKey, createClientAddressResolver } from '../../server/auth/client-address.ts';

const request = (remoteAddress: string, forwardedFor?: string | string[]) =>
	({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

it('uses the socket address when the peer is not a trusted proxy', () => {
	const addressOf = createClientAddressResolver(['10.0.0.0/8']);
	expect(addressOf(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
	expect(addressOf(request('::ffff:203.0.113.9'))).toBe('203.0.113.9');
	expect(createClientAddressResolver([])(request('127.0.0.1', '198.51.100.1'))).toBe('127.0.0.1');
});

it('walks X-Forwarded-For from the right, past trusted proxies only', () => {
	const addressOf = createClientAddressResolver(['loopback', '10.0.0.0/8', 'fd00::/8']);
	expect(addressOf(request('127.0.0.1', '198.51.100.1'))).toBe('198.51.100.1');
	// A client-supplied first hop is ignored: the first untrusted address from the right wins.
	expect(addressOf(request('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3'))).toBe('198.51.100.1');
	expect(addressOf(request('::1', ['6.6.6.6', '198.51.100.2']))).toBe('198.51.100.2');
	expect(addressOf(request('fd00::5', '[2001:db8::1]:4711'))).toBe('2001:db8::1');
	expect(addressOf(request('127.0.0.1', '198.51.100.3:8080'))).toBe('198.51.100.3');
	// Only trusted hops: the leftmost one; garbage: the last address that could be vouched for.
	expect(addressOf(request('127.0.0.1', '10.0.0.7, 10.0.0.8'))).toBe('10.0.0.7');
	expect(addressOf(request('127.0.0.1', 'not-an-ip'))).toBe('127.0.0.1');
	expect(addressOf(request('127.0.0.1', '198.51.100.4, not-an-ip'))).toBe('127.0.0.1');
	expect(addressOf(request('127.0.0.1'))).toBe('127.0.0.1');
});

it('counts an IPv6 client by its /64 and an IPv4 client by its address', () => {
	expect(addressLimitKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
	expect(addressLimitKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
	expect(addressLimitKey('2001:db8::')).toBe('2001:db8:0:0::/64');
	expect(addressLimitKey('::1')).toBe('0:0:0:0::/64');
	expect(addressLimitKey('203.0.113.9')).toBe('203.0.113.9');
	expect(addressLimitKey('unknown')).toBe('unknown');
	expect(addressLimitKey('::ffff:1.2.3.4')).toBe('::ffff:1.2.3.4'); // embedded IPv4: as it is
});

it('counts an IPv6 client by a shorter network when told to (a provider that gives out /56s or /48s)', () => {
	expect(addressLimitKey('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
	expect(addressLimitKey('2001:db8:1:200::9', 56)).toBe('2001:db8:1:200::/56');
	expect(addressLimitKey('2001:db8:1:300::9', 56)).toBe('2001:db8:1:300::/56');
	expect(addressLimitKey('2001:db8:1:ffff::1', 48)).toBe('2001:db8:1::/48');
	expect(addressLimitKey('2001:db8:1:ffff::1', 60)).toBe('2001:db8:1:fff0::/60');
	expect(addressLimitKey('2001:db8:1:ffff::1', 32)).toBe('2001:db8::/32');
	expect(addressLimitKey('203.0.113.9', 48)).toBe('203.0.113.9');
});
