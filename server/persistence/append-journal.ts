/**
 * The SQLite store's append journal: where a committed update is written first.
 *
 * Appending an update to SQLite on its own costs a transaction (a WAL frame of a whole page,
 * written in two system calls, and four to six file locks): 45 us of CPU per update in a loop, and
 * 15% of the server's CPU under the bench's 100 rooms x 5 clients (perf, docs/BENCHMARKS.md). The
 * journal takes the same promise for one write() of the update's bytes: once written, the update
 * survives a crash or kill -9 of the process (it is in the operating system's cache, like a WAL
 * commit at synchronous=NORMAL), though not necessarily a power cut. The store moves the journal's
 * records into its log table in one transaction every second or 250 records (sqlite-store.ts) and
 * then empties the journal; a store opened after a crash moves what the journal holds first.
 *
 * A record: body length (u32 LE), CRC-32 of the body (u32 LE), body. The body: room id length
 * (u8) and bytes, document name length (u8) and bytes, sequence number (u48 LE), the update. A
 * power cut can leave a torn or zeroed tail: reading stops at the first record that is cut short
 * or fails its checksum, and everything before it is kept.
 */
import fs from 'node:fs';

export interface JournalRecord {
	roomId: string;
	docName: string;
	seq: number;
	update: Uint8Array;
}

const HEADER_BYTES = 8;
/** Bytes of a body besides the names and the update: two name lengths and the sequence number. */
const BODY_FIXED_BYTES = 1 + 1 + 6;
const MAX_NAME_BYTES = 255;
const MAX_SEQ = 2 ** 48 - 1;

const CRC_TABLE = (() => {
	const table = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c;
	}
	return table;
})();

/** CRC-32 (IEEE 802.3, as zlib computes it) of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
	let crc = -1;
	for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}

/** The records as journal bytes, one after the other. Throws for a name or number it cannot hold. */
export function encodeRecords(records: readonly JournalRecord[]): Buffer {
	let size = 0;
	for (const r of records) {
		size += HEADER_BYTES + BODY_FIXED_BYTES + Buffer.byteLength(r.roomId) + Buffer.byteLength(r.docName) + r.update.length;
	}
	const out = Buffer.allocUnsafe(size);
	let at = 0;
	for (const r of records) {
		if (!Number.isSafeInteger(r.seq) || r.seq < 1 || r.seq > MAX_SEQ) throw new Error(`journal: sequence number ${r.seq} out of range`);
		const bodyStart = at + HEADER_BYTES;
		let p = bodyStart;
		p = writeName(out, p, r.roomId);
		p = writeName(out, p, r.docName);
		out.writeUIntLE(r.seq, p, 6);
		p += 6;
		out.set(r.update, p);
		p += r.update.length;
		out.writeUInt32LE(p - bodyStart, at);
		out.writeUInt32LE(crc32(out, bodyStart, p), at + 4);
		at = p;
	}
	return out;
}

function writeName(out: Buffer, at: number, name: string): number {
	const length = out.write(name, at + 1, 'utf8');
	if (length !== Buffer.byteLength(name) || length > MAX_NAME_BYTES) throw new Error('journal: name too long');
	out[at] = length;
	return at + 1 + length;
}

/**
 * The whole records at the start of `bytes`, and how many bytes they fill: reading stops at the
 * first record cut short or failing its checksum (a torn tail), whatever follows it.
 */
export function decodeRecords(bytes: Uint8Array): { records: JournalRecord[]; validBytes: number } {
	const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const records: JournalRecord[] = [];
	let at = 0;
	while (at + HEADER_BYTES <= buf.length) {
		const bodyLength = buf.readUInt32LE(at);
		const bodyStart = at + HEADER_BYTES;
		const end = bodyStart + bodyLength;
		if (bodyLength < BODY_FIXED_BYTES || end > buf.length || crc32(buf, bodyStart, end) !== buf.readUInt32LE(at + 4)) break;
		const record = decodeBody(buf, bodyStart, end);
		if (!record) break;
		records.push(record);
		at = end;
	}
	return { records, validBytes: at };
}

function decodeBody(buf: Buffer, start: number, end: number): JournalRecord | undefined {
	let p = start;
	const roomLength = buf[p++];
	if (p + roomLength + 1 > end) return undefined;
	const roomId = buf.toString('utf8', p, p + roomLength);
	p += roomLength;
	const docLength = buf[p++];
	if (p + docLength + 6 > end) return undefined;
	const docName = buf.toString('utf8', p, p + docLength);
	p += docLength;
	const seq = buf.readUIntLE(p, 6);
	p += 6;
	if (seq < 1) return undefined;
	// A copy: the file's bytes are dropped once read.
	return { roomId, docName, seq, update: Uint8Array.prototype.slice.call(buf, p, end) };
}

/** An open journal file, appended to with one write per batch. */
export class AppendJournal {
	readonly #fd: number;
	#bytes = 0;

	private constructor(
		readonly file: string,
		fd: number,
		bytes: number
	) {
		this.#fd = fd;
		this.#bytes = bytes;
	}

	/**
	 * Opens (or creates) the journal and reads what it holds: records a crash left behind, and the
	 * bytes after them that are no records (a torn tail), which the next reset() drops.
	 */
	static open(file: string): { journal: AppendJournal; recovered: JournalRecord[]; tornBytes: number } {
		const fd = fs.openSync(file, 'a+');
		try {
			const bytes = fs.readFileSync(fd);
			const { records, validBytes } = decodeRecords(bytes);
			return { journal: new AppendJournal(file, fd, bytes.length), recovered: records, tornBytes: bytes.length - validBytes };
		} catch (err) {
			fs.closeSync(fd);
			throw err;
		}
	}

	/** Bytes in the file now. */
	get bytes(): number {
		return this.#bytes;
	}

	/** Writes the records; once it returns they survive a crash of this process. */
	append(records: readonly JournalRecord[]): void {
		const bytes = encodeRecords(records);
		let written = 0;
		try {
			while (written < bytes.length) written += fs.writeSync(this.#fd, bytes, written, bytes.length - written);
		} catch (err) {
			// Part of a batch may be in the file: cut it off, so that no record the caller was told
			// failed is read back after a crash (the file was whole up to #bytes).
			if (written > 0) {
				try {
					fs.ftruncateSync(this.#fd, this.#bytes);
				} catch {
					// The record cut short fails its checksum when read: it is dropped then.
				}
			}
			throw err;
		}
		this.#bytes += bytes.length;
	}

	/** Empties the file, once everything it held is stored elsewhere. */
	reset(): void {
		fs.ftruncateSync(this.#fd, 0);
		this.#bytes = 0;
	}

	close(): void {
		fs.closeSync(this.#fd);
	}
}
