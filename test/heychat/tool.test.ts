// The Heychat node as an AI agent's tool (usableAsTool), run the way n8n 2.8 runs it: the agent gets
// the node's `heychatTool` variant from n8n-core (createNodeAsTool), each call is a run of the tool
// node with the call's arguments as its one input item ($fromAI reads them).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { FakeHeychat } from '../fakes/heychat';
import { runAsTool } from '../harness/n8n';
import { BIG_CHANNEL, BIG_ROOM, byId, credentialsFor, node } from './setup';

const SEND = '/chatroom/v2/channel_msg/send';

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

const send: INodeParameters = {
	resource: 'message',
	operation: 'send_channel_message',
	room_id: byId(BIG_ROOM),
	channel_id: byId(BIG_CHANNEL),
	messageType: 'markdown',
	text: "={{ $fromAI('text', 'The message to send', 'string') }}",
};

describe('Heychat as an AI tool', () => {
	test('each call posts its message with an ack ID of its own, the same text twice included', async () => {
		const result = await runAsTool({
			node,
			parameters: send,
			credentials: credentialsFor(fake),
			calls: [{ text: 'hello' }, { text: 'hello' }],
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 },
		});
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		assert.deepEqual(result.argumentNames, ['text']);
		const bodies = fake.callsTo(SEND).map((c) => c.json as Record<string, unknown>);
		assert.deepEqual(bodies.map((b) => b.msg), ['hello', 'hello']);
		assert.notEqual(bodies[0].heychat_ack_id, bodies[1].heychat_ack_id);
		assert.deepEqual(result.calls.map((c) => c.error), [undefined, undefined]);
		const answers = result.calls.map((c) => JSON.parse(String(c.result)) as Array<Record<string, unknown>>);
		assert.ok(answers.every((a) => a.length === 1 && a[0].msg_id !== undefined), JSON.stringify(answers));
	});

	test('a failed post: the agent gets an error naming what failed', async () => {
		fake.failNext(SEND, '权限不足，无法发言');
		const result = await runAsTool({ node, parameters: send, credentials: credentialsFor(fake), calls: [{ text: 'x' }] });
		const [call] = result.calls;
		assert.ok(call.error, `no error: ${String(call.result)}`);
		assert.match(call.error.message, /权限不足/);
	});

	test('Retry On Fail on the tool: n8n runs the retry as a run of its own, so it posts with a new ack ID (documented)', async () => {
		fake.failNext(SEND, '服务繁忙');
		const result = await runAsTool({
			node,
			parameters: send,
			credentials: credentialsFor(fake),
			calls: [{ text: 'x' }],
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 },
		});
		assert.equal(result.calls[0].error, undefined);
		const bodies = fake.callsTo(SEND).map((c) => c.json as Record<string, unknown>);
		assert.equal(bodies.length, 2);
		assert.notEqual(bodies[0].heychat_ack_id, bodies[1].heychat_ack_id);
	});

	test('Reply as a tool answers the item the agent works on (a trigger item), with the text the model gives', async () => {
		const item = { type: '3001', data: {}, roomId: BIG_ROOM, userId: '8829926', joined: true };
		const result = await runAsTool({
			node,
			parameters: { resource: 'message', operation: 'reply', messageType: 'markdown', text: "={{ $fromAI('text', 'The answer', 'string') }}" },
			credentials: credentialsFor(fake),
			items: [{ json: item }],
			calls: [{ text: 'welcome' }],
		});
		assert.equal(result.calls[0].error, undefined, result.calls[0].error?.message);
		const bodies = fake.callsTo('/chatroom/v3/msg/user').map((c) => c.json as Record<string, unknown>);
		assert.deepEqual(bodies.map((b) => [String(b.to_user_id), b.msg]), [['8829926', 'welcome']]);
	});
});
