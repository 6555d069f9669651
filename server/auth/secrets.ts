/** Hashing and comparison of the high-entropy secrets (facilitator keys, observer ids). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex. The secrets hashed here carry 256 random bits, so no slow KDF is needed. */
export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export function secretMatches(secret: string, expectedHash: string): boolean {
	return sameSecret(hashSecret(secret), expectedHash);
}
