// Abuse of the OneBot Trigger's reverse-WebSocket server (issue 10, items 4 and 5): no token on a
// reachable address refuses to activate; a connection flood stops at the limit (1013); a silent
// connection is dropped by the ping watchdog from its start. Each case prints its figures.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { after, describe, test, type TestContext } from 'node:test';

import WebSocket from 'ws';

import type { INodeParameters } from 'n8n-workflow';

import { isLoopbackAddress } from '../../nodes/OneBot/trigger/reverse';
import { FakeOneBot, privateMessageEvent } from '../fakes/onebot';
import { freePort } from '../support/freePort';
import { activateTrigger, waitFor, type ActiveTrigger } from '../trigger/context';
import { OneBotTrigger } from '../trigger/nodes';
import { figure as showFigure } from './figure';

const TOKEN = 'Rev-Flood-Token-31';
const PATH = '/onebot/v11/ws';
const SELF = 10001;

const bot = FakeOneBot.start({ selfId: SELF });
const triggers: ActiveTrigger[] = [];
const sockets: WebSocket[] = [];
after(async () => {
	for (const s of sockets) s.terminate();
	await Promise.all(triggers.map(async (t) => await t.close()));
	await (await bot).close();
});

const figure = (t: TestContext, text: string) => showFigure('reverse', t, text);

async function listen(parameters: INodeParameters, token: string) {
	const port = await freePort();
	const trigger = await activateTrigger({
		node: new OneBotTrigger({ connection: { closeTimeoutMs: 500 } }),
		parameters: { connection: 'reverse', port, ...parameters },
		credentials: { wsUrl: '', accessToken: token },
	});
	triggers.push(trigger);
	return { trigger, port, url: `ws://127.0.0.1:${port}${PATH}` };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
async function portOpen(port: number): Promise<boolean> {
	const probe = createServer();
	return await new Promise<boolean>((resolve) => {
		probe.once('error', () => resolve(true));
		probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(false)));
	});
}

/** A raw client: `autoPong: false` makes it a silent peer that never answers a ping. */
function client(url: string, options: { token?: string; autoPong?: boolean } = {}): WebSocket {
	const ws = new WebSocket(url, {
		headers: { 'X-Self-ID': String(SELF), 'X-Client-Role': 'Universal', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
		autoPong: options.autoPong ?? true,
	});
	ws.on('error', () => undefined);
	sockets.push(ws);
	return ws;
}

function closed(ws: WebSocket): Promise<{ code: number; at: number }> {
	return new Promise((resolve) => ws.once('close', (code: number) => resolve({ code, at: performance.now() })));
}

function opened(ws: WebSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		if (ws.readyState === WebSocket.OPEN) return resolve();
		ws.once('open', () => resolve());
		ws.once('unexpected-response', () => reject(new Error('handshake refused')));
	});
}

describe('reverse WebSocket: no token on a reachable address', () => {
	for (const listenAddress of [undefined, '0.0.0.0', '::', '192.168.1.20']) {
		test(`listen address ${listenAddress ?? '(default 0.0.0.0)'} without a token refuses to activate, port stays closed`, async (t) => {
			const port = await freePort();
			const options: INodeParameters = listenAddress === undefined ? {} : { listenAddress };
			await assert.rejects(
				activateTrigger({
					node: new OneBotTrigger(),
					parameters: { connection: 'reverse', port, options },
					credentials: { wsUrl: '', accessToken: '' },
				}),
				(error: Error & { description?: string }) => {
					assert.match(error.message, /reachable from other machines, but the OneBot credential has no Access Token/);
					assert.match(String(error.description), /Allow Connections Without Token/);
					return true;
				},
			);
			assert.equal(await portOpen(port), false, 'nothing listens');
			figure(t, `activation refused; port ${port} open: false`);
		});
	}

	test('loopback without a token, 0.0.0.0 with a token, or 0.0.0.0 with Allow Connections Without Token activate', async (t) => {
		const fake = await bot;
		const loopback = await listen({ options: { listenAddress: '127.0.0.1' } }, '');
		const withToken = await listen({}, TOKEN);
		const allowed = await listen({ options: { allowNoToken: true } }, '');
		const a = await fake.connectReverse(loopback.url);
		a.pushEvent(privateMessageEvent(SELF, 5, 'loopback'));
		await loopback.trigger.waitForEmits(1);
		await assert.rejects(fake.connectReverse(withToken.url), /HTTP 401/);
		const b = await fake.connectReverse(withToken.url, { token: TOKEN });
		b.pushEvent(privateMessageEvent(SELF, 5, 'token'));
		await withToken.trigger.waitForEmits(1);
		const c = await fake.connectReverse(allowed.url);
		c.pushEvent(privateMessageEvent(SELF, 5, 'allowed'));
		await allowed.trigger.waitForEmits(1);
		for (const conn of [a, b, c]) await conn.close();
		figure(t, '3 of 3 activated; 0.0.0.0 with a token refuses a client without one (401)');
	});

	test('isLoopbackAddress', () => {
		for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(h), h);
		for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'n8n.example.com', '127.0.0.1.nip.io', '']) assert.ok(!isLoopbackAddress(h), h);
	});
});

describe('reverse WebSocket: connection limit', () => {
	test('a flood of 60 connections: 16 accepted (the default limit), the rest closed with 1013', async (t) => {
		const { trigger, url } = await listen({ options: { listenAddress: '127.0.0.1' } }, TOKEN);
		const flood = Array.from({ length: 60 }, () => client(url, { token: TOKEN }));
		const outcomes = flood.map((ws) => {
			let code: number | undefined;
			ws.once('close', (c: number) => (code = c));
			return () => code;
		});
		await Promise.all(flood.map(async (ws) => await opened(ws)));
		await waitFor(() => outcomes.filter((o) => o() === 1013).length >= 44, 5000, '44 connections closed with 1013');
		const accepted = flood.filter((ws) => ws.readyState === WebSocket.OPEN);
		assert.equal(accepted.length, 16);
		assert.equal(outcomes.filter((o) => o() === 1013).length, 44);
		assert.equal(trigger.logs.filter((l) => /connections are open, the limit/.test(l.message)).length, 44);

		// The accepted ones work; a slot freed by a disconnect is available again.
		accepted[0].send(JSON.stringify(privateMessageEvent(SELF, 5, 'accepted')));
		await trigger.waitForEmits(1);
		const gone = closed(accepted[1]);
		accepted[1].close();
		await gone;
		await trigger.waitForLog(/OneBot backend disconnected/);
		const late = client(url, { token: TOKEN });
		await opened(late);
		late.send(JSON.stringify(privateMessageEvent(SELF, 5, 'after a slot freed')));
		const items = await trigger.waitForEmits(2);
		assert.equal(items[1].text, 'after a slot freed');
		figure(t, `60 connections: accepted ${accepted.length}, closed with 1013: ${outcomes.filter((o) => o() === 1013).length}`);
	});

	test('malformed handshakes do not use up the limit', async (t) => {
		const { trigger, port, url } = await listen({ options: { listenAddress: '127.0.0.1', maxConnections: 2 } }, TOKEN);
		const answers: string[] = [];
		for (let i = 0; i < 20; i++) {
			answers.push(
				await new Promise<string>((resolve) => {
					const socket = connect(port, '127.0.0.1', () => {
						// An upgrade without Sec-WebSocket-Key: ws refuses it (400) after the token check.
						socket.write(`GET ${PATH} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
					});
					let text = '';
					socket.on('data', (d: Buffer) => (text += d.toString()));
					socket.on('close', () => resolve(text.split('\r\n')[0]));
					socket.on('error', () => undefined);
				}),
			);
		}
		assert.ok(answers.every((a) => /^HTTP\/1\.1 400/.test(a)), answers[0]);
		const [a, b] = [client(url, { token: TOKEN }), client(url, { token: TOKEN })];
		await Promise.all([opened(a), opened(b)]);
		a.send(JSON.stringify(privateMessageEvent(SELF, 5, 'a')));
		b.send(JSON.stringify(privateMessageEvent(SELF, 5, 'b')));
		await trigger.waitForEmits(2);
		figure(t, `20 malformed handshakes → ${answers[0]}; then 2 of 2 valid connections accepted (limit 2)`);
	});

	test('Max Connections 2: the third is closed with 1013', async (t) => {
		const { url } = await listen({ options: { listenAddress: '127.0.0.1', maxConnections: 2 } }, TOKEN);
		const all = [client(url, { token: TOKEN }), client(url, { token: TOKEN }), client(url, { token: TOKEN })];
		const firstClose = Promise.race(all.map(async (ws) => await closed(ws)));
		await Promise.all(all.map(async (ws) => await opened(ws)));
		const third = await firstClose;
		assert.equal(third.code, 1013);
		const [a, b, c] = all;
		assert.equal([a, b, c].filter((ws) => ws.readyState === WebSocket.OPEN).length, 2);
		figure(t, 'limit 2: accepted 2, 1013: 1');
	});
});

describe('reverse WebSocket: silent connections', () => {
	test('a connection that sends nothing and answers no ping is dropped (no heartbeat needed); a live one stays', async (t) => {
		const fake = await bot;
		// Ping every 200 ms → dropped after 500 ms of silence (2.5 ×); long enough that a busy test
		// machine does not starve the live connection's pongs.
		const { trigger, url } = await listen({ options: { listenAddress: '127.0.0.1', pingInterval: 0.2 } }, TOKEN);
		const silent = client(url, { token: TOKEN, autoPong: false });
		const silentClosed = closed(silent);
		await opened(silent);
		const openedAt = performance.now();
		const live = await fake.connectReverse(url, { token: TOKEN, selfId: 10002 });
		const { code, at } = await silentClosed;
		assert.equal(code, 1006, 'terminated');
		assert.ok(live.isOpen, 'the live connection (answers pings) stays');
		await trigger.waitForLog(/No data and no pong from bot 10001 .* for 500 ms; dropping the connection/, 'warn');
		live.pushEvent(privateMessageEvent(10002, 5, 'still here'));
		await trigger.waitForEmits(1);
		await live.close();
		figure(t, `silent connection dropped after ${Math.round(at - openedAt)} ms (timeout 500 ms, ping 200 ms); live connection kept`);
	});
});
