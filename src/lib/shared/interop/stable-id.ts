/**
 * Identifiers for exported files that depend only on the room's content: the same workshop always
 * exports the same bytes (like the Markdown and JSON exports), so re-exports diff cleanly.
 */

/** 128 bits from a string: four 32-bit FNV-1a hashes with different offsets, mixed (murmur3 finaliser). */
function hash128(seed: string): number[] {
	const offsets = [0x811c9dc5, 0x01000193, 0x5bd1e995, 0x27d4eb2d];
	return offsets.map((offset) => {
		let h = offset >>> 0;
		for (let i = 0; i < seed.length; i++) {
			h ^= seed.charCodeAt(i);
			h = Math.imul(h, 0x01000193) >>> 0;
		}
		h ^= h >>> 16;
		h = Math.imul(h, 0x85ebca6b) >>> 0;
		h ^= h >>> 13;
		h = Math.imul(h, 0xc2b2ae35) >>> 0;
		h ^= h >>> 16;
		return h >>> 0;
	});
}

/** A version-4-shaped UUID derived from `seed` (the tools expect UUIDs; these are stable, not random). */
export function stableUuid(seed: string): string {
	const hex = hash128(seed)
		.map((word) => word.toString(16).padStart(8, '0'))
		.join('');
	const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
