/**
 * A loaded room: its record, its two documents, and the rules that apply to them. The room's own
 * rules are the roles': nobody but the server writes `control`, and observers write nothing.
 * Everything else a feature wants enforced comes through its hooks (hooks.ts).
 */
import { DOC_NAMES, type DocName, type SyncDocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { RoomRecord, StoredDoc } from '../persistence/doc-store.ts';
import type { Persister } from '../persistence/persister.ts';
import type { Connection } from './connection.ts';
import type { AuthRefusal, AuthenticatePayload, RoomHookRunner, WriteRefusal } from './hooks.ts';
import { RoomDoc, type RoomDocOptions } from './room-doc.ts';
import type { UpdateSummary } from './update-scan.ts';

const READ_ONLY: WriteRefusal = { kind: 'read-only' };

export interface RoomDeps {
	hooks: RoomHookRunner;
	persister: Persister;
	/** Folds a document's log into a snapshot; resolves false when the store refused. */
	compact(doc: RoomDoc): Promise<boolean>;
	/** Reads a document's stored state (snapshot and log). */
	readStored(docName: DocName): Promise<StoredDoc>;
	options: RoomDocOptions;
	log: Logger;
	metrics: Metrics;
}

export class Room {
	readonly docs: Record<DocName, RoomDoc>;
	readonly #hooks: RoomHookRunner;
	readonly #readStored: RoomDeps['readStored'];

	constructor(
		readonly record: RoomRecord,
		readonly tag: string,
		deps: RoomDeps
	) {
		this.#hooks = deps.hooks;
		this.#readStored = deps.readStored;
		const policy = {
			checkWrite: (doc: RoomDoc, conn: Connection, update: Uint8Array) => this.#checkWrite(doc, conn, update),
			checkUpdate: (doc: RoomDoc, connection: Connection, update: Uint8Array, summary: UpdateSummary) =>
				this.#hooks.checkUpdate({ room: this, connection, docName: doc.docName, update, summary }),
			afterCommit: (doc: RoomDoc, update: Uint8Array, origin: unknown) =>
				this.#hooks.afterCommit({ room: this, docName: doc.docName, update, origin }),
			compact: deps.compact
		};
		const docs = {} as Record<DocName, RoomDoc>;
		for (const docName of DOC_NAMES) {
			docs[docName] = new RoomDoc(record.roomId, docName, tag, policy, deps.persister, deps.options, deps.log, deps.metrics);
		}
		this.docs = docs;
	}

	get roomId(): string {
		return this.record.roomId;
	}

	/** The open board connection that owns an awareness client id: who a person on screen is. */
	connectionOwning(clientId: number): Connection | undefined {
		return this.docs.board.presence.connectionOwning(clientId);
	}

	/**
	 * Takes in what the store holds of a document that this instance may not have seen yet
	 * (written by another instance whose fan-out has not arrived): before tallying what
	 * participants handed in on any instance.
	 */
	async refresh(docName: DocName): Promise<void> {
		this.docs[docName].applyFromStore(await this.#readStored(docName));
	}

	/** Resolves once everything applied to a document so far is stored (what an API may acknowledge). */
	committed(docName: DocName): Promise<void> {
		return new Promise((resolve) => this.docs[docName].pipeline.whenCommitted(resolve));
	}

	/** Every open connection, on either document. */
	*connections(): Iterable<Connection> {
		for (const docName of DOC_NAMES) yield* this.docs[docName].conns;
	}

	/** Settles a new connection's role from its credentials (facilitator keys, ...), or refuses it. */
	authenticate(connection: Connection, docName: SyncDocName, credentials: AuthenticatePayload['credentials']): AuthRefusal | undefined {
		return this.#hooks.onAuthenticate({ room: this, connection, docName, credentials });
	}

	connect(connection: Connection, docName: SyncDocName): void {
		this.docs[docName].addConnection(connection);
		this.#hooks.onConnect({ room: this, connection, docName });
	}

	disconnect(connection: Connection, docName: SyncDocName): void {
		if (this.docs[docName].removeConnection(connection)) this.#hooks.onDisconnect({ room: this, connection, docName });
	}

	#checkWrite(doc: RoomDoc, connection: Connection, update: Uint8Array): WriteRefusal | undefined {
		if (doc.docName !== 'board') return READ_ONLY; // control and sealed: written only by the server
		if (connection.role === 'observer') return READ_ONLY;
		return this.#hooks.canWrite({ room: this, connection, docName: doc.docName, update });
	}
}
