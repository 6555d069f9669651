/** The one JSON error responder of the API: `{"error": {"code", "message", "issues?"}}`. */
import type { Response } from 'express';
import type { z } from 'zod';
import type { ApiError, ApiErrorCode } from '#shared/wire/api';

export interface ErrorIssue {
	path: string;
	message: string;
}

/** Sends an API error; zod issues become `{path, message}` with the path joined by dots. */
export function sendError(
	res: Response,
	status: number,
	code: ApiErrorCode,
	message: string,
	issues?: ReadonlyArray<z.core.$ZodIssue | ErrorIssue>
): void {
	const body: ApiError = { error: { code, message } };
	if (issues?.length) {
		body.error.issues = issues.map((issue) =>
			typeof issue.path === 'string' ? { path: issue.path, message: issue.message } : { path: issue.path.map(String).join('.'), message: issue.message }
		);
	}
	res.status(status).json(body);
}
