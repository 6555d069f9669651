/**
 * The diagram's items with their references (E1, F1, B1, as the report numbers them), for the
 * element picker and the chips on notes. References depend on which items there are, their kinds,
 * labels and drawing times, and what the flows are bound to, never on where shapes are, so the
 * diagram (about 20 ms for 300 elements and 300 flows) is read again only when one of those
 * changed (onDiagramRefsChange), and only once someone asks.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the map is rebuilt whole with the list. */
import type * as Y from 'yjs';
import { untrack } from 'svelte';
import { onDiagramRefsChange, readDiagramRefs, type DiagramRef } from '#shared/canvas/diagram-refs';

export class DiagramIndex {
	#version = $state(0);
	#readAt = -1;
	#items: DiagramRef[] = [];
	#byId = new Map<string, DiagramRef>();
	readonly #doc: Y.Doc;
	readonly #unsubscribe: () => void;

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		this.#unsubscribe = onDiagramRefsChange(doc, () => this.#version++);
	}

	/** Elements, then flows, then boundaries, each in reference order. */
	get items(): readonly DiagramRef[] {
		this.#read();
		return this.#items;
	}

	/** The reference of an item on the diagram now, or undefined. */
	of(id: string): DiagramRef | undefined {
		this.#read();
		return this.#byId.get(id);
	}

	destroy(): void {
		this.#unsubscribe();
	}

	#read(): void {
		const version = this.#version;
		if (version === this.#readAt) return;
		this.#readAt = version;
		untrack(() => {
			this.#items = readDiagramRefs(this.#doc);
			this.#byId = new Map(this.#items.map((item) => [item.id, item]));
		});
	}
}

