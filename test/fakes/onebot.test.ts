// Proves the fake OneBot backend with plain axios / ws clients.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Agent, createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, describe, test } from 'node:test';

import axios from 'axios';
import type { AxiosResponse } from 'axios';
import WebSocket, { WebSocketServer } from 'ws';

import { FakeOneBot, ReverseConnectError, groupMessageEvent, heartbeatEvent } from './onebot';
import type { FakeOneBotOptions, JsonObject } from './onebot';

// No keep-alive pooling: every request has its own socket, so nothing lingers after a test.
const agent = new Agent({ keepAlive: false });
const http = axios.create({ httpAgent: agent, validateStatus: () => true, timeout: 5000 });

const bots: FakeOneBot[] = [];
async function fake(options: FakeOneBotOptions = {}): Promise<FakeOneBot> {
	const bot = await FakeOneBot.start(options);
	bots.push(bot);
	return bot;
}

afterEach(async () => {
	await Promise.all(bots.splice(0).map(async (b) => await b.close()));
});

after(() => agent.destroy());

/** Opens a WebSocket; resolves with it and the frames it receives, or with the refused status. */
async function openWs(
	url: string,
	headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; frames: JsonObject[]; next: () => Promise<JsonObject> } | { status: number }> {
	const ws = new WebSocket(url, { headers });
	const frames: JsonObject[] = [];
	const waiting: Array<(f: JsonObject) => void> = [];
	ws.on('message', (data) => {
		const frame = JSON.parse(data.toString()) as JsonObject;
		const w = waiting.shift();
		if (w) w(frame);
		else frames.push(frame);
	});
	const next = async () => {
		const f = frames.shift();
		if (f) return f;
		return await new Promise<JsonObject>((resolve) => waiting.push(resolve));
	};
	return await new Promise((resolve, reject) => {
		ws.once('open', () => resolve({ ws, frames, next }));
		ws.once('unexpected-response', (_req, res) => {
			res.resume();
			ws.terminate();
			resolve({ status: res.statusCode ?? 0 });
		});
		ws.once('error', reject);
	});
}

async function closeWs(ws: WebSocket): Promise<void> {
	if (ws.readyState === WebSocket.CLOSED) return;
	await new Promise<void>((resolve) => {
		ws.once('close', () => resolve());
		ws.close();
	});
}

const body = (res: AxiosResponse) => res.data as JsonObject;

// ---------------------------------------------------------------------------------------------

describe('HTTP API', () => {
	test('auth: missing 401, wrong 403, Bearer/any scheme/query token accepted', async () => {
		const bot = await fake({ accessToken: 't0k' });
		const url = `${bot.httpUrl}/get_status`;
		assert.equal((await http.get(url)).status, 401);
		assert.equal((await http.get(url, { headers: { Authorization: 'Bearer nope' } })).status, 403);
		assert.equal((await http.get(url, { headers: { Authorization: 'Bearer t0k' } })).status, 200);
		assert.equal((await http.get(url, { headers: { Authorization: 'Token t0k' } })).status, 200);
		assert.equal((await http.get(url, { headers: { Authorization: 't0k' } })).status, 200);
		assert.equal((await http.get(`${url}?access_token=t0k`)).status, 200);
		assert.equal((await http.get(`${url}?access_token=bad`)).status, 403);
		// a header wins over the query parameter
		assert.equal((await http.get(`${url}?access_token=t0k`, { headers: { Authorization: 'Bearer bad' } })).status, 403);
		assert.deepEqual(
			bot.calls.map((c) => c.httpStatus),
			[401, 403, 200, 200, 200, 200, 403, 403],
		);
	});

	test('auth: napcat style answers 403 for a missing token too', async () => {
		const bot = await fake({ accessToken: 't0k', authStyle: 'napcat' });
		const res = await http.get(`${bot.httpUrl}/get_status`);
		assert.equal(res.status, 403);
		assert.equal(body(res).status, 'failed');
	});

	test('no token configured: everything accepted', async () => {
		const bot = await fake();
		assert.equal((await http.get(`${bot.httpUrl}/get_status`, { headers: { Authorization: 'Bearer whatever' } })).status, 200);
	});

	test('envelope and canned data', async () => {
		const bot = await fake({ selfId: 4242 });
		const res = await http.get(`${bot.httpUrl}/get_login_info`);
		assert.equal(res.status, 200);
		assert.match(String(res.headers['content-type']), /^application\/json/);
		assert.deepEqual(res.data, { status: 'ok', retcode: 0, data: { user_id: 4242, nickname: 'FakeBot' }, message: '' });
		assert.equal((body(await http.get(`${bot.httpUrl}/get_group_list`)).data as unknown[]).length, 2);
		assert.equal((body(await http.get(`${bot.httpUrl}/get_friend_list`)).data as unknown[]).length, 2);
		const members = body(await http.get(`${bot.httpUrl}/get_group_member_list?group_id=777`)).data as JsonObject[];
		assert.equal(members.length, 3);
		assert.ok(members.every((m) => m.group_id === 777));
		const a = body(await http.post(`${bot.httpUrl}/send_group_msg`, { group_id: 1, message: 'x' })).data as JsonObject;
		const b = body(await http.post(`${bot.httpUrl}/send_private_msg`, { user_id: 1, message: 'y' })).data as JsonObject;
		assert.equal(typeof a.message_id, 'number');
		assert.equal(b.message_id, (a.message_id as number) + 1);
		assert.equal(body(await http.post(`${bot.httpUrl}/delete_msg`, { message_id: 1 })).data, null);
	});

	test('params: GET query, JSON body, form body (JSON-looking values parsed), POST / envelope', async () => {
		const bot = await fake({ accessToken: 'k' });
		const auth = { Authorization: 'Bearer k' };
		const segs = [{ type: 'text', data: { text: 'hi' } }];

		await http.get(`${bot.httpUrl}/send_msg`, {
			params: { group_id: '12', message: JSON.stringify(segs), access_token: 'k' },
		});
		let call = bot.lastCall('send_msg')!;
		assert.equal(call.transport, 'http');
		assert.equal(call.method, 'GET');
		assert.deepEqual(call.params, { group_id: '12', message: segs });
		assert.equal(call.query.access_token, 'k');

		await http.post(`${bot.httpUrl}/send_group_msg`, { group_id: 12, message: segs, auto_escape: false }, { headers: auth });
		call = bot.lastCall('send_group_msg')!;
		assert.equal(call.method, 'POST');
		assert.match(call.contentType ?? '', /^application\/json/);
		assert.deepEqual(call.params, { group_id: 12, message: segs, auto_escape: false });
		assert.equal(call.rawBody, JSON.stringify({ group_id: 12, message: segs, auto_escape: false }));
		assert.equal(call.headers.authorization, 'Bearer k');

		const form = new URLSearchParams({ user_id: '5', message: JSON.stringify(segs), text: '[not json' });
		await http.post(`${bot.httpUrl}/send_private_msg`, form.toString(), {
			headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		call = bot.lastCall('send_private_msg')!;
		assert.equal(call.contentType, 'application/x-www-form-urlencoded');
		assert.deepEqual(call.params, { user_id: '5', message: segs, text: '[not json' });
		assert.equal(call.rawBody, form.toString());

		// body wins over query for the same key
		await http.post(`${bot.httpUrl}/get_group_info?group_id=1&no_cache=true`, { group_id: 2 }, { headers: auth });
		assert.deepEqual(bot.lastCall('get_group_info')!.params, { group_id: 2, no_cache: 'true' });

		const res = await http.post(`${bot.httpUrl}/`, { action: 'get_group_member_list', params: { group_id: 9 } }, { headers: auth });
		assert.equal(body(res).status, 'ok');
		call = bot.lastCall()!;
		assert.equal(call.path, '/');
		assert.equal(call.action, 'get_group_member_list');
		assert.deepEqual(call.params, { group_id: 9 });

		// trailing slash is the same action (standard)
		assert.equal(body(await http.get(`${bot.httpUrl}/get_status/`, { headers: auth })).status, 'ok');
	});

	test('bad bodies: invalid JSON 400, unsupported content type 406, other methods 404', async () => {
		const bot = await fake();
		const bad = await http.post(`${bot.httpUrl}/send_msg`, '{nope', { headers: { 'Content-Type': 'application/json' } });
		assert.equal(bad.status, 400);
		const xml = await http.post(`${bot.httpUrl}/send_msg`, '<x/>', { headers: { 'Content-Type': 'text/xml' } });
		assert.equal(xml.status, 406);
		assert.equal((await http.put(`${bot.httpUrl}/send_msg`, {})).status, 404);
	});

	test('unknown action: http404 / retcode404 (go-cqhttp) / retcode1404', async () => {
		const standard = await fake();
		assert.equal((await http.get(`${standard.httpUrl}/no_such_action`)).status, 404);

		const gocq = await fake({ unknownAction: 'retcode404' });
		const res = await http.get(`${gocq.httpUrl}/no_such_action`);
		assert.equal(res.status, 200);
		assert.deepEqual(res.data, {
			status: 'failed',
			retcode: 404,
			msg: 'API_NOT_FOUND',
			wording: 'API不存在',
			message: 'API不存在',
			data: null,
		});

		const napcat = await fake({ unknownAction: 'retcode1404' });
		const r2 = await http.get(`${napcat.httpUrl}/no_such_action`);
		assert.equal(r2.status, 200);
		assert.equal(body(r2).retcode, 1404);
		assert.equal(body(r2).status, 'failed');
	});

	test('handlers: data, envelopes, throw, fail(), setHandler(undefined), resetBehaviour()', async () => {
		const bot = await fake({ handlers: { custom_action: (p) => ({ echoed: p.x }) } });
		assert.deepEqual(body(await http.post(`${bot.httpUrl}/custom_action`, { x: 1 })).data, { echoed: 1 });

		bot.setHandler('get_status', () => ({ status: 'failed', retcode: 100, msg: 'X', wording: 'y', data: null }));
		assert.deepEqual(body(await http.get(`${bot.httpUrl}/get_status`)), { status: 'failed', retcode: 100, msg: 'X', wording: 'y', data: null });

		bot.setHandler('get_status', () => {
			throw Object.assign(new Error('boom'), { retcode: 102 });
		});
		assert.deepEqual(body(await http.get(`${bot.httpUrl}/get_status`)), {
			status: 'failed',
			retcode: 102,
			msg: 'HANDLER_ERROR',
			wording: 'boom',
			message: 'boom',
			data: null,
		});

		bot.fail('send_group_msg', 100, 'GROUP_NOT_FOUND', '群聊不存在');
		assert.deepEqual(body(await http.post(`${bot.httpUrl}/send_group_msg`, { group_id: 1, message: 'x' })), {
			status: 'failed',
			retcode: 100,
			msg: 'GROUP_NOT_FOUND',
			wording: '群聊不存在',
			message: '群聊不存在',
			data: null,
		});

		bot.setHandler('get_login_info', undefined);
		assert.equal((await http.get(`${bot.httpUrl}/get_login_info`)).status, 404);

		bot.resetBehaviour();
		assert.equal(body(await http.get(`${bot.httpUrl}/get_login_info`)).status, 'ok');
		assert.equal(body(await http.post(`${bot.httpUrl}/send_group_msg`, { group_id: 1 })).status, 'ok');
	});

	test('_async suffix: standard async envelope, strip, unknown; respondAsync()', async () => {
		const standard = await fake();
		assert.deepEqual(body(await http.post(`${standard.httpUrl}/send_group_msg_async`, { group_id: 1 })), {
			status: 'async',
			retcode: 1,
			data: null,
			message: '',
		});
		assert.equal(standard.lastCall()!.action, 'send_group_msg_async');

		const gocq = await fake({ asyncSuffix: 'strip' });
		const r = body(await http.post(`${gocq.httpUrl}/send_group_msg_async`, { group_id: 1 }));
		assert.equal(r.status, 'ok');
		assert.equal(typeof (r.data as JsonObject).message_id, 'number');

		const lagrange = await fake({ asyncSuffix: 'unknown' });
		assert.equal((await http.post(`${lagrange.httpUrl}/send_group_msg_async`, { group_id: 1 })).status, 404);

		let ran = false;
		standard.setHandler('set_restart', () => {
			ran = true;
			return null;
		});
		standard.respondAsync('set_restart');
		assert.equal(body(await http.post(`${standard.httpUrl}/set_restart`, {})).status, 'async');
		assert.ok(ran);
	});

	test('delay(): answers late; a client timeout fires; close() does not wait for it', async () => {
		const bot = await fake();
		bot.delay('get_status', 150);
		const started = performance.now();
		const res = await http.get(`${bot.httpUrl}/get_status`);
		assert.ok(performance.now() - started >= 140, `answered after ${performance.now() - started} ms`);
		assert.equal(body(res).status, 'ok');

		bot.delay('get_status', 10_000);
		await assert.rejects(http.get(`${bot.httpUrl}/get_status`, { timeout: 50 }), (e: Error & { code?: string }) => e.code === 'ECONNABORTED');
		const closing = performance.now();
		await bot.close();
		assert.ok(performance.now() - closing < 1000);
	});

	test('records: fields, lastCall(action), callsTo, reset()', async () => {
		const bot = await fake();
		await http.get(`${bot.httpUrl}/get_status?x=1`, { headers: { 'X-Test': 'yes' } });
		await http.post(`${bot.httpUrl}/send_msg`, { message: 'a' });
		await http.post(`${bot.httpUrl}/send_msg`, { message: 'b' });
		assert.equal(bot.calls.length, 3);
		const first = bot.calls[0];
		assert.equal(first.transport, 'http');
		assert.equal(first.method, 'GET');
		assert.equal(first.path, '/get_status');
		assert.equal(first.action, 'get_status');
		assert.deepEqual(first.query, { x: '1' });
		assert.equal(first.headers['x-test'], 'yes');
		assert.equal(first.rawBody, '');
		assert.equal(typeof first.at, 'number');
		assert.equal(first.response?.status, 'ok');
		assert.deepEqual(bot.lastCall('send_msg')!.params, { message: 'b' });
		assert.equal(bot.lastCall()!.action, 'send_msg');
		assert.equal(bot.callsTo('send_msg').length, 2);
		assert.equal(bot.lastCall('nothing'), undefined);
		bot.reset();
		assert.equal(bot.calls.length, 0);
	});
});

// ---------------------------------------------------------------------------------------------

describe('forward WebSocket', () => {
	test('handshake auth: 401 / 403 before the upgrade; header or access_token query', async () => {
		const bot = await fake({ accessToken: 'k' });
		assert.deepEqual(await openWs(`${bot.wsUrl}/`), { status: 401 });
		assert.deepEqual(await openWs(`${bot.wsUrl}/`, { Authorization: 'Bearer bad' }), { status: 403 });
		const viaQuery = await openWs(`${bot.wsUrl}/api?access_token=k`);
		assert.ok('ws' in viaQuery);
		const viaHeader = await openWs(`${bot.wsUrl}/api`, { Authorization: 'Token k' });
		assert.ok('ws' in viaHeader);
		await bot.waitForConnection(2);
		assert.equal(bot.connections(), 2);
		await closeWs(viaQuery.ws);
		await closeWs(viaHeader.ws);

		const napcat = await fake({ accessToken: 'k', authStyle: 'napcat' });
		assert.deepEqual(await openWs(`${napcat.wsUrl}/`), { status: 403 });
	});

	test('lifecycle frame on / and /event, none on /api', async () => {
		const bot = await fake({ selfId: 777 });
		const universal = await openWs(`${bot.wsUrl}/`);
		const event = await openWs(`${bot.wsUrl}/event`);
		const api = await openWs(`${bot.wsUrl}/api`);
		assert.ok('ws' in universal && 'ws' in event && 'ws' in api);
		for (const c of [universal, event]) {
			const frame = await c.next();
			assert.equal(frame._post_method, 2);
			assert.equal(frame.post_type, 'meta_event');
			assert.equal(frame.meta_event_type, 'lifecycle');
			assert.equal(frame.sub_type, 'connect');
			assert.equal(frame.self_id, 777);
			assert.equal(typeof frame.time, 'number');
		}
		// /api: the first frame it gets is the answer to its own call
		api.ws.send(JSON.stringify({ action: 'get_status', echo: 1 }));
		assert.equal((await api.next()).echo, 1);
		await Promise.all([closeWs(universal.ws), closeWs(event.ws), closeWs(api.ws)]);
	});

	test('API frames: envelope + echo (any JSON), no echo key without echo, unknown 1404, bad frame 1400', async () => {
		const bot = await fake({ lifecycle: false });
		const c = await openWs(`${bot.wsUrl}/api`, { 'X-Custom': 'h' });
		assert.ok('ws' in c);
		c.ws.send(JSON.stringify({ action: 'get_login_info', params: {}, echo: 'abc' }));
		assert.deepEqual(await c.next(), { status: 'ok', retcode: 0, data: { user_id: 10001, nickname: 'FakeBot' }, message: '', echo: 'abc' });

		c.ws.send(JSON.stringify({ action: 'get_group_member_list', params: { group_id: 5 }, echo: { id: 7, n: [1] } }));
		const members = await c.next();
		assert.deepEqual(members.echo, { id: 7, n: [1] });
		assert.equal((members.data as unknown[]).length, 3);

		c.ws.send(JSON.stringify({ action: 'get_status' }));
		const noEcho = await c.next();
		assert.equal('echo' in noEcho, false);

		c.ws.send(JSON.stringify({ action: 'no_such_action', echo: 9 }));
		const unknown = await c.next();
		assert.equal(unknown.retcode, 1404);
		assert.equal(unknown.status, 'failed');
		assert.equal(unknown.echo, 9);

		c.ws.send('not json');
		assert.equal((await c.next()).retcode, 1400);

		const call = bot.lastCall('get_group_member_list')!;
		assert.equal(call.transport, 'ws');
		assert.equal(call.direction, 'forward');
		assert.equal(call.method, 'WS');
		assert.equal(call.path, '/api');
		assert.deepEqual(call.params, { group_id: 5 });
		assert.deepEqual(call.echo, { id: 7, n: [1] });
		assert.equal(call.headers['x-custom'], 'h');
		assert.equal(call.rawBody, JSON.stringify({ action: 'get_group_member_list', params: { group_id: 5 }, echo: { id: 7, n: [1] } }));
		await closeWs(c.ws);
	});

	test('unknown action over WS in go-cqhttp mode is retcode 404', async () => {
		const bot = await fake({ unknownAction: 'retcode404', lifecycle: false });
		const c = await openWs(`${bot.wsUrl}/`);
		assert.ok('ws' in c);
		c.ws.send(JSON.stringify({ action: 'nope', echo: 'e' }));
		const r = await c.next();
		assert.deepEqual(r, { status: 'failed', retcode: 404, msg: 'API_NOT_FOUND', wording: 'API不存在', message: 'API不存在', data: null, echo: 'e' });
		await closeWs(c.ws);
	});

	test('delay() applies to WS calls too', async () => {
		const bot = await fake({ lifecycle: false });
		bot.delay('get_status', 100);
		const c = await openWs(`${bot.wsUrl}/api`);
		assert.ok('ws' in c);
		c.ws.send(JSON.stringify({ action: 'get_status', echo: 'slow' }));
		c.ws.send(JSON.stringify({ action: 'get_login_info', echo: 'fast' }));
		assert.equal((await c.next()).echo, 'fast');
		assert.equal((await c.next()).echo, 'slow');
		await closeWs(c.ws);
	});

	test('pushEvent / sendRaw reach / and /event clients only; connections(); waitForDisconnect()', async () => {
		const bot = await fake({ lifecycle: false });
		const universal = await openWs(`${bot.wsUrl}/`);
		const event = await openWs(`${bot.wsUrl}/event`);
		const api = await openWs(`${bot.wsUrl}/api`);
		assert.ok('ws' in universal && 'ws' in event && 'ws' in api);
		await bot.waitForConnection(3);
		assert.equal(bot.connections(), 3);
		assert.equal(bot.connections('event'), 1);

		const ev = groupMessageEvent(bot.selfId, 100001, 20001, 'hello');
		assert.equal(bot.pushEvent(ev), 2);
		assert.deepEqual(await universal.next(), ev);
		assert.deepEqual(await event.next(), ev);
		assert.equal(bot.sendRaw('{"raw":true}'), 2);
		assert.deepEqual(await universal.next(), { raw: true });
		assert.deepEqual(await event.next(), { raw: true });
		assert.equal(api.frames.length, 0);

		// API frames on /event are not served
		event.ws.send(JSON.stringify({ action: 'get_status', echo: 1 }));
		universal.ws.send(JSON.stringify({ action: 'get_status', echo: 2 }));
		assert.equal((await universal.next()).echo, 2);
		assert.equal(event.frames.length, 0);

		const gone = bot.waitForDisconnect();
		event.ws.close(4000, 'bye');
		assert.deepEqual(await gone, { path: '/event', role: 'event', code: 4000, reason: 'bye' });
		assert.equal(bot.connections(), 2);

		const dropped = bot.waitForDisconnect();
		const clientClosed = new Promise<number>((resolve) => universal.ws.once('close', (code) => resolve(code)));
		bot.dropConnections({ code: 1012, reason: 'restart' });
		assert.equal((await dropped).code, 1012);
		assert.equal(await clientClosed, 1012);
		await closeWs(api.ws);
		assert.equal(bot.connections(), 0);
	});
});

// ---------------------------------------------------------------------------------------------

describe('reverse WebSocket client', () => {
	test('handshake headers, lifecycle, events, and API frames answered with echo', async () => {
		const bot = await fake({ selfId: 555 });
		const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
		const port = (wss.address() as AddressInfo).port;
		let handshake: IncomingHttpHeaders = {};
		const serverSide = new Promise<WebSocket>((resolve) =>
			wss.once('connection', (ws, req) => {
				handshake = req.headers;
				resolve(ws);
			}),
		);
		const received: JsonObject[] = [];
		const nextFromBot = async (ws: WebSocket) =>
			await new Promise<JsonObject>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as JsonObject)));

		const handlePromise = bot.connectReverse(`ws://127.0.0.1:${port}/onebot/v11/ws?x=1`, {
			token: 'abc',
			tokenScheme: 'Token',
		});
		const ws = await serverSide;
		const lifecycle = nextFromBot(ws);
		const handle = await handlePromise;
		assert.equal(handshake['x-self-id'], '555');
		assert.equal(handshake['x-client-role'], 'Universal');
		assert.equal(handshake.authorization, 'Token abc');
		const lc = await lifecycle;
		assert.equal(lc.meta_event_type, 'lifecycle');
		assert.equal(lc.sub_type, 'connect');
		assert.equal(lc.self_id, 555);
		assert.equal('_post_method' in lc, false);

		const hb = heartbeatEvent(555, 5000);
		const gotEvent = nextFromBot(ws);
		handle.pushEvent(hb);
		received.push(await gotEvent);
		assert.deepEqual(received[0], hb);

		const answer = nextFromBot(ws);
		ws.send(JSON.stringify({ action: 'get_group_list', params: {}, echo: 'g1' }));
		const env = await answer;
		assert.equal(env.echo, 'g1');
		assert.equal((env.data as unknown[]).length, 2);
		const call = bot.lastCall('get_group_list')!;
		assert.equal(call.direction, 'reverse');
		assert.equal(call.path, '/onebot/v11/ws');
		assert.deepEqual(call.query, { x: '1' });

		const closedByServer = handle.waitForClose();
		ws.close(4001, 'server bye');
		assert.deepEqual(await closedByServer, { code: 4001, reason: 'server bye' });

		// Bearer is the default scheme; API role gets no lifecycle frame
		const second = new Promise<[WebSocket, IncomingHttpHeaders]>((resolve) => wss.once('connection', (s, req) => resolve([s, req.headers])));
		const h2 = await bot.connectReverse(`ws://127.0.0.1:${port}/`, { token: 'abc', role: 'API' });
		const [s2, headers2] = await second;
		assert.equal(headers2.authorization, 'Bearer abc');
		assert.equal(headers2['x-client-role'], 'API');
		const first2 = nextFromBot(s2);
		s2.send(JSON.stringify({ action: 'get_status', echo: 0 }));
		assert.equal((await first2).echo, 0);
		await h2.close();
		await new Promise<void>((resolve) => wss.close(() => resolve()));
	});

	test('a refused handshake rejects with the HTTP status', async () => {
		const bot = await fake();
		const wss = new WebSocketServer({
			port: 0,
			host: '127.0.0.1',
			verifyClient: (info: { req: { headers: IncomingHttpHeaders } }, cb: (ok: boolean, code?: number) => void) =>
				cb(info.req.headers.authorization === 'Bearer right', 401),
		});
		await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
		const port = (wss.address() as AddressInfo).port;
		await assert.rejects(
			bot.connectReverse(`ws://127.0.0.1:${port}/`, { token: 'wrong' }),
			(e: unknown) => e instanceof ReverseConnectError && e.status === 401,
		);
		await new Promise<void>((resolve) => wss.close(() => resolve()));
	});
});

// ---------------------------------------------------------------------------------------------

describe('HTTP POST reporter', () => {
	test('postEvent: headers, HMAC-SHA1 signature over the exact body, quick-operation response', async () => {
		const bot = await fake({ selfId: 321 });
		const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
		let reply: { status: number; body?: string } = { status: 200, body: JSON.stringify({ reply: 'pong', at_sender: false }) };
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(reply.status, reply.body ? { 'content-type': 'application/json' } : {});
				res.end(reply.body);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;

		const event = groupMessageEvent(321, 1, 2, 'ping 你好');
		const result = await bot.postEvent(url, event, { secret: 'shh' });
		assert.equal(result.status, 200);
		assert.deepEqual(result.body, { reply: 'pong', at_sender: false });
		const sent = seen[0];
		assert.equal(sent.body, JSON.stringify(event));
		assert.equal(sent.headers['content-type'], 'application/json');
		assert.equal(sent.headers['x-self-id'], '321');
		const expected = `sha1=${createHmac('sha1', 'shh').update(Buffer.from(sent.body, 'utf8')).digest('hex')}`;
		assert.equal(sent.headers['x-signature'], expected);
		assert.equal(result.signature, expected);

		await bot.postEvent(url, event);
		assert.equal(seen[1].headers['x-signature'], undefined);

		await bot.postEvent(url, event, { secret: 'shh', signatureOverride: 'sha1=deadbeef', selfId: 9 });
		assert.equal(seen[2].headers['x-signature'], 'sha1=deadbeef');
		assert.equal(seen[2].headers['x-self-id'], '9');

		await bot.postEvent(url, null, { rawBody: '{"post_type":"message"  }', secret: 'k' });
		assert.equal(seen[3].body, '{"post_type":"message"  }');
		assert.equal(seen[3].headers['x-signature'], `sha1=${createHmac('sha1', 'k').update('{"post_type":"message"  }').digest('hex')}`);

		reply = { status: 204 };
		const empty = await bot.postEvent(url, event);
		assert.equal(empty.status, 204);
		assert.equal(empty.body, null);

		await new Promise<void>((resolve) => server.close(() => resolve()));
	});
});

// ---------------------------------------------------------------------------------------------

describe('stop / start / close', () => {
	test('stop() drops clients (1006) and refuses connections; start() listens on the same port', async () => {
		const bot = await fake({ accessToken: 'k' });
		const port = bot.port;
		const c = await openWs(`${bot.wsUrl}/?access_token=k`);
		assert.ok('ws' in c);
		const clientClose = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
		const seenByServer = bot.waitForDisconnect();
		await bot.stop();
		assert.equal(await clientClose, 1006);
		assert.equal((await seenByServer).code, 1006);
		assert.equal(bot.listening, false);
		await assert.rejects(http.get(`${bot.httpUrl}/get_status?access_token=k`), (e: Error & { code?: string }) => e.code === 'ECONNREFUSED');

		await bot.start();
		assert.equal(bot.port, port);
		assert.equal(body(await http.get(`${bot.httpUrl}/get_status?access_token=k`)).status, 'ok');
		const again = await openWs(`${bot.wsUrl}/?access_token=k`);
		assert.ok('ws' in again);
		assert.equal((await again.next()).meta_event_type, 'lifecycle');
		await closeWs(again.ws);
	});

	test('graceful stop sends 1001', async () => {
		const bot = await fake({ lifecycle: false });
		const c = await openWs(`${bot.wsUrl}/`);
		assert.ok('ws' in c);
		const code = new Promise<number>((resolve) => c.ws.once('close', (x) => resolve(x)));
		await bot.stop({ graceful: true });
		assert.equal(await code, 1001);
	});

	test('close() leaves no server or socket handles behind', async () => {
		const bot = await fake();
		const c = await openWs(`${bot.wsUrl}/`);
		assert.ok('ws' in c);
		const clientClosed = new Promise<void>((resolve) => c.ws.once('close', () => resolve()));
		await http.get(`${bot.httpUrl}/get_status`);
		const waiting = bot.waitForDisconnect(60_000);
		await bot.close();
		await clientClosed;
		await waiting;
		bots.splice(bots.indexOf(bot), 1);
		// libuv releases closed handles on a later loop turn: poll briefly
		const tcp = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap');
		for (let i = 0; i < 50 && tcp().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
		const resources = process.getActiveResourcesInfo();
		assert.equal(resources.filter((r) => r === 'TCPServerWrap').length, 0, resources.join(','));
		assert.equal(resources.filter((r) => r === 'TCPSocketWrap').length, 0, resources.join(','));
	});
});
