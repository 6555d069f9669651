/**
 * This browser's identity in a workshop (server/rounds/identity.ts): a participant id and a
 * secret, given by the server the first time someone joins with a name, kept in localStorage like
 * the facilitator key, and sent in the sync handshake and the API's Authorization header, never
 * in a URL query. A personal link carries it in the URL fragment to continue on another device.
 */
import { RecordId } from '#shared/board/schema';
import { ApiErrorCode } from '#shared/wire/api';
import { isSecret } from '#shared/ids';
import {
	PARTICIPANT_AUTH_SCHEME,
	RegisterParticipantResponse,
	myParticipantPath,
	participantToken,
	participantsPath
} from '#shared/wire/participants';
import type { RenameOutcome } from './rename.ts';
import { participantKey } from './storage-keys.ts';

export interface ParticipantCredentials {
	participantId: string;
	secret: string;
}

const FRAGMENT_KEY = 'participant=';

function parseToken(token: string): ParticipantCredentials | undefined {
	const dot = token.indexOf('.');
	const participantId = token.slice(0, dot);
	const secret = token.slice(dot + 1);
	return dot > 0 && RecordId.safeParse(participantId).success && isSecret(secret) ? { participantId, secret } : undefined;
}

export function readParticipant(roomId: string): ParticipantCredentials | undefined {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(participantKey(roomId)) ?? 'null');
		if (typeof parsed !== 'object' || parsed === null) return undefined;
		const { participantId, secret } = parsed as Record<string, unknown>;
		return typeof participantId === 'string' && typeof secret === 'string' ? parseToken(`${participantId}.${secret}`) : undefined;
	} catch {
		return undefined;
	}
}

export function rememberParticipant(roomId: string, credentials: ParticipantCredentials): void {
	try {
		localStorage.setItem(participantKey(roomId), JSON.stringify(credentials));
	} catch {
		// Not remembered: this visit still works, the next one joins again.
	}
}

export function forgetParticipant(roomId: string): void {
	try {
		localStorage.removeItem(participantKey(roomId));
	} catch {
		// Nothing stored.
	}
}

/** The identity a personal link carries in its fragment (`#participant=<id>.<secret>`). */
export function participantFromHash(hash: string): ParticipantCredentials | undefined {
	const fragment = hash.replace(/^#/, '');
	for (const part of fragment.split('&')) if (part.startsWith(FRAGMENT_KEY)) return parseToken(part.slice(FRAGMENT_KEY.length));
	return undefined;
}

/** The personal link to continue as this participant on another device. */
export function deviceLinkPath(roomId: string, credentials: ParticipantCredentials): string {
	return `/w/${roomId}#${FRAGMENT_KEY}${participantToken(credentials.participantId, credentials.secret)}`;
}

export function participantAuthorization(credentials: ParticipantCredentials): string {
	return `${PARTICIPANT_AUTH_SCHEME} ${participantToken(credentials.participantId, credentials.secret)}`;
}

/** The workshop would not take this name (409): its message says why, for the person to choose another. */
export class NameRefusedError extends Error {}

/**
 * The message of an API error answer that refuses the name, if it is one: 409
 * name_looks_like_another, or name_changed_elsewhere (another device of the person renamed them).
 */
async function nameRefusal(res: Response): Promise<string | undefined> {
	if (res.status !== 409) return undefined;
	try {
		const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
		if (body.error?.code !== ApiErrorCode.NameLooksLikeAnother && body.error?.code !== ApiErrorCode.NameChangedElsewhere) return undefined;
		return typeof body.error.message === 'string' ? body.error.message : 'The workshop did not take this name.';
	} catch {
		return undefined;
	}
}

/** Joins a workshop as a new participant; throws when the server cannot be reached or refuses (NameRefusedError for the name). */
export async function registerParticipant(roomId: string, name: string): Promise<ParticipantCredentials> {
	const res = await fetch(participantsPath(roomId), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name })
	});
	const refusal = await nameRefusal(res);
	if (refusal) throw new NameRefusedError(refusal);
	if (res.status !== 201) throw new Error(`joining failed (${res.status})`);
	const parsed = RegisterParticipantResponse.parse(await res.json());
	const credentials = parseToken(`${parsed.participantId}.${parsed.secret}`);
	if (!credentials) throw new Error('the server sent an identity this browser cannot read');
	return credentials;
}

/**
 * Tells the workshop this participant's new display name once (rename.ts retries); `from` is the
 * names this device knows the workshop may hold. Undefined when the server was not reached.
 */
export async function renameParticipant(roomId: string, credentials: ParticipantCredentials, name: string, from: readonly string[] = []): Promise<RenameOutcome> {
	try {
		const res = await fetch(myParticipantPath(roomId), {
			method: 'PUT',
			headers: { 'content-type': 'application/json', authorization: participantAuthorization(credentials) },
			body: JSON.stringify(from.length > 0 ? { name, from } : { name })
		});
		const retryAfter = Number(res.headers.get('retry-after'));
		const nameRefused = await nameRefusal(res);
		return {
			status: res.status,
			...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
			...(nameRefused ? { nameRefused } : {})
		};
	} catch {
		return undefined;
	}
}
