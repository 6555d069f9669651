/**
 * What a frozen iteration costs in space (issue 15), against the room's own stored document.
 *
 *   node --import tsx bench/iteration-size.ts
 *
 * For the export fixture workshop and synthetic rooms of growing size (threats, mitigations, an
 * element and a flow per threat, links between them), prints JSON per room: the snapshot as JSON,
 * gzip (what server/iterations stores), brotli for comparison, the time gzip takes, and the size
 * of the board document's Yjs state (what the room itself stores).
 */
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { createNote, initBoardDoc } from '../src/lib/shared/board/doc.ts';
import { addLink } from '../src/lib/shared/board/links.ts';
import { writeCanvasRecords } from '../src/lib/shared/export/canvas-records.ts';
import { snapshotRoom } from '../src/lib/shared/export/snapshot.ts';
import { documentRecords, flow, geoShape } from '../tests/fixtures/export/canvas.ts';
import { buildConnectedFixtureBoard, buildFixtureControl } from '../tests/fixtures/export/fixture-room.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function syntheticRoom(threats: number): Y.Doc {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: `Synthetic ${threats}`, createdAt: 0 });
	writeCanvasRecords(doc, documentRecords());
	for (let i = 0; i < threats; i++) {
		writeCanvasRecords(doc, [geoShape(`shape:e${i}`, `Service ${i}`, { x: i * 200, y: 0 }, 'process'), ...(i > 0 ? flow(`shape:f${i}`, `Call ${i}`, `shape:e${i - 1}`, `shape:e${i}`) : [])]);
		const text = `Threat ${i}: an attacker with network access replays a captured request to service ${i}`;
		const threat = createNote(doc, { kind: 'threat', question: 2, text, ...AUTHOR, stride: ['S', 'T'], likelihood: 3, impact: 4, createdAt: i });
		const fix = createNote(doc, { kind: 'mitigation', question: 3, text: `Mitigation ${i}: sign and timestamp requests`, ...AUTHOR, createdAt: i });
		addLink(doc, { kind: 'mitigates', a: threat, b: fix });
		addLink(doc, { kind: 'canvas', noteId: threat, elementId: `shape:e${i}` });
	}
	return doc;
}

function measure(label: string, board: Y.Doc, control?: Y.Doc) {
	const snapshot = snapshotRoom(board, control, { exportedAt: 0 });
	const json = JSON.stringify(snapshot);
	const started = performance.now();
	const gzip = gzipSync(json);
	const gzipMs = performance.now() - started;
	return {
		room: label,
		notes: snapshot.notes.length,
		canvasRecords: snapshot.canvas.records.length,
		jsonBytes: Buffer.byteLength(json),
		gzipBytes: gzip.byteLength,
		gzipMs: Math.round(gzipMs * 100) / 100,
		brotliBytes: brotliCompressSync(json).byteLength,
		boardDocBytes: Y.encodeStateAsUpdate(board).byteLength
	};
}

const fixture = new Y.Doc();
const control = new Y.Doc();
buildConnectedFixtureBoard(fixture);
buildFixtureControl(control);
const results = [measure('export fixture', fixture, control)];
for (const threats of [50, 200, 1000]) results.push(measure(`synthetic: ${threats} threats, mitigations and elements`, syntheticRoom(threats)));
console.log(JSON.stringify(results, null, 2));
