import { Histogram, Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { LightHistogram } from '../../server/metrics.ts';

it('exposes exactly what prom-client\'s histogram exposes for the same observations', async () => {
	const ours = new Registry();
	const theirs = new Registry();
	const light = new LightHistogram('t_seconds', 'Time taken', [0.001, 0.01, 0.1], [ours]);
	const reference = new Histogram({ name: 't_seconds', help: 'Time taken', buckets: [0.001, 0.01, 0.1], registers: [theirs] });
	// On a bound, between bounds, above them all, and zero.
	for (const value of [0, 0.001, 0.0015, 0.01, 0.05, 0.1, 7]) {
		light.observe(value);
		reference.observe(value);
	}
	const text = await ours.metrics();
	expect(text).toBe(await theirs.metrics());
	expect(text).toContain('t_seconds_bucket{le="0.001"} 2');
	expect(text).toContain('t_seconds_bucket{le="+Inf"} 7');
	expect(text).toContain('t_seconds_count 7');
	// A value that is no number is not counted (prom-client throws; a metric must not).
	light.observe(Number.NaN);
	expect(await ours.metrics()).toBe(text);
	// Reset, it exposes what a fresh one does: zeros.
	light.reset();
	const fresh = new Registry();
	new Histogram({ name: 't_seconds', help: 'Time taken', buckets: [0.001, 0.01, 0.1], registers: [fresh] });
	expect(await ours.metrics()).toBe(await fresh.metrics());
});
