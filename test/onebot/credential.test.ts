// The OneBot credential: its test request (get_login_info) as n8n's CredentialsTester runs it, and
// `authenticate` placing the token in the header or the access_token query parameter.
import { credentialData, credentialType, freePort, TOKEN } from './setup';

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { FakeOneBot } from '../fakes/onebot';
import { runCredentialTest } from '../harness/n8n';

let fake: FakeOneBot;
before(async () => {
	fake = await FakeOneBot.start({ accessToken: TOKEN });
});
after(async () => {
	await fake.close();
});
beforeEach(() => {
	fake.reset();
	fake.resetBehaviour();
	fake.authStyle = 'standard';
});

describe('credential test', () => {
	test('the right token: OK, after calling get_login_info with the Bearer header', async () => {
		const result = await runCredentialTest(credentialType, credentialData(fake));
		assert.deepEqual(result, { status: 'OK', message: 'Connection successful!' });
		assert.equal(fake.calls.length, 1);
		const call = fake.calls[0];
		assert.equal(call.method, 'POST');
		assert.equal(call.action, 'get_login_info');
		assert.equal(call.path, '/get_login_info');
		assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);
		assert.equal(call.query.access_token, undefined);
		assert.equal(call.httpStatus, 200);
	});

	test('query mode: the token as access_token, no header', async () => {
		const result = await runCredentialTest(credentialType, credentialData(fake, { authLocation: 'query' }));
		assert.equal(result.status, 'OK', result.message);
		assert.equal(fake.calls[0].query.access_token, TOKEN);
		assert.equal(fake.calls[0].headers.authorization, undefined);
	});

	test('a trailing slash on the HTTP API URL is fine', async () => {
		const result = await runCredentialTest(credentialType, credentialData(fake, { httpUrl: `${fake.httpUrl}//` }));
		assert.equal(result.status, 'OK', result.message);
		assert.equal(fake.calls[0].path, '/get_login_info');
	});

	// n8n-workflow 2.8 drops the HTTP cause of the error RoutingNode throws, so the responseCode rules
	// cannot match there and n8n's own 401/403 texts are shown; newer n8n versions show the rule's text.
	test('no token: HTTP 401 is reported readably', async () => {
		const result = await runCredentialTest(credentialType, credentialData(fake, { accessToken: '' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Access token missing|Authorization failed - please check your credentials/);
		assert.equal(fake.calls[0].httpStatus, 401);
		assert.ok(!result.message.includes(TOKEN));
	});

	test('a wrong token: HTTP 403 is reported readably', async () => {
		const result = await runCredentialTest(credentialType, credentialData(fake, { accessToken: 'wrong-token' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Access token wrong|Forbidden - perhaps check your credentials/);
		assert.equal(fake.calls[0].httpStatus, 403);
	});

	test('NapCat style (403 with a "failed" envelope) is reported too', async () => {
		fake.authStyle = 'napcat';
		const result = await runCredentialTest(credentialType, credentialData(fake, { accessToken: '' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Access token wrong|Forbidden - perhaps check your credentials/);
	});

	test('an answer with status "failed" (HTTP 200) is an error', async () => {
		fake.fail('get_login_info', 100, 'NOT_LOGGED_IN', '未登录');
		const result = await runCredentialTest(credentialType, credentialData(fake));
		assert.deepEqual(result, { status: 'Error', message: 'The backend answered get_login_info with status "failed"' });
	});

	test('a backend that is not running', async () => {
		const result = await runCredentialTest(credentialType, credentialData(fake, { httpUrl: `http://127.0.0.1:${await freePort()}` }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /ECONNREFUSED|refused/i);
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
