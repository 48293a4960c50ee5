// OneBot node under n8n's node settings, as n8n-core's WorkflowExecute applies them: Retry On Fail
// (n8n runs the whole node again, with the same run index, when it throws or its first output item
// has an `error`), Execute Once, Always Output Data, no input items.
import { byId, run, sendGroup, textItems } from './setup';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { INodeExecutionData } from 'n8n-workflow';

import { FakeOneBot, type OneBotCall } from '../fakes/onebot';

let bot: FakeOneBot;

before(async () => {
	bot = await FakeOneBot.start({ selfId: 10001 });
});
after(async () => {
	await bot.close();
});

function sent(action: string, from = 0): OneBotCall[] {
	return bot.calls.slice(from).filter((c) => c.action === action);
}

const retry = { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 };

describe('Retry On Fail', () => {
	test('many groups, the first failing once: the retry sends to it alone, not again to the groups that got it', async () => {
		bot.resetBehaviour();
		let failedOnce = false;
		bot.setHandler('send_group_msg', (params) => {
			if (params.group_id === 300 && !failedOnce) {
				failedOnce = true;
				throw Object.assign(new Error('busy'), { retcode: 200 });
			}
			return { message_id: Number(params.group_id) + 1 };
		});
		const from = bot.calls.length;
		const result = await run(bot, sendGroup({ targetMode: 'list', targetIds: '300, 200, 100', text: 'announcement' }), {
			nodeSettings: retry,
		});
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.group_id), [300, 200, 100, 300]);
		assert.deepEqual(result.output.map((o) => [o.json.group_id, o.json.success, o.json.message_id]), [
			[300, true, 301],
			[200, true, 201],
			[100, true, 101],
		]);
	});

	test('items sent before the failing one are not sent again by the retry', async () => {
		bot.resetBehaviour();
		let failedOnce = false;
		bot.setHandler('send_group_msg', (params) => {
			if (String(params.message) === 'message 2' && !failedOnce) {
				failedOnce = true;
				throw Object.assign(new Error('busy'), { retcode: 200 });
			}
			return { message_id: String(params.message).length };
		});
		const from = bot.calls.length;
		const items = textItems(4);
		const result = await run(bot, sendGroup(), { items, nodeSettings: retry });
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.message), ['message 0', 'message 1', 'message 2', 'message 2', 'message 3']);
		assert.equal(result.output.length, 4);
	});

	test('On Error Continue: a first item failing makes n8n run the node again; only that item is sent again', async () => {
		bot.resetBehaviour();
		let failedOnce = false;
		bot.setHandler('send_group_msg', (params) => {
			if (String(params.message) === 'message 0' && !failedOnce) {
				failedOnce = true;
				throw Object.assign(new Error('busy'), { retcode: 200 });
			}
			return { message_id: String(params.message).length };
		});
		const from = bot.calls.length;
		const items = textItems(3);
		const result = await run(bot, sendGroup(), { items, nodeSettings: { ...retry, onError: 'continueRegularOutput' } });
		bot.resetBehaviour();
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.message), ['message 0', 'message 1', 'message 2', 'message 0']);
		assert.deepEqual(result.output.map((o) => [o.json.message_id, o.pairedItem]), [
			[9, { item: 0 }],
			[9, { item: 1 }],
			[9, { item: 2 }],
		]);
	});

	test('a failure on every try: each try sends only what has not gone yet, and the node fails', async () => {
		bot.resetBehaviour();
		bot.setHandler('send_group_msg', (params) => {
			if (String(params.message) === 'message 1') throw Object.assign(new Error('muted'), { retcode: 120 });
			return { message_id: 1 };
		});
		const from = bot.calls.length;
		const items = textItems(3);
		const result = await run(bot, sendGroup(), { items, nodeSettings: { ...retry, maxTries: 3 } });
		bot.resetBehaviour();
		assert.match(String(result.error?.message), /muted/);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.message), ['message 0', 'message 1', 'message 1', 'message 1']);
	});

	test('a send that got no answer in time is not sent again (it may have arrived): the retry fails saying so', async () => {
		bot.resetBehaviour();
		let calls = 0;
		bot.setHandler('send_group_msg', async () => {
			calls++;
			// the first answer comes after the node's 1 s timeout
			if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 1500));
			return { message_id: 5 };
		});
		const from = bot.calls.length;
		const result = await run(bot, sendGroup({ text: 'once', options: { timeout: 1 } }), { nodeSettings: retry });
		bot.resetBehaviour();
		assert.equal(sent('send_group_msg', from).length, 1);
		assert.match(String(result.error?.message), /send_group_msg was not sent again.*may have been delivered/);
	});

	test('over WebSocket, a send whose connection closed while it waited is not sent again (it may have arrived); a refused one is', async () => {
		bot.resetBehaviour();
		let calls = 0;
		bot.setHandler('send_group_msg', async () => {
			calls++;
			if (calls === 1) {
				// the backend got it, then the connection dropped before the answer
				bot.dropConnections({ terminate: true });
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			return { message_id: 5 };
		});
		const from = bot.calls.length;
		const dropped = await run(bot, sendGroup({ text: 'once', options: { transport: 'websocket' } }), { nodeSettings: retry });
		assert.equal(sent('send_group_msg', from).length, 1);
		assert.match(String(dropped.error?.message), /send_group_msg was not sent again: an earlier try lost its answer when the connection closed or was reset/);
		// a send the backend refused (a failed retcode) is tried again
		bot.resetBehaviour();
		bot.fail('send_group_msg', 120, 'MUTED');
		const refused = await run(bot, sendGroup({ text: 'twice', options: { transport: 'websocket' } }), { nodeSettings: retry });
		bot.resetBehaviour();
		assert.match(String(refused.error?.message), /MUTED/);
		assert.equal(sent('send_group_msg', from).filter((c) => c.params.message === 'twice').length, 2);
	});

	test('over HTTP, a send whose connection was reset while it waited is not sent again (it may have arrived)', async () => {
		bot.resetBehaviour();
		let calls = 0;
		bot.setHandler('send_group_msg', async () => {
			calls++;
			if (calls === 1) {
				bot.dropHttpConnections();
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			return { message_id: 5 };
		});
		const from = bot.calls.length;
		const result = await run(bot, sendGroup({ text: 'once' }), { nodeSettings: retry });
		bot.resetBehaviour();
		assert.equal(sent('send_group_msg', from).length, 1);
		assert.match(String(result.error?.message), /send_group_msg was not sent again: an earlier try lost its answer/);
	});

	test('many groups: a group whose send got no answer in time is not sent to again; a group that failed is', async () => {
		bot.resetBehaviour();
		const seen: number[] = [];
		bot.setHandler('send_group_msg', async (params) => {
			const group = Number(params.group_id);
			seen.push(group);
			if (group === 300 && seen.filter((g) => g === 300).length === 1) await new Promise((resolve) => setTimeout(resolve, 1500));
			if (group === 200 && seen.filter((g) => g === 200).length === 1) throw Object.assign(new Error('busy'), { retcode: 200 });
			return { message_id: group + 1 };
		});
		const result = await run(bot, sendGroup({ targetMode: 'list', targetIds: '300, 200, 100', text: 'x', options: { timeout: 1 } }), {
			nodeSettings: retry,
		});
		bot.resetBehaviour();
		assert.deepEqual(seen, [300, 200, 100, 200]);
		assert.deepEqual(result.output.map((o) => [o.json.group_id, o.json.success]), [
			[300, false],
			[200, true],
			[100, true],
		]);
		assert.match(String(result.output[0].json.error), /not sent again/);
	});

	test('a forward message made of the input items (one call): got no answer in time, it is not sent again', async () => {
		bot.resetBehaviour();
		let calls = 0;
		bot.setHandler('send_group_forward_msg', async () => {
			calls++;
			if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 1500));
			return { message_id: 6 };
		});
		const from = bot.calls.length;
		const items: INodeExecutionData[] = [
			{ json: { name: 'Alice', uin: '20001', content: 'hello' } },
			{ json: { name: 'Bob', uin: '20002', content: 'hi' } },
		];
		const result = await run(
			bot,
			{ resource: 'message', operation: 'send_group_forward_msg', group_id: byId('100001'), forwardSource: 'items', options: { timeout: 1 } },
			{ items, nodeSettings: retry },
		);
		bot.resetBehaviour();
		assert.equal(sent('send_group_forward_msg', from).length, 1);
		assert.match(String(result.error?.message), /send_group_forward_msg was not sent again/);
	});

	test('without Retry On Fail each execution sends anew (nothing is remembered between executions)', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		await run(bot, sendGroup({ text: 'same' }));
		await run(bot, sendGroup({ text: 'same' }), { nodeSettings: retry });
		await run(bot, sendGroup({ text: 'same' }), { nodeSettings: retry });
		assert.equal(sent('send_group_msg', from).length, 3);
	});
});

describe('A node run again in a loop (run index 1, 2, …)', () => {
	test('each run sends its items again; Retry On Fail keeps nothing from the run before', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const items = textItems(2);
		const result = await run(bot, sendGroup(), { items, loopRuns: 2, nodeSettings: retry });
		assert.equal(result.error, undefined);
		assert.equal(result.runs.length, 2);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.message), ['message 0', 'message 1', 'message 0', 'message 1']);
	});
});

describe('Execute Once, Always Output Data', () => {
	test('Execute Once: one call, for the first item, its result paired with it', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const items = textItems(3);
		const result = await run(bot, sendGroup(), { items, nodeSettings: { executeOnce: true } });
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.message), ['message 0']);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }]);
	});

	test('an empty list gives no item; with Always Output Data n8n gives one empty item', async () => {
		bot.resetBehaviour();
		bot.setHandler('get_group_list', () => []);
		const empty = await run(bot, { resource: 'group', operation: 'get_group_list' });
		const always = await run(bot, { resource: 'group', operation: 'get_group_list' }, { nodeSettings: { alwaysOutputData: true } });
		bot.resetBehaviour();
		assert.equal(empty.error, undefined);
		assert.deepEqual(empty.output, []);
		assert.deepEqual(always.output.map((o) => o.json), [{}]);
	});

	test('an item with binary data only: the node sends the typed text and keeps no binary in its output', async () => {
		bot.resetBehaviour();
		const from = bot.calls.length;
		const items: INodeExecutionData[] = [{ json: {}, binary: { data: { data: Buffer.from('x').toString('base64'), mimeType: 'text/plain', fileName: 'x.txt' } } }];
		const result = await run(bot, sendGroup({ text: 'fixed' }), { items });
		assert.equal(result.error, undefined);
		assert.deepEqual(sent('send_group_msg', from).map((c) => c.params.message), ['fixed']);
		assert.equal(result.output[0].binary, undefined);
	});
});

