/**
 * A model's figures (issue 15: open high-risk threats, coverage, title, the models it depends on)
 * are computed where its board changes, not where a system page is read. Reading them at read
 * time decoded every board of a system on a page's first read: 2.6 s for 50 models of 100
 * threats on a busy machine (bench/system-page.ts; 3.5-11 s reported), against a target of 1 s.
 *
 * - After a board commit on this instance (the afterCommit hook), the room's figures are computed
 *   again once FIGURES_DELAY_MS has passed (whether or not the room is still loaded), from the
 *   stored board, in the figures worker
 *   (figures-runner.ts), and kept in `model_figures` with a token naming the board's version
 *   (StoredDoc.version: updates ever appended; compaction leaves it alone). Many commits in that
 *   time cost one computation. Only members of a system are computed; joining a system computes
 *   the room's figures (an imported or older workshop's too). A room found outside every system
 *   is not asked about again for a minute (OUTSIDE_SYSTEMS_MS).
 * - A read (the system page, its report, a workshop's dependents) takes the boards' versions, the
 *   kept figures and the last iterations in one store query, and computes (in the worker) only
 *   the figures whose token does not match: missing (a computation lost to kill -9 or a failed
 *   write), written by an older build (another FIGURES_FORMAT), or older than the board (a
 *   change not yet computed, or appended by an instance that has not computed it yet).
 *
 * Figures are always those of a stored board version, so every instance sharing a store agrees;
 * several instances computing one room at once write figures that are each right for their
 * token. `threatboard_model_figures_computed_total{when}` tells the two paths apart.
 */
import { ModelFigures } from '#shared/systems/status';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { StoredModel } from '../persistence/system-store.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import { sharedFiguresRunner, type FiguresRunner } from './figures-runner.ts';

/**
 * Names what the figures hold and how they are read: change it when readModelFigures changes
 * what it reports, and every kept figure is computed again on its next read.
 */
export const FIGURES_FORMAT = 'f1';
/**
 * Time after a board's first uncomputed commit before its figures are computed: one computation
 * for every commit in it (a 100-threat board costs the worker 5-45 ms), so a room edited without
 * pause costs at most one every 2 s. A page read in between computes that room itself.
 */
export const FIGURES_DELAY_MS = 2_000;

/**
 * How long a room found outside every system is not asked about again after its edits. Asking
 * (one store query two seconds after each edited room's last edit) was 1.5% of the server's CPU
 * at 100 rooms x 5 clients, for rooms that are almost never members. Joining through this
 * instance clears it at once; a room another instance adds is computed after changes here once
 * this has passed, and by any page read before that (its figures are then stale).
 */
const OUTSIDE_SYSTEMS_MS = 60_000;
/** Rooms remembered as outside every system, at most (all are forgotten past it). */
const OUTSIDE_SYSTEMS_MAX = 10_000;

export const figuresToken = (boardVersion: number) => `${FIGURES_FORMAT}:${boardVersion}`;

export interface KeptModel {
	/** Undefined when the room has no board. */
	figures: ModelFigures | undefined;
	lastIteration: StoredModel['lastIteration'];
}

export interface ModelFiguresKeeper {
	/** The afterCommit hook that schedules the computation. */
	readonly hooks: RoomHooks;
	/** A room joined a system (or its board changed): its figures are computed soon, whatever was known of it. */
	changed(roomId: string): void;
	/** The current figures of these rooms (unknown rooms left out), computed only where stale. */
	read(roomIds: readonly string[]): Promise<Map<string, KeptModel>>;
	/** Runs every scheduled computation now and waits for those running (shutdown, tests). */
	flush(): Promise<void>;
	/** Drops what is scheduled; later changes are ignored. */
	close(): void;
}

interface Computed {
	version: number;
	figures: ModelFigures;
}

type When = 'after-change' | 'on-read';

export function createModelFiguresKeeper(deps: {
	store: DocStore;
	log: Logger;
	metrics: Metrics;
	runner?: FiguresRunner;
	delayMs?: number;
}): ModelFiguresKeeper {
	const { store, log, metrics } = deps;
	const runner = deps.runner ?? sharedFiguresRunner();
	const delayMs = deps.delayMs ?? FIGURES_DELAY_MS;
	/** Rooms whose computation is scheduled. */
	const timers = new Map<string, NodeJS.Timeout>();
	/** The computation running per room (a read waits for it rather than starting another). */
	const running = new Map<string, Promise<Computed | undefined>>();
	/** Scheduled computations under way (flush waits for them). */
	const settling = new Set<Promise<void>>();
	/** Rooms found outside every system, with when that answer is asked for again. */
	const outside = new Map<string, number>();
	let closed = false;

	async function compute(roomId: string, when: When): Promise<Computed | undefined> {
		const stored = await store.loadDoc({ roomId, docName: 'board' });
		if (stored.updates.length === 0) return undefined;
		const figures = await runner.figures(stored.updates);
		metrics.modelFiguresComputed.inc({ when });
		// Kept for the next reader; a failed write costs it a recomputation.
		await store.systems.putFigures(roomId, figuresToken(stored.version), JSON.stringify(figures)).catch((err: unknown) => {
			log.warn('systems: figures could not be kept', { room: roomTag(roomId), error: errorMessage(err) });
		});
		return { version: stored.version, figures };
	}

	function start(roomId: string, when: When): Promise<Computed | undefined> {
		const run = compute(roomId, when).finally(() => {
			if (running.get(roomId) === run) running.delete(roomId);
		});
		running.set(roomId, run);
		return run;
	}

	async function afterChange(roomId: string): Promise<void> {
		if (!(await store.systems.modelOfRoom(roomId))) {
			// Figures are kept for system members only.
			if (outside.size >= OUTSIDE_SYSTEMS_MAX) outside.clear();
			outside.set(roomId, performance.now() + OUTSIDE_SYSTEMS_MS);
			return;
		}
		// A computation already running may have read the board before this change.
		await running.get(roomId)?.catch(() => undefined);
		await start(roomId, 'after-change');
	}

	function settle(roomId: string): void {
		const done: Promise<void> = afterChange(roomId)
			.catch((err: unknown) => log.warn('systems: figures could not be computed', { room: roomTag(roomId), error: errorMessage(err) }))
			.finally(() => settling.delete(done));
		settling.add(done);
	}

	function schedule(roomId: string): void {
		if (closed || timers.has(roomId)) return;
		const timer = setTimeout(() => {
			timers.delete(roomId);
			settle(roomId);
		}, delayMs);
		// Shutdown flushes; a process that dies leaves the figures stale, and a read computes them.
		timer.unref();
		timers.set(roomId, timer);
	}

	async function current(roomId: string, model: StoredModel): Promise<ModelFigures | undefined> {
		if (model.boardVersion === undefined) return undefined;
		// Rows under this build's token were written by this code from readModelFigures: parsed,
		// not validated again (zod took 20-160 ms, 510 ms cold, for 50 rows of 34 threats each,
		// more than the rest of a page read). A stale row is validated before it is shown.
		if (model.kept?.token === figuresToken(model.boardVersion)) {
			const figures = parseJson(model.kept.figures);
			if (figures !== undefined) return figures as ModelFigures;
		}
		const under = await running.get(roomId)?.catch(() => undefined);
		if (under && under.version >= model.boardVersion) return under.figures;
		try {
			return (await start(roomId, 'on-read'))?.figures;
		} catch (err) {
			// A board the worker could not read (too slow, out of memory): its last figures, if any.
			const stale = model.kept && ModelFigures.safeParse(parseJson(model.kept.figures));
			if (!stale?.success) throw err;
			log.warn('systems: stale figures shown', { room: roomTag(roomId), error: errorMessage(err) });
			return stale.data;
		}
	}

	const keeper: ModelFiguresKeeper = {
		hooks: {
			name: 'system-figures',
			afterCommit({ room, docName }) {
				if (docName !== 'board') return;
				const until = outside.get(room.roomId);
				if (until !== undefined && performance.now() < until) return;
				schedule(room.roomId);
			}
		},
		changed(roomId) {
			outside.delete(roomId);
			schedule(roomId);
		},
		async read(roomIds) {
			const stored = await store.systems.readModels(roomIds);
			const kept = new Map<string, KeptModel>();
			await Promise.all(
				[...stored].map(async ([roomId, model]) => {
					kept.set(roomId, { figures: await current(roomId, model), lastIteration: model.lastIteration });
				})
			);
			return kept;
		},
		async flush() {
			for (const [roomId, timer] of timers) {
				clearTimeout(timer);
				timers.delete(roomId);
				settle(roomId);
			}
			await Promise.all([...settling, ...[...running.values()].map((run) => run.catch(() => undefined))]);
		},
		close() {
			closed = true;
			for (const timer of timers.values()) clearTimeout(timer);
			timers.clear();
		}
	};
	return keeper;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
