// The forward WebSocket transport (Options › Transport = WebSocket): action frames with `echo`,
// one connection for all items of an execution, timeouts, a refused handshake, unknown actions,
// dropped connections, and events on the same connection being ignored.
import { BIG_ID, byId, errorText, freePort, run, TOKEN, wireParams, useFakeOneBot } from './setup';

import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, test } from 'node:test';

import { NodeApiError, type INodeParameters } from 'n8n-workflow';
import { WebSocketServer } from 'ws';

import { FakeOneBot, groupMessageEvent, type OneBotCall } from '../fakes/onebot';

const WS = { transport: 'websocket' };
const status: INodeParameters = { resource: 'system', operation: 'get_status', options: WS };
const groupInfo = (id: string): INodeParameters => ({ resource: 'group', operation: 'get_group_info', group_id: byId(id), options: WS });

/** The handshake that opened the connection a call came over (one key per connection). */
const connectionOf = (call: OneBotCall) => call.headers['sec-websocket-key'];

let fake: FakeOneBot;
useFakeOneBot((started) => (fake = started));

describe('calls over the forward WebSocket', () => {
	test('an action frame with echo; the answer is matched and shaped like over HTTP', async () => {
		const result = await run(fake, groupInfo(BIG_ID));
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(fake.calls.length, 1);
		const call = fake.calls[0];
		assert.equal(call.transport, 'ws');
		assert.equal(call.direction, 'forward');
		assert.equal(call.action, 'get_group_info');
		assert.equal(typeof call.echo, 'string');
		assert.ok(String(call.echo).length > 0);
		assert.deepEqual(wireParams(call), { group_id: BigInt(BIG_ID) });
		assert.ok(call.rawBody.includes(`"group_id":${BIG_ID}`), call.rawBody);
		assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);
		assert.equal(result.output.length, 1);
		assert.equal(result.output[0].json.group_name, 'Test Group A');
		assert.deepEqual(result.output[0].pairedItem, { item: 0 });
		assert.equal(fake.connections(), 0, 'the connection is closed when the node is done');
	});

	test('several items share ONE connection, closed normally at the end', async () => {
		const disconnected = fake.waitForDisconnect();
		const result = await run(
			fake,
			{ resource: 'message', operation: 'send_private_msg', user_id: byId('={{ $json.to }}'), text: '={{ $json.text }}', options: WS },
			{ items: [{ json: { to: 20001, text: 'one' } }, { json: { to: 20002, text: 'two' } }, { json: { to: 20001, text: 'three' } }] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(
			fake.calls.map((c) => [c.action, wireParams(c)]),
			[
				['send_private_msg', { user_id: 20001, message: 'one', auto_escape: true }],
				['send_private_msg', { user_id: 20002, message: 'two', auto_escape: true }],
				['send_private_msg', { user_id: 20001, message: 'three', auto_escape: true }],
			],
		);
		assert.equal(new Set(fake.calls.map(connectionOf)).size, 1, 'one connection for all items');
		assert.equal(new Set(fake.calls.map((c) => c.echo)).size, 3, 'a fresh echo per call');
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		assert.equal((await disconnected).code, 1000);
		assert.equal(fake.connections(), 0);
	});

	test('list results over WebSocket: one item per element', async () => {
		const result = await run(fake, { resource: 'friend', operation: 'get_friend_list', options: WS });
		assert.deepEqual(
			result.output.map((o) => [o.json.user_id, o.pairedItem]),
			[
				[20001, { item: 0 }],
				[20002, { item: 0 }],
			],
		);
	});

	test('events, foreign answers and non-JSON frames on the connection are ignored', async () => {
		fake.setHandler('get_status', () => {
			fake.pushEvent(groupMessageEvent(fake.selfId, 100001, 20001, 'not for the action node'));
			fake.pushEvent({ status: 'ok', retcode: 0, data: { wrong: true }, echo: 'someone-else' });
			fake.sendRaw('this is not JSON');
			return { online: true, good: true };
		});
		const result = await run(fake, status);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(result.output.map((o) => o.json), [{ online: true, good: true }]);
	});

	test('the token in the access_token query of the handshake (query mode)', async () => {
		const result = await run(fake, status, { credentialOverrides: { authLocation: 'query' } });
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(fake.calls[0].query.access_token, TOKEN);
		assert.equal(fake.calls[0].headers.authorization, undefined);
	});
});

describe('int64 ids in answers', () => {
	for (const transport of ['http', 'websocket']) {
		test(`a bare number beyond 2^53 in the answer keeps its digits, as a string (${transport})`, async () => {
			fake.setHandler('get_group_info', () => ({ group_id: BigInt(BIG_ID), group_name: 'Big', member_count: 3 }));
			const result = await run(fake, { ...groupInfo(BIG_ID), options: { transport } });
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.ok(fake.calls[0].rawBody.includes(`"group_id":${BIG_ID}`));
			assert.deepEqual(result.output[0].json, { group_id: BIG_ID, group_name: 'Big', member_count: 3 });
		});
	}
});

describe('WebSocket failures', () => {
	test('a timeout names the URL; the frame was sent once', async () => {
		fake.delay('send_group_msg', 5000);
		const result = await run(fake, {
			resource: 'message',
			operation: 'send_group_msg',
			group_id: byId('100001'),
			text: 'slow',
			options: { ...WS, timeout: 1 },
		});
		assert.ok(result.error instanceof NodeApiError, String(result.error));
		assert.equal(result.error.message, `send_group_msg over ${fake.wsUrl} got no answer within 1000 ms`);
		assert.equal(fake.callsTo('send_group_msg').length, 1, 'never retried');
	});

	test('handshake refused for the token: missing → 401, wrong → 403; no frame sent', async () => {
		const missing = await run(fake, status, { credentialOverrides: { accessToken: '' } });
		assert.ok(missing.error instanceof NodeApiError);
		assert.match(missing.error.message, /^Access token missing/);
		assert.equal(missing.error.httpCode, '401');
		const wrong = await run(fake, status, { credentialOverrides: { accessToken: `${TOKEN}-stale`, authLocation: 'query' } });
		assert.ok(wrong.error instanceof NodeApiError);
		assert.match(wrong.error.message, /^Access token wrong/);
		assert.equal(wrong.error.httpCode, '403');
		assert.ok(!errorText(wrong).includes(TOKEN), errorText(wrong));
		assert.deepEqual(fake.calls, []);
		assert.equal(fake.connections(), 0);
	});

	// NapCat's forward WebSocket (network/websocket-server.ts) checks the token after the upgrade:
	// {"status":"failed","retcode":1403,"message":"token验证失败"} with "echo": null (OB11Response.res),
	// then a close; a frame with no echo at all reads the same.
	for (const echo of [{ echo: null }, {}]) {
	test(`NapCat/LLOneBot accept the upgrade, then refuse the token with a retcode 1403 frame (${JSON.stringify(echo)}) and close: "Access token wrong"`, async () => {
		const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
		const frames: string[] = [];
		wss.on('connection', (socket) => {
			socket.on('message', (data) => frames.push(String(data)));
			socket.send(JSON.stringify({ status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', ...echo }));
			setTimeout(() => socket.close(), 50);
		});
		const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
		try {
			const result = await run(fake, status, { credentialOverrides: { wsUrl: url, accessToken: `${TOKEN}-stale` } });
			assert.ok(result.error instanceof NodeApiError, String(result.error));
			assert.match(result.error.message, /^Access token wrong/);
			assert.equal((result.error.errorResponse as { kind?: string }).kind, 'auth');
			assert.ok(!errorText(result).includes(TOKEN), errorText(result));
		} finally {
			for (const client of wss.clients) client.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
		}
	});
	}

	test('an unknown action (retcode 1404 over WebSocket) → "does not support action X" with its backends', async () => {
		const result = await run(fake, { resource: 'aiVoice', operation: 'get_ai_characters', group_id: byId('100001'), options: WS });
		assert.ok(result.error instanceof NodeApiError);
		assert.match(result.error.message, /This backend does not support action "get_ai_characters"/);
		assert.equal(result.error.description, 'Backends that support "get_ai_characters": NapCat, Lagrange, LLOneBot.');
		assert.equal(fake.calls[0].transport, 'ws');
	});

	test('a failed answer carries retcode, msg and wording', async () => {
		fake.fail('get_status', 103, 'NOT_READY', '未就绪');
		const result = await run(fake, status);
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(result.error.message, 'get_status failed (retcode 103): 未就绪 / NOT_READY');
		assert.equal(result.error.description, 'retcode: 103, msg: NOT_READY, wording: 未就绪');
	});

	test('connection refused names the URL', async () => {
		const url = `ws://127.0.0.1:${await freePort()}`;
		const result = await run(fake, status, { credentialOverrides: { wsUrl: url } });
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(result.error.message, `Could not connect to the OneBot WebSocket at ${url}: connection refused`);
	});

	test('a server that accepts the TCP connection but never answers the handshake: a timeout naming the URL', async () => {
		const sockets = new Set<Socket>();
		const silent = createServer((socket) => {
			sockets.add(socket);
			socket.on('error', () => undefined);
		});
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`;
		try {
			const result = await run(fake, { ...status, options: { ...WS, timeout: 1 } }, { credentialOverrides: { wsUrl: url } });
			assert.ok(result.error instanceof NodeApiError, String(result.error));
			assert.equal(result.error.message, `Could not connect to the OneBot WebSocket at ${url}: no answer within 1000 ms`);
			assert.equal((result.error.errorResponse as { kind?: string }).kind, 'timeout');
		} finally {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => silent.close(() => resolve()));
		}
	});

	test('a WebSocket URL that is not ws(s)', async () => {
		const result = await run(fake, status, { credentialOverrides: { wsUrl: fake.httpUrl } });
		assert.match(String(result.error?.message), /The WebSocket URL must start with ws:\/\/ or wss:\/\/, got "http:\/\/127\.0\.0\.1:\d+"/);
		assert.deepEqual(fake.calls, []);
	});

	test('a connection dropped during a call fails that item; the next item reconnects', async () => {
		let first = true;
		fake.setHandler('get_status', () => {
			if (first) {
				first = false;
				fake.dropConnections({ terminate: true });
			}
			return { online: true };
		});
		const result = await run(fake, status, { items: [{ json: {} }, { json: {} }], continueOnFail: true });
		assert.equal(result.error, undefined);
		assert.match(String(result.output[0].json.error), new RegExp(`get_status over ${fake.wsUrl} failed: the connection closed \\(code 1006\\)`));
		assert.deepEqual(result.output[0].pairedItem, { item: 0 });
		assert.deepEqual(result.output[1].json, { online: true });
		assert.deepEqual(result.output[1].pairedItem, { item: 1 });
		assert.equal(new Set(fake.calls.map(connectionOf)).size, 2, 'a second connection for the second item');
		assert.equal(fake.connections(), 0);
	});
});
