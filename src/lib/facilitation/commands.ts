/** Sends facilitator commands; the key goes in the Authorization header, never in the URL. */
import type { ApiError } from '#shared/wire/api';
import { controlPath, type ControlCommand } from '#shared/control/commands';

export type CommandResult = { ok: true } | { ok: false; message: string };

export async function sendControlCommand(
	roomId: string,
	key: string | undefined,
	command: ControlCommand,
	fetcher: typeof fetch = (...args) => fetch(...args)
): Promise<CommandResult> {
	if (!key) return { ok: false, message: 'Only a facilitator can do this.' };
	let response: Response;
	try {
		response = await fetcher(controlPath(roomId), {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
			body: JSON.stringify(command)
		});
	} catch {
		return { ok: false, message: 'Could not reach the server. Check your connection and try again.' };
	}
	if (response.ok) {
		await response.body?.cancel();
		return { ok: true };
	}
	const body = (await response.json().catch(() => undefined)) as ApiError | undefined;
	return { ok: false, message: body?.error?.message ?? `The server refused (${response.status}).` };
}
