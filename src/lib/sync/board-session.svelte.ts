/**
 * One open workshop in this browser: the board Y.Doc, its offline copy in IndexedDB, the
 * connection to the sync server, and the little state the UI shows about them.
 *
 * Only summaries live in $state (status, title, presence); the document itself stays in Yjs and
 * components observe what they need, so a big board is never mirrored into deep reactive state.
 */
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { readTitle } from '#shared/board/doc';
import { CloseCode, REMOVED_BY_FACILITATOR } from '#shared/wire/protocol';
import type { Role } from '#shared/wire/roles';
import { boardDatabaseName } from '$lib/workshop/storage-keys.ts';
import { createBoardProvider, syncProtocols, type BoardProvider } from './provider.ts';
import { PresenceTracker } from './presence.svelte.ts';

/**
 * connecting: not synced yet; live: synced with the server; offline: lost it, retrying by
 * itself; stopped: the server refused us for good (see `problem`), no more retries.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'offline' | 'stopped';

/** A refusal that reconnecting cannot fix (the server closed with a 44xx code). */
export type SessionProblem =
	| { kind: 'not-found' }
	| { kind: 'facilitator-key-refused' }
	/** The identity this browser keeps for the workshop was not recognised: it joins again. */
	| { kind: 'identity-refused' }
	/** A facilitator removed this person from the workshop: said, and not joined again by itself. */
	| { kind: 'removed' }
	| { kind: 'refused'; code: number; reason: string };

/** performance.mark name set each time the board has synced with the server. */
export const SYNCED_MARK = 'threatboard:synced';

export interface BoardSessionOptions {
	/** The id in the address: a room id, or an observer id. */
	id: string;
	observer: boolean;
	facilitatorKey?: string;
	/** This browser's identity in the workshop, when it has joined before. */
	participant?: { participantId: string; secret: string };
}

export class BoardSession {
	readonly id: string;
	readonly doc = new Y.Doc();
	readonly presence: PresenceTracker;
	/** Called when the server grants this browser a facilitator key (the page keeps it). */
	onFacilitatorKey: ((key: string) => void) | undefined;

	readonly #connection: BoardProvider;
	readonly #local: IndexeddbPersistence | undefined;
	readonly #cleanups: Array<() => void> = [];

	#status = $state<ConnectionStatus>('connecting');
	#problem = $state<SessionProblem | null>(null);
	#readOnly = $state(false);
	#locked = $state(false);
	#role = $state<Role>('participant');
	#title = $state<string | undefined>();
	#hasLocalCopy = $state(false);
	#hasSynced = $state(false);
	#participant = $state<{ participantId: string; secret: string } | undefined>();
	#facilitatorKey: string | undefined;
	/** Set while we close the socket ourselves to reconnect with other credentials. */
	#reconnecting = false;

	constructor(options: BoardSessionOptions) {
		this.id = options.id;
		this.#role = options.observer ? 'observer' : options.facilitatorKey ? 'facilitator' : 'participant';
		this.#readOnly = options.observer;
		this.#participant = options.observer ? undefined : options.participant;
		this.#facilitatorKey = options.facilitatorKey;

		this.#on(this.doc, 'update', () => (this.#title = readTitle(this.doc)));
		this.#local = this.#openLocalCopy();

		this.#connection = createBoardProvider(this.id, this.doc, {
			facilitatorKey: options.facilitatorKey,
			participantToken: this.#participantToken(),
			onPermissionDenied: () => (this.#readOnly = true),
			onFacilitatorKey: (key) => {
				this.useFacilitatorKey(key);
				this.onFacilitatorKey?.(key);
			}
		});
		this.presence = new PresenceTracker(this.#connection.awareness);
		this.#watchConnection();
	}

	/** Yjs awareness of the board connection (presence: names, editing, canvas cursors). */
	get awareness(): Awareness {
		return this.#connection.awareness;
	}

	get status(): ConnectionStatus {
		return this.#status;
	}
	get problem(): SessionProblem | null {
		return this.#problem;
	}
	/** Observers, and everyone but facilitators while the board is locked, cannot write. */
	get readOnly(): boolean {
		return this.#readOnly || (this.#locked && this.#role !== 'facilitator');
	}
	get role(): Role {
		return this.#role;
	}
	/** This browser's participant id in the workshop (votes and authorship are keyed by it), once joined. */
	get participantId(): string | undefined {
		return this.#participant?.participantId;
	}
	get participant(): { participantId: string; secret: string } | undefined {
		return this.#participant;
	}

	/** The title in the board document; undefined until it has arrived (from IndexedDB or the server). */
	get title(): string | undefined {
		return this.#title;
	}
	/** True once the server's state has been applied (it stays true through later reconnects). */
	get hasSynced(): boolean {
		return this.#hasSynced;
	}
	/** True once a copy saved on this device has been loaded (it may be empty for a first visit). */
	get hasLocalCopy(): boolean {
		return this.#hasLocalCopy;
	}

	/** Follows the facilitator's lock (read from the control document by src/lib/facilitation). */
	setBoardLocked(locked: boolean): void {
		// A write refused during the lock made us read-only; the unlock lifts that (not for observers).
		if (this.#locked && !locked && this.#role !== 'observer') this.#readOnly = false;
		this.#locked = locked;
	}

	/** Reconnects as a facilitator with `key` (granted or handed over), or as a participant without one. */
	useFacilitatorKey(key: string | undefined): void {
		this.#facilitatorKey = key;
		this.#role = key ? 'facilitator' : 'participant';
		this.#reconnect();
	}

	/** After the server refused our facilitator key: carry on as a plain participant. */
	continueAsParticipant(): void {
		this.#facilitatorKey = undefined;
		this.#role = 'participant';
		this.#reconnect();
	}

	/**
	 * Deletes this device's copy of the board, with whatever it holds that the server does not:
	 * the way out when the server refuses a change the copy keeps sending back at every reload
	 * (the caller reloads the page, which then starts from the server's board).
	 */
	async forgetUnsentChanges(): Promise<void> {
		await this.#local?.clearData();
	}

	/** Reconnects as this participant (just joined, or joined again), or without an identity. */
	useParticipant(participant: { participantId: string; secret: string } | undefined): void {
		if (this.#role === 'observer') return;
		this.#participant = participant;
		this.#reconnect();
	}

	#participantToken(): string | undefined {
		return this.#participant && `${this.#participant.participantId}.${this.#participant.secret}`;
	}

	#reconnect(): void {
		const { provider } = this.#connection;
		provider.protocols = syncProtocols(this.#facilitatorKey, this.#participantToken());
		if (this.#problem) {
			this.#problem = null;
			this.#status = 'connecting';
		}
		// Our own close is not the network failing: the status stays as it is (the canvas, for one,
		// treats "offline" as "show this device's copy") until the new socket answers or fails.
		this.#reconnecting = true;
		provider.disconnect();
		this.#reconnecting = false;
		provider.connect();
	}

	destroy(): void {
		this.presence.leave();
		this.presence.destroy();
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		this.#connection.destroy();
		void this.#local?.destroy();
		this.doc.destroy();
	}

	#openLocalCopy(): IndexeddbPersistence | undefined {
		try {
			const local = new IndexeddbPersistence(boardDatabaseName(this.id), this.doc);
			local.whenSynced.then(
				() => (this.#hasLocalCopy = true),
				() => undefined // no IndexedDB (private mode): we only lose the offline copy
			);
			return local;
		} catch {
			return undefined;
		}
	}

	#watchConnection(): void {
		const { provider } = this.#connection;
		this.#on(provider, 'sync', (synced: boolean) => {
			// For performance measurements (bench/browser/board.ts): the server's state is applied.
			if (synced) performance.mark(SYNCED_MARK);
			if (synced) this.#hasSynced = true;
			if (synced && navigator.onLine) this.#status = 'live';
		});
		// Every failed or lost connection; the provider retries by itself (backoff up to 2.5 s).
		// We stay "offline" through the retries rather than flicker through "connecting".
		this.#on(provider, 'connection-close', () => {
			if (this.#reconnecting) return;
			if (this.#status === 'live' || this.#status === 'connecting') this.#status = 'offline';
		});
		this.#on(provider, 'closed', ({ code, reason }: { code: number; reason: string }) => {
			this.#status = 'stopped';
			this.#problem =
				code === CloseCode.RoomNotFound
					? { kind: 'not-found' }
					: code === CloseCode.Unauthorized && reason === REMOVED_BY_FACILITATOR
						? { kind: 'removed' }
						: code === CloseCode.Unauthorized && reason.includes('participant')
							? { kind: 'identity-refused' }
							: code === CloseCode.Unauthorized && this.#role === 'facilitator'
								? { kind: 'facilitator-key-refused' }
								: { kind: 'refused', code, reason };
		});
		const onNetworkChange = () => {
			if (this.#status === 'stopped') return;
			if (!navigator.onLine) this.#status = 'offline';
			else if (provider.synced) this.#status = 'live';
		};
		window.addEventListener('online', onNetworkChange);
		window.addEventListener('offline', onNetworkChange);
		this.#cleanups.push(() => {
			window.removeEventListener('online', onNetworkChange);
			window.removeEventListener('offline', onNetworkChange);
		});
	}

	/** Subscribes to a Yjs/lib0 observable and remembers to unsubscribe on destroy. */
	#on<A extends unknown[]>(
		target: { on(name: string, f: (...args: A) => void): void; off(name: string, f: (...args: A) => void): void },
		name: string,
		handler: (...args: A) => void
	): void {
		target.on(name, handler);
		this.#cleanups.push(() => target.off(name, handler));
	}
}
