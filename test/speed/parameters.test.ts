// Parameters without an expression are read once per execution; those with one still per item.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { byId, run, TOKEN, wireParams } from '../onebot/setup';
import { run as runHeychat, BIG_CHANNEL, BIG_ROOM } from '../heychat/setup';
import { FakeOneBot } from '../fakes/onebot';
import { FakeHeychat } from '../fakes/heychat';

let bot: FakeOneBot;
let hey: FakeHeychat;
before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN });
	hey = await FakeHeychat.start();
});
after(async () => {
	await bot.close();
	await hey.close();
});

const items = [{ json: { i: 0, g: '100001' } }, { json: { i: 1, g: '100002' } }, { json: { i: 2, g: '100003' } }];

test('OneBot: expressions are resolved per item, constants are the same for every item', async () => {
	const result = await run(
		bot,
		{
			resource: 'message',
			operation: 'send_group_msg',
			group_id: { __rl: true, mode: 'id', value: '={{ $json.g }}' },
			messageFormat: 'text',
			text: '={{ "hi " + $json.i }}',
		},
		{ items },
	);
	assert.equal(result.error, undefined);
	assert.deepEqual(bot.callsTo('send_group_msg').map((c) => wireParams(c)), [
		{ group_id: 100001, message: 'hi 0', auto_escape: true },
		{ group_id: 100002, message: 'hi 1', auto_escape: true },
		{ group_id: 100003, message: 'hi 2', auto_escape: true },
	]);
	bot.reset();
	await run(bot, { resource: 'message', operation: 'send_group_msg', group_id: byId('100001'), messageFormat: 'text', text: 'same' }, { items });
	assert.deepEqual(bot.callsTo('send_group_msg').map((c) => wireParams(c).message), ['same', 'same', 'same']);
});

test('Heychat: an expression inside a collection (message options) is resolved per item', async () => {
	const result = await runHeychat(
		hey,
		{
			resource: 'message',
			operation: 'send_channel_message',
			room_id: byId(BIG_ROOM),
			channel_id: byId(BIG_CHANNEL),
			messageType: 'text',
			text: 'x',
			messageOptions: { ackId: '={{ "ack" + $json.i }}' },
		},
		{ items },
	);
	assert.equal(result.error, undefined);
	assert.deepEqual(
		hey.callsTo('/chatroom/v2/channel_msg/send').map((c) => (c.json as { heychat_ack_id: string }).heychat_ack_id),
		['ack0', 'ack1', 'ack2'],
	);
});
