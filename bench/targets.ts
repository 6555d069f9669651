/**
 * The "Targets" table of issue 2: published figures for the stock y-websocket server and
 * Hocuspocus 3.4 on a 2-core machine (server and load generator pinned apart), and our target.
 * Issue 7 adds edits-200x5 (1,000 connections), two-instance-50 and soak ("-": no published figure).
 */

export interface Target {
	/** Dotted path into a scenario result. */
	metric: string;
	/** Ours must be at most this. */
	max: number;
	unit: string;
	published: { stockYWebsocket: string; hocuspocus34: string };
}

export const TARGETS: Record<string, Target[]> = {
	'edits-50': [{ metric: 'latencyMs.p99', max: 8, unit: 'ms', published: { stockYWebsocket: '7.3 ms', hocuspocus34: '7.6 ms' } }],
	'edits-200': [{ metric: 'latencyMs.p99', max: 30, unit: 'ms', published: { stockYWebsocket: '66.6 ms', hocuspocus34: '45.1 ms' } }],
	'edits-100x5': [{ metric: 'latencyMs.p99', max: 6, unit: 'ms', published: { stockYWebsocket: '5.5 ms', hocuspocus34: '5.2 ms' } }],
	'cursors-50': [{ metric: 'latencyMs.p99', max: 20, unit: 'ms', published: { stockYWebsocket: '7.8 ms', hocuspocus34: '144 ms' } }],
	'cursors-200': [
		{
			metric: 'latencyMs.p99',
			max: 100, // issue 17 (issue 2 had 150)
			unit: 'ms',
			published: { stockYWebsocket: 'saturated: p50 4.8 s, 28k updates never delivered', hocuspocus34: 'saturated: p50 5.4 s' }
		},
		{ metric: 'latestState.stalePairs', max: 0, unit: 'pairs', published: { stockYWebsocket: '-', hocuspocus34: '-' } },
		{
			// "RSS bounded", read as: the load adds at most 64 MB to the server's RSS. A 15 s run
			// cannot prove a plateau; rssEverySecondKB shows the curve.
			metric: 'rssGrowthKB',
			max: 65_536,
			unit: 'KB',
			published: { stockYWebsocket: '-', hocuspocus34: '-' }
		}
	],
	'late-join-10000': [
		{ metric: 'firstReplyMs.median', max: 30, unit: 'ms', published: { stockYWebsocket: '36 ms', hocuspocus34: '27 ms' } },
		{ metric: 'crowd.firstReplyMs.p50', max: 200, unit: 'ms', published: { stockYWebsocket: '247 ms', hocuspocus34: '243 ms' } }
	],
	'edits-200x5': [
		{ metric: 'latencyMs.p99', max: 50, unit: 'ms', published: { stockYWebsocket: '-', hocuspocus34: '-' } },
		{ metric: 'server.rssPeakKB', max: 400 * 1024, unit: 'KB', published: { stockYWebsocket: '-', hocuspocus34: '-' } }
	],
	// Issue 17.
	'edits-1000x5': [
		{ metric: 'latencyMs.p99', max: 50, unit: 'ms', published: { stockYWebsocket: '-', hocuspocus34: '-' } },
		{ metric: 'verified.lost', max: 0, unit: 'editors', published: { stockYWebsocket: '-', hocuspocus34: '-' } }
	],
	'stalls-10000': [{ metric: 'serverEventLoopDelay.maxMs', max: 20, unit: 'ms', published: { stockYWebsocket: '-', hocuspocus34: '-' } }],
	'idle-1room-1000': [{ metric: 'kbPerConnection', max: 15, unit: 'KB/conn', published: { stockYWebsocket: '14 KB/conn', hocuspocus34: '27 KB/conn' } }],
	'two-instance-50': [
		{ metric: 'crossInstanceLatencyMs.p99', max: 30, unit: 'ms', published: { stockYWebsocket: '-', hocuspocus34: '-' } }
	],
	// Issue 13: "coverage recomputed after an edit in <= 16 ms (p95)".
	'coverage-300x1000': [{ metric: 'afterEditMs.p95', max: 16, unit: 'ms', published: { stockYWebsocket: '-', hocuspocus34: '-' } }],
	// "RSS grows by less than 5% between minute 2 and minute 10" (issue 7).
	soak: [{ metric: 'rss.growthPct', max: 5, unit: '%', published: { stockYWebsocket: '-', hocuspocus34: '-' } }],
	'idle-1000': [{ metric: 'kbPerConnection', max: 20, unit: 'KB/conn', published: { stockYWebsocket: '~14 KB/conn', hocuspocus34: '~28 KB/conn' } }]
};

export function getPath(value: unknown, dotted: string): number | undefined {
	let cur: unknown = value;
	for (const key of dotted.split('.')) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[key];
	}
	return typeof cur === 'number' ? cur : undefined;
}

export function evaluateTargets(scenario: string, ours: unknown, reference: unknown) {
	return (TARGETS[scenario] ?? []).map((t) => {
		const value = getPath(ours, t.metric);
		return {
			metric: t.metric,
			target: `<= ${t.max} ${t.unit}`,
			ours: value ?? null,
			met: value === undefined ? null : value <= t.max,
			referenceMeasured: getPath(reference, t.metric) ?? null,
			published: t.published
		};
	});
}

/** Ours / reference for each metric path, to 3 decimals; null where either lacks it or the reference is 0. */
export function ratios(paths: readonly string[], ours: unknown, reference: unknown): Record<string, number | null> {
	const out: Record<string, number | null> = {};
	for (const p of paths) {
		const a = getPath(ours, p);
		const b = getPath(reference, p);
		out[p] = a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;
	}
	return out;
}
