/**
 * The workshop's view of the other models of its system (issue 15): the system and its models
 * (to place one on the diagram), the models that use this one ("Used by"), and the live status of
 * every model the diagram references, fed by one stream for the page (dependency-feed.ts).
 * The refs come from the board document, so a dependency element someone else places shows its
 * card here at once; observers get all of it, read-only.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the statuses map is replaced whole by the feed,
   and the refs by record id are bookkeeping no view reads. */
import { createContext } from 'svelte';
import type * as Y from 'yjs';
import { canvasMap } from '#shared/board/doc';
import { onCanvasChange } from '#shared/canvas/elements';
import { dependencyRefOfRecord, type DependencyStatus, type ModelRef, type RoomSystemResponse, type DependentsResponse } from '#shared/systems/contract';
import { createDependencyFeed, type DependencyFeed } from './dependency-feed.ts';
import { fetchDependents, fetchRoomSystem } from './systems-client.ts';

/** How often the system and its dependents are read again while the workshop is open. */
const SYSTEM_REFRESH_MS = 60_000;

export type RoomSystem = NonNullable<RoomSystemResponse['system']>;

export class ModelDependencies {
	/** The room's system; null when it is in none, undefined until known. */
	system = $state.raw<RoomSystem | null | undefined>(undefined);
	dependents = $state.raw<DependentsResponse['dependents']>([]);
	/** The last known status of each model the diagram references. */
	statuses = $state.raw<ReadonlyMap<ModelRef, DependencyStatus>>(new Map());

	readonly #id: string;
	readonly #feed: DependencyFeed;
	/** Canvas record id → the ref of the dependency element it is. */
	readonly #refsById = new Map<string, ModelRef>();
	readonly #stopCanvas: () => void;
	readonly #timer: ReturnType<typeof setInterval>;

	constructor(id: string, doc: Y.Doc) {
		this.#id = id;
		this.#feed = createDependencyFeed({ id, onStatuses: (statuses) => (this.statuses = statuses) });
		const canvas = canvasMap(doc);
		const read = (ids: Iterable<string>) => {
			let changed = false;
			for (const recordId of ids) {
				const ref = dependencyRefOfRecord(canvas.get(recordId));
				if (ref === this.#refsById.get(recordId)) continue;
				changed = true;
				if (ref) this.#refsById.set(recordId, ref);
				else this.#refsById.delete(recordId);
			}
			if (changed) this.#feed.setRefs(this.#refsById.values());
		};
		read(canvas.keys());
		// Only the records that changed are looked at: a drag writes one record many times a second.
		this.#stopCanvas = onCanvasChange(doc, read);
		void this.refresh();
		// Models join and leave the system, and start or stop using this one, rarely: a read a
		// minute keeps "Used by" and the picker current without a stream per page.
		this.#timer = setInterval(() => void this.refresh(), SYSTEM_REFRESH_MS);
	}

	/** Asks the server again for the system and the dependents (when the picker opens, say). */
	async refresh(): Promise<void> {
		const [system, dependents] = await Promise.all([fetchRoomSystem(this.#id), fetchDependents(this.#id)]);
		// A failed read keeps what was known; the first one says "in no system" rather than wait.
		if (system !== undefined || this.system === undefined) this.system = system ?? null;
		this.dependents = dependents;
	}

	/** The other models of the system that can be placed: not this one, not removed. */
	get placeable(): RoomSystem['models'] {
		return this.system?.models.filter((model) => !model.self && !model.removed) ?? [];
	}

	destroy(): void {
		clearInterval(this.#timer);
		this.#stopCanvas();
		this.#feed.close();
	}
}

export const [getModelDependenciesOrThrow, setModelDependencies] = createContext<ModelDependencies>();
