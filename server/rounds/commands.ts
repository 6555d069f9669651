/**
 * The facilitator commands of the private rounds (shared/control/round-commands.ts), and what a
 * voting command does to ballots: opening a round with hidden totals starts a new ballot round,
 * closing it (or ending the workshop) writes its ballots into the board.
 */
import type { ParsedControlCommand } from '#shared/control/commands';
import { readVoting, writeControl, readControl, withVotesStopTime, type VotingState } from '#shared/control/doc';
import { ROUND_COMMAND_TYPES, type RoundCommandType } from '#shared/control/round-commands';
import type { Room } from '../rooms/room.ts';
import { closeBallotRound, openBallotRound, setExcluded, withdrawBallots } from './ballots.ts';
import { endEstimation, recordEstimate, revealPicks, skipEstimate, startEstimation, withdrawPick } from './estimation.ts';
import { removeParticipant, ROUNDS_ORIGIN, setWorkshopRole } from './identity.ts';
import { closePoll, openPoll, revealPoll, withdrawAnswer } from './poll.ts';

export type RoundCommand = Extract<ParsedControlCommand, { type: RoundCommandType }>;
export type RoundCommandOutcome = { ok: true } | { ok: false; message: string };

const NO_REFUSAL: RoundCommandOutcome = { ok: true };
const NO_SUCH_PARTICIPANT: RoundCommandOutcome = { ok: false, message: 'There is no such participant.' };

export function isRoundCommand(command: ParsedControlCommand): command is RoundCommand {
	return ROUND_COMMAND_TYPES.has(command.type);
}

export function applyRoundCommand(room: Room, command: RoundCommand, now: number): RoundCommandOutcome {
	switch (command.type) {
		case 'exclude-voters':
			setExcluded(room, command.participantIds);
			return { ok: true };
		case 'reopen-voting': {
			const control = room.docs.control.doc;
			const state = readControl(control);
			if (state.voting.status !== 'closed') return { ok: false, message: 'Only a closed voting round can be opened again.' };
			const { stoppedAt: _stoppedAt, ...closed } = state.voting;
			const voting = withVotesStopTime(state.voting, { ...closed, status: 'open' as const, open: true }, now);
			writeControl(control, { ...state, voting }, ROUNDS_ORIGIN);
			if (state.voting.hideTotals) openBallotRound(room, true);
			return { ok: true };
		}
		case 'estimate':
			return startEstimation(room, command.noteIds);
		case 'reveal-estimates':
			return revealPicks(room);
		case 'record-estimate':
			return recordEstimate(room, command.likelihood, command.impact, now);
		case 'skip-estimate':
			return skipEstimate(room);
		case 'end-estimation':
			return endEstimation(room);
		case 'poll':
			return command.action === 'open' ? openPoll(room) : command.action === 'reveal' ? revealPoll(room) : closePoll(room);
		case 'set-workshop-role':
			return setWorkshopRole(room, command.participantId, command.role) ? NO_REFUSAL : NO_SUCH_PARTICIPANT;
		case 'remove-participant': {
			if (!removeParticipant(room, command.participantId, now)) return NO_SUCH_PARTICIPANT;
			// What they handed in to rounds still open counts no more: the facilitator removes a
			// hostile participant's influence, not only their connection.
			withdrawBallots(room, command.participantId);
			withdrawPick(room, command.participantId);
			withdrawAnswer(room, command.participantId);
			return NO_REFUSAL;
		}
	}
}

const hidden = (voting: Pick<VotingState, 'status' | 'hideTotals'>) => voting.status === 'open' && voting.hideTotals;

/** After a control write: a hidden round that opened gets a ballot round; one that ended is tallied. */
export function afterVotingChange(room: Room, before: Pick<VotingState, 'status' | 'hideTotals'>): void {
	const after = readVoting(room.docs.control.doc);
	if (!hidden(before) && hidden(after)) openBallotRound(room, false);
	else if (hidden(before) && !hidden(after)) closeBallotRound(room);
}
