import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppendJournal, crc32, decodeRecords, encodeRecords, type JournalRecord } from '../../../server/persistence/append-journal.ts';

const records: JournalRecord[] = [
	{ roomId: 'r'.repeat(24), docName: 'board', seq: 1, update: new Uint8Array([0, 0]) },
	{ roomId: 'r'.repeat(24), docName: 'board', seq: 2 ** 40 + 7, update: new Uint8Array(300).fill(9) },
	{ roomId: 'ünïcødé-room', docName: 'control', seq: 3, update: new Uint8Array(0) }
];

const plain = (rs: JournalRecord[]) => rs.map((r) => ({ ...r, update: [...r.update] }));

describe('append journal records', () => {
	it('computes CRC-32 as zlib does', () => {
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
	});

	it('reads back what it wrote, names, numbers up to 2^48 and empty updates included', () => {
		const bytes = encodeRecords(records);
		const read = decodeRecords(bytes);
		expect(read.validBytes).toBe(bytes.length);
		expect(plain(read.records)).toEqual(plain(records));
	});

	it('stops at a record cut short, a changed byte or a zeroed tail, keeping the records before it', () => {
		const whole = encodeRecords(records.slice(0, 2));
		const third = encodeRecords(records.slice(2));
		const cut = Buffer.concat([whole, third.subarray(0, third.length - 1)]);
		expect(decodeRecords(cut)).toMatchObject({ validBytes: whole.length, records: { length: 2 } });

		const changed = Buffer.concat([whole, third]);
		changed[whole.length + 12] ^= 0x01; // a byte of the third record's room id
		expect(decodeRecords(changed)).toMatchObject({ validBytes: whole.length, records: { length: 2 } });

		const zeroed = Buffer.concat([whole, Buffer.alloc(4096)]);
		expect(decodeRecords(zeroed)).toMatchObject({ validBytes: whole.length, records: { length: 2 } });

		// A damaged first record: nothing after it is trusted either.
		const firstBroken = Buffer.from(encodeRecords(records));
		firstBroken[9] ^= 0xff;
		expect(decodeRecords(firstBroken)).toEqual({ records: [], validBytes: 0 });
	});

	it('refuses a name over 255 bytes and a number it cannot hold', () => {
		const base = records[0];
		expect(() => encodeRecords([{ ...base, roomId: 'x'.repeat(256) }])).toThrow(/name too long/);
		expect(() => encodeRecords([{ ...base, seq: 0 }])).toThrow(/out of range/);
		expect(() => encodeRecords([{ ...base, seq: 2 ** 48 }])).toThrow(/out of range/);
		expect(() => encodeRecords([{ ...base, seq: 1.5 }])).toThrow(/out of range/);
	});
});

describe('append journal file', () => {
	it('appends, reopens with what it holds, and empties on reset', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-journal-'));
		try {
			const file = path.join(dir, 'j');
			const first = AppendJournal.open(file);
			expect(first.recovered).toEqual([]);
			first.journal.append(records.slice(0, 2));
			first.journal.append(records.slice(2));
			expect(first.journal.bytes).toBe(fs.statSync(file).size);
			first.journal.close();
			// What a power cut could leave after the last write: half a record.
			fs.appendFileSync(file, encodeRecords(records.slice(0, 1)).subarray(0, 10));

			const second = AppendJournal.open(file);
			expect(plain(second.recovered)).toEqual(plain(records));
			expect(second.tornBytes).toBe(10);
			second.journal.reset();
			expect(fs.statSync(file).size).toBe(0);
			second.journal.append(records.slice(1, 2));
			second.journal.close();
			const third = AppendJournal.open(file);
			third.journal.close();
			expect(plain(third.recovered)).toEqual(plain(records.slice(1, 2)));
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
