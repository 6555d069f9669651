/**
 * The live status of the models a diagram references (issue 15): one Server-Sent Events stream
 * per page for every dependency element on the canvas (GET /api/rooms/:id/dependencies/events),
 * opened again when the set of refs changes, and after a drop with a backoff from 1 s to 30 s.
 *
 * The stream is read with fetch rather than EventSource: EventSource retries on its own, every
 * few seconds for ever, and cannot be told to back off; with fetch the retry policy is this
 * module's, and the same code runs in Node against a real server in the tests.
 */
import { DependenciesResponse, MAX_DEPENDENCY_REFS, type DependencyStatus, type ModelRef } from '#shared/systems/contract';

/** The first retry after a drop; each further one doubles, up to DEPENDENCY_RETRY_MAX_MS. */
export const DEPENDENCY_RETRY_MIN_MS = 1_000;
export const DEPENDENCY_RETRY_MAX_MS = 30_000;
/** An event longer than this (characters) is not a DependenciesResponse: the stream is dropped. */
const MAX_EVENT_CHARS = 512 * 1024;

export type DependencyFeedState = 'idle' | 'connecting' | 'open' | 'retrying' | 'closed';

export interface DependencyFeedOptions {
	/** The page's room id or observer id. */
	id: string;
	/** Called with every ref's last known status whenever one changes. */
	onStatuses: (statuses: ReadonlyMap<ModelRef, DependencyStatus>) => void;
	onState?: (state: DependencyFeedState) => void;
	/** Prefix for the API path (tests: the server's origin). */
	origin?: string;
	/** Retry delays (tests shorten them). */
	retryMinMs?: number;
	retryMaxMs?: number;
}

export interface DependencyFeed {
	/** The refs the canvas shows now; the stream is opened again only when the set changes. */
	setRefs(refs: Iterable<ModelRef>): void;
	readonly state: DependencyFeedState;
	close(): void;
}

/** The wait before retry number `attempt` (0: the first): 1 s, 2 s, 4 s … 30 s. */
export function retryDelayMs(attempt: number, min = DEPENDENCY_RETRY_MIN_MS, max = DEPENDENCY_RETRY_MAX_MS): number {
	return Math.min(max, min * 2 ** Math.min(attempt, 30));
}

export function dependencyEventsPath(id: string, refs: readonly ModelRef[]): string {
	return `/api/rooms/${encodeURIComponent(id)}/dependencies/events?refs=${refs.map(encodeURIComponent).join(',')}`;
}

export function createDependencyFeed(options: DependencyFeedOptions): DependencyFeed {
	const min = options.retryMinMs ?? DEPENDENCY_RETRY_MIN_MS;
	const max = options.retryMaxMs ?? DEPENDENCY_RETRY_MAX_MS;
	let refs: ModelRef[] = [];
	let statuses = new Map<ModelRef, DependencyStatus>();
	let state: DependencyFeedState = 'idle';
	let abort: AbortController | undefined;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let attempt = 0;

	const setState = (next: DependencyFeedState) => {
		if (next === state) return;
		state = next;
		options.onState?.(next);
	};

	const stop = () => {
		abort?.abort();
		abort = undefined;
		clearTimeout(timer);
		timer = undefined;
	};

	const open = () => {
		stop();
		if (refs.length === 0) {
			setState('idle');
			return;
		}
		const controller = new AbortController();
		abort = controller;
		setState('connecting');
		void read(controller, refs).then(
			() => dropped(controller),
			() => dropped(controller)
		);
	};

	const dropped = (controller: AbortController) => {
		if (controller !== abort || controller.signal.aborted) return;
		abort = undefined;
		controller.abort();
		setState('retrying');
		timer = setTimeout(open, retryDelayMs(attempt++, min, max));
	};

	const receive = (data: string) => {
		let json: unknown;
		try {
			json = JSON.parse(data);
		} catch {
			return;
		}
		const parsed = DependenciesResponse.safeParse(json);
		if (!parsed.success) return;
		attempt = 0;
		const next = new Map(statuses);
		for (const status of parsed.data.dependencies) if (refs.includes(status.modelRef)) next.set(status.modelRef, status);
		statuses = next;
		options.onStatuses(statuses);
	};

	async function read(controller: AbortController, asked: readonly ModelRef[]): Promise<void> {
		const response = await fetch(`${options.origin ?? ''}${dependencyEventsPath(options.id, asked)}`, {
			headers: { accept: 'text/event-stream' },
			signal: controller.signal,
			cache: 'no-store'
		});
		if (!response.ok || !response.body) throw new Error(`dependency events: ${response.status}`);
		setState('open');
		const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
		let buffer = '';
		for (;;) {
			const { done, value } = await reader.read();
			if (done || controller.signal.aborted) return;
			buffer += value;
			// Events end with a blank line; lines end in \n or \r\n (a lone \r, which no server here sends, is not read).
			buffer = buffer.replace(/\r\n/g, '\n');
			let end: number;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const event = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				const data = event
					.split('\n')
					.filter((line) => line.startsWith('data:'))
					.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
					.join('\n');
				if (data && !controller.signal.aborted) receive(data);
			}
			if (buffer.length > MAX_EVENT_CHARS) throw new Error('dependency events: event too long');
		}
	}

	return {
		setRefs(next) {
			const wanted = [...new Set(next)].sort().slice(0, MAX_DEPENDENCY_REFS);
			if (state === 'closed' || (wanted.length === refs.length && wanted.every((ref, i) => ref === refs[i]))) return;
			refs = wanted;
			// Statuses of refs still shown stay (no flicker); the others go.
			const kept = new Map([...statuses].filter(([ref]) => wanted.includes(ref)));
			if (kept.size !== statuses.size) {
				statuses = kept;
				options.onStatuses(statuses);
			}
			attempt = 0;
			open();
		},
		get state() {
			return state;
		},
		close() {
			stop();
			setState('closed');
		}
	};
}
