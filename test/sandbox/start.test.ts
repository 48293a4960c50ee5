/**
 * startSandbox when a port is taken: it fails with the listen error and leaves none of the
 * servers it had already started listening (a test that restarts a sandbox on its ports, then
 * fails, must not keep the process alive).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';

import { startSandbox } from '../../sandbox/index';
import { freePort } from '../support/freePort';

async function listen(port: number): Promise<Server> {
	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	return server;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

for (const taken of ['onebotPort', 'heychatPort'] as const) {
	test(`a taken ${taken === 'onebotPort' ? 'OneBot' : 'Heychat'} port: startSandbox fails and leaves the servers it started closed`, async () => {
		const [page, onebot, heychat] = [await freePort(), await freePort(), await freePort()];
		const ports = { port: page, onebotPort: onebot, heychatPort: heychat };
		const blocker = await listen(ports[taken]);
		try {
			await assert.rejects(startSandbox({ ...ports, heartbeatMs: 0 }), /EADDRINUSE/);
			// every port the sandbox took is free again
			for (const port of [page, onebot, heychat].filter((p) => p !== ports[taken])) await close(await listen(port));
		} finally {
			await close(blocker);
		}
	});
}
