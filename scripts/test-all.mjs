// `npm test`: the whole suite, as CI runs it (.ci/run), within its 15-minute budget on 2 cores.
// The static checks do not depend on each other, so lint runs beside type checks and the build;
// then the vitest projects (unit files side by side, integration files one at a time), then the
// browser tests against the build. Each step's time is printed at the end, so a slow step shows.
// A failing step stops the run with its exit code; output of steps run side by side is printed
// whole when each ends, not interleaved.
import { spawn } from 'node:child_process';

/** @type {Array<{ script: string; seconds: number; code: number | string }>} */
const timings = [];

/**
 * Runs `npm run <script>`, or with `shell` that shell command, timed under the name `script`;
 * with `buffered`, prints its output in one piece when it ends.
 * @param {string} script
 * @param {{ buffered?: boolean; shell?: string }} [options]
 * @returns {Promise<number>}
 */
function run(script, { buffered = false, shell } = {}) {
	const started = performance.now();
	return new Promise((resolve) => {
		const [command, args] = shell ? ['sh', ['-c', shell]] : ['npm', ['run', '--silent', script]];
		const child = spawn(command, args, { stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
		/** @type {Buffer[]} */
		const chunks = [];
		child.stdout?.on('data', (chunk) => chunks.push(chunk));
		child.stderr?.on('data', (chunk) => chunks.push(chunk));
		child.on('close', (code, signal) => {
			if (buffered) process.stdout.write(Buffer.concat(chunks));
			const seconds = (performance.now() - started) / 1000;
			timings.push({ script, seconds, code: code ?? signal ?? 'killed' });
			resolve(code ?? 1);
		});
	});
}

/** @param {...string} scripts */
async function sequence(...scripts) {
	for (const script of scripts) {
		const code = await run(script, { buffered: true });
		if (code !== 0) return code;
	}
	return 0;
}

/** @param {number} totalStarted */
function report(totalStarted) {
	const lines = timings.map((t) => `  ${t.script.padEnd(10)} ${t.seconds.toFixed(0).padStart(5)} s${t.code === 0 ? '' : `  (failed: ${t.code})`}`);
	console.log(`\nnpm test, step times:\n${lines.join('\n')}\n  ${'total'.padEnd(10)} ${((performance.now() - totalStarted) / 1000).toFixed(0).padStart(5)} s`);
}

const started = performance.now();
// A shell command run beside the static checks and waited for before the first test: .ci/run
// compiles better-sqlite3 there (see its comment).
const beside = process.env.THREATBOARD_TEST_BESIDE_CHECKS;
let code = await run('sync', { buffered: true });
if (code === 0) {
	const [lint, checkAndBuild, besideCode] = await Promise.all([
		run('lint', { buffered: true }),
		sequence('check', 'build'),
		beside ? run('beside', { buffered: true, shell: beside }) : 0
	]);
	code = lint || checkAndBuild || besideCode;
}
if (code === 0) code = await run('test:unit');
if (code === 0) code = await run('test:e2e');
report(started);
process.exit(code);
