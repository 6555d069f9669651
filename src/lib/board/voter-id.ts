/**
 * A stable voter id for the person at this browser: kept in localStorage, so every tab of theirs
 * spends the same budget (effectiveVotes then caps concurrent casts deterministically).
 */
import { createRecordId } from '#shared/ids';
import { RecordId } from '#shared/board/schema';

export const VOTER_ID_KEY = 'threatboard.voterId';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function readVoterId(storage: KeyValueStore | undefined): string {
	try {
		const stored = storage?.getItem(VOTER_ID_KEY);
		if (stored && RecordId.safeParse(stored).success) return stored;
		const fresh = createRecordId();
		storage?.setItem(VOTER_ID_KEY, fresh);
		return fresh;
	} catch {
		// No storage (private mode, blocked): votes still work for this visit.
		return createRecordId();
	}
}
