/** A model's ref in its system (contract.ts): 96 random bits, base64url, 16 characters. */
import { randomBytes } from 'node:crypto';
import type { ModelRef } from '#shared/systems/contract';

export function createModelRef(): ModelRef {
	return randomBytes(12).toString('base64url');
}
