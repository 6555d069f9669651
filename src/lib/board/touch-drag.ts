/**
 * Dragging a note by its grip with a finger or a pen (pointer events). Mouse drags use the
 * browser's drag and drop (Lane.svelte); touch screens do not start those from a plain press, so
 * the grip captures the pointer, tracks which column and position it is over (the same drop
 * state the mouse path sets, so lanes draw the same insertion line), scrolls a lane when the
 * finger nears its top or bottom edge, and drops on release. A cancelled pointer drops nothing.
 */
import type { NoteKind } from '#shared/board/schema';
import type { Board } from './board.svelte.ts';
import { COLUMN_IDS, canDropInto, type ColumnId } from './lanes.ts';
import { dropIndexAt } from './windowing.ts';

/** How close to a lane's top or bottom edge the finger scrolls it, and how fast, px (per frame). */
const EDGE_PX = 48;
const SCROLL_STEP_PX = 12;

function columnOfLane(lane: HTMLElement): ColumnId | undefined {
	const value = lane.dataset.column;
	return COLUMN_IDS.find((column) => String(column) === value);
}

/** The column under a point and where a note of `kind` would land there, or null. */
export function dropTargetAt(x: number, y: number, kind: NoteKind): { column: ColumnId; index: number; body: HTMLElement | null } | null {
	const lane = document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-column]');
	const column = lane ? columnOfLane(lane) : undefined;
	if (!lane || column === undefined || !canDropInto(kind, column)) return null;
	const list = lane.querySelector('ul');
	return { column, index: dropIndexAt(list ? [...list.children] : [], y), body: lane.querySelector<HTMLElement>('.lane-body') };
}

export function startPointerDrag(board: Board, grip: HTMLElement, note: { id: string; kind: NoteKind }, start: PointerEvent): void {
	grip.setPointerCapture(start.pointerId);
	board.dragging = { id: note.id, kind: note.kind };
	board.drop = null;
	let scroll = 0;
	let scroller: HTMLElement | null = null;
	let frame = 0;
	let last = { x: start.clientX, y: start.clientY };

	const track = () => {
		const target = dropTargetAt(last.x, last.y, note.kind);
		board.drop = target && { column: target.column, index: target.index };
		scroller = target?.body ?? null;
		const rect = scroller?.getBoundingClientRect();
		scroll = !rect ? 0 : last.y < rect.top + EDGE_PX ? -SCROLL_STEP_PX : last.y > rect.bottom - EDGE_PX ? SCROLL_STEP_PX : 0;
		if (scroll !== 0 && frame === 0) frame = requestAnimationFrame(autoscroll);
	};
	const autoscroll = () => {
		frame = 0;
		if (scroll === 0 || !scroller) return;
		scroller.scrollTop += scroll;
		track();
	};
	const onmove = (event: PointerEvent) => {
		if (event.pointerId !== start.pointerId) return;
		last = { x: event.clientX, y: event.clientY };
		track();
	};
	const finish = (event: PointerEvent) => {
		if (event.pointerId !== start.pointerId) return;
		grip.removeEventListener('pointermove', onmove);
		grip.removeEventListener('pointerup', finish);
		grip.removeEventListener('pointercancel', finish);
		cancelAnimationFrame(frame);
		const target = event.type === 'pointerup' ? board.drop : null;
		board.drop = null;
		board.dragging = null;
		if (target) board.dropNote(note.id, target.column, target.index);
	};
	grip.addEventListener('pointermove', onmove);
	grip.addEventListener('pointerup', finish);
	grip.addEventListener('pointercancel', finish);
}
