/**
 * One open board: the store (what is in the document), this person's view, undo, writes, and
 * the commands the components call. Commands that need the page (focus, announcements) live
 * here so components stay presentational. What the board may do now (voting, drafts, lock)
 * comes from the policy it is given (./policy.ts).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps and Sets are built whole and
   published through $state.raw or version counters (or are not view state at all), by design. */
import type { BoardSession } from '$lib/sync/board-session.svelte.ts';
import type { DeletedNote } from '#shared/board/restore';
import { NOTE_KIND_LABELS, type DecidedStatus, type NoteKind, type QuestionNumber } from '#shared/board/schema';
import type { Person } from '#shared/person';
import { BoardActions } from './board-actions.ts';
import { BoardStore } from './board-store.svelte.ts';
import { BoardView } from './board-view.svelte.ts';
import { DiagramIndex } from './diagram-index.svelte.ts';
import type { LinkTab } from './link-candidates.ts';
import { Feedback } from './feedback.svelte.ts';
import { focusColumn, focusNote, type FocusPart } from './focus.ts';
import { COLUMN_IDS, LANES, PARKING_LOT, canDropInto, columnOf, laneSpec, type ColumnId } from './lanes.ts';
import { keyboardMove, neighboursAt, orderKeyBetweenNotes, type MoveDirection } from './moves.ts';
import { DEFAULT_BOARD_POLICY, type BoardPolicy } from './policy.ts';
import { BoardUndo, type UndoStep } from './undo.svelte.ts';

const EXCERPT_LENGTH = 40;

export function excerpt(text: string): string {
	const line = text.trim().replace(/\s+/g, ' ');
	if (!line) return 'empty note';
	return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH - 1)}…` : line;
}

export function columnTitle(column: ColumnId): string {
	return column === 'parking' ? PARKING_LOT.title : laneSpec(column).prompt;
}

export class Board {
	readonly store: BoardStore;
	readonly view: BoardView;
	readonly undo: BoardUndo;
	readonly actions: BoardActions;
	/** The diagram's items with their references (E1, F1, B1), for the element picker and chips. */
	readonly diagram: DiagramIndex;
	readonly feedback = new Feedback();
	/** What the board may do now (reactive: it follows the facilitator). */
	readonly policy: BoardPolicy;
	readonly #session: BoardSession;
	readonly #author: () => Person | undefined;

	/** The note whose link picker is open. */
	linking = $state<string | null>(null);
	/** The picker's tab (what to link the note to); null: the first tab for the note's kind. */
	linkTab = $state<LinkTab | null>(null);
	helpOpen = $state(false);
	/**
	 * The lanes shown whole on screen, when the board is too narrow for all of them (beside the
	 * diagram): the lane switcher then offers the rest. Null while every lane fits.
	 */
	lanesInView = $state.raw<ReadonlySet<ColumnId> | null>(null);
	/** A threat whose risk someone is accepting or transferring: the decision dialog asks who, why, until when. */
	deciding = $state<{ id: string; status: DecidedStatus } | null>(null);
	/** The note being dragged (drop targets check its kind), and where it would land now. */
	dragging = $state<{ id: string; kind: NoteKind } | null>(null);
	drop = $state<{ column: ColumnId; index: number } | null>(null);
	/** The note whose colour menu is open, and where (viewport coordinates). */
	coloring = $state<{ id: string; x: number; y: number } | null>(null);
	/** The column N and Q add to when no note is focused. */
	currentColumn = $state<ColumnId>(LANES[0].question);

	/**
	 * Who else is typing in which note (from awareness; never a lock). Awareness changes many
	 * times a second (canvas cursors): a note whose editors did not change keeps the same array,
	 * so its card does not re-render.
	 */
	readonly editors = $derived.by(() => {
		const byNote = new Map<string, Person[]>();
		for (const peer of this.#session.presence.peers) {
			if (peer.isSelf || !peer.editing) continue;
			byNote.set(peer.editing, [...(byNote.get(peer.editing) ?? []), { name: peer.name, color: peer.color }]);
		}
		for (const [id, list] of byNote) {
			const previous = this.#editors.get(id);
			if (previous && sameEditors(previous, list)) byNote.set(id, previous);
		}
		this.#editors = byNote;
		return byNote;
	});
	#editors = new Map<string, Person[]>();

	constructor(session: BoardSession, author: () => Person | undefined, policy: BoardPolicy = DEFAULT_BOARD_POLICY) {
		this.#session = session;
		this.#author = author;
		this.policy = policy;
		// Votes are this person's, across their browsers: keyed by their participant id.
		const voterId = () => session.participantId;
		this.store = new BoardStore(session.doc, voterId, policy);
		this.view = new BoardView(this.store, policy.focus, () => policy.spotlight);
		this.undo = new BoardUndo(session.doc);
		this.actions = new BoardActions(session.doc, this.undo, voterId);
		this.diagram = new DiagramIndex(session.doc);
	}

	/** Observers, people refused by the server, and everyone the facilitator's lock holds. */
	get readOnly(): boolean {
		return this.#session.readOnly || this.policy.locked;
	}
	get status() {
		return this.#session.status;
	}
	/** An observer follows the workshop and never writes: no votes left, no undo to offer. */
	get observing(): boolean {
		return this.#session.role === 'observer';
	}
	get canWrite(): boolean {
		return !this.readOnly && this.#author() !== undefined;
	}

	destroy(): void {
		this.setEditing(null);
		this.undo.destroy();
		this.store.destroy();
		this.diagram.destroy();
		this.feedback.dismiss();
	}

	async createNote(kind: NoteKind, question: QuestionNumber): Promise<void> {
		const author = this.#author();
		if (this.readOnly || !author) return;
		// While an element is spotlit, a new threat is about it.
		const spotlit = kind === 'threat' ? this.policy.spotlight : null;
		const elementIds = spotlit ? [spotlit] : [];
		// In a silent round a new threat becomes a private draft instead.
		const note = { kind, question, elementIds };
		if (this.policy.becomesDraft(note)) {
			this.policy.takeDraft(note);
			return;
		}
		const id = this.actions.create(kind, question, author, elementIds);
		this.view.editing = id;
		const where = kind === 'question' ? PARKING_LOT.title : laneSpec(question).prompt;
		this.feedback.announce(`New ${NOTE_KIND_LABELS[kind].toLowerCase()} in ${where}. Type its text.`);
		await this.#focus(id, 'text');
	}

	async deleteNote(id: string): Promise<void> {
		const cell = this.store.cell(id);
		if (!cell || this.readOnly) return;
		const { note } = cell;
		const column = columnOf(note);
		const list = this.view.visible(column);
		const neighbour = list[list.findIndex((c) => c.id === id) + 1] ?? list[list.findIndex((c) => c.id === id) - 1];
		const removed = this.actions.remove(id);
		if (!removed) return;
		const label = `${NOTE_KIND_LABELS[note.kind]} “${excerpt(note.text)}” deleted`;
		this.feedback.announce(`${label}. Press Control Z to undo.`);
		this.feedback.showToast(label, { label: 'Undo', run: () => void this.#restore(removed.step, removed.deleted) });
		if (neighbour) await this.#focus(neighbour.id);
		else await focusColumn(column);
	}

	/** Opens the link picker on a note (at a tab), for people who may write. */
	openLinks(id: string, tab: LinkTab | null = null): void {
		if (!this.canWrite) return;
		this.linkTab = tab;
		this.linking = id;
	}

	/** A copy of a note right after it, with the same links; in a silent round a threat cannot be copied onto the board. */
	async duplicateNote(id: string): Promise<void> {
		const author = this.#author();
		const note = this.store.cell(id)?.note;
		if (!note || !author || !this.canWrite) return;
		if (this.policy.becomesDraft({ kind: note.kind, question: note.question })) {
			this.feedback.showToast('During a silent round new threats stay private: write it as a draft.');
			return;
		}
		const copy = this.actions.duplicate(id, author);
		if (!copy) return;
		this.feedback.announce(`${NOTE_KIND_LABELS[note.kind]} duplicated with its links. Type to change its text.`);
		await this.#focus(copy, 'text');
	}

	/**
	 * The toast's Undo: the delete's own undo step while it is the last one; otherwise (other
	 * changes came after it) the note is written back from what was captured before the delete.
	 */
	async #restore(step: UndoStep, deleted: DeletedNote): Promise<void> {
		this.feedback.dismiss();
		const id = deleted.note.id;
		if (this.undo.undoStep(step) || this.actions.restore(deleted) || this.store.cell(id)) {
			this.feedback.announce('Note restored.');
			await this.#focus(id);
		}
	}

	undoLast(): void {
		if (!this.undo.undo()) this.feedback.announce('Nothing to undo.');
		else this.feedback.dismiss();
	}
	redoLast(): void {
		if (!this.undo.redo()) this.feedback.announce('Nothing to redo.');
	}

	/** Alt+arrows on a note card. */
	async moveByKeyboard(id: string, direction: MoveDirection): Promise<void> {
		const note = this.store.cell(id)?.note;
		if (!note || this.readOnly) return;
		const column = columnOf(note);
		const list = this.view.visible(column);
		const vertical = direction === 'up' || direction === 'down';
		if (vertical && this.view.sortOf(column) !== 'manual') {
			this.feedback.announce('This lane is sorted. Choose manual order to reorder it.');
			return;
		}
		const index = list.findIndex((c) => c.id === id);
		const plan = keyboardMove(note, direction, index, list.length, (q) => this.view.visible(q).length);
		if (!plan) {
			this.feedback.announce(vertical ? `Already at the ${direction === 'up' ? 'top' : 'bottom'}.` : cannotMove(note.kind));
			return;
		}
		const target: ColumnId = note.kind === 'question' ? 'parking' : plan.question;
		const order = note.kind === 'question' && !vertical ? note.order : this.#orderAt(target, plan.index, id);
		this.actions.move(id, plan.question, order);
		const size = this.view.visible(target).length;
		const place = note.kind === 'question' && !vertical ? `raised in ${laneSpec(plan.question).prompt}` : `${columnTitle(target)}, position ${plan.index + 1} of ${size}`;
		this.feedback.announce(`Moved to ${place}.`);
		await this.#focus(id);
	}

	/** A drop from drag and drop; `index` counts the column's shown notes. */
	dropNote(id: string, column: ColumnId, index: number): boolean {
		const note = this.store.cell(id)?.note;
		if (!note || this.readOnly || !canDropInto(note.kind, column)) return false;
		const question = column === 'parking' ? note.question : column;
		const sorted = this.view.sortOf(column) !== 'manual';
		if (sorted && columnOf(note) === column) {
			this.feedback.announce('This lane is sorted. Choose manual order to reorder it.');
			return false;
		}
		// `index` counts the shown notes, the dragged one included: below its old place, one less.
		const from = this.view.visible(column).findIndex((c) => c.id === id);
		const at = sorted ? Number.POSITIVE_INFINITY : from !== -1 && from < index ? index - 1 : index;
		this.actions.move(id, question, this.#orderAt(column, at, id));
		this.feedback.announce(`Moved to ${columnTitle(column)}.`);
		return true;
	}

	#orderAt(column: ColumnId, index: number, movingId: string): string {
		const list = Number.isFinite(index) ? this.view.visible(column) : this.view.all(column);
		const [before, after] = neighboursAt(list.map((c) => c.note), index, movingId);
		return orderKeyBetweenNotes(before, after);
	}

	vote(id: string): void {
		if (!this.policy.voting.canVote) {
			this.feedback.showToast('Voting is closed.');
			return;
		}
		const { ballots } = this.policy;
		if (ballots) {
			if (this.store.votesLeft <= 0) return this.#noVotesLeft();
			void this.#cast(ballots, id, this.store.myVotes(id) + 1, 'Voted');
			return;
		}
		const result = this.actions.vote(id, this.store.budget);
		if (result.ok) this.feedback.announce(`Voted. ${this.store.votesLeft} of your votes left.`);
		else if (result.reason === 'over_budget') this.#noVotesLeft();
		else if (result.reason === 'not_joined') this.feedback.showToast('Choose a name to join the workshop, then vote.');
	}
	unvote(id: string): void {
		const { ballots } = this.policy;
		if (ballots) {
			const mine = this.store.myVotes(id);
			if (mine > 0) void this.#cast(ballots, id, mine - 1, 'Vote taken back');
			return;
		}
		if (this.actions.unvote(id)) this.feedback.announce(`Vote taken back. ${this.store.votesLeft} left.`);
	}

	#noVotesLeft(): void {
		this.feedback.showToast('You have used all your votes. Take one back to vote elsewhere.');
		this.feedback.announce('No votes left. Take one back to vote elsewhere.');
	}

	/** A ballot in a hidden round: the server keeps it; nobody else sees it until the round closes. */
	async #cast(ballots: NonNullable<BoardPolicy['ballots']>, id: string, dots: number, done: string): Promise<void> {
		const refused = await ballots.cast(id, dots);
		if (refused) this.feedback.showToast(refused);
		else this.feedback.announce(`${done}. ${this.store.votesLeft} left. Totals stay hidden until voting closes.`);
	}

	/** Puts focus back on a note's card (after a menu or dialog about it closes). */
	async refocus(id: string): Promise<void> {
		await this.#focus(id);
	}

	/** Puts the caret in a note's text (a note added elsewhere, such as from the canvas). */
	async focusText(id: string): Promise<void> {
		await this.#focus(id, 'text');
	}

	/** Jumps to a note (from a link): shows it even if filtered out, focuses and outlines it. */
	async jumpTo(id: string): Promise<void> {
		const note = this.store.cell(id)?.note;
		if (!note) return;
		const column = columnOf(note);
		if (!this.view.visible(column).some((c) => c.id === id)) this.view.clearFilters();
		this.view.highlighted = id;
		setTimeout(() => {
			if (this.view.highlighted === id) this.view.highlighted = null;
		}, 1600);
		await this.#focus(id);
		this.feedback.announce(`${NOTE_KIND_LABELS[note.kind]}: ${excerpt(note.text)}.`);
	}

	openColors(id: string, anchor: HTMLElement): void {
		const rect = anchor.getBoundingClientRect();
		this.coloring = { id, x: rect.left, y: rect.bottom + 4 };
	}

	/** Arrow keys on a card: the next shown note up/down, or in the nearest non-empty column. */
	async focusNeighbour(id: string, direction: MoveDirection): Promise<void> {
		const note = this.store.cell(id)?.note;
		if (!note) return;
		const column = columnOf(note);
		const list = this.view.visible(column);
		const index = list.findIndex((c) => c.id === id);
		let target = direction === 'up' ? list[index - 1] : direction === 'down' ? list[index + 1] : undefined;
		if (direction === 'left' || direction === 'right') {
			const step = direction === 'left' ? -1 : 1;
			for (let c = COLUMN_IDS.indexOf(column) + step; c >= 0 && c < COLUMN_IDS.length && !target; c += step) {
				const other = this.view.visible(COLUMN_IDS[c]);
				target = other[Math.min(index, other.length - 1)];
			}
		}
		if (target) await this.#focus(target.id);
	}

	/** Focuses a note, rendering it first (columns render only what is scrolled into view). */
	#focus(id: string, part: FocusPart = 'card'): Promise<boolean> {
		this.view.revealed = id;
		return focusNote(id, part);
	}

	setEditing(id: string | null): void {
		this.view.editing = id;
		this.#session.presence.setEditing(id);
	}
}

/** No one else is editing the note (one array for every such note, so nothing re-renders). */
export const NO_EDITORS: readonly Person[] = [];

function sameEditors(a: readonly Person[], b: readonly Person[]): boolean {
	return a.length === b.length && a.every((editor, i) => editor.name === b[i].name && editor.color === b[i].color);
}

function cannotMove(kind: NoteKind): string {
	if (kind === 'threat') return 'Threats stay in What can go wrong?.';
	if (kind === 'mitigation') return 'Mitigations stay in What are we going to do about it?.';
	if (kind === 'retro') return 'Retro notes stay in Did we do a good job?.';
	return 'No lane further that way.';
}
