/**
 * Hand-built Yjs v1 updates, as a hostile client can write them: structs and deletions no honest
 * encoder produces (a length of 0, a block of a client twice, references that point forward or
 * at garbage). The layout is Yjs's own (lib0 varints; yjs/src/utils/encoding.js).
 */
import * as encoding from 'lib0/encoding';

type Id = readonly [client: number, clock: number];

/** One struct. An item is placed by `origin` / `right`, or else by `parent` (a root's name or an item's id) and `key`. */
export type ForgedStruct =
	| { gc: number }
	| { skip: number }
	| {
			origin?: Id;
			right?: Id;
			parent?: string | Id;
			key?: string;
			/** Plain values (ContentAny), a string (ContentString), a shared type (0 array, 1 map, 2 text) or a deleted run. */
			values?: unknown[];
			text?: string;
			type?: 0 | 1 | 2;
			deleted?: number;
	  };

export interface ForgedBlock {
	client: number;
	clock: number;
	structs: ForgedStruct[];
}

/** Deletions: per client, [clock, length] ranges. */
export type ForgedDeletions = Array<[client: number, ranges: Array<[clock: number, length: number]>]>;

export function forgedUpdate(blocks: ForgedBlock[], deletions: ForgedDeletions = []): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, blocks.length);
	for (const block of blocks) {
		encoding.writeVarUint(e, block.structs.length);
		encoding.writeVarUint(e, block.client);
		encoding.writeVarUint(e, block.clock);
		for (const s of block.structs) writeStruct(e, s);
	}
	encoding.writeVarUint(e, deletions.length);
	for (const [client, ranges] of deletions) {
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, ranges.length);
		for (const [clock, length] of ranges) {
			encoding.writeVarUint(e, clock);
			encoding.writeVarUint(e, length);
		}
	}
	return encoding.toUint8Array(e);
}

function writeStruct(e: encoding.Encoder, s: ForgedStruct): void {
	if ('gc' in s) {
		encoding.writeUint8(e, 0);
		encoding.writeVarUint(e, s.gc);
		return;
	}
	if ('skip' in s) {
		encoding.writeUint8(e, 10);
		encoding.writeVarUint(e, s.skip);
		return;
	}
	const ref = s.values ? 8 : s.text !== undefined ? 4 : s.type !== undefined ? 7 : 1;
	const placedByParent = !s.origin && !s.right;
	let info = ref;
	if (s.origin) info |= 0x80;
	if (s.right) info |= 0x40;
	if (placedByParent && s.key !== undefined) info |= 0x20;
	encoding.writeUint8(e, info);
	if (s.origin) writeId(e, s.origin);
	if (s.right) writeId(e, s.right);
	if (placedByParent) {
		if (typeof s.parent === 'string') {
			encoding.writeVarUint(e, 1);
			encoding.writeVarString(e, s.parent);
		} else {
			encoding.writeVarUint(e, 0);
			writeId(e, s.parent ?? [0, 0]);
		}
		if (s.key !== undefined) encoding.writeVarString(e, s.key);
	}
	if (s.values) {
		encoding.writeVarUint(e, s.values.length);
		for (const v of s.values) encoding.writeAny(e, v as never);
	} else if (s.text !== undefined) encoding.writeVarString(e, s.text);
	else if (s.type !== undefined) encoding.writeVarUint(e, s.type);
	else encoding.writeVarUint(e, s.deleted ?? 1);
}

function writeId(e: encoding.Encoder, [client, clock]: Id): void {
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
}
