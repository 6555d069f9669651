/**
 * The workshop's reads of its system (src/lib/shared/systems/contract.ts): which system the room
 * is in and its models (for placing one as a dependency), and which models use this one. By the
 * page's room id or observer id, like every read; each answer is validated, since a proxy or a
 * newer server may answer with something else.
 */
import { DependentsResponse, RoomSystemResponse } from '#shared/systems/contract';

const base = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;

/** The room's system, null when it is in none, undefined when the server could not say. */
export async function fetchRoomSystem(id: string): Promise<RoomSystemResponse['system'] | undefined> {
	const parsed = RoomSystemResponse.safeParse(await getJson(`${base(id)}/system`));
	return parsed.success ? parsed.data.system : undefined;
}

/** The models of the system whose diagrams reference this room ([] when none or unknown). */
export async function fetchDependents(id: string): Promise<DependentsResponse['dependents']> {
	const parsed = DependentsResponse.safeParse(await getJson(`${base(id)}/dependents`));
	return parsed.success ? parsed.data.dependents : [];
}

async function getJson(path: string): Promise<unknown> {
	try {
		const response = await fetch(path, { cache: 'no-store' });
		return response.ok ? await response.json() : undefined;
	} catch {
		return undefined;
	}
}
