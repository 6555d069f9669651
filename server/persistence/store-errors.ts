/**
 * A store that cannot answer (database down, disk failing) is a 503 for HTTP callers, not a 500:
 * the request was fine and may be retried. This wrapper turns every failure of a store call into
 * a StoreUnavailableError, which the API answers with 503 and Retry-After.
 */
import type { DocStore } from './doc-store.ts';
import type { SystemStore } from './system-store.ts';

export class StoreUnavailableError extends Error {
	override readonly name = 'StoreUnavailableError';
	constructor(cause: unknown) {
		super('the store could not answer', { cause });
	}
}

function unavailableOnThrow<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
	return (...args) => {
		try {
			return call(...args);
		} catch (err) {
			throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
		}
	};
}

/** The same store, with every rejected (or thrown) call failing with StoreUnavailableError. */
export function unavailableOnFailure(store: DocStore): DocStore {
	const wrap =
		<A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
		async (...args: A): Promise<R> => {
			try {
				return await call(...args);
			} catch (err) {
				throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
			}
		};
	return {
		kind: store.kind,
		concurrentAppends: store.concurrentAppends,
		createRoom: wrap(store.createRoom.bind(store)),
		getRoom: wrap(store.getRoom.bind(store)),
		getRoomByObserverHash: wrap(store.getRoomByObserverHash.bind(store)),
		countRooms: wrap(store.countRooms.bind(store)),
		freeDiskBytes: wrap(store.freeDiskBytes.bind(store)),
		loadDoc: wrap(store.loadDoc.bind(store)),
		appendUpdates: wrap(store.appendUpdates.bind(store)),
		...(store.appendUpdatesNow && { appendUpdatesNow: unavailableOnThrow(store.appendUpdatesNow.bind(store)) }),
		compact: wrap(store.compact.bind(store)),
		addIteration: wrap(store.addIteration.bind(store)),
		listIterations: wrap(store.listIterations.bind(store)),
		getIteration: wrap(store.getIteration.bind(store)),
		systems: wrapSystems(store.systems, wrap),
		ping: wrap(store.ping.bind(store)),
		close: store.close.bind(store)
	};
}

type Wrap = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => (...args: A) => Promise<R>;

function wrapSystems(systems: SystemStore, wrap: Wrap): SystemStore {
	return {
		createSystem: wrap(systems.createSystem.bind(systems)),
		getSystem: wrap(systems.getSystem.bind(systems)),
		getSystemByObserverHash: wrap(systems.getSystemByObserverHash.bind(systems)),
		renameSystem: wrap(systems.renameSystem.bind(systems)),
		addModel: wrap(systems.addModel.bind(systems)),
		listModels: wrap(systems.listModels.bind(systems)),
		modelOfRoom: wrap(systems.modelOfRoom.bind(systems)),
		removeModel: wrap(systems.removeModel.bind(systems)),
		restoreModel: wrap(systems.restoreModel.bind(systems)),
		readModels: wrap(systems.readModels.bind(systems)),
		putFigures: wrap(systems.putFigures.bind(systems))
	};
}
