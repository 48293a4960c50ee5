// The OneBot node as an AI agent's tool (usableAsTool), run the way n8n 2.8 runs it: the agent gets
// the node's `oneBotTool` variant from n8n-core (createNodeAsTool), each call is a run of the tool
// node with the call's arguments as its one input item ($fromAI reads them).
import { byId, credentialsFor, TOKEN, node } from './setup';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FakeOneBot, groupMessageEvent, type OneBotCall } from '../fakes/onebot';
import { runAsTool } from '../harness/n8n';

let bot: FakeOneBot;

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN });
});
after(async () => {
	await bot.close();
});

const sendGroup: INodeParameters = {
	resource: 'message',
	operation: 'send_group_msg',
	group_id: byId('100001'),
	messageFormat: 'text',
	text: "={{ $fromAI('text', 'The message to send', 'string') }}",
};

function sent(from: number): OneBotCall[] {
	return bot.calls.slice(from).filter((c) => c.action === 'send_group_msg');
}

describe('OneBot as an AI tool', () => {
	test('each call sends its own message ($fromAI) and returns what was sent', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const result = await runAsTool({
			node,
			parameters: sendGroup,
			credentials: credentialsFor(bot),
			calls: [{ text: 'first' }, { text: 'second' }],
		});
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		assert.deepEqual(result.argumentNames, ['text']);
		assert.deepEqual(sent(from).map((c) => c.params.message), ['first', 'second']);
		assert.deepEqual(result.calls.map((c) => c.error), [undefined, undefined]);
		const answers = result.calls.map((c) => JSON.parse(String(c.result)) as Array<Record<string, unknown>>);
		assert.ok(answers.every((a) => a.length === 1 && typeof a[0].message_id === 'number'), JSON.stringify(answers));
	});

	test('with Retry On Fail, each call still sends its own message (an earlier call is not taken for a try of it)', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const result = await runAsTool({
			node,
			parameters: sendGroup,
			credentials: credentialsFor(bot),
			calls: [{ text: 'first' }, { text: 'second' }, { text: 'third' }],
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 },
		});
		assert.equal(result.error, undefined, JSON.stringify(result.error));
		assert.deepEqual(sent(from).map((c) => c.params.message), ['first', 'second', 'third']);
	});

	test('a failed send: the agent gets an error naming what failed, without the token', async () => {
		bot.resetBehaviour();
		bot.fail('send_group_msg', 120, 'MUTED', 'the bot is muted');
		const result = await runAsTool({ node, parameters: sendGroup, credentials: credentialsFor(bot), calls: [{ text: 'x' }] });
		bot.resetBehaviour();
		const [call] = result.calls;
		assert.ok(call.error, `no error: ${String(call.result)}`);
		assert.match(call.error.message, /muted|MUTED/);
		assert.ok(!JSON.stringify({ m: call.error.message, d: (call.error as { description?: unknown }).description }).includes(TOKEN));
	});

	test('On Error Continue: the agent gets the error as the result, not a success', async () => {
		bot.resetBehaviour();
		bot.fail('send_group_msg', 120, 'MUTED', 'the bot is muted');
		const result = await runAsTool({
			node,
			parameters: sendGroup,
			credentials: credentialsFor(bot),
			calls: [{ text: 'x' }],
			nodeSettings: { onError: 'continueRegularOutput' },
		});
		bot.resetBehaviour();
		const [call] = result.calls;
		assert.equal(call.error, undefined);
		const [answer] = JSON.parse(String(call.result)) as Array<Record<string, unknown>>;
		assert.match(String(answer.error), /muted|MUTED/);
		assert.equal(answer.retcode, 120);
	});

	test('Reply as a tool answers the item the agent works on (a trigger event), with the text the model gives', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const event = groupMessageEvent(10001, 100002, 30003, [{ type: 'text', data: { text: 'ping' } }]);
		const result = await runAsTool({
			node,
			parameters: { resource: 'message', operation: 'reply', messageFormat: 'text', text: "={{ $fromAI('text', 'The answer', 'string') }}", replyOptions: { quote: false } },
			credentials: credentialsFor(bot),
			items: [{ json: event as unknown as IDataObject }],
			calls: [{ text: 'pong' }],
		});
		assert.equal(result.calls[0].error, undefined, result.calls[0].error?.message);
		const calls = bot.calls.slice(from).filter((c) => c.action === 'send_group_msg');
		assert.deepEqual(calls.map((c) => [c.params.group_id, c.params.message]), [[100002, 'pong']]);
	});
});
