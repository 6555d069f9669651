/**
 * Creating a room from the landing page, by form (POST /api/rooms) or by import
 * (POST /api/rooms/import): the request, the check of what came back, and remembering the room
 * here with its facilitator key, so the browser that made a room facilitates it.
 */
import type { ApiError, CreateRoomResponse } from '#shared/wire/api';
import { isRoomId, isSecret } from '#shared/ids';
import { rememberWorkshop } from './recent-workshops.ts';

export type CreateRoomOutcome = { ok: true; room: CreateRoomResponse } | { ok: false; error: string };

function isCreateRoomResponse(body: unknown): body is CreateRoomResponse {
	const room = body as Partial<CreateRoomResponse> | null;
	return (
		!!room && isRoomId(room.roomId) && isSecret(room.facilitatorKey) && isSecret(room.observerId) &&
		typeof room.title === 'string' && typeof room.createdAt === 'number'
	);
}

/** The message to show for an error answer: the first issue (with its place), else the message. */
export function apiErrorText(body: unknown, status: number): string {
	const error = (body as ApiError | null)?.error;
	const issue = error?.issues?.[0];
	if (issue) return issue.path ? `${error!.message}: ${issue.message} (at ${issue.path})` : `${error!.message}: ${issue.message}`;
	return error?.message ?? `The server answered ${status}.`;
}

export async function createRoomRequest(path: '/api/rooms' | '/api/rooms/import', body: string | Blob): Promise<CreateRoomOutcome> {
	try {
		const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
		const answer: unknown = await response.json().catch(() => null);
		if (!response.ok || !isCreateRoomResponse(answer)) return { ok: false, error: apiErrorText(answer, response.status) };
		const { roomId, facilitatorKey, observerId, createdAt, title } = answer;
		rememberWorkshop({ id: roomId, role: 'participant', title, createdAt, facilitatorKey, observerId });
		return { ok: true, room: answer };
	} catch {
		return { ok: false, error: 'Could not reach the Threatboard server. Check your connection and try again.' };
	}
}
