// Options › Max Answer Size (MiB): an answer larger than it is not read whole, over HTTP (the body
// stops being read at the limit) and over the forward WebSocket (a frame over it fails its call,
// the connection stays up for the other calls). The error names the option; a send whose answer
// was cut off was carried out by the backend, so Retry On Fail does not send it again. NapCat's
// stream answers (many packets for one call) are in streams.test.ts.
import { byId, run, sendGroup, useFakeOneBot } from './setup';

import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { describe, test } from 'node:test';

import { NodeApiError, type INodeParameters } from 'n8n-workflow';

import type { FakeOneBot, JsonObject } from '../fakes/onebot';
import { answerTooLarge, DEFAULT_MAX_ANSWER_MIB, httpAnswerCap } from '../../nodes/OneBot/transport/answerSize';

let fake: FakeOneBot;
useFakeOneBot((started) => (fake = started));

const MIB = 1024 * 1024;

/** A member list of about `bytes` bytes of JSON: 1000-byte cards. */
function members(bytes: number): JsonObject[] {
	return Array.from({ length: Math.ceil(bytes / 1000) }, (_, i) => ({ user_id: 30000 + i, card: 'x'.repeat(960) }));
}

/** get_group_member_list: group 1 has 2 MiB of members, group 2 has two. */
function bigAndSmallGroups(): void {
	fake.setHandler('get_group_member_list', (params) => (Number(params.group_id) === 1 ? members(2 * MIB) : members(2000)));
}

const memberList = (transport: string, options: JsonObject = {}): INodeParameters => ({
	resource: 'group',
	operation: 'get_group_member_list',
	group_id: byId('={{ $json.group }}'),
	options: { transport, ...options },
});

const OPTION_ERROR = /The backend's answer to get_group_member_list is larger than the 1 MiB allowed by "Options › Max Answer Size \(MiB\)"/;

describe('Options › Max Answer Size', () => {
	for (const transport of ['http', 'websocket']) {
		test(`${transport}: an answer over the limit fails naming the option; one under it is read`, async () => {
			bigAndSmallGroups();
			const over = await run(fake, memberList(transport, { maxAnswerSize: 1 }), { items: [{ json: { group: 1 } }] });
			assert.ok(over.error instanceof NodeApiError, `no error; ${over.output.length} items`);
			assert.match(over.error.message, OPTION_ERROR);
			assert.match(String(over.error.description), /Raise that option/);
			assert.equal(over.output.length, 0);

			const under = await run(fake, memberList(transport, { maxAnswerSize: 1 }), { items: [{ json: { group: 2 } }] });
			assert.equal(under.error, undefined, String(under.error?.message));
			assert.equal(under.output.length, 2);
		});

		test(`${transport}: the default limit reads a 2 MiB member list`, async () => {
			bigAndSmallGroups();
			const result = await run(fake, memberList(transport), { items: [{ json: { group: 1 } }] });
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.equal(result.output.length, Math.ceil((2 * MIB) / 1000));
		});
	}

	test('websocket: the call over the limit fails alone; the next item is answered on the same connection', async () => {
		bigAndSmallGroups();
		const result = await run(fake, memberList('websocket', { maxAnswerSize: 1 }), {
			items: [{ json: { group: 1 } }, { json: { group: 2 } }],
			continueOnFail: true,
		});
		assert.equal(result.error, undefined, String(result.error?.message));
		const calls = fake.callsTo('get_group_member_list');
		assert.equal(calls.length, 2);
		assert.equal(new Set(calls.map((c) => c.headers['sec-websocket-key'])).size, 1, 'one connection');
		assert.match(String(result.output[0].json.error), OPTION_ERROR);
		assert.deepEqual(result.output.slice(1).map((o) => [o.json.user_id, o.pairedItem]), [
			[30000, { item: 1 }],
			[30001, { item: 1 }],
		]);
	});

	for (const transport of ['http', 'websocket']) {
		test(`${transport}, Retry On Fail: a send whose answer was over the limit was carried out: not sent again`, async () => {
			fake.setHandler('send_group_msg', () => ({ message_id: 5, padding: 'x'.repeat(2 * MIB) }));
			const result = await run(fake, sendGroup({ text: 'once', options: { transport, maxAnswerSize: 1 } }), {
				items: [{ json: { text: 'once' } }],
				nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 },
			});
			assert.equal(fake.callsTo('send_group_msg').length, 1, 'sent once');
			assert.ok(result.error instanceof NodeApiError, 'the send fails');
			assert.match(result.error.message, /send_group_msg was not sent again: an earlier try got an answer larger than "Options › Max Answer Size \(MiB\)"/);
		});
	}

	test('over HTTP, a limit above JavaScript\'s longest string stops there, and the error says so; the default is below it', () => {
		assert.equal(httpAnswerCap(DEFAULT_MAX_ANSWER_MIB * MIB), DEFAULT_MAX_ANSWER_MIB * MIB);
		assert.equal(httpAnswerCap(1024 * MIB), constants.MAX_STRING_LENGTH);
		assert.equal(httpAnswerCap(MIB), MIB);
		const capped = answerTooLarge('get_file', 'http://127.0.0.1:1', 1024 * MIB, httpAnswerCap(1024 * MIB));
		assert.match(capped.message, /get_file is larger than .* MiB, the most an HTTP answer can hold .*"Options › Max Answer Size \(MiB\)"/);
		assert.equal(capped.details.maybeDelivered, true);
	});
});
