// Fault and abuse: secrets in errors and output. Backends that echo what they received (the token
// header, Authorization, access_token query) in their failure messages and error bodies; tokens of
// 1, 2 and 40 characters never appear in any message, description, context or output item of the
// failing call, on both platforms, and the rest of the text is not mangled. Timeouts read as
// timeouts on both platforms (a fake that never answers).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { runNode, type RunNodeResult } from '../harness/n8n';

import { HeychatBotApi } from '../../credentials/HeychatBotApi.credentials.ts';
import { OneBotV11Api } from '../../credentials/OneBotV11Api.credentials.ts';
import { Heychat } from '../../nodes/Heychat/Heychat.node.ts';
import { OneBot } from '../../nodes/OneBot/OneBot.node.ts';
import { MIN_SUBSTRING_LENGTH, redact, redactDeep } from '../../nodes/shared/redact';
import { figure } from './support/figure';
import { silent, startServer, type TestServer } from './support/servers';

const TOKENS = ['e', 'x7', 'Q9w8E7r6T5y4U3i2O1p0A9s8D7f6G5h4J3k2L1zX'];
assert.equal(TOKENS[2].length, 40);

/** Everything an error or an output exposes to a user or a log, as one string. */
function exposed(result: RunNodeResult): string {
	const error = result.error as (Error & Record<string, unknown>) | undefined;
	return JSON.stringify({
		message: error?.message,
		description: error?.description,
		context: error?.context,
		errorResponse: error?.errorResponse,
		cause: error?.cause,
		runError: result.runError,
		output: result.output,
	});
}

/**
 * Where the token shows in `text`: anywhere for a token long enough to be unmistakable, as a word
 * of its own (not inside another word, e.g. the "e" of "GROUP_NOT_FOUND") for a short one.
 */
function leaks(text: string, token: string): string[] {
	if (token.length >= MIN_SUBSTRING_LENGTH) return text.includes(token) ? [token] : [];
	const word = new RegExp(`(^|[^A-Za-z0-9_\\-.~+/=%\\\\])${token}(?![A-Za-z0-9_\\-~+/=%]|\\.[A-Za-z0-9_])`, 'g');
	return [...text.matchAll(word)].map((m) => text.slice(Math.max(0, (m.index ?? 0) - 20), (m.index ?? 0) + 20));
}

/** Text mangled by a mask inside a word ("GROUP_NO***_FOUND", "Acc***ss"). */
function mangled(text: string): boolean {
	return /[A-Za-z0-9_]\*\*\*|\*\*\*[A-Za-z0-9_]/.test(text);
}

/** What a leaky backend says: the non-secret words that must survive, and echoes of what it got. */
function leakyMessage(token: string, authorization: string, url: string): string {
	return `GROUP_NOT_FOUND. Access token wrong: got Authorization: ${authorization}, token ${token}, url ${url}, {"token":"${token}"}`;
}

describe('redact()', () => {
	test('a 1-character token does not mangle GROUP_NOT_FOUND or "Access token wrong", yet is masked where it stands alone', () => {
		const text = 'GROUP_NOT_FOUND: Access token wrong (token e, Authorization: Bearer e, ?access_token=e&x=1, {"token":"e"})';
		const out = redact(text, ['e']);
		assert.equal(out, 'GROUP_NOT_FOUND: Access token wrong (token ***, Authorization: Bearer ***, ?access_token=***&x=1, {"token":"***"})');
		assert.equal(redact('e', ['e']), '***', 'the whole text');
		assert.equal(redact('e-mail, e.g. the exe', ['e']), 'e-mail, e.g. the exe', 'e inside words and abbreviations stays');
		assert.deepEqual(redactDeep({ token: 'e', msg: 'GROUP_NOT_FOUND' }, ['e']), { token: '***', msg: 'GROUP_NOT_FOUND' });
		figure(`${JSON.stringify(text)} → ${JSON.stringify(out)}`);
	});

	test("a URL's user:password@ is masked whatever the secrets (the user stays, a lone user@ is masked)", () => {
		assert.equal(
			redact('Could not reach http://bot:pa55@127.0.0.1:3000/get_status and ws://TOKEN@host:3001/', []),
			'Could not reach http://bot:***@127.0.0.1:3000/get_status and ws://***@host:3001/',
		);
		assert.equal(redact('see https://example.com/@user and a@b.c', []), 'see https://example.com/@user and a@b.c', 'an @ in a path or an e-mail address stays');
	});

	test('a long token is masked wherever it occurs, inside other text too', () => {
		const token = TOKENS[2];
		assert.equal(redact(`x${token}y and ${token}`, [token]), 'x***y and ***');
	});
});

describe('tokens of 1, 2 and 40 characters never appear in a failing call (OneBot)', () => {
	let leaky: TestServer;
	before(async () => {
		leaky = await startServer((req, res) => {
			const url = req.url ?? '';
			const query = new URL(url, 'http://x').searchParams.get('access_token') ?? '';
			const authorization = req.headers.authorization ?? '';
			const token = query || authorization.replace(/^Bearer /, '');
			if (url.startsWith('/get_status')) {
				// not an envelope, HTTP 500: the transport shows a snippet of the body
				res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: 'GROUP_NOT_FOUND', headers: req.headers, url, token }));
				return;
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ status: 'failed', retcode: 100, data: null, msg: 'GROUP_NOT_FOUND', wording: leakyMessage(token, authorization, url) }));
		});
	});
	after(async () => {
		await leaky.close();
	});

	const sendGroup = {
		resource: 'message',
		operation: 'send_group_msg',
		group_id: { __rl: true, mode: 'id', value: '100001' },
		messageMode: 'text',
		text: 'hi',
	};
	const status = { resource: 'system', operation: 'get_status' };

	for (const token of TOKENS) {
		for (const placement of ['header', 'query'] as const) {
			test(`token of ${token.length} character(s), in the ${placement}: not in any error or output; messages intact`, async () => {
				for (const [label, parameters] of [['failed envelope', sendGroup], ['HTTP 500 echoing the request', status]] as const) {
					for (const continueOnFail of [false, true]) {
						const result = await runNode({
							node: new OneBot(),
							parameters: parameters as never,
							continueOnFail,
							credentials: {
								oneBotV11Api: {
									data: { httpUrl: leaky.url, wsUrl: '', accessToken: token, authLocation: placement, ignoreSslIssues: false },
									type: new OneBotV11Api(),
								},
							},
						});
						const text = exposed(result);
						assert.ok(continueOnFail ? result.output.length === 1 : result.error, `${label}: the call failed`);
						assert.deepEqual(leaks(text, token), [], `${label}: the token shows`);
						assert.match(text, /GROUP_NOT_FOUND/, `${label}: the message is intact`);
						if (label === 'failed envelope') assert.match(text, /Access token wrong/);
						assert.equal(mangled(text), false, `${label}: mangled: ${text}`);
					}
				}
				figure(`OneBot, token length ${token.length} (${placement}): 4 failing runs checked, 0 leaks, 0 mangled words`);
			});
		}
	}
});

describe('tokens of 1, 2 and 40 characters never appear in a failing call (Heychat)', () => {
	let leaky: TestServer;
	before(async () => {
		leaky = await startServer((req, res) => {
			const token = String(req.headers.token ?? '');
			const url = req.url ?? '';
			if (url.startsWith('/chatroom/v2/room_role/roles')) {
				res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: 'GROUP_NOT_FOUND', headers: req.headers, token }));
				return;
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ status: 'failed', msg: leakyMessage(token, `token ${token}`, url) }));
		});
	});
	after(async () => {
		await leaky.close();
	});

	const listRoles = { resource: 'role', operation: 'list_room_roles', room_id: { __rl: true, mode: 'id', value: '3663316788315193344' } };
	const send = {
		resource: 'message',
		operation: 'send_channel_message',
		room_id: { __rl: true, mode: 'id', value: '3663316788315193344' },
		channel_id: { __rl: true, mode: 'id', value: '3665944781964836864' },
		messageType: 'text',
		text: 'hi',
	};

	for (const token of TOKENS) {
		test(`token of ${token.length} character(s): not in any error or output; messages intact`, async () => {
			for (const [label, parameters] of [['failed envelope', send], ['HTTP 500 echoing the request', listRoles]] as const) {
				for (const continueOnFail of [false, true]) {
					const result = await runNode({
						node: new Heychat(),
						parameters: parameters as never,
						continueOnFail,
						credentials: {
							heychatBotApi: {
								data: { token, apiBaseUrl: leaky.url, uploadUrl: leaky.url, gatewayUrl: 'ws://127.0.0.1:9/' },
								type: new HeychatBotApi(),
							},
						},
					});
					const text = exposed(result);
					assert.ok(continueOnFail ? result.output.length === 1 : result.error, `${label}: the call failed`);
					assert.deepEqual(leaks(text, token), [], `${label}: the token shows`);
					assert.match(text, /GROUP_NOT_FOUND/, `${label}: the message is intact`);
					if (label === 'failed envelope') assert.match(text, /Access token wrong/);
					assert.equal(mangled(text), false, `${label}: mangled: ${text}`);
				}
			}
			figure(`Heychat, token length ${token.length}: 4 failing runs checked, 0 leaks, 0 mangled words`);
		});
	}
});

describe('timeouts read as timeouts (a backend that never answers)', () => {
	let never: TestServer;
	before(async () => {
		never = await startServer(silent());
	});
	after(async () => {
		await never.close();
	});

	/** Heychat List Room Roles against the backend that never answers, with Options › Timeout `timeout`. */
	const listRoles = async (timeout: number | string) =>
		await runNode({
			node: new Heychat(),
			parameters: {
				resource: 'role',
				operation: 'list_room_roles',
				room_id: { __rl: true, mode: 'id', value: '3663316788315193344' },
				options: { timeout },
			} as never,
			credentials: {
				heychatBotApi: {
					data: { token: 'e', apiBaseUrl: never.url, uploadUrl: never.url, gatewayUrl: 'ws://127.0.0.1:9/' },
					type: new HeychatBotApi(),
				},
			},
		});

	test('Heychat: "Heychat did not answer … within 1 s"', async () => {
		const started = performance.now();
		const result = await listRoles(1);
		assert.equal(result.error?.message, 'Heychat did not answer list_room_roles within 1 s');
		assert.equal((result.error as { context?: { heychatFailure?: string } }).context?.heychatFailure, 'timeout');
		assert.doesNotMatch(exposed(result), /Could not reach|aborted/);
		figure(`Heychat gave up after ${Math.round(performance.now() - started)} ms: ${result.error?.message}`);
	});

	test('Heychat: a Timeout of 0 from an expression is the field\'s minimum, 1 s, not no time limit at all', { timeout: 15_000 }, async () => {
		const result = await listRoles('={{ 0 }}');
		assert.equal(result.error?.message, 'Heychat did not answer list_room_roles within 1 s');
	});

	test('OneBot: "… timed out after 1000 ms"', async () => {
		const started = performance.now();
		const result = await runNode({
			node: new OneBot(),
			parameters: { resource: 'system', operation: 'get_status', options: { timeout: 1 } } as never,
			credentials: {
				oneBotV11Api: {
					data: { httpUrl: never.url, wsUrl: '', accessToken: 'e', authLocation: 'header', ignoreSslIssues: false },
					type: new OneBotV11Api(),
				},
			},
		});
		assert.match(String(result.error?.message), /^get_status to http:\/\/127\.0\.0\.1:\d+\/get_status timed out after 1000 ms$/);
		assert.equal((result.error as { errorResponse?: { kind?: string } }).errorResponse?.kind, 'timeout');
		figure(`OneBot gave up after ${Math.round(performance.now() - started)} ms: ${result.error?.message}`);
	});
});
