/** Golden files under tests/fixtures/export/; `UPDATE_GOLDEN=1 npx vitest run tests/unit/export` rewrites them. */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { expect } from 'vitest';
import type { Coverage } from '../../../src/lib/shared/board/coverage.ts';
import { snapshotCoverage } from '../../../src/lib/shared/export/report.ts';
import { snapshotRoom, type RoomSnapshot } from '../../../src/lib/shared/export/snapshot.ts';
import { buildFixtureBoard, buildFixtureControl, FIXTURE_EXPORTED_AT } from '../../fixtures/export/fixture-room.ts';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/export');

export function expectGolden(fileName: string, actual: string): void {
	const file = path.join(DIR, fileName);
	if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
	expect(fs.existsSync(file), `${fileName} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
	expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

export function fixtureDocs(): { board: Y.Doc; control: Y.Doc } {
	const board = new Y.Doc();
	const control = new Y.Doc();
	buildFixtureBoard(board);
	buildFixtureControl(control);
	return { board, control };
}

export function fixtureSnapshot(): RoomSnapshot {
	const { board, control } = fixtureDocs();
	return snapshotRoom(board, control, { exportedAt: FIXTURE_EXPORTED_AT });
}

/** The fixture room's coverage, computed as every export computes it (report.ts, snapshotCoverage). */
export function fixtureCoverage(): Coverage {
	return snapshotCoverage(fixtureSnapshot());
}
