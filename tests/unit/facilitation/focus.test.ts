import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { defaultControl, readFocus, writeControl, type ControlState } from '../../../src/lib/shared/control/doc.ts';
import { ControlCommand } from '../../../src/lib/shared/control/commands.ts';
import { applyTransition } from '../../../server/facilitation/transitions.ts';

const NOW = 1_700_000_000_000;

function run(state: ControlState, command: unknown): ControlState {
	const result = applyTransition(state, ControlCommand.parse(command), NOW);
	if (!result.ok) throw new Error(result.message);
	return result.state;
}

describe('the facilitator focus', () => {
	it('points everyone at a lane and sorts lanes for everyone, one lane at a time', () => {
		let state = run(defaultControl(), { type: 'start' });
		state = run(state, { type: 'focus', lane: 'parking' });
		state = run(state, { type: 'focus', column: 2, sort: 'risk' });
		state = run(state, { type: 'focus', column: 3, sort: 'votes' });
		expect(state.focus).toEqual({ lane: 'parking', sorts: { 2: 'risk', 3: 'votes' } });
		state = run(state, { type: 'focus', column: 2, sort: 'manual' });
		expect(state.focus.sorts).toEqual({ 2: 'manual', 3: 'votes' });
	});

	it('goes back to the current question’s lane when the question changes, keeping the sorts', () => {
		let state = run(defaultControl(), { type: 'start' });
		state = run(state, { type: 'focus', lane: 4 });
		state = run(state, { type: 'focus', column: 2, sort: 'risk' });
		state = run(state, { type: 'next' });
		expect(state.question).toBe(2);
		expect(state.focus).toEqual({ lane: null, sorts: { 2: 'risk' } });
	});

	it('refuses a sort without its column, unknown lanes and unknown sorts', () => {
		expect(ControlCommand.safeParse({ type: 'focus', sort: 'risk' }).success).toBe(false);
		expect(ControlCommand.safeParse({ type: 'focus', column: 5, sort: 'risk' }).success).toBe(false);
		expect(ControlCommand.safeParse({ type: 'focus', column: 2, sort: 'alphabetical' }).success).toBe(false);
		expect(ControlCommand.safeParse({ type: 'focus', lane: 'everything' }).success).toBe(false);
	});

	it('is stored in the control document and read back; a malformed one reads as no focus', () => {
		const doc = new Y.Doc();
		const state = run(run(defaultControl(), { type: 'focus', lane: 3 }), { type: 'focus', column: 'parking', sort: 'votes' });
		writeControl(doc, state);
		expect(readFocus(doc)).toEqual({ lane: 3, sorts: { parking: 'votes' } });
		doc.getMap('state').set('focus', { lane: 9, sorts: { 2: 'risk' } });
		expect(readFocus(doc)).toEqual({ lane: null, sorts: {} });
	});
});
