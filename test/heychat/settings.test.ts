// Heychat node under n8n's node settings, as n8n-core's WorkflowExecute applies them: Retry On Fail
// (n8n runs the whole node again, with the same run index, when it throws or its first output item
// has an `error`), Execute Once, Always Output Data, no input items.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { FakeHeychat, failed } from '../fakes/heychat';
import { BIG_CHANNEL, BIG_ROOM, OTHER_CHANNEL, OTHER_ROOM, run, sendChannelMessage as send, textItems } from './setup';

const SEND = '/chatroom/v2/channel_msg/send';

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());


const bodies = (path = SEND) => fake.callsTo(path).map((c) => c.json as Record<string, unknown>);
const retry = { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 };

/** The first send whose body matches `when` fails once ("failed" envelope); every other send succeeds. */
function failOnce(when: (body: IDataObject) => boolean): void {
	let done = false;
	fake.on(SEND, (call) => {
		if (done || !when(call.json as IDataObject)) return undefined;
		done = true;
		return { body: failed('服务繁忙') };
	});
}

describe('Retry On Fail', () => {
	test('items sent before the failing one are not sent again; the retried one keeps its ack ID', async () => {
		failOnce((body) => body.msg === 'message 2');
		const result = await run(fake, send(), { items: textItems(4), nodeSettings: retry });
		assert.equal(result.error, undefined);
		const sent = bodies();
		assert.deepEqual(sent.map((b) => b.msg), ['message 0', 'message 1', 'message 2', 'message 2', 'message 3']);
		assert.equal(sent[3].heychat_ack_id, sent[2].heychat_ack_id);
		assert.equal(new Set(sent.map((b) => b.heychat_ack_id)).size, 4);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3].map((item) => ({ item })));
	});

	test('On Error Continue, the first item failing: n8n runs the node again, only that item is sent again', async () => {
		failOnce((body) => body.msg === 'message 0');
		const result = await run(fake, send(), { items: textItems(3), nodeSettings: { ...retry, onError: 'continueRegularOutput' } });
		assert.equal(result.error, undefined);
		assert.deepEqual(bodies().map((b) => b.msg), ['message 0', 'message 1', 'message 2', 'message 0']);
		assert.ok(result.output.every((o) => o.json.error === undefined), JSON.stringify(result.output));
	});

	test('a list of channels, the first failing once: the retry sends to it alone', async () => {
		failOnce((body) => body.channel_id === BIG_CHANNEL);
		const result = await run(
			fake,
			send({ targetMode: 'list', targetIds: `${BIG_ROOM}/${BIG_CHANNEL}\n${OTHER_ROOM}/${OTHER_CHANNEL}`, text: 'x' }),
			{ nodeSettings: retry },
		);
		assert.equal(result.error, undefined);
		const sent = bodies();
		assert.deepEqual(sent.map((b) => b.channel_id), [BIG_CHANNEL, OTHER_CHANNEL, BIG_CHANNEL]);
		assert.equal(sent[2].heychat_ack_id, sent[0].heychat_ack_id);
		assert.deepEqual(result.output.map((o) => [o.json.channel_id, o.json.success]), [
			[BIG_CHANNEL, true],
			[OTHER_CHANNEL, true],
		]);
	});
});

describe('A node run again in a loop (run index 1, 2, …)', () => {
	test('each run posts its items again, each with an ack ID of its own; Retry On Fail keeps nothing from the run before', async () => {
		const result = await run(fake, send(), { items: textItems(2), loopRuns: 3, nodeSettings: retry });
		assert.equal(result.error, undefined);
		assert.equal(result.runs.length, 3);
		const sent = bodies();
		assert.deepEqual(sent.map((b) => b.msg), ['message 0', 'message 1', 'message 0', 'message 1', 'message 0', 'message 1']);
		assert.equal(new Set(sent.map((b) => b.heychat_ack_id)).size, 6);
		assert.deepEqual(
			result.runs.map((outputs) => outputs[0].map((o) => o.json.heychat_ack_id)),
			[0, 1, 2].map((r) => [sent[2 * r].heychat_ack_id, sent[2 * r + 1].heychat_ack_id]),
		);
	});
});

describe('Execute Once', () => {
	test('one post, for the first item, its result paired with it', async () => {
		const result = await run(fake, send(), { items: textItems(3), nodeSettings: { executeOnce: true } });
		assert.equal(result.error, undefined);
		assert.deepEqual(bodies().map((b) => b.msg), ['message 0']);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }]);
	});
});

