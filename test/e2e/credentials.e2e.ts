/**
 * Both credential types through n8n's own credential test (what the editor runs when a credential is
 * saved: POST /rest/credentials/test), against the fake backends: n8n finds the test through the
 * nodes' `testedBy`, and the user sees the package's own messages for a right token, a wrong one,
 * a missing one and an unreachable backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { FakeHeychat, COMMON_QUERY } from '../fakes/heychat';
import { FakeOneBot } from '../fakes/onebot';
import { freePort, prepareN8n, type N8nInstance, type N8nServer } from './support/n8n';

const TOKEN = 'e2e-Cred-Token';

let n8n: N8nInstance;
let server: N8nServer;
let bot: FakeOneBot;
let napcat: FakeOneBot;
let hey: FakeHeychat;
let heyEnvelope: FakeHeychat;

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN });
	napcat = await FakeOneBot.start({ accessToken: TOKEN, authStyle: 'napcat' });
	hey = await FakeHeychat.start();
	heyEnvelope = await FakeHeychat.start({ authFailure: 'envelope' });
	n8n = await prepareN8n();
	server = await n8n.start();
	await server.setupOwner();
});

after(async () => {
	await n8n?.cleanup();
	await Promise.all([bot?.close(), napcat?.close(), hey?.close(), heyEnvelope?.close()]);
});

/** Saves a credential like the editor, then runs n8n's test on it. */
async function check(type: string, data: Record<string, unknown>): Promise<{ status: string; message: string }> {
	const name = `${type} ${Date.now()}`;
	const id = await server.createCredential(name, type, data);
	return await server.testCredential(id, name, type, data);
}

const oneBot = (fake: FakeOneBot, extra: Record<string, string | boolean> = {}) => fake.credentials(extra);

describe('OneBot API credential: n8n credential test', () => {
	it('passes with the right token (header or query) and calls get_login_info', async () => {
		bot.reset();
		const ok = await check('oneBotV11Api', oneBot(bot));
		assert.equal(ok.status, 'OK', ok.message);
		// names the backend and its version (the fake is an app the node does not know: Other) and the bot
		assert.match(ok.message, /^Connected to fake-onebot 0\.0\.0 as FakeBot \(10001\) over HTTP; not a backend the node knows/);
		const call = bot.lastCall('get_login_info');
		assert.ok(call, 'the test did not reach the backend');
		assert.equal(call.method, 'POST');
		assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);

		bot.reset();
		const viaQuery = await check('oneBotV11Api', oneBot(bot, { authLocation: 'query', httpUrl: `${bot.httpUrl}/` }));
		assert.equal(viaQuery.status, 'OK', viaQuery.message);
		assert.equal(bot.lastCall('get_login_info')?.query.access_token, TOKEN);
	});

	it('passes over the forward WebSocket when the credential has no HTTP API URL', async () => {
		bot.reset();
		const ok = await check('oneBotV11Api', oneBot(bot, { httpUrl: '' }));
		assert.equal(ok.status, 'OK', ok.message);
		assert.match(ok.message, /^Connected to fake-onebot 0\.0\.0 as FakeBot \(10001\) over WebSocket/);
		assert.equal(bot.lastCall('get_login_info')?.transport, 'ws');
	});

	it('fails for a missing token (401), a wrong one (403), and an unreachable backend, in words', async () => {
		const missing = await check('oneBotV11Api', oneBot(bot, { accessToken: '' }));
		assert.equal(missing.status, 'Error');
		assert.match(missing.message, /^Access token missing: the backend requires an access token \(HTTP 401\)/);
		const wrong = await check('oneBotV11Api', oneBot(bot, { accessToken: 'nope-nope' }));
		assert.match(wrong.message, /^Access token wrong: the backend rejected the access token \(HTTP 403\)/);
		assert.ok(!wrong.message.includes('nope-nope'));
		// NapCat answers 403 for a missing token too
		const napcatMissing = await check('oneBotV11Api', oneBot(napcat, { accessToken: '' }));
		assert.match(napcatMissing.message, /^Access token wrong/);

		const url = `http://127.0.0.1:${await freePort()}`;
		const down = await check('oneBotV11Api', oneBot(bot, { httpUrl: url }));
		assert.equal(down.status, 'Error');
		assert.match(down.message, /connection refused/i);
		assert.ok(down.message.includes(url), down.message);
		assert.ok(!down.message.includes(TOKEN));
	});
});

describe('Heychat Bot API credential: n8n credential test', () => {
	it('passes with the right token, sending it as the token header with the common query', async () => {
		hey.reset();
		const ok = await check('heychatBotApi', hey.credentials());
		assert.deepEqual(ok, { status: 'OK', message: 'Connected: Heychat accepted the bot token' });
		const call = hey.lastCall('/chatroom/v2/room/joined');
		assert.ok(call, 'the test did not reach the fake');
		assert.equal(call.headers.token, hey.token);
		for (const [key, value] of Object.entries(COMMON_QUERY)) assert.equal(call.query[key], value, key);
	});

	it("fails for a rejected token (HTTP 401, and a \"failed\" envelope with HTTP 200), with the server's msg", async () => {
		const rejected = await check('heychatBotApi', hey.credentials({ token: 'wrong' }));
		assert.equal(rejected.status, 'Error');
		assert.match(rejected.message, /^Heychat rejected the bot token \(HTTP 401: 鉴权失败\)/);

		const envelope = await check('heychatBotApi', heyEnvelope.credentials({ token: 'wrong' }));
		assert.deepEqual(envelope, { status: 'Error', message: 'Heychat refused the bot token: token无效' });
	});
});
