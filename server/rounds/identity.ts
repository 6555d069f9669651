/**
 * One identity per person in a workshop. On first join a participant registers and gets an id
 * and a secret; the browser keeps them (like the facilitator key) and presents them in the sync
 * handshake (`tb-participant.<id>.<secret>`) and in the API's Authorization header
 * (`Participant <id>.<secret>`), never in a URL query or a log. Authorship, ballots, estimates and
 * budgets are keyed by the id, so two people called Alex stay two people, and one person's
 * second browser is still that person. The server stores only a hash of the secret, in the
 * server-only `sealed` document; the id and display name are public, in the control document.
 */
import { createRecordId, createSecret, isSecret } from '#shared/ids';
import { RecordId } from '#shared/board/schema';
import { MAX_PEOPLE, readPerson, takesPart, writePerson, writeRemoval, type WorkshopRole } from '#shared/control/rounds';
import { forgetParticipantSecret, readParticipantSecret, writeParticipantSecret } from '#shared/sealed/doc';
import { hashSecret, sameSecret } from '../auth/secrets.ts';
import type { Room } from '../rooms/room.ts';
import { controlOf } from './control-readings.ts';

/** The origin of the server's writes for participants and their rounds. */
export const ROUNDS_ORIGIN = Symbol('rounds');

export interface ParticipantCredentials {
	participantId: string;
	secret: string;
}

/** `<participantId>.<secret>` as presented; undefined for anything malformed. */
export function parseParticipantCredentials(value: string | undefined): ParticipantCredentials | undefined {
	if (!value) return undefined;
	const dot = value.indexOf('.');
	const participantId = value.slice(0, dot);
	const secret = value.slice(dot + 1);
	if (dot < 0 || !RecordId.safeParse(participantId).success || !isSecret(secret)) return undefined;
	return { participantId, secret };
}

export type RegisterResult = { ok: true; credentials: ParticipantCredentials } | { ok: false; message: string; lookAlike?: true };

/**
 * Why a participant may not take this name: it only looks like another participant's (letters
 * from another script, "0" for "O"). Anyone could otherwise join as "Аlice" in Cyrillic and accept
 * risks that the report then credits to Alice. The same name is fine: people who share a name
 * are told apart everywhere.
 */
function lookAlikeRefusal(room: Room, participantId: string | undefined, name: string): string | undefined {
	if (!controlOf(room.docs.control.doc).names.lookAlike(participantId, name)) return undefined;
	return `"${name}" looks like the name of someone else in this workshop. Choose a name that reads differently (add an initial, say).`;
}

/** A new participant of this room, named as they chose. */
export function registerParticipant(room: Room, name: string, now: number): RegisterResult {
	const sealed = room.docs.sealed.doc;
	// Everyone the control document keeps, those removed too: an export lists at most MAX_PEOPLE.
	if (controlOf(room.docs.control.doc).people.size >= MAX_PEOPLE) return { ok: false, message: `A workshop can have at most ${MAX_PEOPLE} participants.` };
	const refusal = lookAlikeRefusal(room, undefined, name);
	if (refusal) return { ok: false, message: refusal, lookAlike: true };
	const credentials = { participantId: createRecordId(), secret: createSecret() };
	sealed.transact(() => writeParticipantSecret(sealed, credentials.participantId, { secretHash: hashSecret(credentials.secret), createdAt: now }), ROUNDS_ORIGIN);
	writePerson(room.docs.control.doc, credentials.participantId, { name, role: null, joinedAt: now }, ROUNDS_ORIGIN);
	return { ok: true, credentials };
}

/**
 * The participant these credentials prove, or undefined (unknown id, wrong secret, removed by a
 * facilitator: the removal may reach this instance's control document before its sealed one).
 */
export function verifyParticipant(room: Room, credentials: ParticipantCredentials | undefined): string | undefined {
	if (!credentials) return undefined;
	const stored = readParticipantSecret(room.docs.sealed.doc, credentials.participantId);
	if (!stored || !sameSecret(hashSecret(credentials.secret), stored.secretHash)) return undefined;
	if (wasRemoved(room, credentials.participantId)) return undefined;
	return credentials.participantId;
}

/** What a removed participant's request is told, should one get past the sign-in check (a removal arriving meanwhile). */
export const REMOVED_MESSAGE = 'A facilitator removed you from this workshop.';

/** Whether a facilitator removed this participant from the workshop. */
export function wasRemoved(room: Room, participantId: string): boolean {
	const person = controlOf(room.docs.control.doc).people.get(participantId);
	return person !== undefined && !takesPart(person);
}

/**
 * Removes a participant from the workshop, for a facilitator: their secret is forgotten (no device
 * of theirs signs in again as them), their record says when (their notes and decisions keep their
 * name), and their open connections close (rounds' hooks, on every instance). Anyone with the
 * participant link may still join again, as a new person: the link is the capability. False when
 * there is no such participant.
 */
export function removeParticipant(room: Room, participantId: string, now: number): boolean {
	const control = room.docs.control.doc;
	const person = readPerson(control, participantId);
	if (!person) return false;
	if (!takesPart(person)) return true;
	const sealed = room.docs.sealed.doc;
	sealed.transact(() => forgetParticipantSecret(sealed, participantId), ROUNDS_ORIGIN);
	writeRemoval(control, participantId, now, ROUNDS_ORIGIN);
	return true;
}

export type RenameRefusal = { kind: 'look-alike' | 'changed-elsewhere'; message: string };

/**
 * Renames a participant (their display name is theirs to change, unless it looks like another's);
 * the refusal, if refused. `from`, when not empty, is the names the renaming device knows the
 * workshop may hold: a rename from a device that has not seen a newer name (given on another
 * device of the same person) is refused, or a retried rename would put an older wish over it.
 */
export function renameParticipant(room: Room, participantId: string, name: string, from: readonly string[] = []): RenameRefusal | undefined {
	const control = room.docs.control.doc;
	const person = readPerson(control, participantId);
	if (!person || !takesPart(person) || person.name === name) return undefined;
	if (from.length > 0 && !from.includes(person.name)) {
		return { kind: 'changed-elsewhere', message: `Your name in this workshop was changed to "${person.name}" on another device. Choose again if that is not the name you want.` };
	}
	const refusal = lookAlikeRefusal(room, participantId, name);
	if (refusal) return { kind: 'look-alike', message: refusal };
	writePerson(control, participantId, { ...person, name }, ROUNDS_ORIGIN);
	return undefined;
}

/** Sets a participant's workshop role; false when there is no such participant. */
export function setWorkshopRole(room: Room, participantId: string, role: WorkshopRole | null): boolean {
	const control = room.docs.control.doc;
	const person = readPerson(control, participantId);
	if (!person || !takesPart(person)) return false;
	if (person.role !== role) writePerson(control, participantId, { ...person, role }, ROUNDS_ORIGIN);
	return true;
}

