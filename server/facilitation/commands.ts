/**
 * Applying a facilitator command to a loaded room: the decision (checking what only the live
 * room can tell: who is connected, in which role) and the write to the control document, which
 * is stored and broadcast like any update (server/rooms/commit-pipeline.ts). The HTTP side is
 * server/http/control-routes.ts.
 */
import { encodeFacilitatorKeyMessage } from '#shared/wire/facilitator-key';
import { MAX_GRANTS, readControl, writeControl, type ControlState } from '#shared/control/doc';
import type { ParsedControlCommand } from '#shared/control/commands';
import type { Room } from '../rooms/room.ts';
import { afterVotingChange, applyRoundCommand, isRoundCommand } from '../rounds/commands.ts';
import { createGrantId, grantKey, type FacilitatorIdentity } from './keys.ts';
import { applyTransition } from './transitions.ts';

/** The transaction origin of server-applied commands (never a connection: everyone gets them). */
export const CONTROL_ORIGIN = Symbol('facilitation');

export type CommandOutcome = { ok: true } | { ok: false; message: string };

type Decision = { ok: true; state: ControlState; afterWrite?: () => void } | { ok: false; message: string };

const conflict = (message: string): Decision => ({ ok: false, message });

/** Decides and applies one command; a refusal says why the command does not apply now. */
export function applyCommand(room: Room, identity: FacilitatorIdentity, command: ParsedControlCommand, now: number): CommandOutcome {
	if (isRoundCommand(command)) return applyRoundCommand(room, command, now);
	const control = room.docs.control.doc;
	const before = readControl(control);
	const decision = decide(room, identity, command, before, now);
	if (!decision.ok) return decision;
	writeControl(control, decision.state, CONTROL_ORIGIN);
	decision.afterWrite?.();
	afterVotingChange(room, before.voting);
	return { ok: true };
}

function decide(room: Room, identity: FacilitatorIdentity, command: ParsedControlCommand, state: ControlState, now: number): Decision {
	switch (command.type) {
		case 'follow': {
			if (command.on && command.clientId !== undefined && room.connectionOwning(command.clientId)?.role !== 'facilitator') {
				return conflict('Only a facilitator who is on the board can be followed.');
			}
			break;
		}
		case 'promote':
			return promote(room, identity, command, state, now);
		case 'revoke': {
			if (!state.grants.some((g) => g.grantId === command.grantId)) return conflict('There is no such co-facilitator.');
			return { ok: true, state: { ...state, grants: state.grants.filter((g) => g.grantId !== command.grantId) } };
		}
	}
	const result = applyTransition(state, command, now);
	return result.ok ? { ok: true, state: result.state } : conflict(result.message);
}

/**
 * Makes a present participant a co-facilitator: a new grant in the control document, and its
 * key sent on that participant's own connection only (their browser keeps it, so they stay
 * facilitator across reloads). With handOver, the caller's own key is revoked at the same time.
 */
function promote(
	room: Room,
	identity: FacilitatorIdentity,
	command: Extract<ParsedControlCommand, { type: 'promote' }>,
	state: ControlState,
	now: number
): Decision {
	const target = room.connectionOwning(command.clientId);
	if (!target) return conflict('That person is no longer connected.');
	if (target.role === 'observer') return conflict('An observer cannot become a facilitator: they joined with the view-only link.');
	if (target.role === 'facilitator') return conflict('That person is already a facilitator.');
	const kept = command.handOver && identity.kind === 'co-facilitator' ? state.grants.filter((g) => g.grantId !== identity.grantId) : state.grants;
	if (kept.length >= MAX_GRANTS) return conflict(`A workshop can have at most ${MAX_GRANTS} co-facilitators. Revoke one first.`);
	const grantId = createGrantId();
	const name = command.name ?? 'Co-facilitator';
	const next: ControlState = {
		...state,
		grants: [...kept, { grantId, name, grantedAt: now }],
		primaryKeyRevoked: state.primaryKeyRevoked || (command.handOver && identity.kind === 'creator')
	};
	return { ok: true, state: next, afterWrite: () => target.send(encodeFacilitatorKeyMessage(grantKey(room.record, grantId))) };
}
