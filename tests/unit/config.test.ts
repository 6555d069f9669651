import path from 'node:path';
import { expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config.ts';

it('has embedded defaults that need no environment at all', () => {
	const config = parseConfig({});
	expect(config).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'info' });
	expect(config.dataDir).toBe(path.resolve('./data'));
});

it('treats empty variables as unset', () => {
	expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
});

it('lists every problem at once', () => {
	let error: unknown;
	try {
		parseConfig({ PORT: '70000', LOG_LEVEL: 'loud', HEARTBEAT_INTERVAL_MS: 'soon' });
	} catch (err) {
		error = err;
	}
	expect(error).toBeInstanceOf(ConfigError);
	const problems = (error as ConfigError).problems.join('\n');
	expect(problems).toContain('PORT');
	expect(problems).toContain('LOG_LEVEL');
	expect(problems).toContain('HEARTBEAT_INTERVAL_MS');
});
