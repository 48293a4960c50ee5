/**
 * Both credential types through n8n's own credential test (what the editor runs when a credential is
 * saved: POST /rest/credentials/test), against the fake backends: the request n8n builds from the
 * credential's `test` + `authenticate`, and the messages the user sees for a right token, a wrong
 * one, a missing one and an unreachable backend.
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

/**
 * The message for a refused token: the credential's own rule message for that status, or, where
 * n8n does not apply `responseCode` rules (2.8.x answers the HTTP error before reading them), n8n's
 * generic text for the status. Either way the test must fail with a message about the credentials.
 */
function assertRefused(result: { status: string; message: string }, ruleMessage: RegExp, status: 401 | 403, t: { diagnostic(m: string): void }) {
	assert.equal(result.status, 'Error');
	const generic = status === 401 ? /Authorization failed - please check your credentials/ : /Forbidden - perhaps check your credentials/;
	assert.ok(ruleMessage.test(result.message) || generic.test(result.message), result.message);
	if (!ruleMessage.test(result.message)) t.diagnostic(`n8n showed its generic ${status} text, not the credential's rule message: "${result.message}"`);
}

/** Saves a credential like the editor, then runs n8n's test on it. */
async function check(type: string, data: Record<string, unknown>): Promise<{ status: string; message: string }> {
	const name = `${type} ${Date.now()}`;
	const id = await server.createCredential(name, type, data);
	return await server.testCredential(id, name, type, data);
}

const oneBot = (fake: FakeOneBot, extra: Record<string, unknown> = {}) => ({
	httpUrl: fake.httpUrl,
	wsUrl: fake.wsUrl,
	accessToken: TOKEN,
	authLocation: 'header',
	ignoreSslIssues: false,
	...extra,
});

describe('OneBot API credential: n8n credential test', () => {
	it('passes with the right token (header or query) and calls get_login_info', async () => {
		bot.reset();
		assert.deepEqual(await check('oneBotV11Api', oneBot(bot)), { status: 'OK', message: 'Connection successful!' });
		const call = bot.lastCall('get_login_info');
		assert.ok(call, 'the test did not reach the backend');
		assert.equal(call.method, 'POST');
		assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);

		bot.reset();
		const viaQuery = await check('oneBotV11Api', oneBot(bot, { authLocation: 'query', httpUrl: `${bot.httpUrl}/` }));
		assert.equal(viaQuery.status, 'OK', viaQuery.message);
		assert.equal(bot.lastCall('get_login_info')?.query.access_token, TOKEN);
	});

	it('fails for a missing token (401), a wrong one (403), and an unreachable backend', async (t) => {
		assertRefused(await check('oneBotV11Api', oneBot(bot, { accessToken: '' })), /Access token missing/, 401, t);
		assertRefused(await check('oneBotV11Api', oneBot(bot, { accessToken: 'nope' })), /Access token wrong/, 403, t);
		// NapCat answers 403 for a missing token too
		assertRefused(await check('oneBotV11Api', oneBot(napcat, { accessToken: '' })), /Access token wrong/, 403, t);

		const down = await check('oneBotV11Api', oneBot(bot, { httpUrl: `http://127.0.0.1:${await freePort()}` }));
		assert.equal(down.status, 'Error');
		assert.match(down.message, /ECONNREFUSED|connect|refused/i);
		assert.ok(!down.message.includes(TOKEN));
	});
});

describe('Heychat Bot API credential: n8n credential test', () => {
	it('passes with the right token, sending it as the token header with the common query', async () => {
		hey.reset();
		const ok = await check('heychatBotApi', hey.credentials());
		assert.deepEqual(ok, { status: 'OK', message: 'Connection successful!' });
		const call = hey.lastCall('/chatroom/v2/room/joined');
		assert.ok(call, 'the test did not reach the fake');
		assert.equal(call.headers.token, hey.token);
		for (const [key, value] of Object.entries(COMMON_QUERY)) assert.equal(call.query[key], value, key);
	});

	it('fails for a rejected token (HTTP 401, and a "failed" envelope with HTTP 200)', async (t) => {
		assertRefused(await check('heychatBotApi', hey.credentials({ token: 'wrong' })), /rejected the bot token \(HTTP 401\)/, 401, t);

		const envelope = await check('heychatBotApi', heyEnvelope.credentials({ token: 'wrong' }));
		assert.equal(envelope.status, 'Error');
		assert.match(envelope.message, /status "failed"/);
	});
});
