// The feed's "bot online" counts: who listens to the sandbox's bots (n8n's triggers), over real sockets. The snapshot
// carries the counts; every change is a 'consumers' frame (and only a change: no frame when nothing moved).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';

import { WebSocketServer } from 'ws';

import { connect, feed, type Frame, type FrameLog, sandbox } from './support';

const counts = (forward: number, reverse: number, post: number, gateway: number) => ({
	onebot: { forward, reverse, post },
	heychat: { gateway },
});

/** The counts of every 'consumers' frame the feed got, in order. */
function consumerFrames(log: FrameLog): Frame[] {
	return log.frames.filter((f) => f.type === 'consumers').map((f) => f.consumers as Frame);
}

async function closed(log: FrameLog): Promise<void> {
	await new Promise<void>((resolve) => {
		log.ws.once('close', () => resolve());
		log.ws.close();
	});
}

describe('the feed counts the bots\' listeners', () => {
	test('forward WebSocket clients on / and /event and a Heychat gateway connection count 1, then 0 when they leave', async () => {
		const s = await sandbox();
		const page = await feed(s);
		assert.deepEqual(page.frames[0].consumers, counts(0, 0, 0, 0), 'the snapshot: nobody listens');

		const universal = await connect(s.urls.onebotWs);
		await page.waitFor((f) => f.type === 'consumers' && f.consumers.onebot.forward === 1, 'forward 1');
		const events = await connect(`${s.urls.onebotWs.replace(/\/$/, '')}/event`);
		await page.waitFor((f) => f.type === 'consumers' && f.consumers.onebot.forward === 2, 'forward 2');
		const api = await connect(`${s.urls.onebotWs.replace(/\/$/, '')}/api`);
		const gateway = await connect(s.urls.heychatGateway, { token: 'any' });
		await page.waitFor((f) => f.type === 'consumers' && f.consumers.heychat.gateway === 1, 'gateway 1');
		assert.deepEqual(consumerFrames(page).at(-1), counts(2, 0, 0, 1), 'an /api connection gets no events: not a listener');

		const late = await feed(s);
		assert.deepEqual(late.frames[0].consumers, counts(2, 0, 0, 1), 'a page opened now sees the counts in its snapshot');

		await closed(universal);
		await closed(events);
		await page.waitFor((f) => f.type === 'consumers' && f.consumers.onebot.forward === 0, 'forward 0');
		await closed(gateway);
		await page.waitFor((f) => f.type === 'consumers' && f.consumers.heychat.gateway === 0, 'gateway 0');
		await closed(api);
		assert.deepEqual(consumerFrames(page), [
			counts(1, 0, 0, 0),
			counts(2, 0, 0, 0),
			counts(2, 0, 0, 1),
			counts(1, 0, 0, 1),
			counts(0, 0, 0, 1),
			counts(0, 0, 0, 0),
		], 'one frame per change, none for the /api connection');
	});

	test('a reverse WebSocket link counts while it is open; HTTP POST URLs count as configured', async () => {
		const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		try {
			await new Promise<void>((r) => server.once('listening', () => r()));
			const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/onebot`;
			const s = await sandbox({ onebotReverseUrls: [url], onebotPostUrls: [{ url: 'http://127.0.0.1:9/never' }] });
			const page = await feed(s);
			await page.waitFor((f) => f.consumers?.onebot?.reverse === 1, 'reverse 1');
			assert.equal(page.frames[0].consumers.onebot.post, 1);
			for (const c of server.clients) c.terminate();
			await page.waitFor((f) => f.type === 'consumers' && f.consumers.onebot.reverse === 0, 'reverse 0');
			s.consumers.addPostUrl({ url: 'http://127.0.0.1:9/also-never' });
			await page.waitFor((f) => f.type === 'consumers' && f.consumers.onebot.post === 2, 'post 2');
		} finally {
			for (const c of server.clients) c.terminate();
			await new Promise<void>((r) => server.close(() => r()));
		}
	});
});
