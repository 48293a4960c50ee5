// How calls fail: every error mapping, HTTP 429 handling, the token never leaking, continueOnFail
// and pairedItem over several items.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { FakeHeychat, failed } from '../fakes/heychat';
import { BIG_ROOM, byId, run } from './setup';
import { freePort } from '../support/freePort';

const ROLES = '/chatroom/v2/room_role/roles';
const listRoles: INodeParameters = { resource: 'role', operation: 'list_room_roles', room_id: byId(BIG_ROOM) };

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start({ token: 'SeCrEt-Token-0123456789abcdef' });
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

function failure(error: Error | undefined): string | undefined {
	return (error as NodeApiError | undefined)?.context?.heychatFailure as string | undefined;
}


describe('error mapping', () => {
	test('an answer over 16 MiB is not read: a protocol error that says so', async () => {
		const huge = Buffer.alloc(17 * 1024 * 1024, 0x20);
		Buffer.from('{"status":"ok","result":{"roles":[]}}').copy(huge, 0);
		fake.on(ROLES, () => ({ body: huge }), 1);
		const result = await run(fake, listRoles);
		assert.ok(result.error instanceof NodeApiError, `fails (got ${result.error?.message ?? 'success'})`);
		assert.equal(failure(result.error), 'protocol');
		assert.match(result.error.message, /answer to list_room_roles is larger than 16 MiB; it was not read/);
		assert.doesNotMatch(JSON.stringify(result.error), /SeCrEt-Token/);
		// an answer under the cap is read as before
		fake.on(ROLES, () => ({ body: huge.subarray(0, 15 * 1024 * 1024) }));
		const fine = await run(fake, listRoles);
		assert.equal(fine.error, undefined);
	});

	test('{status: "failed", msg} → NodeApiError with the server msg', async () => {
		fake.failNext(ROLES, '权限不足');
		const result = await run(fake, listRoles);
		assert.ok(result.error instanceof NodeApiError);
		assert.match(result.error.message, /权限不足/);
		assert.equal(failure(result.error), 'failed');
		assert.equal(result.error.context.serverMessage, '权限不足');
	});

	test('HTTP 401 → a credential error', async () => {
		const result = await run(fake, listRoles, { credentialOverrides: { token: 'wrong' } });
		assert.ok(result.error instanceof NodeApiError);
		assert.match(result.error.message, /rejected the bot token \(HTTP 401\)/);
		assert.match(String(result.error.description), /credential/);
		assert.equal(failure(result.error), 'credentials');
		assert.equal(result.error.httpCode, '401');
	});

	test('HTTP 403 → a credential error', async () => {
		fake.on(ROLES, () => ({ status: 403, body: failed('forbidden') }));
		const result = await run(fake, listRoles);
		assert.equal(failure(result.error), 'credentials');
		assert.match(String(result.error?.message), /HTTP 403/);
	});

	test('a "failed" envelope about the token (HTTP 200) → a credential error', async () => {
		const strict = await FakeHeychat.start({ authFailure: 'envelope' });
		try {
			const result = await run(strict, listRoles, { credentialOverrides: { token: 'wrong' } });
			assert.equal(failure(result.error), 'credentials');
			assert.match(String(result.error?.message), /rejected the bot token: token无效/);
		} finally {
			await strict.close();
		}
	});

	test('other HTTP errors: status and the server msg, or a body excerpt', async () => {
		fake.on(ROLES, () => ({ status: 500, body: failed('服务器错误') }), 1);
		fake.on(ROLES, () => ({ status: 502, body: '<html>Bad Gateway</html>' }), 1);
		const first = await run(fake, listRoles);
		assert.equal(failure(first.error), 'http');
		assert.match(String(first.error?.message), /HTTP 500: 服务器错误/);
		const second = await run(fake, listRoles);
		assert.equal(failure(second.error), 'http');
		assert.match(String(second.error?.message), /HTTP 502/);
		assert.match(String((second.error as NodeApiError).description), /Bad Gateway/);
	});

	test('an answer that is not a JSON object → a protocol error', async () => {
		fake.on(ROLES, () => ({ body: 'not json at all' }), 1);
		fake.on(ROLES, () => ({ body: '[1,2,3]' }), 1);
		for (let i = 0; i < 2; i++) {
			const result = await run(fake, listRoles);
			assert.equal(failure(result.error), 'protocol');
			assert.match(String(result.error?.message), /did not answer list_room_roles with a JSON object/);
		}
	});

	test('an unreachable server → a network error', async () => {
		const port = await freePort();
		const result = await run(fake, listRoles, { credentialOverrides: { apiBaseUrl: `http://127.0.0.1:${port}` } });
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(failure(result.error), 'network');
	});

	test('a base URL that is not http(s) → a clear error before any request', async () => {
		const result = await run(fake, listRoles, { credentialOverrides: { apiBaseUrl: 'chat.xiaoheihe.cn' } });
		assert.ok(result.error instanceof NodeOperationError);
		assert.match(result.error.message, /API Base URL must start with http/);
		assert.equal(fake.calls.length, 0);
	});

	test('a failed upload → an error for the item', async () => {
		fake.failNext('/upload', '文件过大');
		const result = await run(
			fake,
			{ resource: 'media', operation: 'upload_media' },
			{ items: [{ json: {}, binary: { data: { data: Buffer.from('abc').toString('base64'), mimeType: 'text/plain', fileName: 'a.txt' } } }] },
		);
		assert.equal(failure(result.error), 'failed');
		assert.match(String(result.error?.message), /文件过大/);
	});

	test('an upload answer without a URL → a protocol error', async () => {
		fake.on('/upload', () => ({ body: { status: 'ok', msg: '', result: {} } }));
		const result = await run(
			fake,
			{ resource: 'media', operation: 'upload_media' },
			{ items: [{ json: {}, binary: { data: { data: Buffer.from('abc').toString('base64'), mimeType: 'text/plain', fileName: 'a.txt' } } }] },
		);
		assert.equal(failure(result.error), 'protocol');
	});
});

describe('HTTP 429 and X-RateLimit-*', () => {
	test('waits as X-RateLimit-Reset-After says and retries', async () => {
		fake.rateLimitNext(ROLES, 2, { resetAfter: 0.1 });
		const started = performance.now();
		const result = await run(fake, listRoles);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(fake.callsTo(ROLES).length, 3);
		assert.ok(performance.now() - started >= 190, 'waited about 2 × 100 ms');
		assert.equal(result.output.length, 2);
	});

	test('falls back to X-RateLimit-Reset when Reset-After is absent', async () => {
		fake.rateLimitNext(ROLES, 1, { omitResetAfter: true, reset: Math.floor(Date.now() / 1000) });
		const result = await run(fake, listRoles);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(fake.callsTo(ROLES).length, 2);
	});

	test('gives up after the allowed retries with a clear error', async () => {
		fake.rateLimitNext(ROLES, 10, { resetAfter: 0.01, bucket: '/user' });
		const result = await run(fake, { ...listRoles, options: { rateLimitRetries: 2 } });
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(failure(result.error), 'rateLimit');
		assert.equal(result.error.httpCode, '429');
		assert.match(result.error.message, /still limited after 2 retries/);
		assert.match(String(result.error.description), /bucket \/user, 0 of 300 requests left/);
		assert.equal(fake.callsTo(ROLES).length, 3);
	});

	test('fails at once when asked to wait longer than allowed', async () => {
		fake.rateLimitNext(ROLES, 1, { resetAfter: 120 });
		const started = performance.now();
		const result = await run(fake, listRoles);
		assert.equal(failure(result.error), 'rateLimit');
		assert.match(String(result.error?.message), /asks to wait 120\.0 s, longer than the 60 s allowed/);
		assert.equal(fake.callsTo(ROLES).length, 1);
		assert.ok(performance.now() - started < 2000);
	});

	test('Rate Limit Retries 0 fails on the first 429', async () => {
		fake.rateLimitNext(ROLES, 1, { resetAfter: 0.01 });
		const result = await run(fake, { ...listRoles, options: { rateLimitRetries: 0 } });
		assert.equal(failure(result.error), 'rateLimit');
		assert.equal(fake.callsTo(ROLES).length, 1);
	});
});

describe('the token never appears in errors or output', () => {
	test('a server msg echoing the token is redacted, in the error and in continueOnFail output', async () => {
		fake.failNext(ROLES, `bad token ${fake.token} for you`, 2);
		const thrown = await run(fake, listRoles);
		assert.ok(thrown.error);
		const everything = JSON.stringify({
			message: thrown.error.message,
			description: (thrown.error as NodeApiError).description,
			context: (thrown.error as NodeApiError).context,
			runError: thrown.runError,
		});
		assert.ok(!everything.includes(fake.token), everything);
		assert.ok(everything.includes('***'));

		const continued = await run(fake, listRoles, { continueOnFail: true });
		const output = JSON.stringify(continued.output);
		assert.ok(!output.includes(fake.token), output);
	});

	test('an HTTP error body echoing the token is redacted in the description', async () => {
		fake.on(ROLES, () => ({ status: 500, body: `{"echo":"token: ${fake.token}"}` }));
		const result = await run(fake, listRoles);
		assert.ok(!JSON.stringify({ d: (result.error as NodeApiError).description, m: result.error?.message }).includes(fake.token));
	});

	test('a body echoing the token JSON-escaped (a "/" written "\\/") or URL-encoded is redacted too', async () => {
		// Heychat tokens are base64: "/" and "+" are common in them
		const slashed = await FakeHeychat.start({ token: 'NzIwNTM1MTg7/c2VjcmV0+dG9rZW4=/abc' });
		try {
			const escaped = slashed.token.replace(/\//g, '\\/');
			slashed.on(ROLES, () => ({ status: 500, body: `{"msg":"bad","echo":"${escaped}","q":"${encodeURIComponent(slashed.token)}"}` }));
			const result = await run(slashed, listRoles);
			const everything = JSON.stringify({ d: (result.error as NodeApiError).description, m: result.error?.message });
			for (const form of [slashed.token, escaped, encodeURIComponent(slashed.token)]) {
				assert.ok(!everything.includes(JSON.stringify(form).slice(1, -1)) && !everything.includes(form), `${form} in ${everything}`);
			}
		} finally {
			await slashed.close();
		}
	});

	test('the token travels only in the "token" header', async () => {
		await run(fake, listRoles);
		const call = fake.lastCall(ROLES)!;
		assert.equal(call.headers.token, fake.token);
		assert.equal(call.headers.authorization, undefined);
		assert.ok(!JSON.stringify(call.query).includes(fake.token));
	});
});

describe('continueOnFail and pairedItem', () => {
	test('a failing item becomes an error item; the others go on; pairedItem points at each input', async () => {
		let n = 0;
		fake.on(ROLES, () => (++n === 2 ? { body: failed('权限不足') } : undefined));
		const result = await run(fake, { ...listRoles, room_id: byId('={{ $json.room }}') }, {
			continueOnFail: true,
			items: [{ json: { room: '1' } }, { json: { room: '2' } }, { json: { room: '' } }, { json: { room: '4' } }],
		});
		assert.equal(result.error, undefined);
		const byItem = result.output.map((o) => [(o.pairedItem as { item: number }).item, o.json.error ?? o.json.name]);
		assert.deepEqual(byItem, [
			[0, '高级管理员'],
			[0, 'Players'],
			[1, 'Heychat list_room_roles failed: 权限不足'],
			[2, '"room_id" is required'],
			[3, '高级管理员'],
			[3, 'Players'],
		]);
		assert.equal(result.output[2].json.heychatFailure, 'failed');
		assert.equal(result.output[2].json.serverMessage, '权限不足');
		assert.match(String(result.output[3].json.description), /room_id/);
		assert.equal(fake.callsTo(ROLES).length, 3, 'the invalid item sent nothing');
	});

	test('without continueOnFail the run stops at the failing item, naming it', async () => {
		fake.failNext(ROLES, '权限不足');
		const result = await run(fake, listRoles, { items: [{ json: {} }, { json: {} }] });
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(result.error.context.itemIndex, 0);
		assert.equal(fake.callsTo(ROLES).length, 1);
	});

	test('one output item per list entry, each paired with its input item', async () => {
		const result = await run(fake, listRoles, { items: [{ json: {} }, { json: {} }] });
		assert.deepEqual(
			result.output.map((o) => o.pairedItem),
			[{ item: 0 }, { item: 0 }, { item: 1 }, { item: 1 }],
		);
	});
});

describe('response shapes the reference is unsure about', () => {
	test('joined rooms: flat and nested (rooms.rooms) both give one item per room', async () => {
		const nested = await FakeHeychat.start({ joinedRoomsShape: 'nested' });
		try {
			for (const f of [fake, nested]) {
				const result = await run(f, { resource: 'room', operation: 'list_joined_rooms' });
				assert.equal(result.error, undefined, String(result.error?.message));
				assert.deepEqual(
					result.output.map((o) => o.json.room_id),
					['3663316788315193344', '3611849174284943360'],
				);
			}
		} finally {
			await nested.close();
		}
	});

	test('create role: result.role or the role itself both give the role', async () => {
		fake.on('/chatroom/v2/room_role/create', () => ({ body: { status: 'ok', msg: '', result: { id: '1', name: 'x' } } }), 1);
		const params = { resource: 'role', operation: 'create_room_role', room_id: byId(BIG_ROOM), name: 'x', permissions: '0', type: 0, hoist: 0 };
		const flat = await run(fake, params);
		assert.deepEqual(flat.output[0].json, { id: '1', name: 'x' });
		const wrapped = await run(fake, params);
		assert.equal(wrapped.output[0].json.name, 'x');
		assert.equal('role' in wrapped.output[0].json, false);
	});

	test('an empty result becomes {success: true}; status true/"true" and data instead of result are accepted', async () => {
		const leave = { resource: 'room', operation: 'leave_room', room_id: byId(BIG_ROOM) };
		assert.deepEqual((await run(fake, leave)).output[0].json, { success: true });
		fake.on('/chatroom/v2/room/leave', () => ({ body: { status: true, data: { left: 1 } } }), 1);
		assert.deepEqual((await run(fake, leave)).output[0].json, { left: 1 });
		fake.on('/chatroom/v2/room/leave', () => ({ body: { status: 'true', msg: '' } }), 1);
		assert.deepEqual((await run(fake, leave)).output[0].json, { status: 'true', msg: '' });
	});
});
