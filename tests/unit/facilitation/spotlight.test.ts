import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ControlCommand } from '../../../src/lib/shared/control/commands.ts';
import { CONTROL_ROOTS, defaultControl, readSpotlight, writeControl } from '../../../src/lib/shared/control/doc.ts';
import { applyTransition } from '../../../server/facilitation/transitions.ts';

const at = (now: number, command: unknown) => {
	const parsed = ControlCommand.parse(command);
	return (state = defaultControl()) => applyTransition(state, parsed, now);
};

describe('spotlight', () => {
	it('is off in a room nobody facilitated, and after a hostile value', () => {
		const doc = new Y.Doc();
		expect(readSpotlight(doc)).toEqual({ elementId: null, since: null });
		doc.getMap(CONTROL_ROOTS.state).set('spotlight', { elementId: '<script>', since: 'now' });
		expect(readSpotlight(doc)).toEqual({ elementId: null, since: null });
	});

	it('is set and cleared by the facilitator command, stamped with the server time', () => {
		const set = at(1_000, { type: 'spotlight', elementId: 'shape:api' })();
		expect(set.ok && set.state.spotlight).toEqual({ elementId: 'shape:api', since: 1_000 });
		if (!set.ok) return;
		// The same element again changes nothing (people who stepped out stay out).
		const again = at(2_000, { type: 'spotlight', elementId: 'shape:api' })(set.state);
		expect(again.ok && again.state.spotlight.since).toBe(1_000);
		const cleared = at(3_000, { type: 'spotlight', elementId: null })(set.state);
		expect(cleared.ok && cleared.state.spotlight).toEqual({ elementId: null, since: null });
		const doc = new Y.Doc();
		writeControl(doc, set.state);
		expect(readSpotlight(doc)).toEqual({ elementId: 'shape:api', since: 1_000 });
	});

	it('ends with the workshop', () => {
		const running = at(1, { type: 'start' })();
		if (!running.ok) throw new Error(running.message);
		const lit = at(2, { type: 'spotlight', elementId: 'shape:api' })(running.state);
		if (!lit.ok) throw new Error(lit.message);
		const ended = at(3, { type: 'end' })(lit.state);
		expect(ended.ok && ended.state.spotlight.elementId).toBeNull();
	});

	it('refuses element ids that are not canvas ids', () => {
		expect(ControlCommand.safeParse({ type: 'spotlight', elementId: 'a b' }).success).toBe(false);
		expect(ControlCommand.safeParse({ type: 'spotlight' }).success).toBe(false);
	});
});
