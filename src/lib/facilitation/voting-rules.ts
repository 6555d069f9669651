/**
 * The voting rules the board applies, set by facilitation from the control document: the dots
 * each person has (default 5), whether votes can be cast now, and whether totals are hidden
 * until the round closes. One source per board document; the board reads them through here.
 */
import type * as Y from 'yjs';
import { DEFAULT_VOTE_BUDGET, type VotingState } from '#shared/control/doc';

export interface VotingRules {
	budget: number;
	/** False once the facilitator closed the round (votes are frozen). */
	canVote: boolean;
	/** True while a round with hidden totals is open: people see only their own dots. */
	totalsHidden: boolean;
}

export const DEFAULT_VOTING_RULES: VotingRules = { budget: DEFAULT_VOTE_BUDGET, canVote: true, totalsHidden: false };

export function rulesFromVoting(voting: Pick<VotingState, 'status' | 'budget' | 'hideTotals'>): VotingRules {
	return {
		budget: voting.budget,
		canVote: voting.status !== 'closed',
		totalsHidden: voting.status === 'open' && voting.hideTotals
	};
}

interface Source {
	read(): VotingRules;
	listeners: Set<() => void>;
}

const sources = new WeakMap<Y.Doc, Source>();

function sourceOf(doc: Y.Doc): Source {
	let source = sources.get(doc);
	if (!source) {
		source = { read: () => DEFAULT_VOTING_RULES, listeners: new Set() };
		sources.set(doc, source);
	}
	return source;
}

/** The current rules (reactive when the source reads Svelte state). */
export function votingRules(doc: Y.Doc): VotingRules {
	return sourceOf(doc).read();
}

/** Calls `listener` whenever the rules of `doc` change; returns the unsubscribe. */
export function onVotingRulesChange(doc: Y.Doc, listener: () => void): () => void {
	const { listeners } = sourceOf(doc);
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** Installs the source of a board's rules; `changed()` tells the board to re-count. */
export function provideVotingRules(doc: Y.Doc, read: () => VotingRules): { changed(): void; remove(): void } {
	const source = sourceOf(doc);
	source.read = read;
	return {
		changed: () => source.listeners.forEach((listener) => listener()),
		remove: () => {
			source.read = () => DEFAULT_VOTING_RULES;
		}
	};
}
