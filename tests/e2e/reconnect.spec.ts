/**
 * The connection state is honest and recovers by itself: this test runs its own built server
 * (the shared one must stay up for the other tests), stops it, and starts it again on the same
 * port and data directory.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { startBuiltServer, tempDataDir, type BuiltServer } from './built-server.ts';
import { chooseName, connectionStatus, createRoom, newUser, presenceChip } from './helpers.ts';

test('a workshop goes offline when the server stops and comes back live with everyone present', async ({
	browser
}) => {
	const dataDir = tempDataDir();
	let server: BuiltServer = await startBuiltServer({ dataDir });
	try {
		const room = await createRoom('Restart drill', server.url);
		const alice = await newUser(browser, server.url);
		const bob = await newUser(browser, server.url);
		await alice.page.goto(room.links.participant);
		await chooseName(alice.page, 'Alice');
		await bob.page.goto(room.links.participant);
		await chooseName(bob.page, 'Bob');
		await expect(presenceChip(alice.page, 'Bob')).toBeVisible();
		await expect(connectionStatus(alice.page)).toContainText('Live');

		await server.stop();
		await expect(connectionStatus(alice.page)).toContainText('Offline');
		await expect(connectionStatus(bob.page)).toContainText('Offline');
		// While offline the board keeps what it had (title from the local copy, yourself present).
		await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText('Restart drill');
		await expect(presenceChip(alice.page, 'Alice')).toContainText('(you)');

		server = await startBuiltServer({ dataDir, port: server.port });
		await expect(connectionStatus(alice.page)).toContainText('Live');
		await expect(connectionStatus(bob.page)).toContainText('Live');
		await expect(presenceChip(alice.page, 'Bob')).toHaveCount(1);
		await expect(presenceChip(bob.page, 'Alice')).toHaveCount(1);

		await Promise.all([alice.context.close(), bob.context.close()]);
	} finally {
		await server.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
});

test('one dropped connection comes back by itself and the others see that person again', async ({ browser }) => {
	const room = await createRoom('Flaky wifi');
	const alice = await newUser(browser);
	const bob = await newUser(browser);

	// Bob's board socket goes through a transparent proxy that the test can cut (his control
	// socket, for the facilitation state, connects directly). While `held`, a new socket reaches
	// the server only once released, its first frames kept in order: the server sends a departure
	// within a short coalescing window, and a rejoin inside it would be sent as no change at all.
	const bobSockets: Array<() => Promise<void>> = [];
	let held: Promise<void> | null = null;
	await bob.page.routeWebSocket(/\/sync\/[^/]+\/board$/, (ws) => {
		const gate = held;
		if (!gate) {
			const server = ws.connectToServer();
			bobSockets.push(async () => {
				await server.close();
				await ws.close({ code: 1012, reason: 'test: connection dropped' });
			});
			return;
		}
		bobSockets.push(async () => {});
		const early: Array<string | Buffer> = [];
		ws.onMessage((message) => early.push(message));
		void gate.then(() => {
			const server = ws.connectToServer();
			ws.onMessage((message) => server.send(message));
			server.onMessage((message) => ws.send(message));
			for (const message of early) server.send(message);
		});
	});

	await alice.page.goto(room.links.participant);
	await chooseName(alice.page, 'Alice');
	await bob.page.goto(room.links.participant);
	await chooseName(bob.page, 'Bob');
	await expect(presenceChip(alice.page, 'Bob')).toBeVisible();
	await expect(connectionStatus(bob.page)).toContainText('Live');

	// Choosing a name reconnects once with Bob's participant identity; count from here.
	const socketsBeforeDrop = bobSockets.length;
	let release!: () => void;
	held = new Promise<void>((resolve) => (release = resolve));
	await bobSockets.at(-1)?.();
	await expect(connectionStatus(bob.page)).toContainText('Offline');
	await expect(presenceChip(alice.page, 'Bob')).toHaveCount(0);
	release();

	// Same Y.Doc, same awareness client id: Alice saw it removed and must accept it back at once
	// (well within the 15 s awareness renewal that would otherwise hide the problem).
	await expect(connectionStatus(bob.page)).toContainText('Live');
	await expect(presenceChip(alice.page, 'Bob')).toHaveCount(1, { timeout: 5_000 });
	await expect(presenceChip(bob.page, 'Alice')).toHaveCount(1, { timeout: 5_000 });
	expect(bobSockets.length).toBe(socketsBeforeDrop + 1);

	await Promise.all([alice.context.close(), bob.context.close()]);
});
