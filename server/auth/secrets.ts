/** Hashing and comparison of the high-entropy secrets (facilitator keys, observer ids). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex. The secrets hashed here carry 256 random bits, so no slow KDF is needed. */
export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, expectedHash: string): boolean {
	const actual = Buffer.from(hashSecret(secret), 'hex');
	const expected = Buffer.from(expectedHash, 'hex');
	return actual.length === expected.length && timingSafeEqual(actual, expected);
}
