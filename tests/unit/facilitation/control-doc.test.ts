import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	CONTROL_ROOTS,
	controlStateMap,
	DEFAULT_TIMEBOXES_MS,
	DEFAULT_VOTE_BUDGET,
	defaultControl,
	onControlChange,
	readControl,
	readFollow,
	readPhaseHistory,
	readTimer,
	readVoting,
	writeControl,
	type ControlState
} from '../../../src/lib/shared/control/doc.ts';
import { CONTROL_SCHEMA_VERSION, migrateControlDoc, readControlVersion } from '../../../src/lib/shared/control/migrations.ts';
import { DocumentTooNewError } from '../../../src/lib/shared/board/migrations.ts';

function sync(from: Y.Doc, to: Y.Doc): void {
	Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

describe('control document', () => {
	it('reads defaults from an empty document', () => {
		const doc = new Y.Doc();
		const control = readControl(doc);
		expect(control.question).toBe(1);
		expect(control.status).toBe('not-started');
		expect(readTimer(doc)).toEqual({ state: 'idle', endsAt: null, pausedRemainingMs: null, timeboxesMs: DEFAULT_TIMEBOXES_MS });
		expect(DEFAULT_TIMEBOXES_MS).toEqual({ 1: 600_000, 2: 1_200_000, 3: 900_000, 4: 300_000 });
		expect(readVoting(doc)).toEqual({ status: 'free', budget: DEFAULT_VOTE_BUDGET, hideTotals: false, open: false });
		expect(readFollow(doc)).toEqual({ on: false, clientId: null, name: null });
		expect(control.history).toEqual([]);
	});

	it('round-trips a written state to another replica', () => {
		const server = new Y.Doc();
		const next: ControlState = {
			...defaultControl(),
			question: 2,
			status: 'running',
			timer: { state: 'running', endsAt: 1_000_000, pausedRemainingMs: null },
			timeboxesMs: { 1: 5_000, 2: 5_000, 3: 5_000, 4: 5_000 },
			history: [
				{ question: 1, startedAt: 1, endedAt: 10, timeboxMs: 5_000 },
				{ question: 2, startedAt: 10, endedAt: null, timeboxMs: 5_000 }
			],
			voting: { status: 'open', budget: 3, hideTotals: true, open: true },
			follow: { on: true, clientId: 42, name: 'Ada' },
			spotlight: { elementId: 'shape:web', since: 7 },
			facilitatorName: 'Ada',
			grants: [{ grantId: 'abcdefghijklmnop', name: 'Bob', grantedAt: 5 }]
		};
		writeControl(server, next);
		const client = new Y.Doc();
		sync(server, client);
		expect(readControl(client)).toEqual(next);
	});

	it('rewrites only the changed end of the phase history', () => {
		const doc = new Y.Doc();
		const first = { ...defaultControl(), history: [{ question: 1 as const, startedAt: 1, endedAt: null, timeboxMs: 5_000 }] };
		writeControl(doc, first);
		const before = Y.encodeStateVector(doc);
		writeControl(doc, {
			...first,
			history: [
				{ question: 1, startedAt: 1, endedAt: 9, timeboxMs: 5_000 },
				{ question: 2, startedAt: 9, endedAt: null, timeboxMs: 5_000 }
			]
		});
		expect(readPhaseHistory(doc).map((r) => [r.question, r.endedAt])).toEqual([[1, 9], [2, null]]);
		// Writing the same state again changes nothing.
		const after = Y.encodeStateVector(doc);
		expect(after).not.toEqual(before);
		writeControl(doc, readControl(doc));
		expect(Y.encodeStateVector(doc)).toEqual(after);
	});

	it('ignores invalid values written by someone else and falls back to defaults', () => {
		const doc = new Y.Doc();
		// A hostile replica writes the roots directly.
		doc.getMap(CONTROL_ROOTS.state).set('question', 9);
		doc.getMap(CONTROL_ROOTS.state).set('timer', { state: 'running', endsAt: 'soon' });
		doc.getArray(CONTROL_ROOTS.history).push([{ question: 7 }, { question: 1, startedAt: 1, endedAt: null, timeboxMs: 5_000 }]);
		expect(readControl(doc).question).toBe(1);
		expect(readControl(doc).timer.state).toBe('idle');
		expect(readPhaseHistory(doc)).toEqual([{ question: 1, startedAt: 1, endedAt: null, timeboxMs: 5_000 }]);
		writeControl(doc, { ...readControl(doc), history: [] });
		expect(readPhaseHistory(doc)).toEqual([]);
	});

	it('notifies once per transaction', () => {
		const doc = new Y.Doc();
		let calls = 0;
		const off = onControlChange(doc, () => calls++);
		writeControl(doc, {
			...defaultControl(),
			question: 3,
			lock: { locked: true, since: 5 },
			history: [{ question: 3, startedAt: 1, endedAt: null, timeboxMs: 5_000 }]
		});
		expect(calls).toBe(1);
		doc.transact(() => undefined);
		expect(calls).toBe(1);
		off();
		writeControl(doc, { ...defaultControl(), question: 4 });
		expect(calls).toBe(1);
	});
});

describe('control document schema version', () => {
	it('records its version once, and refuses a document written by newer code without touching it', () => {
		const doc = new Y.Doc();
		expect(readControlVersion(doc)).toBe(0);
		expect(migrateControlDoc(doc)).toEqual({ from: 0, to: CONTROL_SCHEMA_VERSION });
		expect(readControlVersion(doc)).toBe(CONTROL_SCHEMA_VERSION);
		expect(migrateControlDoc(doc)).toEqual({ from: CONTROL_SCHEMA_VERSION, to: CONTROL_SCHEMA_VERSION });

		const newer = new Y.Doc();
		controlStateMap(newer).set('schemaVersion', CONTROL_SCHEMA_VERSION + 1);
		const before = Y.encodeStateAsUpdate(newer);
		expect(() => migrateControlDoc(newer)).toThrow(DocumentTooNewError);
		expect(Y.encodeStateAsUpdate(newer)).toEqual(before);
	});

	it('keeps the facilitation state as it was', () => {
		const doc = new Y.Doc();
		writeControl(doc, { ...defaultControl(), question: 3, facilitatorName: 'Ada' });
		migrateControlDoc(doc);
		expect(readControl(doc)).toMatchObject({ question: 3, facilitatorName: 'Ada' });
	});
});
