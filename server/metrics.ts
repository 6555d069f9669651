/** Prometheus metrics, one registry per server instance (tests run several in one process). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'threatboard_' });
	const registers = [registry];
	return {
		registry,
		roomsLoaded: new Gauge({ name: 'threatboard_rooms_loaded', help: 'Rooms held in memory', registers }),
		connections: new Gauge({ name: 'threatboard_connections', help: 'Open sync connections', registers }),
		connectionsClosed: new Counter({
			name: 'threatboard_connections_closed_total',
			help: 'Sync connections closed by the server, by close code',
			labelNames: ['code'] as const,
			registers
		}),
		updates: new Counter({ name: 'threatboard_updates_total', help: 'Document updates accepted', registers }),
		updateBytes: new Counter({ name: 'threatboard_update_bytes_total', help: 'Bytes of accepted updates', registers }),
		writesDropped: new Counter({
			name: 'threatboard_writes_dropped_total',
			help: 'Document writes dropped because the connection may not write',
			registers
		}),
		awarenessFlushes: new Counter({
			name: 'threatboard_awareness_flushes_total',
			help: 'Coalesced awareness messages sent to rooms',
			registers
		}),
		storeCommitSeconds: new Histogram({
			name: 'threatboard_store_commit_seconds',
			help: 'Latency of one group commit to the store',
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
			registers
		}),
		compactions: new Counter({
			name: 'threatboard_compactions_total',
			help: 'Update logs folded into a snapshot',
			registers
		}),
		modelFiguresComputed: new Counter({
			name: 'threatboard_model_figures_computed_total',
			help: 'Boards read for their system figures: after a change on this instance, or on a read that found them missing or stale',
			labelNames: ['when'] as const,
			registers
		}),
		storeFailures: new Counter({ name: 'threatboard_store_failures_total', help: 'Failed store operations', registers }),
		roomLoadSeconds: new Histogram({
			name: 'threatboard_room_load_seconds',
			help: 'Time to load a document from the store',
			buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
			registers
		})
	};
}

export type Metrics = ReturnType<typeof createMetrics>;
