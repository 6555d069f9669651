/**
 * Identifiers and secrets. Room ids are capabilities: knowing one makes you a participant,
 * so they carry 144 random bits (24 base64url characters) and are validated strictly.
 */

const ROOM_ID_BYTES = 18;
const SECRET_BYTES = 32;

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type RoomId = string & { readonly __brand: 'RoomId' };

function base64url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomToken(byteLength: number): string {
	const bytes = new Uint8Array(byteLength);
	crypto.getRandomValues(bytes);
	return base64url(bytes);
}

export function createRoomId(): RoomId {
	return randomToken(ROOM_ID_BYTES) as RoomId;
}

/** A facilitator key or an observer id: 256 random bits. */
export function createSecret(): string {
	return randomToken(SECRET_BYTES);
}

export function isRoomId(value: unknown): value is RoomId {
	return typeof value === 'string' && ROOM_ID_PATTERN.test(value);
}

export function isSecret(value: unknown): value is string {
	return typeof value === 'string' && SECRET_PATTERN.test(value);
}

/** A short random id for notes and other records inside a document. */
export function createRecordId(): string {
	return randomToken(12);
}
