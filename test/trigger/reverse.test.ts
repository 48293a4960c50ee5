// OneBot Trigger, reverse WebSocket mode: the fake backend connects to the trigger's server.
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';

import WebSocket from 'ws';

import type { INodeParameters } from 'n8n-workflow';

import { checkReverseAuth, ReverseServer, tokenFromRequest } from '../../nodes/OneBot/trigger/reverse';
import { AbortedError } from '../../nodes/shared/connection';
import {
	FakeOneBot,
	groupMessageEvent,
	heartbeatEvent,
	privateMessageEvent,
	ReverseConnectError,
	type ReverseConnection,
} from '../fakes/onebot';
import { activateTrigger, activeHandles, delay, leakedHandles, runManualTrigger, waitFor, type ActiveTrigger } from './context';
import { OneBotTrigger } from './nodes';
import { freePort } from '../support/freePort';

const TOKEN = 'Rev3rse-Secret-Token';
const PATH = '/onebot/v11/ws';

const node = () => new OneBotTrigger({ connection: { closeTimeoutMs: 500 } });


const bot = FakeOneBot.start({ selfId: 10001 });
const triggers: ActiveTrigger[] = [];
after(async () => {
	await Promise.all(triggers.map(async (t) => await t.close()));
	await (await bot).close();
});

async function listen(parameters: INodeParameters = {}, token = TOKEN) {
	const port = await freePort();
	const trigger = await activateTrigger({
		node: node(),
		parameters: { connection: 'reverse', port, options: { listenAddress: '127.0.0.1' }, ...parameters },
		credentials: { wsUrl: 'ws://unused.invalid', accessToken: token },
	});
	triggers.push(trigger);
	return { trigger, url: `ws://127.0.0.1:${port}${PATH}`, port };
}

function assertNoToken(trigger: ActiveTrigger): void {
	for (const line of trigger.logs) assert.ok(!line.message.includes(TOKEN), `token in log: ${line.message}`);
	assert.ok(!JSON.stringify(trigger.emitted).includes(TOKEN));
}

describe('reverse WebSocket: handshake authentication', () => {
	test('accepts Authorization: Bearer (standard, NapCat) and emits events', async () => {
		const fake = await bot;
		const { trigger, url } = await listen();
		const conn = await fake.connectReverse(url, { token: TOKEN, tokenScheme: 'Bearer' });
		conn.pushEvent(groupMessageEvent(10001, 100, 200, 'via reverse'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'via reverse');
		assert.equal(trigger.emits, 1, 'the lifecycle frame started nothing');
		await trigger.waitForLog(/OneBot backend connected: bot 10001 \(Universal/, 'info');
		assertNoToken(trigger);
		await conn.close();
		await trigger.close();
	});

	test('accepts Authorization: Token (go-cqhttp) and the access_token query', async () => {
		const fake = await bot;
		const { trigger, url } = await listen();
		const gocq = await fake.connectReverse(url, { token: TOKEN, tokenScheme: 'Token' });
		const query = await fake.connectReverse(`${url}?access_token=${encodeURIComponent(TOKEN)}`, { selfId: 10002 });
		gocq.pushEvent(privateMessageEvent(10001, 5, 'token scheme'));
		query.pushEvent(privateMessageEvent(10002, 5, 'query token'));
		await trigger.waitForEmits(2);
		assert.deepEqual(trigger.emitted.map((e) => e.text).sort(), ['query token', 'token scheme']);
		await gocq.close();
		await query.close();
		await trigger.close();
	});

	test('refuses a missing token with 401 and a wrong one with 403, before the upgrade', async () => {
		const fake = await bot;
		const { trigger, url } = await listen();
		await assert.rejects(fake.connectReverse(url, {}), (e: ReverseConnectError) => e.status === 401);
		await assert.rejects(fake.connectReverse(url, { token: 'nope' }), (e: ReverseConnectError) => e.status === 403);
		await assert.rejects(
			fake.connectReverse(`${url}?access_token=nope`, {}),
			(e: ReverseConnectError) => e.status === 403,
		);
		await assert.rejects(
			fake.connectReverse(url.replace(PATH, '/other'), { token: TOKEN }),
			(e: ReverseConnectError) => e.status === 404,
		);
		await trigger.waitForLog(/no access token sent \(HTTP 401\)/, 'warn');
		await trigger.waitForLog(/wrong access token \(HTTP 403\)/, 'warn');
		assert.equal(trigger.emits, 0);
		assertNoToken(trigger);
		await trigger.close();
	});

	test("a scheme without a token ('Authorization: Bearer ', sent by a backend whose token is empty) is a missing token: 401", async () => {
		const { trigger, url } = await listen();
		for (const authorization of ['Bearer ', 'Token', '  ']) {
			const status = await new Promise<number>((resolve, reject) => {
				const ws = new WebSocket(url, { headers: { Authorization: authorization } });
				ws.once('unexpected-response', (_req, res) => {
					resolve(res.statusCode ?? 0);
					ws.terminate();
				});
				ws.once('open', () => reject(new Error('the connection was accepted')));
				ws.once('error', () => undefined);
			});
			assert.equal(status, 401, JSON.stringify(authorization));
		}
		assert.equal(trigger.logs.filter((l) => /no access token sent \(HTTP 401\)/.test(l.message)).length, 3);
		assert.equal(checkReverseAuth({ headers: { authorization: 'Bearer' }, url: '/' } as never, 'x'), 401);
		await trigger.close();
	});

	test('without a token in the credential every backend is accepted', async () => {
		const fake = await bot;
		const { trigger, url } = await listen({}, '');
		const conn = await fake.connectReverse(url, {});
		conn.pushEvent(privateMessageEvent(10001, 5, 'open door'));
		await trigger.waitForEmits(1);
		await conn.close();
		await trigger.close();
	});

	test('auth helpers: header schemes, bare header, query; constant-time check', () => {
		const req = (headers: Record<string, string>, url = '/') => ({ headers, url }) as never;
		assert.equal(tokenFromRequest(req({ authorization: 'Bearer abc' })), 'abc');
		assert.equal(tokenFromRequest(req({ authorization: 'Token abc' })), 'abc');
		assert.equal(tokenFromRequest(req({ authorization: 'abc' })), 'abc');
		assert.equal(tokenFromRequest(req({}, '/ws?access_token=q%20t')), 'q t');
		assert.equal(tokenFromRequest(req({ authorization: 'Bearer h' }, '/ws?access_token=q')), 'h', 'header first');
		assert.equal(checkReverseAuth(req({}), 'x'), 401);
		assert.equal(checkReverseAuth(req({ authorization: 'Bearer y' }), 'x'), 403);
		assert.equal(checkReverseAuth(req({ authorization: 'Bearer x' }), 'x'), null);
		assert.equal(checkReverseAuth(req({}), ''), null);
	});
});

/** A raw TCP client of the reverse server, with whether (and when) the server closed it. */
async function rawSocket(port: number, send?: string): Promise<{ socket: Socket; closed: () => boolean; closedAt: Promise<number> }> {
	const socket = connect(port, '127.0.0.1');
	socket.on('error', () => undefined);
	socket.on('data', () => undefined);
	let isClosed = false;
	const closedAt = new Promise<number>((resolve) =>
		socket.once('close', () => {
			isClosed = true;
			resolve(performance.now());
		}),
	);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	if (send !== undefined) socket.write(send);
	return { socket, closed: () => isClosed, closedAt };
}

/** Resolves with the close time, or rejects once `ms` pass without the close (the assertion, not a sleep). */
async function closedWithin(closedAt: Promise<number>, ms: number, what: string): Promise<number> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			closedAt,
			new Promise<number>((_resolve, reject) => {
				timer = setTimeout(() => reject(new Error(`${what} was still open after ${ms} ms`)), ms);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
}

describe('reverse WebSocket: connections that never complete the handshake', () => {
	test('a socket that sends nothing, or half a request, is closed after the Connect Timeout (not Node\'s 60 s); backends still connect', async () => {
		const fake = await bot;
		const { trigger, url, port } = await listen({ options: { listenAddress: '127.0.0.1', connectTimeout: 1 } });
		const started = performance.now();
		const silent = await rawSocket(port);
		const half = await rawSocket(port, `GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
		const backend = await fake.connectReverse(url, { token: TOKEN });
		// Closed by the 1 s handshake limit: well before Node's 60 s headers timeout, and not at once.
		for (const [what, s] of [['the silent socket', silent], ['the half request', half]] as const) {
			const at = await closedWithin(s.closedAt, 5_000, what);
			assert.ok(at - started >= 900, `${what} was closed after ${Math.round(at - started)} ms, before the 1 s limit`);
		}
		// The upgraded backend is not subject to the handshake limit.
		backend.pushEvent(privateMessageEvent(10001, 5, 'still here'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'still here');
		await backend.close();
		await trigger.close();
	});

	test('sockets past the pending-handshake bound (2 × Max Connections, at least 8) are destroyed at once; pending ones take no backend place', async () => {
		const fake = await bot;
		const port = await freePort();
		const warnings: string[] = [];
		const quiet = () => undefined;
		const events: string[] = [];
		const server = new ReverseServer({
			port,
			host: '127.0.0.1',
			path: PATH,
			accessToken: TOKEN,
			logger: { debug: quiet, info: quiet, warn: (m) => warnings.push(m), error: quiet },
			maxEventBytes: 1024 * 1024,
			maxConnections: 2,
			handshakeTimeoutMs: 60_000,
			onEvent: (event) => events.push(String(event.raw_message)),
			onFatal: quiet,
		});
		await server.start();
		try {
			const url = `ws://127.0.0.1:${port}${PATH}`;
			const early = await fake.connectReverse(url, { token: TOKEN, selfId: 1 });
			const pending = [];
			for (let i = 0; i < 8; i++) pending.push(await rawSocket(port, i % 2 ? 'GET / HTTP/1.1\r\n' : undefined));
			// The server accepts connections in the order they were made: the 8 first, then these two.
			const extra = [await rawSocket(port), await rawSocket(port)];
			for (const s of extra) await closedWithin(s.closedAt, 3_000, 'a socket past the bound');
			assert.equal(server.pendingHandshakes, 8);
			assert.equal(server.refusedHandshakes, 2);
			assert.ok(pending.every((s) => !s.closed()), 'the pending sockets under the bound are left to their timeout');
			assert.equal(warnings.filter((w) => /have not completed their WebSocket handshake/.test(w)).length, 1, 'one warning per flood');
			// The backend connected before the flood still delivers events.
			early.pushEvent(privateMessageEvent(1, 5, 'during the flood'));
			await waitFor(() => events.includes('during the flood'), 3000, 'the event');
			// One pending socket goes away: its place is free, and a backend takes it although 7 are still
			// pending and Max Connections is 2 (pending sockets are not backends).
			pending[0].socket.destroy();
			await waitFor(() => server.pendingHandshakes === 7, 3000, '7 pending handshakes');
			const late = await fake.connectReverse(url, { token: TOKEN, selfId: 2 });
			assert.equal(server.pendingHandshakes, 7, 'the upgraded backend left the pending set');
			assert.deepEqual(server.clients.map((c) => c.selfId).sort(), ['1', '2']);
			late.pushEvent(privateMessageEvent(2, 5, 'late backend'));
			await waitFor(() => events.includes('late backend'), 3000, 'the late event');
			await early.close();
			await late.close();
		} finally {
			await server.close();
		}
		assert.equal(server.pendingHandshakes, 0, 'close destroys the pending sockets and their timers');
	});
});

describe('reverse WebSocket: several bots, filters, frames', () => {
	test('several bots at once; the self_id filter picks one', async () => {
		const fake = await bot;
		const { trigger, url } = await listen({ filters: { selfIds: '10002, 10003' } });
		const conns: ReverseConnection[] = [];
		for (const selfId of [10001, 10002, 10003]) {
			conns.push(await fake.connectReverse(url, { token: TOKEN, selfId }));
		}
		conns[0].pushEvent(groupMessageEvent(10001, 1, 2, 'bot one'));
		conns[1].pushEvent(groupMessageEvent(10002, 1, 2, 'bot two'));
		conns[2].pushEvent(groupMessageEvent(10003, 1, 2, 'bot three'));
		await trigger.waitForEmits(2);
		await delay(30);
		assert.deepEqual(trigger.emitted.map((e) => e.self_id).sort(), [10002, 10003]);
		for (const c of conns) await c.close();
		await trigger.close();
	});

	test('the same message from two connections is emitted once', async () => {
		const fake = await bot;
		const { trigger, url } = await listen();
		const a = await fake.connectReverse(url, { token: TOKEN });
		const b = await fake.connectReverse(url, { token: TOKEN });
		const event = groupMessageEvent(10001, 1, 2, 'dup', { message_id: 4242 });
		a.pushEvent(event);
		b.pushEvent(event);
		await trigger.waitForEmits(1);
		await delay(30);
		assert.equal(trigger.emits, 1);
		await a.close();
		await b.close();
		await trigger.close();
	});

	test('a text frame with bytes that are not UTF-8: the event is emitted with U+FFFD in their place, the connection stays', async () => {
		const fake = await bot;
		const { trigger, url } = await listen({ options: { listenAddress: '127.0.0.1' } });
		const conn = await fake.connectReverse(url, { token: TOKEN });
		conn.sendRaw(withInvalidUtf8(JSON.stringify(privateMessageEvent(10001, 5, 'caf@@'))), true);
		conn.pushEvent(privateMessageEvent(10001, 5, 'next'));
		const [first, second] = await trigger.waitForEmits(2);
		assert.equal(first.text, 'caf\uFFFD\uFFFD');
		assert.equal(second.text, 'next');
		assert.ok(conn.isOpen);
		await conn.close();
		await trigger.close();
	});

	test('malformed frames are skipped with a warning; the connection stays', async () => {
		const fake = await bot;
		const { trigger, url } = await listen({ options: { listenAddress: '127.0.0.1', maxEventSizeKb: 1 } });
		const conn = await fake.connectReverse(url, { token: TOKEN });
		conn.sendRaw('{{{');
		conn.sendRaw('{"post_type":"notice","notice_ty');
		conn.sendRaw('{"unknown":true}');
		conn.sendRaw(JSON.stringify(privateMessageEvent(10001, 5, 'y'.repeat(3000))));
		conn.pushEvent(privateMessageEvent(10001, 5, 'fine'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'fine');
		assert.equal(trigger.logs.filter((l) => l.level === 'warn' && l.message.startsWith('Skipped a frame')).length, 4);
		assert.ok(conn.isOpen);
		await conn.close();
		await trigger.close();
	});

	test('Max Event Size raised above 16 MiB: an 18 MiB event is emitted, the connection stays', async () => {
		const fake = await bot;
		const { trigger, url } = await listen({ options: { listenAddress: '127.0.0.1', maxEventSizeKb: 20 * 1024 } });
		const conn = await fake.connectReverse(url, { token: TOKEN });
		const text = 'z'.repeat(9 * 1024 * 1024); // twice in the event (message, raw_message): an 18 MiB frame
		conn.pushEvent(privateMessageEvent(10001, 5, text));
		const [item] = await trigger.waitForEmits(1, 10_000);
		assert.equal((item.text as string).length, text.length);
		assert.ok(conn.isOpen);
		await conn.close();
		await trigger.close();
	});

	test('a bot that stops sending heartbeats is dropped by its watchdog (the backend reconnects)', async () => {
		const fake = await bot;
		const { trigger, url } = await listen();
		const silent = await fake.connectReverse(url, { token: TOKEN, selfId: 10001 });
		const lively = await fake.connectReverse(url, { token: TOKEN, selfId: 10002 });
		// 10001 announces 40 ms (dropped after 100 ms of silence); 10002 announces 400 ms (1 s): a wide
		// margin, so a loaded test machine does not drop the lively one too.
		silent.pushEvent(heartbeatEvent(10001, 40));
		lively.pushEvent(heartbeatEvent(10002, 400));
		const closed = silent.waitForClose();
		const { code } = await closed;
		assert.equal(code, 1006);
		assert.ok(lively.isOpen, 'the other bot keeps its connection');
		await trigger.waitForLog(/No data and no pong from bot 10001 .* for 100 ms/, 'warn');
		assert.equal(trigger.emits, 0, 'heartbeats started nothing');
		await lively.close();
		await trigger.close();
	});
});

describe('reverse WebSocket: life', () => {
	test('activation fails when the port is taken, naming the address', async () => {
		const port = await freePort();
		const blocker = createServer();
		await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
		try {
			await assert.rejects(
				activateTrigger({
					node: node(),
					parameters: { connection: 'reverse', port, options: { listenAddress: '127.0.0.1' } },
					credentials: { wsUrl: '', accessToken: TOKEN },
				}),
				new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`),
			);
		} finally {
			await new Promise<void>((resolve) => blocker.close(() => resolve()));
		}
	});

	test('"Listen for test event" on a port already in use says the active workflow may be the one listening', async () => {
		const port = await freePort();
		const blocker = createServer();
		await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
		try {
			const { items, error } = await runManualTrigger({
				node: node(),
				parameters: { connection: 'reverse', port, options: { listenAddress: '127.0.0.1' } },
				credentials: { wsUrl: '', accessToken: TOKEN },
			}).result;
			assert.deepEqual(items, []);
			assert.match(String(error?.message), new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`));
			assert.match(
				String((error as { description?: string } | undefined)?.description),
				/If this workflow is active, its trigger is the one listening on this port: deactivate the workflow to listen for a test event/,
			);
		} finally {
			await new Promise<void>((resolve) => blocker.close(() => resolve()));
		}
	});

	test('closeFunction closes the server and every backend connection, leaving no handle', async () => {
		const fake = await bot;
		await delay(20);
		const before = activeHandles();
		const { trigger, url, port } = await listen();
		const a = await fake.connectReverse(url, { token: TOKEN, selfId: 1 });
		const b = await fake.connectReverse(url, { token: TOKEN, selfId: 2 });
		a.pushEvent(heartbeatEvent(1, 5000));
		await delay(20);
		const started = performance.now();
		await trigger.close();
		assert.ok(performance.now() - started < 700, 'close is bounded');
		assert.equal((await a.waitForClose()).code, 1001);
		await b.waitForClose();
		await assert.rejects(fake.connectReverse(`ws://127.0.0.1:${port}${PATH}`, { token: TOKEN }));
		await delay(30);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('close() while the server is still starting to listen: the port is released, nothing keeps running', async () => {
		const before = activeHandles();
		const port = await freePort();
		const quiet = () => undefined;
		const server = new ReverseServer({
			port,
			host: '127.0.0.1',
			path: PATH,
			accessToken: TOKEN,
			logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
			maxEventBytes: 1024 * 1024,
			pingIntervalMs: 50,
			onEvent: quiet,
			onFatal: quiet,
		});
		// "Listen for test event" stopped (closeFunction) before the listen has completed.
		const starting = server.start();
		await server.close();
		await assert.rejects(starting, AbortedError);
		const again = createServer();
		await new Promise<void>((resolve, reject) => {
			again.once('error', reject);
			again.listen(port, '127.0.0.1', resolve);
		});
		await new Promise<void>((resolve) => again.close(() => resolve()));
		await delay(30);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('reactivated at once on the same port (workflow saved twice): listens again, the backend reconnects', async () => {
		const fake = await bot;
		const { trigger, url, port } = await listen();
		const first = await fake.connectReverse(url, { token: TOKEN, selfId: 1 });
		await trigger.close();
		await first.waitForClose();
		const second = await activateTrigger({
			node: node(),
			parameters: { connection: 'reverse', port, options: { listenAddress: '127.0.0.1' } },
			credentials: { wsUrl: 'ws://unused.invalid', accessToken: TOKEN },
		});
		triggers.push(second);
		const conn = await fake.connectReverse(url, { token: TOKEN, selfId: 1 });
		conn.pushEvent(privateMessageEvent(1, 5, 'after reactivation'));
		const [item] = await second.waitForEmits(1);
		assert.equal(item.text, 'after reactivation');
		assert.equal(trigger.emits, 0, 'the closed activation started nothing');
		await conn.close();
		await second.close();
	});

	test('an IPv6 listen address is written in brackets in the address backends are told and in errors', async () => {
		const quiet = () => undefined;
		const server = new ReverseServer({
			port: 8095,
			host: '::',
			path: PATH,
			accessToken: TOKEN,
			logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
			maxEventBytes: 1024,
			onEvent: quiet,
			onFatal: quiet,
		});
		assert.equal(server.address, `ws://[::]:8095${PATH}`);
		await assert.rejects(
			activateTrigger({
				node: node(),
				parameters: { connection: 'reverse', port: 8095, options: { listenAddress: '::' } },
				credentials: { wsUrl: '', accessToken: '' },
			}),
			/would listen on \[::\]:8095, reachable from other machines/,
		);
	});

	test('an IPv6 listen address written in brackets ([::1], as in a URL) listens on that address', async (t) => {
		const probe = createServer();
		const ipv6 = await new Promise<boolean>((resolve) => {
			probe.once('error', () => resolve(false));
			probe.listen(0, '::1', () => probe.close(() => resolve(true)));
		});
		if (!ipv6) return t.skip('no IPv6 loopback on this machine');
		const fake = await bot;
		const port = await freePort();
		const trigger = await activateTrigger({
			node: node(),
			parameters: { connection: 'reverse', port, options: { listenAddress: '[::1]' } },
			credentials: { wsUrl: '', accessToken: '' },
		});
		triggers.push(trigger);
		await trigger.waitForLog(new RegExp(`Waiting for OneBot backends at ws://\\[::1\\]:${port}/onebot/v11/ws`), 'info');
		const conn = await fake.connectReverse(`ws://[::1]:${port}${PATH}`, {});
		conn.pushEvent(privateMessageEvent(10001, 5, 'over IPv6'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'over IPv6');
		await conn.close();
		await trigger.close();
	});

	test('manual mode: waits for the first passing event from a backend, emits it, closes the server', async () => {
		const fake = await bot;
		const port = await freePort();
		const run = runManualTrigger({
			node: node(),
			parameters: { connection: 'reverse', port, path: '/ws', options: { listenAddress: '127.0.0.1' } },
			credentials: { wsUrl: '', accessToken: TOKEN },
		});
		let conn: ReverseConnection | undefined;
		for (let i = 0; i < 100 && !conn; i++) {
			conn = await fake.connectReverse(`ws://127.0.0.1:${port}/ws`, { token: TOKEN }).catch(async () => {
				await delay(10);
				return undefined;
			});
		}
		assert.ok(conn, 'connected to the manual trigger');
		conn.pushEvent(heartbeatEvent(10001, 5000));
		conn.pushEvent(groupMessageEvent(10001, 1, 2, 'manual reverse'));
		const { items, error } = await run.result;
		assert.equal(error, undefined);
		assert.deepEqual(
			items.map((i) => i.text),
			['manual reverse'],
		);
		await conn.waitForClose();
		await assert.rejects(fake.connectReverse(`ws://127.0.0.1:${port}/ws`, { token: TOKEN }));
	});
});

/** `json` as UTF-8 bytes with the bytes 0xFF 0xFE (never valid UTF-8) wherever `@@` stood. */
function withInvalidUtf8(json: string): Buffer {
	const bad = Buffer.from([0xff, 0xfe]);
	return Buffer.concat(json.split('@@').flatMap((part, i) => (i === 0 ? [Buffer.from(part, 'utf8')] : [bad, Buffer.from(part, 'utf8')])));
}
