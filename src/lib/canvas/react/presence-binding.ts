/**
 * Canvas presence through Yjs awareness: this user's cursor, selection and viewport go out in the
 * awareness field `canvas`; everyone else's come in as tldraw `instance_presence` records, which
 * tldraw draws as named cursors and selection outlines and uses for following a viewport.
 *
 * Outgoing updates are throttled (cursors are most of the awareness traffic in a big room).
 * Incoming states are validated (readPresence) because they come from other browsers.
 */
import type { Awareness } from 'y-protocols/awareness';
import { InstancePresenceRecordType, react, type Editor, type TLInstancePresence, type TLShapeId } from 'tldraw';
import { MAX_PRESENCE_SELECTION, readPresence, type CanvasPresence } from '#shared/wire/presence';

/** At most this often does our cursor go out (20 per second looks smooth and stays small). */
export const PRESENCE_SEND_INTERVAL_MS = 50;

/** The tldraw user id of an awareness client, used to follow them. */
export const presenceUserId = (clientId: number): string => `user:client-${clientId}`;

export function bindPresence(editor: Editor, awareness: Awareness): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let lastSent = 0;
	let pending: CanvasPresence | undefined;

	const send = () => {
		timer = undefined;
		if (!pending) return;
		lastSent = Date.now();
		awareness.setLocalStateField('canvas', pending);
		pending = undefined;
	};

	const stopLocal = react('canvas presence out', () => {
		const point = editor.inputs.getCurrentPagePoint();
		const camera = editor.getCamera();
		const screen = editor.getViewportScreenBounds();
		pending = {
			pageId: editor.getCurrentPageId(),
			cursor: { x: point.x, y: point.y },
			selection: editor.getSelectedShapeIds().slice(0, MAX_PRESENCE_SELECTION),
			camera: { x: camera.x, y: camera.y, z: camera.z },
			screen: { w: Math.max(1, screen.w), h: Math.max(1, screen.h) }
		};
		if (timer) return;
		timer = setTimeout(send, Math.max(0, PRESENCE_SEND_INTERVAL_MS - (Date.now() - lastSent)));
	});

	const toRecord = (clientId: number): TLInstancePresence | undefined => {
		const presence = readPresence(awareness.getStates().get(clientId));
		if (!presence?.canvas) return undefined;
		const { canvas, user } = presence;
		const userId = presenceUserId(clientId) as TLInstancePresence['userId'];
		const cursor = canvas.cursor ?? { x: 0, y: 0 };
		return InstancePresenceRecordType.create({
			id: InstancePresenceRecordType.createId(userId),
			userId,
			userName: user.name,
			color: user.color,
			currentPageId: canvas.pageId as TLInstancePresence['currentPageId'],
			cursor: { ...cursor, type: 'default', rotation: 0 },
			camera: canvas.camera,
			screenBounds: { x: 0, y: 0, w: canvas.screen.w, h: canvas.screen.h },
			selectedShapeIds: canvas.selection as TLShapeId[],
			// Only the people whose state changed are touched, so idle cursors fade as tldraw intends.
			lastActivityTimestamp: Date.now()
		});
	};

	/** One person's record that tldraw would refuse must not take everyone else's cursors with it. */
	const isValidPresence = (record: TLInstancePresence): boolean => {
		try {
			editor.store.schema.validateRecord(editor.store, record, 'createRecord', null);
			return true;
		} catch {
			return false;
		}
	};

	const apply = (changed: number[], removed: number[]) => {
		const put: TLInstancePresence[] = [];
		const remove: TLInstancePresence['id'][] = [];
		for (const clientId of changed) {
			if (clientId === awareness.clientID) continue;
			const record = toRecord(clientId);
			if (record && isValidPresence(record)) put.push(record);
			else removed.push(clientId);
		}
		for (const clientId of removed) {
			const id = InstancePresenceRecordType.createId(presenceUserId(clientId));
			if (editor.store.has(id)) remove.push(id);
		}
		if (!put.length && !remove.length) return;
		editor.store.mergeRemoteChanges(() => {
			if (remove.length) editor.store.remove(remove);
			if (put.length) editor.store.put(put);
		});
	};

	const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
		apply([...added, ...updated], [...removed]);
	awareness.on('change', onChange);
	apply([...awareness.getStates().keys()], []);

	return () => {
		stopLocal();
		if (timer) clearTimeout(timer);
		awareness.off('change', onChange);
		awareness.setLocalStateField('canvas', undefined);
		editor.store.mergeRemoteChanges(() => {
			editor.store.remove(editor.store.query.records('instance_presence').get().map((record) => record.id));
		});
	};
}
