import type { CloseCode } from '#shared/wire/protocol';

/** Thrown for frames that do not parse or break the protocol; closes only that connection. */
export class ProtocolError extends Error {
	constructor(
		readonly code: CloseCode,
		message: string
	) {
		super(message);
	}
}
