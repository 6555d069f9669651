/**
 * The system page's side of the systems API (src/lib/shared/systems/api.ts): requests, the check
 * of what came back, and this browser's memory of a system's owner key and observer id (the owner
 * link carries the key in its fragment; the observer id is known only to whoever created it).
 */
import { AddModelResponse, CreateSystemResponse, SystemView } from '#shared/systems/api';
import { FACILITATOR_KEY_HEADER } from '#shared/systems/api';
import { isRoomId, isSecret } from '#shared/ids';
import { apiErrorText } from '$lib/workshop/create-room.ts';
import { rememberWorkshop } from '$lib/workshop/recent-workshops.ts';
import { systemKeysKey } from '$lib/workshop/storage-keys.ts';

export interface SystemKeys {
	ownerKey?: string;
	observerId?: string;
}

const UNREACHABLE = 'Could not reach the Threatboard server. Check your connection and try again.';

export function readSystemKeys(systemId: string): SystemKeys {
	try {
		const value = JSON.parse(localStorage.getItem(systemKeysKey(systemId)) ?? '{}') as SystemKeys;
		return { ownerKey: isSecret(value.ownerKey) ? value.ownerKey : undefined, observerId: isSecret(value.observerId) ? value.observerId : undefined };
	} catch {
		return {};
	}
}

export function rememberSystemKeys(systemId: string, keys: SystemKeys): void {
	try {
		localStorage.setItem(systemKeysKey(systemId), JSON.stringify({ ...readSystemKeys(systemId), ...keys }));
	} catch {
		// Storage full or disabled: the owner link still works.
	}
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; status?: number };

async function call<T>(path: string, init: RequestInit, parse: (body: unknown) => T | undefined): Promise<Outcome<T>> {
	try {
		const response = await fetch(path, init);
		const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
		const value = response.ok ? parse(body) : undefined;
		if (!response.ok || value === undefined) return { ok: false, error: apiErrorText(body, response.status), status: response.status };
		return { ok: true, value };
	} catch {
		return { ok: false, error: UNREACHABLE };
	}
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
	method,
	headers: { 'content-type': 'application/json', ...headers },
	body: JSON.stringify(body)
});
const owner = (key: string | undefined): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const parser = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) => (body: unknown) => {
	const parsed = schema.safeParse(body);
	return parsed.success ? parsed.data : undefined;
};

export async function createSystem(name: string): Promise<Outcome<CreateSystemResponse>> {
	const created = await call('/api/systems', json('POST', { name }), parser(CreateSystemResponse));
	if (created.ok) rememberSystemKeys(created.value.systemId, { ownerKey: created.value.ownerKey, observerId: created.value.observerId });
	return created;
}

export function fetchSystem(id: string, ownerKey: string | undefined): Promise<Outcome<SystemView>> {
	return call(`/api/systems/${id}`, { headers: owner(ownerKey) }, parser(SystemView));
}

export function renameSystem(id: string, ownerKey: string | undefined, name: string): Promise<Outcome<true>> {
	return call(`/api/systems/${id}`, json('PATCH', { name }, owner(ownerKey)), () => true);
}

/** A new workshop in the system; this browser remembers it (and facilitates it), as on the landing page. */
export async function createModel(id: string, ownerKey: string | undefined, title: string): Promise<Outcome<AddModelResponse>> {
	const created = await call(`/api/systems/${id}/models`, json('POST', title ? { title } : {}, owner(ownerKey)), parser(AddModelResponse));
	const room = created.ok ? created.value.room : undefined;
	if (room) rememberWorkshop({ id: room.roomId, role: 'participant', title: room.title, createdAt: room.createdAt, facilitatorKey: room.facilitatorKey, observerId: room.observerId });
	return created;
}

/** The room id and facilitator key in a workshop's facilitator link (…/w/<roomId>#facilitator=<key>). */
export function parseFacilitatorLink(link: string): { roomId: string; facilitatorKey: string } | undefined {
	const match = /\/w\/([A-Za-z0-9_-]+)#(?:.*&)?facilitator=([A-Za-z0-9_-]+)/.exec(link.trim());
	if (!match || !isRoomId(match[1]) || !isSecret(match[2])) return undefined;
	return { roomId: match[1], facilitatorKey: match[2] };
}

export function addExistingModel(id: string, ownerKey: string | undefined, link: { roomId: string; facilitatorKey: string }): Promise<Outcome<AddModelResponse>> {
	return call(
		`/api/systems/${id}/models`,
		json('POST', { roomId: link.roomId }, { ...owner(ownerKey), [FACILITATOR_KEY_HEADER]: link.facilitatorKey }),
		parser(AddModelResponse)
	);
}

export function archiveModel(id: string, ownerKey: string | undefined, modelRef: string): Promise<Outcome<true>> {
	return call(`/api/systems/${id}/models/${modelRef}`, { method: 'DELETE', headers: owner(ownerKey) }, () => true);
}

/** Brings an archived model back under its ref (409 when its workshop joined a system since). */
export function restoreModel(id: string, ownerKey: string | undefined, modelRef: string): Promise<Outcome<true>> {
	return call(`/api/systems/${id}/models/${modelRef}/restore`, json('POST', {}, owner(ownerKey)), () => true);
}
