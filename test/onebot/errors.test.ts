// How calls fail: bad input rejected before anything is sent, every error mapping of the
// backend's answers, network failures naming the URL, continueOnFail and pairedItem, the access
// token never leaking, and message sends never retried.
import { BIG_ID, byId, errorText, freePort, node, run, TOKEN, useFakeOneBot } from './setup';

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { beforeEach, describe, test } from 'node:test';

import { NodeApiError, NodeHelpers, NodeOperationError, type INode, type INodeParameters, type JsonObject } from 'n8n-workflow';

import catalogJson from '../../nodes/OneBot/catalog/actions.json';
import { FakeOneBot, failed, type UnknownActionMode } from '../fakes/onebot';

const operations = (catalogJson as unknown as { operations: Array<{ value: string; description: string }> }).operations;

/** "NapCat, Lagrange, LLOneBot": the backends the catalog lists for an action. */
function backendsOf(action: string): string {
	const op = operations.find((o) => o.value === action);
	assert.ok(op, action);
	return /Backends: ([^.]+)\.$/.exec(op.description)![1];
}

const groupInfo = (groupId: string): INodeParameters => ({ resource: 'group', operation: 'get_group_info', group_id: byId(groupId) });
const status: INodeParameters = { resource: 'system', operation: 'get_status' };
const sendPrivate = (text: string): INodeParameters => ({
	resource: 'message',
	operation: 'send_private_msg',
	user_id: byId('20001'),
	messageFormat: 'text',
	text,
});

/** The issues the editor shows on the node's fields (what makes n8n refuse to run it). */
function parameterIssues(parameters: INodeParameters): Record<string, string[]> {
	const full = NodeHelpers.getNodeParameters(node.description.properties, parameters, true, false, null, node.description)!;
	const inode: INode = { id: 'n', name: 'OneBot', type: 'oneBot', typeVersion: 1, position: [0, 0], parameters: full };
	return (NodeHelpers.getNodeParametersIssues(node.description.properties, inode, node.description)?.parameters ?? {}) as Record<string, string[]>;
}

function errorResponse(error: Error | undefined): JsonObject {
	return ((error as NodeApiError | undefined)?.errorResponse ?? {}) as JsonObject;
}

let fake: FakeOneBot;
useFakeOneBot((started) => (fake = started));

describe('bad input is rejected before anything is sent, naming the field', () => {
	const cases: Array<{ name: string; parameters: INodeParameters; field: string; message: RegExp }> = [
		{
			name: 'an id that is not an integer (resource locator, from an expression)',
			parameters: groupInfo('={{ "12a" }}'),
			field: 'group_id',
			message: /"group_id" must be an integer \(a number or a string of digits\), got "12a"/,
		},
		{
			name: 'an id with a fraction (plain field)',
			parameters: { resource: 'message', operation: 'delete_msg', message_id: '1.5' },
			field: 'message_id',
			message: /"message_id" must be an integer .*got "1\.5"/,
		},
		{
			name: 'an id beyond int64',
			parameters: groupInfo('9223372036854775808'),
			field: 'group_id',
			message: /"group_id" must fit in a 64-bit integer/,
		},
		{
			name: 'an id that reached the node as an imprecise number (beyond 2^53)',
			parameters: groupInfo('={{ 72345678901234567890 }}'),
			field: 'group_id',
			message: /"group_id" lost precision as a number .*pass it as a string of digits/,
		},
		{
			name: 'a negative duration',
			parameters: {
				resource: 'groupAdmin',
				operation: 'set_group_ban',
				group_id: byId('100001'),
				user_id: byId('20001'),
				additionalFields: { duration: -5 },
			},
			field: 'duration',
			message: /"duration" must be zero or a positive integer, got -5/,
		},
		{
			name: 'a required field left empty (by an expression)',
			parameters: { resource: 'friend', operation: 'get_stranger_info', user_id: byId('={{ $json.nobody }}') },
			field: 'user_id',
			message: /"user_id" is required/,
		},
		{
			name: 'an empty plain-text message',
			parameters: sendPrivate('   '),
			field: 'text',
			message: /"text": message must not be empty/,
		},
		{
			name: 'an empty CQ-code message',
			parameters: { ...sendPrivate(''), messageFormat: 'cqCode', cqString: '={{ " " }}' },
			field: 'cqString',
			message: /"cqString": message must not be empty/,
		},
		{
			name: 'a segment builder without segments',
			parameters: { ...sendPrivate(''), messageFormat: 'segments', segments: {} },
			field: 'segments',
			message: /"segments": message must not be empty/,
		},
		{
			name: 'raw JSON segments with only empty text',
			parameters: { ...sendPrivate(''), messageFormat: 'json', segmentsJson: '[{"type": "text", "data": {"text": ""}}]' },
			field: 'segmentsJson',
			message: /"segmentsJson": message must not be empty/,
		},
		{
			name: 'raw JSON segments that are not JSON',
			parameters: { ...sendPrivate(''), messageFormat: 'json', segmentsJson: '[{"type": "text",' },
			field: 'segmentsJson',
			message: /"segmentsJson" must be valid JSON/,
		},
		{
			name: 'a JSON parameter that is not JSON',
			parameters: {
				resource: 'message',
				operation: 'send_private_msg',
				user_id: byId('20001'),
				messageFormat: 'text',
				text: 'hi',
				additionalFields: { news: '[{"text": "a"' },
			},
			field: 'news',
			message: /"news" must be valid JSON/,
		},
		{
			name: 'a required JSON parameter that is not JSON',
			parameters: { resource: 'system', operation: '.handle_quick_operation', context: '{"post_type": "message"}', operationParameter: '{reply: 1}' },
			field: 'operation',
			message: /"operation" must be valid JSON/,
		},
		{
			name: 'a JSON object parameter given a list (the anonymous sender)',
			parameters: { resource: 'groupAdmin', operation: 'set_group_anonymous_ban', group_id: byId('100001'), additionalFields: { anonymous: '[1, 2]' } },
			field: 'anonymous',
			message: /"anonymous" must be a JSON object .*got \[1,2\]/,
		},
		{
			name: 'a required JSON object parameter given a string (the quick operation)',
			parameters: { resource: 'system', operation: '.handle_quick_operation', context: '{"post_type": "message"}', operationParameter: '"reply"' },
			field: 'operation',
			message: /"operation" must be a JSON object/,
		},
		{
			name: 'a JSON list parameter given an object (the forward card preview lines)',
			parameters: {
				resource: 'message',
				operation: 'send_private_msg',
				user_id: byId('20001'),
				messageFormat: 'text',
				text: 'hi',
				additionalFields: { news: '{"text": "a"}' },
			},
			field: 'news',
			message: /"news" must be a JSON array of objects/,
		},
	];

	for (const c of cases) {
		test(c.name, async () => {
			const result = await run(fake, c.parameters);
			assert.ok(result.error instanceof NodeOperationError, `expected a NodeOperationError, got ${String(result.error)}`);
			assert.match(result.error.message, c.message);
			assert.match(String(result.error.description), new RegExp(`Check the "${c.field.replace(/[.[\]]/g, '\\$&')}" field`));
			assert.equal(result.error.context.itemIndex, 0);
			assert.deepEqual(fake.calls, [], 'nothing was sent');
		});
	}

	test('an id list with a non-integer entry', async () => {
		const result = await run(fake, {
			resource: 'groupAdmin',
			operation: 'set_group_kick_members',
			group_id: byId('100001'),
			user_id: '20001, 2000x',
		});
		assert.ok(result.error instanceof NodeOperationError, String(result.error));
		assert.match(result.error.message, /"user_id\[1\]" must be an integer .*got "2000x"/);
		assert.deepEqual(fake.calls, []);
	});

	// Values typed in the editor are checked by n8n itself before the node runs (required fields,
	// the By-ID pattern of a resource locator); the node's own checks catch what expressions produce.
	for (const [name, parameters, field, issue] of [
		['a required field left empty in the editor', { resource: 'message', operation: 'delete_msg', message_id: '' }, 'message_id', /"Message ID" is required/],
		['a By-ID value that does not match the ID pattern', groupInfo('12a'), 'group_id', /A group ID is a number/],
		['a negative By-ID group (no group has one)', groupInfo('-100001'), 'group_id', /A group ID is a number \(1 or more/],
		['a By-ID group of 0', groupInfo('0'), 'group_id', /A group ID is a number \(1 or more/],
		['a negative By-ID QQ number', { resource: 'friend', operation: 'get_stranger_info', user_id: byId('-20001') }, 'user_id', /A QQ number is a number \(1 or more/],
		['an empty required message field', { ...sendPrivate(''), messageFormat: 'cqCode', cqString: '' }, 'cqString', /"CQ Code String" is required/],
	] as Array<[string, INodeParameters, string, RegExp]>) {
		test(`${name}: n8n refuses to run the workflow, and the editor marks the field`, async () => {
			await assert.rejects(run(fake, parameters), /The workflow has issues and cannot be executed/);
			assert.deepEqual(fake.calls, []);
			assert.match(parameterIssues(parameters)[field]?.join(' ') ?? '', issue);
		});
	}
});

describe('HTTP status codes', () => {
	test('401 (no token sent) → "Access token missing"', async () => {
		const result = await run(fake, status, { credentialOverrides: { accessToken: '' } });
		assert.ok(result.error instanceof NodeApiError, String(result.error));
		assert.match(result.error.message, /^Access token missing/);
		assert.match(result.error.message, /HTTP 401/);
		assert.equal(result.error.httpCode, '401');
		// Auto-detect's get_version_info was refused first: the run went on as Other, its own call failed.
		assert.deepEqual(fake.calls.map((c) => [c.action, c.httpStatus]), [['get_version_info', 401], ['get_status', 401]]);
	});

	test('403 (wrong token) → "Access token wrong"', async () => {
		const result = await run(fake, status, { credentialOverrides: { accessToken: 'not-the-token' } });
		assert.ok(result.error instanceof NodeApiError);
		assert.match(result.error.message, /^Access token wrong/);
		assert.equal(result.error.httpCode, '403');
		assert.ok(!errorText(result).includes('not-the-token'), 'the wrong token is not shown either');
	});

	test('NapCat answers 403 with a "failed" envelope: still "Access token wrong"', async () => {
		fake.authStyle = 'napcat';
		const result = await run(fake, status, { credentialOverrides: { accessToken: 'nope' } });
		assert.match(String(result.error?.message), /^Access token wrong/);
	});

	for (const mode of ['http404', 'retcode404', 'retcode1404'] as UnknownActionMode[]) {
		test(`an unknown action (${mode}) → "does not support action X", with the backends that do`, async () => {
			fake.unknownAction = mode;
			const result = await run(fake, { resource: 'aiVoice', operation: 'get_ai_characters', group_id: byId('100001') });
			assert.ok(result.error instanceof NodeApiError, String(result.error));
			assert.match(result.error.message, /This backend does not support action "get_ai_characters"/);
			assert.equal(result.error.description, `Backends that support "get_ai_characters": ${backendsOf('get_ai_characters')}.`);
			assert.match(String(result.error.description), /NapCat, Lagrange, LLOneBot/);
			assert.equal(errorResponse(result.error).kind, 'unsupported');
			if (mode === 'http404') assert.equal(result.error.httpCode, '404');
			else assert.equal(errorResponse(result.error).retcode, mode === 'retcode404' ? 404 : 1404);
			assert.equal(fake.callsTo('get_ai_characters').length, 1);
		});
	}

	test('another HTTP status with a non-JSON body → the status and an excerpt', async () => {
		const server = await rawServer(500, 'internal failure');
		try {
			const result = await run(fake, status, { credentialOverrides: { httpUrl: server.url } });
			assert.ok(result.error instanceof NodeApiError);
			assert.match(result.error.message, new RegExp(`The backend at ${server.url}/get_status answered HTTP 500`));
			assert.match(String(result.error.description), /internal failure/);
		} finally {
			await server.close();
		}
	});
});

describe('failed and async answers', () => {
	test('retcode ≠ 0 → NodeApiError carrying retcode, msg and wording', async () => {
		fake.fail('get_group_info', 100, 'GROUP_NOT_FOUND', '群不存在');
		const result = await run(fake, groupInfo('100009'));
		assert.ok(result.error instanceof NodeApiError, String(result.error));
		assert.equal(result.error.message, 'get_group_info failed (retcode 100): 群不存在 / GROUP_NOT_FOUND');
		assert.equal(result.error.description, 'retcode: 100, msg: GROUP_NOT_FOUND, wording: 群不存在');
		const body = errorResponse(result.error);
		assert.equal(body.retcode, 100);
		assert.equal(body.msg, 'GROUP_NOT_FOUND');
		assert.equal(body.wording, '群不存在');
		assert.equal(body.onebotStatus, 'failed');
		assert.equal(body.action, 'get_group_info');
		assert.equal(result.error.httpCode, null, 'an envelope failure has no HTTP code');
	});

	test('status "failed" with retcode 0 is a failure too', async () => {
		fake.setHandler('get_status', () => ({ status: 'failed', retcode: 0, data: null, msg: 'OFFLINE', wording: 'bot offline' }));
		const result = await run(fake, status);
		assert.ok(result.error instanceof NodeApiError);
		assert.match(result.error.message, /get_status failed \(retcode 0\): bot offline \/ OFFLINE/);
	});

	test('retcode ≠ 0 with status "ok" is a failure', async () => {
		fake.setHandler('get_status', () => ({ status: 'ok', retcode: 102, data: null, message: 'not logged in' }));
		const result = await run(fake, status);
		assert.ok(result.error instanceof NodeApiError);
		assert.match(result.error.message, /get_status failed \(retcode 102\): not logged in/);
	});

	test('status "failed" with retcode 1 is a failure, not a queued call', async () => {
		fake.setHandler('send_private_msg', () => ({ status: 'failed', retcode: 1, data: null, msg: 'SEND_FAILED', wording: 'send failed' }));
		const result = await run(fake, sendPrivate('lost'));
		assert.ok(result.error instanceof NodeApiError, `no error; output ${JSON.stringify(result.output.map((o) => o.json))}`);
		assert.equal(result.error.message, 'send_private_msg failed (retcode 1): send failed / SEND_FAILED');
	});

	test('status "async" is reported as queued, not as data', async () => {
		fake.respondAsync('send_private_msg');
		const result = await run(fake, sendPrivate('later'));
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(result.output.map((o) => o.json), [{ status: 'async', retcode: 1, action: 'send_private_msg', queued: true }]);
		assert.deepEqual(result.output[0].pairedItem, { item: 0 });
		assert.equal(fake.callsTo('send_private_msg').length, 1);
	});
});

describe('network failures name the URL', () => {
	test('connection refused', async () => {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const result = await run(fake, status, { credentialOverrides: { httpUrl: url } });
		assert.ok(result.error instanceof NodeApiError, String(result.error));
		assert.equal(result.error.message, `Could not reach the OneBot backend at ${url}/get_status: connection refused`);
		assert.equal(errorResponse(result.error).kind, 'network');
	});

	test('a timeout (Options › Timeout)', async () => {
		fake.delay('get_status', 5000);
		const started = performance.now();
		const result = await run(fake, { ...status, options: { timeout: 1 } });
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(result.error.message, `get_status to ${fake.httpUrl}/get_status timed out after 1000 ms`);
		assert.equal(errorResponse(result.error).kind, 'timeout');
		assert.ok(performance.now() - started < 4000);
	});

	test('a server that closes the connection without answering', async () => {
		const server = createServer((req) => req.socket.destroy());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
		try {
			const result = await run(fake, status, { credentialOverrides: { httpUrl: url } });
			assert.ok(result.error instanceof NodeApiError, String(result.error));
			assert.ok(result.error.message.startsWith(`Could not reach the OneBot backend at ${url}/get_status: `), result.error.message);
			assert.equal(errorResponse(result.error).kind, 'network');
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	test('a password in the URL (http://user:password@host, basic auth through a proxy) is not in the error', async () => {
		const port = await freePort();
		const secret = 'Pr0xy-pa55word-9d2e';
		for (const overrides of [{ httpUrl: `http://bot:${secret}@127.0.0.1:${port}` }, { wsUrl: `ws://bot:${secret}@127.0.0.1:${port}` }]) {
			const parameters = 'wsUrl' in overrides ? { ...status, options: { transport: 'websocket' } } : status;
			const result = await run(fake, parameters, { credentialOverrides: overrides });
			assert.ok(result.error instanceof NodeApiError, String(result.error));
			assert.match(result.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
			assert.ok(!errorText(result).includes(secret), errorText(result));
			const continued = await run(fake, parameters, { credentialOverrides: overrides, continueOnFail: true });
			assert.ok(!JSON.stringify(continued.output).includes(secret), JSON.stringify(continued.output));
		}
	});

	test('an HTTP API URL that is not http(s)', async () => {
		const result = await run(fake, status, { credentialOverrides: { httpUrl: '127.0.0.1:3000' } });
		assert.match(String(result.error?.message), /HTTP API URL must start with http:\/\/ or https:\/\/, got "127\.0\.0\.1:3000"/);
		const continued = await run(fake, status, { credentialOverrides: { httpUrl: '127.0.0.1:3000' }, continueOnFail: true, items: [{ json: {} }, { json: {} }] });
		assert.equal(continued.error, undefined);
		assert.deepEqual(
			continued.output.map((o) => [/must start with http/.test(String(o.json.error)), o.pairedItem]),
			[
				[true, { item: 0 }],
				[true, { item: 1 }],
			],
			'with continueOnFail: an error item for each input item',
		);
		assert.deepEqual(fake.calls, []);
	});
});

describe('continueOnFail and pairedItem', () => {
	const items = [{ json: { gid: '100001' } }, { json: { gid: '100002' } }, { json: { gid: 'abc' } }, { json: { gid: '100001' } }];

	beforeEach(() => {
		fake.setHandler('get_group_info', (params) =>
			params.group_id === 100002 ? failed(100, 'GROUP_NOT_FOUND', '群不存在') : { group_id: params.group_id, group_name: 'A' },
		);
	});

	test('each failing item becomes an error item paired with its input; the others go on', async () => {
		const result = await run(fake, groupInfo('={{ $json.gid }}'), { items, continueOnFail: true });
		assert.equal(result.error, undefined);
		assert.deepEqual(
			result.output.map((o) => o.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }],
		);
		assert.deepEqual(result.output[0].json, { group_id: 100001, group_name: 'A' });
		assert.deepEqual(result.output[1].json, {
			error: 'get_group_info failed (retcode 100): 群不存在 / GROUP_NOT_FOUND',
			description: 'retcode: 100, msg: GROUP_NOT_FOUND, wording: 群不存在',
			retcode: 100,
			msg: 'GROUP_NOT_FOUND',
			wording: '群不存在',
			action: 'get_group_info',
			kind: 'failed',
		});
		assert.match(String(result.output[2].json.error), /"group_id" must be an integer .*got "abc"/);
		assert.equal(result.output[2].json.description, 'Check the "group_id" field.');
		assert.deepEqual(result.output[3].json, { group_id: 100001, group_name: 'A' });
		assert.deepEqual(
			fake.callsTo('get_group_info').map((c) => c.params.group_id),
			[100001, 100002, 100001],
			'the invalid item sent nothing',
		);
	});

	test('every kind of failure becomes an error item with continueOnFail', async () => {
		const port = await freePort();
		const kinds: Array<{ options: Parameters<typeof run>[2]; parameters?: INodeParameters; error: RegExp }> = [
			{ options: { credentialOverrides: { accessToken: '' } }, error: /^Access token missing/ },
			{ options: { credentialOverrides: { accessToken: 'x' } }, error: /^Access token wrong/ },
			{ options: { credentialOverrides: { httpUrl: `http://127.0.0.1:${port}` } }, error: /connection refused/ },
			{ options: {}, parameters: { resource: 'aiVoice', operation: 'get_ai_characters', group_id: byId('1') }, error: /does not support action/ },
		];
		for (const kind of kinds) {
			const result = await run(fake, kind.parameters ?? status, { ...kind.options, continueOnFail: true, items: [{ json: {} }, { json: {} }] });
			assert.equal(result.error, undefined);
			assert.equal(result.output.length, 2);
			result.output.forEach((o, i) => {
				assert.match(String(o.json.error), kind.error);
				assert.deepEqual(o.pairedItem, { item: i });
			});
		}
	});

	test('without continueOnFail the run stops at the failing item, naming it', async () => {
		const result = await run(fake, groupInfo('={{ $json.gid }}'), { items });
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(result.error.context.itemIndex, 1);
		assert.equal(fake.callsTo('get_group_info').length, 2);
	});

	test('list results: one item per element, each paired with the input item it came from', async () => {
		const result = await run(fake, { resource: 'group', operation: 'get_group_list' }, { items: [{ json: {} }, { json: {} }, { json: {} }] });
		assert.equal(result.error, undefined);
		assert.deepEqual(
			result.output.map((o) => [o.pairedItem, o.json.group_id]),
			[
				[{ item: 0 }, 100001],
				[{ item: 0 }, 100002],
				[{ item: 1 }, 100001],
				[{ item: 1 }, 100002],
				[{ item: 2 }, 100001],
				[{ item: 2 }, 100002],
			],
		);
		assert.equal(fake.callsTo('get_group_list').length, 3);
	});
});

describe('the access token never appears in an error or an output item', () => {
	test('a token failure answered in the envelope (retcode 1403) echoing the token is redacted', async () => {
		fake.fail('get_status', 1403, `token ${TOKEN} rejected`, `bad access_token=${TOKEN}`);
		const thrown = await run(fake, status);
		assert.ok(thrown.error);
		assert.match(thrown.error.message, /^Access token wrong/);
		assert.ok(!errorText(thrown).includes(TOKEN), errorText(thrown));
		const continued = await run(fake, status, { continueOnFail: true });
		assert.ok(continued.output.length === 1 && continued.output[0].json.error);
		assert.ok(!JSON.stringify(continued.output).includes(TOKEN));
	});

	test('a failed envelope echoing the token is redacted', async () => {
		fake.fail('get_status', 100, `msg ${TOKEN}`, `wording ${TOKEN}`);
		const thrown = await run(fake, status);
		assert.ok(thrown.error instanceof NodeApiError);
		assert.ok(!errorText(thrown).includes(TOKEN), errorText(thrown));
		const continued = await run(fake, status, { continueOnFail: true });
		assert.equal(continued.output[0].json.msg, 'msg ***');
		assert.ok(!JSON.stringify(continued.output).includes(TOKEN));
	});

	test('an HTTP error body echoing the token is redacted', async () => {
		const server = await rawServer(502, `upstream said Authorization: Bearer ${TOKEN} and ${TOKEN}`);
		try {
			const result = await run(fake, status, { credentialOverrides: { httpUrl: server.url } });
			assert.ok(result.error);
			assert.match(String((result.error as NodeApiError).description), /upstream said/);
			assert.ok(!errorText(result).includes(TOKEN), errorText(result));
		} finally {
			await server.close();
		}
	});

	test('query mode: the token travels as access_token, and no error shows it', async () => {
		const query = { authLocation: 'query' };
		const ok = await run(fake, status, { credentialOverrides: query });
		assert.equal(ok.error, undefined, String(ok.error?.message));
		assert.equal(fake.calls[0].query.access_token, TOKEN);
		assert.equal(fake.calls[0].headers.authorization, undefined);
		assert.ok(!JSON.stringify(ok.output).includes(TOKEN));

		const port = await freePort();
		fake.delay('get_status', 5000);
		const failures = [
			await run(fake, status, { credentialOverrides: { ...query, accessToken: `${TOKEN}-old` } }),
			await run(fake, status, { credentialOverrides: { ...query, httpUrl: `http://127.0.0.1:${port}` } }),
			await run(fake, { ...status, options: { timeout: 1 } }, { credentialOverrides: query }),
		];
		assert.match(String(failures[0].error?.message), /Access token wrong/);
		assert.match(String(failures[1].error?.message), /connection refused/);
		assert.match(String(failures[2].error?.message), /timed out/);
		for (const failure of failures) assert.ok(!errorText(failure).includes(TOKEN), errorText(failure));
	});

	test('header mode: the token travels only in the Authorization header', async () => {
		await run(fake, groupInfo(BIG_ID));
		const call = fake.calls[0];
		assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);
		assert.equal(call.query.access_token, undefined);
		assert.ok(!call.rawBody.includes(TOKEN));
	});
});

describe('message sends are never retried', () => {
	test('a failed send is sent once', async () => {
		fake.fail('send_private_msg', 100, 'SEND_FAILED');
		const result = await run(fake, sendPrivate('once'));
		assert.ok(result.error instanceof NodeApiError);
		assert.equal(fake.callsTo('send_private_msg').length, 1);
	});

	test('a send that times out is sent once per item', async () => {
		fake.delay('send_private_msg', 5000);
		const result = await run(fake, { ...sendPrivate('once'), options: { timeout: 1 } }, {
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }],
		});
		assert.deepEqual(
			result.output.map((o) => [o.pairedItem, /timed out after 1000 ms/.test(String(o.json.error))]),
			[
				[{ item: 0 }, true],
				[{ item: 1 }, true],
			],
		);
		assert.equal(fake.callsTo('send_private_msg').length, 2);
	});

	test('a send answered with HTTP 502 is sent once', async () => {
		const server = await rawServer(502, 'bad gateway');
		try {
			const result = await run(fake, sendPrivate('once'), { credentialOverrides: { httpUrl: server.url } });
			assert.ok(result.error);
			// Before it, Auto-detect asked get_version_info (also answered 502: the backend counts as Other).
			const sends = server.requests.filter((path) => path !== '/get_version_info');
			assert.deepEqual(sends, ['/send_private_msg']);
		} finally {
			await server.close();
		}
	});
});

/** A bare HTTP server answering every request with one status and text body (not a OneBot envelope). */
async function rawServer(statusCode: number, body: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
	const requests: string[] = [];
	const server: Server = createServer((req, res) => {
		requests.push(req.url ?? '');
		req.resume();
		req.on('end', () => {
			res.writeHead(statusCode, { 'Content-Type': 'text/plain' });
			res.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
