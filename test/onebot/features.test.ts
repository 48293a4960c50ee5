// OneBot node features against the fake backend: Batching (ordered outputs, pairedItem,
// continueOnFail per item, calls really in flight, pipelined on one WebSocket), the credential's
// Send Rate, Send Group Message to many groups, and Reply to items made by the real triggers.
import { run, byId, credentialsFor, sendGroup, textItems } from './setup';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FAKE_GROUPS, FakeOneBot, groupMessageEvent, privateMessageEvent, type OneBotCall } from '../fakes/onebot';
import { runNode } from '../harness/n8n';
import { activateTrigger, startWebhook } from '../trigger/context';
import { OneBotTrigger, OneBotWebhookTrigger } from '../trigger/nodes';
import { OneBot } from '../../nodes/OneBot/OneBot.node.ts';

const SELF = 10001;
let bot: FakeOneBot;

before(async () => {
	bot = await FakeOneBot.start({ selfId: SELF });
});
after(async () => {
	await bot.close();
});

const batching = (batch: INodeParameters, more: INodeParameters = {}): INodeParameters => ({ options: { batching: { batch }, ...more } });

function sent(action: string, from = 0): OneBotCall[] {
	return bot.calls.slice(from).filter((c) => c.action === action);
}

/**
 * A send_group_msg handler that holds each call until `hold` are in flight together (or 2 s pass),
 * then answers the later ones first. Records the most calls in flight at once.
 */
function holdUntilInFlight(hold: number) {
	const state = { inFlight: 0, max: 0 };
	let waiting: Array<() => void> = [];
	bot.setHandler('send_group_msg', async (params) => {
		state.inFlight++;
		state.max = Math.max(state.max, state.inFlight);
		await new Promise<void>((resolve) => {
			waiting.push(resolve);
			if (waiting.length >= hold) {
				const release = waiting.reverse();
				waiting = [];
				release.forEach((r, i) => setTimeout(r, i * 5));
			} else {
				setTimeout(resolve, 2000);
			}
		});
		state.inFlight--;
		if (params.group_id === 666) throw Object.assign(new Error('the bot is muted in this group'), { retcode: 120 });
		return { message_id: Number(String(params.message).length) };
	});
	return state;
}

describe('Batching', () => {
	test('HTTP, Concurrency 3: three calls in flight; outputs in input order, each paired to its item', async () => {
		const state = holdUntilInFlight(3);
		const from = bot.calls.length;
		const result = await run(bot, sendGroup(batching({ batchSize: 0, batchInterval: 0, concurrency: 3 })), { items: textItems(6) });
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		assert.equal(state.max, 3);
		assert.deepEqual(
			sent('send_group_msg', from).map((c) => c.params.message).sort(),
			[0, 1, 2, 3, 4, 5].map((i) => `message ${i}`),
		);
		assert.deepEqual(
			result.output.map((o) => o.pairedItem),
			[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
		);
		assert.deepEqual(result.output.map((o) => o.json.message_id), [9, 9, 9, 9, 9, 9]);
	});

	test('continueOnFail: the failing item gets its error item in place; the others their results', async () => {
		holdUntilInFlight(3);
		const items: INodeExecutionData[] = [{ json: { g: '100001' } }, { json: { g: '666' } }, { json: { g: '100002' } }];
		const result = await run(
			bot,
			sendGroup({ group_id: byId('={{ $json.g }}'), text: 'hi', ...batching({ batchSize: 0, batchInterval: 0, concurrency: 3 }) }),
			{ items, continueOnFail: true },
		);
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		assert.equal(result.output.length, 3);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		assert.equal(result.output[0].json.message_id, 2);
		assert.match(String(result.output[1].json.error), /muted/);
		assert.equal(result.output[1].json.retcode, 120);
		assert.equal(result.output[2].json.message_id, 2);
	});

	test('without continueOnFail the first failing item fails the node; with Concurrency 1 nothing after it is sent', async () => {
		bot.resetBehaviour();
		bot.fail('send_group_msg', 120, 'MUTED');
		const from = bot.calls.length;
		const result = await run(bot, sendGroup(batching({ batchSize: 1, batchInterval: 0, concurrency: 1 })), { items: textItems(3) });
		bot.resetBehaviour();
		assert.ok(result.error);
		assert.equal(sent('send_group_msg', from).length, 1);
	});

	test('Items per Batch and Batch Interval: the next batch starts after the interval', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const result = await run(bot, sendGroup(batching({ batchSize: 2, batchInterval: 200, concurrency: 2 })), { items: textItems(4) });
		assert.equal(result.error, undefined);
		const at = sent('send_group_msg', from).map((c) => c.at);
		assert.equal(at.length, 4);
		assert.ok(at[2] - at[1] >= 190, `gap between batches ${at[2] - at[1]} ms`);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3].map((item) => ({ item })));
	});

	test('WebSocket, Concurrency 4: four calls pipelined on the one connection, answers matched by echo', async () => {
		const state = holdUntilInFlight(4);
		const from = bot.calls.length;
		const result = await run(
			bot,
			sendGroup(batching({ batchSize: 0, batchInterval: 0, concurrency: 4 }, { transport: 'websocket' })),
			{ items: textItems(8) },
		);
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		const calls = sent('send_group_msg', from);
		assert.ok(calls.every((c) => c.transport === 'ws'));
		assert.equal(new Set(calls.map((c) => c.headers)).size, 1, 'one WebSocket connection for all items');
		assert.equal(state.max, 4);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3, 4, 5, 6, 7].map((item) => ({ item })));
	});
});

describe('Send Rate', () => {
	test('sends are spaced by the credential rate (300/min = 200 ms), across items, batches and executions', async () => {
		bot.resetBehaviour();
		const fake = await FakeOneBot.start({ selfId: SELF });
		try {
			const credentials = credentialsFor(fake, { sendRate: 300 });
			const parameters = sendGroup(batching({ batchSize: 2, batchInterval: 0, concurrency: 3 }));
			const first = await runNode({ node: new OneBot(), parameters, credentials, items: textItems(4) });
			const second = await runNode({ node: new OneBot(), parameters, credentials, items: textItems(2) });
			assert.equal(first.error, undefined);
			assert.equal(second.error, undefined);
			const at = fake.calls.filter((c) => c.action === 'send_group_msg').map((c) => c.at);
			assert.equal(at.length, 6);
			const gaps = at.slice(1).map((t, i) => t - at[i]);
			// Slots are 200 to 240 ms apart (jitter); what the fake sees varies by the time a request
			// takes to arrive, so each gap gets 50 ms of slack and the whole span 20 ms.
			for (const gap of gaps) assert.ok(gap >= 150, `gaps ${gaps.join(', ')} ms`);
			assert.ok(at[at.length - 1] - at[0] >= (at.length - 1) * 200 - 20, `gaps ${gaps.join(', ')} ms`);
		} finally {
			await fake.close();
		}
	});

	test('a reply by Handle Quick Operation, a Join Emoji Chain (messages in the chat) and a group album upload are paced like any send', async () => {
		const fake = await FakeOneBot.start({ selfId: SELF });
		try {
			fake.setHandler('.handle_quick_operation', () => null);
			fake.setHandler('.join_group_emoji_chain', () => null);
			fake.setHandler('upload_group_album', () => null);
			// Backend: Other sends every action as entered (the emoji chain is Lagrange's)
			const credentials = credentialsFor(fake, { sendRate: 300, backend: 'other' });
			const calls: Array<[string, INodeParameters]> = [
				[
					'.handle_quick_operation',
					{
						resource: 'system',
						operation: '.handle_quick_operation',
						context: '{"post_type": "message", "message_type": "group", "group_id": 100001, "user_id": 20001, "message_id": 5}',
						operationParameter: '{"reply": "Please be polite"}',
					},
				],
				['.join_group_emoji_chain', { resource: 'reaction', operation: '.join_group_emoji_chain', group_id: byId('100001'), message_id: 5, emoji_id: 14 }],
				['upload_group_album', { resource: 'groupAlbum', operation: 'upload_group_album', group_id: byId('100001'), album_id: 'a1', files: 'https://example.com/a.png' }],
			];
			for (const [action, parameters] of calls) {
				const result = await runNode({ node: new OneBot(), parameters, credentials, items: textItems(3) });
				assert.equal(result.error, undefined, `${action}: ${result.error?.message}`);
				const at = fake.calls.filter((c) => c.action === action).map((c) => c.at);
				assert.equal(at.length, 3, action);
				const gaps = at.slice(1).map((t, i) => t - at[i]);
				// 300 per minute: slots 200 to 240 ms apart, 50 ms of slack for the way to the fake
				for (const gap of gaps) assert.ok(gap >= 150, `${action}: gaps ${gaps.join(', ')} ms`);
			}
		} finally {
			await fake.close();
		}
	});

	test('reads are not paced', async () => {
		const fake = await FakeOneBot.start({ selfId: SELF });
		try {
			const started = performance.now();
			const result = await runNode({
				node: new OneBot(),
				parameters: { resource: 'group', operation: 'get_group_list' },
				credentials: credentialsFor(fake, { sendRate: 1 }),
				items: textItems(3),
			});
			assert.equal(result.error, undefined);
			assert.equal(fake.calls.filter((c) => c.action === 'get_group_list').length, 3);
			assert.ok(performance.now() - started < 30_000);
		} finally {
			await fake.close();
		}
	});
});

describe('Stopping the execution', () => {
	/**
	 * Runs Send Group Message for `n` items on a fake of its own and stops the execution (as n8n's
	 * Stop does: the execution cancel signal) while the first message is being answered.
	 */
	async function stopDuringFirst(n: number, credentials: { sendRate: number }, parameters: INodeParameters, continueOnFail = false) {
		const fake = await FakeOneBot.start({ selfId: SELF });
		try {
			let cancel: (() => void) | undefined;
			fake.setHandler('send_group_msg', () => {
				cancel?.();
				return { message_id: 1 };
			});
			const started = performance.now();
			const result = await runNode({
				node: new OneBot(),
				parameters,
				credentials: credentialsFor(fake, credentials),
				items: textItems(n),
				continueOnFail,
				onStarted: (stop) => (cancel = stop),
			});
			assert.ok(cancel, 'the run started');
			return { result, sent: fake.calls.filter((c) => c.action === 'send_group_msg').length, took: performance.now() - started };
		} finally {
			await fake.close();
		}
	}

	test('a send waiting for its Send Rate slot is not sent, and the wait ends at once', async () => {
		// 6 per minute: the second message would wait 10 s for its slot
		const { result, sent, took } = await stopDuringFirst(3, { sendRate: 6 }, sendGroup());
		assert.equal(sent, 1, 'nothing is sent after the stop');
		assert.ok(took < 5_000, `the stopped execution ended after ${Math.round(took)} ms, not after the 10 s wait`);
		assert.ok(result.output.length <= 1, 'no item after the stop came out as sent');
	});

	test('without a Send Rate, no further item is sent', async () => {
		const { sent } = await stopDuringFirst(5, { sendRate: 0 }, sendGroup());
		assert.equal(sent, 1, 'nothing is sent after the stop');
	});

	test('with Continue On Fail, the items not sent come out failed, saying the execution was stopped', async () => {
		const { result, sent } = await stopDuringFirst(3, { sendRate: 6 }, sendGroup(), true);
		assert.equal(sent, 1, 'nothing is sent after the stop');
		const unsent = result.output.slice(1);
		assert.ok(unsent.length > 0, `the items after the stop come out (got ${result.output.length} items)`);
		for (const item of unsent) {
			assert.match(String((item.json as { error?: unknown }).error), /The execution was stopped before this item was sent/);
		}
	});

	test('the wait between batches ends at once, and the batches after it are not sent', async () => {
		const { sent, took } = await stopDuringFirst(3, { sendRate: 0 }, sendGroup(batching({ batchSize: 1, batchInterval: 10_000, concurrency: 1 })));
		assert.equal(sent, 1, 'nothing is sent after the stop');
		assert.ok(took < 5_000, `the stopped execution ended after ${Math.round(took)} ms, not after the 10 s Batch Interval`);
	});
});

describe('On Error: Continue (using error output)', () => {
	test('a failed item goes to the error output with its error and pairedItem; the sent ones to the success output', async () => {
		bot.resetBehaviour();
		bot.setHandler('send_group_msg', (params) => {
			if (String(params.message).includes('bad')) throw Object.assign(new Error('message refused'), { retcode: 120 });
			return { message_id: 7 };
		});
		const result = await run(bot, sendGroup(), {
			items: [{ json: { text: 'good 0' } }, { json: { text: 'bad 1' } }, { json: { text: 'good 2' } }],
			nodeSettings: { onError: 'continueErrorOutput' },
		});
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		const [success, failure] = result.outputs;
		assert.deepEqual(success.map((o) => o.pairedItem), [{ item: 0 }, { item: 2 }]);
		assert.ok(success.every((o) => o.json.message_id === 7));
		assert.equal(failure?.length, 1, `error output: ${JSON.stringify(failure)}`);
		assert.deepEqual(failure[0].pairedItem, { item: 1 });
		// the input item's fields beside the error, whose fields stay with it
		const error = failure[0].json.error as Record<string, unknown>;
		assert.equal(failure[0].json.text, 'bad 1');
		assert.match(String(error.message), /message refused/);
		assert.equal(error.retcode, 120);
		assert.equal(error.action, 'send_group_msg');
	});

	test('many groups: a failing group goes to the error output, the groups that got it to the success output', async () => {
		bot.resetBehaviour();
		bot.setHandler('send_group_msg', (params) => {
			if (params.group_id === 200) throw Object.assign(new Error('not in this group'), { retcode: 140 });
			return { message_id: Number(params.group_id) + 1 };
		});
		const result = await run(bot, sendGroup({ targetMode: 'list', targetIds: '300, 200, 100', text: 'announcement' }), {
			nodeSettings: { onError: 'continueErrorOutput' },
		});
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		const [success, failure] = result.outputs;
		assert.deepEqual(success.map((o) => o.json.group_id), [300, 100]);
		const errors = (failure ?? []).map((o) => o.json.error as Record<string, unknown>);
		assert.deepEqual(errors.map((e) => [e.group_id, e.success, e.retcode]), [[200, false, 140]]);
		assert.match(String(errors[0].message), /not in this group/);
		assert.deepEqual(failure[0].pairedItem, { item: 0 });
	});
});

describe('Send Group Message to many groups', () => {
	test('a list: one item per group in list order, a failing group carries its error and does not stop the others', async () => {
		bot.resetBehaviour();
		bot.setHandler('send_group_msg', (params) => {
			if (params.group_id === 200) throw Object.assign(new Error('not in this group'), { retcode: 140 });
			return { message_id: Number(params.group_id) + 1 };
		});
		const from = bot.calls.length;
		const result = await run(bot, sendGroup({ targetMode: 'list', targetIds: '300, 200\n100, 300', text: 'announcement' }));
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.group_id), [300, 200, 100]);
		assert.deepEqual(
			result.output.map((o) => [o.json.group_id, o.json.success, o.json.message_id ?? null]),
			[
				[300, true, 301],
				[200, false, null],
				[100, true, 101],
			],
		);
		assert.match(String(result.output[1].json.error), /not in this group/);
		assert.ok(result.output.every((o) => JSON.stringify(o.pairedItem) === JSON.stringify({ item: 0 })));
	});

	test('a list typed the Chinese way: the enumeration comma 、 and the full-width comma separate group numbers', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const result = await run(bot, sendGroup({ targetMode: 'list', targetIds: '100、200，300', text: 'announcement' }));
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.group_id), [100, 200, 300]);
	});

	test('every group the bot is in (get_group_list) except a list', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const result = await run(bot, sendGroup({ targetMode: 'all', exceptIds: String(FAKE_GROUPS[0].group_id), text: 'hi all' }));
		assert.equal(result.error, undefined);
		assert.equal(sent('get_group_list', from).length, 1);
		assert.deepEqual(
			sent('send_group_msg', from).map((c) => c.params.group_id),
			FAKE_GROUPS.slice(1).map((g) => g.group_id),
		);
		assert.deepEqual(result.output.map((o) => o.json.group_id), FAKE_GROUPS.slice(1).map((g) => g.group_id));
	});

	test('every group excepted, or a bot in no group: an error saying so, not an empty output', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const all = FAKE_GROUPS.map((g) => g.group_id).join(', ');
		const excepted = await run(bot, sendGroup({ targetMode: 'all', exceptIds: all, text: 'hi all' }));
		assert.ok(excepted.error, `no error; output ${JSON.stringify(excepted.output.map((o) => o.json))}`);
		assert.match(String(excepted.error.message), /no group to send to/i);
		assert.match(String(excepted.error.message), new RegExp(`leaves out every group the bot is in \\(${FAKE_GROUPS.length}\\)`));
		bot.setHandler('get_group_list', () => []);
		const none = await run(bot, sendGroup({ targetMode: 'all', text: 'hi all' }));
		bot.resetBehaviour();
		assert.match(String(none.error?.message), /no group to send to/i);
		assert.equal(sent('send_group_msg', from).length, 0);
	});

	test('every target failing fails the node (nothing was sent); a bad list fails before anything is sent', async () => {
		bot.resetBehaviour();
		bot.fail('send_group_msg', 140, 'NOT_IN_GROUP');
		const failed = await run(bot, sendGroup({ targetMode: 'list', targetIds: '1,2', text: 'x' }));
		bot.resetBehaviour();
		assert.ok(failed.error);
		const from = bot.calls.length;
		const bad = await run(bot, sendGroup({ targetMode: 'list', targetIds: '1, general', text: 'x' }));
		assert.match(String(bad.error?.message), /targetIds\[1\]/);
		assert.equal(bot.calls.length, from);
		// a group number is at least 1, in a list as in the one-group field
		const negative = await run(bot, sendGroup({ targetMode: 'list', targetIds: '100001, -100002', text: 'x' }));
		assert.equal(String(negative.error?.message), '"targetIds[1]" must be a positive integer (1 or more), got "-100002"');
		assert.equal(bot.calls.length, from);
	});
});

describe('Reply', () => {
	const reply = (options: INodeParameters = {}): INodeParameters => ({
		resource: 'message',
		operation: 'reply',
		messageFormat: 'text',
		text: 'pong',
		replyOptions: options,
	});

	test('to a group message from the OneBot Trigger: same group, quoting the message, mentioning the sender', async () => {
		bot.resetBehaviour();
		const trigger = await activateTrigger({ node: new OneBotTrigger(), credentials: { wsUrl: bot.wsUrl } });
		try {
			await bot.waitForConnection();
			const event = groupMessageEvent(SELF, 100002, 30003, [{ type: 'text', data: { text: 'ping' } }]);
			bot.pushEvent(event);
			const [item] = await trigger.waitForEmits(1);
			const from = bot.calls.length;
			const result = await run(bot, reply({ mention: true }), { items: [{ json: item }] });
			assert.equal(result.error, undefined);
			const [call] = sent('send_group_msg', from);
			assert.equal(call.params.group_id, 100002);
			assert.deepEqual(call.params.message, [
				{ type: 'reply', data: { id: String(event.message_id) } },
				{ type: 'at', data: { qq: '30003' } },
				{ type: 'text', data: { text: ' ' } },
				{ type: 'text', data: { text: 'pong' } },
			]);
			assert.deepEqual(result.output[0].pairedItem, { item: 0 });
		} finally {
			await trigger.close();
		}
	});

	test('to a private message from the OneBot Webhook Trigger: a private message to the sender', async () => {
		bot.resetBehaviour();
		const server = await startWebhook({
			node: new OneBotWebhookTrigger(),
			parameters: { signature: 'secret', secret: 'reply-Secret-1' },
			workflowId: 'wf-reply',
		});
		try {
			await bot.postEvent(server.url, privateMessageEvent(SELF, 20001, 'hello'), { secret: 'reply-Secret-1' });
			const [item] = server.executions[0];
			const from = bot.calls.length;
			const result = await run(bot, reply({ quote: false }), { items: [{ json: item }] });
			assert.equal(result.error, undefined);
			const [call] = sent('send_private_msg', from);
			assert.equal(call.params.user_id, 20001);
			assert.equal(call.params.message, 'pong');
			assert.equal(call.params.auto_escape, true);
		} finally {
			await server.close();
		}
	});

	test('an item that did not come from a trigger: an error saying what is missing, nothing sent', async () => {
		const from = bot.calls.length;
		const result = await run(bot, reply(), { items: [{ json: { text: 'hello' } }] });
		assert.match(String(result.error?.message), /no message_type, group_id or user_id/);
		assert.match(String(result.error?.message), /OneBot Trigger/);
		assert.equal(bot.calls.length, from);
	});
});
