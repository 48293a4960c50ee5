// The OneBot credential: its test (get_login_info over HTTP or WebSocket, the nodes' testedBy) as
// n8n's CredentialsTester picks and runs it, and
// `authenticate` placing the token in the header or the access_token query parameter.
import { credentialData, credentialType, freePort, TOKEN, useFakeOneBot } from './setup';

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ICredentialType } from 'n8n-workflow';

import { FakeOneBot } from '../fakes/onebot';
import { runCredentialTest } from '../harness/n8n';
import { OneBot } from '../../nodes/OneBot/OneBot.node.ts';
import { OneBotTrigger } from '../../nodes/OneBot/OneBotTrigger.node.ts';
import { OneBotWebhookTrigger } from '../../nodes/OneBot/OneBotWebhookTrigger.node.ts';

let fake: FakeOneBot;
useFakeOneBot((started) => (fake = started));

/** Every node of the package that takes the OneBot credential: n8n finds the test through any of them. */
const oneBotNodes = [new OneBot(), new OneBotTrigger(), new OneBotWebhookTrigger()];
const check = (data: Record<string, unknown>) => runCredentialTest(credentialType, data as Record<string, string>, oneBotNodes);

describe('credential test', () => {
	test('every node that takes the credential names the test and has it (testedBy)', () => {
		assert.equal((credentialType as ICredentialType).test, undefined, 'a request test on the credential would take precedence in n8n');
		for (const nodeType of oneBotNodes) {
			const entry = nodeType.description.credentials?.find((c) => c.name === credentialType.name);
			assert.equal(entry?.testedBy, 'oneBotApiTest', nodeType.description.name);
			assert.equal(typeof nodeType.methods?.credentialTest?.oneBotApiTest, 'function', nodeType.description.name);
		}
	});

	test('the right token: OK naming the bot, after calling get_login_info with the Bearer header', async () => {
		const result = await check(credentialData(fake));
		// The fake's app is none the node knows: the test says so (the node sends to it as Other).
		assert.deepEqual(result, {
			status: 'OK',
			message:
				'Connected to fake-onebot 0.0.0 as FakeBot (10001) over HTTP; not a backend the node knows, so everything is sent as entered (Backend: Other)',
		});
		assert.deepEqual(fake.calls.map((c) => c.action), ['get_login_info', 'get_version_info']);
		const call = fake.calls[0];
		assert.equal(call.method, 'POST');
		assert.equal(call.action, 'get_login_info');
		assert.equal(call.path, '/get_login_info');
		assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);
		assert.equal(call.query.access_token, undefined);
		assert.equal(call.httpStatus, 200);
	});

	test('query mode: the token as access_token, no header', async () => {
		const result = await check(credentialData(fake, { authLocation: 'query' }));
		assert.equal(result.status, 'OK', result.message);
		assert.equal(fake.calls[0].query.access_token, TOKEN);
		assert.equal(fake.calls[0].headers.authorization, undefined);
	});

	test('a trailing slash on the HTTP API URL is fine', async () => {
		const result = await check(credentialData(fake, { httpUrl: `${fake.httpUrl}//` }));
		assert.equal(result.status, 'OK', result.message);
		assert.equal(fake.calls[0].path, '/get_login_info');
	});

	test('only a WebSocket URL (no HTTP API): tested over the forward WebSocket', async () => {
		const result = await check(credentialData(fake, { httpUrl: '' }));
		assert.match(result.message, /^Connected to fake-onebot 0\.0\.0 as FakeBot \(10001\) over WebSocket;/);
		assert.equal(result.status, 'OK');
		assert.equal(fake.calls.length, 2);
		assert.equal(fake.calls[0].transport, 'ws');
		assert.equal(fake.calls[0].action, 'get_login_info');
		assert.equal(fake.calls[0].headers.authorization, `Bearer ${TOKEN}`);
	});

	test('neither URL: says what to set, sends nothing', async () => {
		const result = await check(credentialData(fake, { httpUrl: '', wsUrl: '' }));
		assert.deepEqual(result, { status: 'Error', message: 'Set the HTTP API URL or the WebSocket URL of the OneBot backend' });
		assert.equal(fake.calls.length, 0);
	});

	test('no token: HTTP 401 → "access token missing"', async () => {
		const result = await check(credentialData(fake, { accessToken: '' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /^Access token missing: the backend requires an access token \(HTTP 401\)/);
		assert.equal(fake.calls[0].httpStatus, 401);
	});

	test('a wrong token: HTTP 403 → "access token wrong", and the token is not in the message', async () => {
		const result = await check(credentialData(fake, { accessToken: 'wrong-token' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /^Access token wrong: the backend rejected the access token \(HTTP 403\)/);
		assert.ok(!result.message.includes('wrong-token'));
		assert.equal(fake.calls[0].httpStatus, 403);
	});

	test('NapCat style (403 with a "failed" envelope) and a refused WebSocket handshake read the same', async () => {
		fake.authStyle = 'napcat';
		const http = await check(credentialData(fake, { accessToken: '' }));
		assert.match(http.message, /^Access token wrong/);
		fake.authStyle = 'standard';
		const ws = await check(credentialData(fake, { httpUrl: '', accessToken: 'wrong-token' }));
		assert.equal(ws.status, 'Error');
		assert.match(ws.message, /Access token wrong/);
	});

	test('an answer with status "failed" (HTTP 200) is an error with the backend\'s words', async () => {
		fake.fail('get_login_info', 100, 'NOT_LOGGED_IN', '未登录');
		const result = await check(credentialData(fake));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /NOT_LOGGED_IN|未登录/);
		assert.match(result.message, /100/);
	});

	test('a backend that is not running: the URL and "connection refused"', async () => {
		const url = `http://127.0.0.1:${await freePort()}`;
		const result = await check(credentialData(fake, { httpUrl: url }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /refused/i);
		assert.ok(result.message.includes(url), result.message);
	});
});

describe('authenticate', () => {
	test('header mode adds Authorization: Bearer, keeping other headers and query', async () => {
		const authenticate = credentialType.authenticate as (c: object, r: object) => Promise<{ headers?: object; qs?: object }>;
		const out = await authenticate(credentialData(fake), { url: '/x', headers: { 'X-A': '1' }, qs: { a: 1 } });
		assert.deepEqual(out.headers, { 'X-A': '1', Authorization: `Bearer ${TOKEN}` });
		assert.deepEqual(out.qs, { a: 1 });
	});

	test('query mode adds access_token; no token adds nothing', async () => {
		const authenticate = credentialType.authenticate as (c: object, r: object) => Promise<{ headers?: object; qs?: object }>;
		const query = await authenticate(credentialData(fake, { authLocation: 'query' }), { url: '/x' });
		assert.deepEqual(query.headers, {});
		assert.deepEqual(query.qs, { access_token: TOKEN });
		const none = await authenticate(credentialData(fake, { accessToken: '' }), { url: '/x' });
		assert.deepEqual(none.headers, {});
		assert.deepEqual(none.qs, {});
	});
});
