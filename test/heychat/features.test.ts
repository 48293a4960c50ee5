// Heychat node features against the fake API: Batching (ordered outputs, pairedItem,
// continueOnFail per item, requests in flight), the credential's Send Rate, Send Channel Message
// to a list of channels, and Reply to items made by the real Heychat Trigger.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FakeHeychat, failed, fakeRoom, ok } from '../fakes/heychat';
import { activateTrigger } from '../trigger/context';
import { HeychatTrigger } from '../trigger/nodes';
import { paceWindow, type Clock } from '../../nodes/shared/batch';
import { realClock } from '../../nodes/shared/batch/clock';
import { HEYCHAT_LIMITS, heychatPacing } from '../../nodes/Heychat/transport/pacing';
import { BIG_CHANNEL, BIG_MSG, BIG_ROOM, OTHER_CHANNEL, OTHER_ROOM, imageItem, png, run, sendChannelMessage as send, textItems } from './setup';

const SEND = '/chatroom/v2/channel_msg/send';
const PRIVATE = '/chatroom/v3/msg/user';

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());


const batching = (batch: INodeParameters): INodeParameters => ({ options: { batching: { batch } } });
const bodies = (path = SEND) => fake.callsTo(path).map((c) => c.json as Record<string, unknown>);

/** Holds each send until `hold` are in flight (or 2 s pass), answers the later ones first; records the most in flight. */
function holdUntilInFlight(hold: number, failText?: string) {
	const state = { inFlight: 0, max: 0 };
	let waiting: Array<() => void> = [];
	fake.on(SEND, async (call) => {
		state.inFlight++;
		state.max = Math.max(state.max, state.inFlight);
		await new Promise<void>((resolve) => {
			waiting.push(resolve);
			if (waiting.length >= hold) {
				const release = waiting.reverse();
				waiting = [];
				release.forEach((r, i) => setTimeout(r, i * 5));
			} else setTimeout(resolve, 2000);
		});
		state.inFlight--;
		const msg = (call.json as IDataObject).msg;
		if (failText !== undefined && msg === failText) return { body: failed('权限不足，无法发言') };
		return { body: ok({ chatmobile_ack_id: '1', msg_id: `9${String(msg).slice(-1)}`, heychat_ack_id: '0' }) };
	});
	return state;
}

describe('Batching', () => {
	test('Concurrency 3: three requests in flight; outputs in input order, each paired to its item', async () => {
		const state = holdUntilInFlight(3);
		const result = await run(fake, send(batching({ batchSize: 0, batchInterval: 0, concurrency: 3 })), { items: textItems(6) });
		assert.equal(result.error, undefined);
		assert.equal(state.max, 3);
		assert.deepEqual(result.output.map((o) => o.json.msg_id), ['90', '91', '92', '93', '94', '95']);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3, 4, 5].map((item) => ({ item })));
	});

	test('continueOnFail: the failing item gets its error item in place', async () => {
		holdUntilInFlight(3, 'message 1');
		const result = await run(fake, send(batching({ batchSize: 0, batchInterval: 0, concurrency: 3 })), {
			items: textItems(3),
			continueOnFail: true,
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		assert.equal(result.output[0].json.msg_id, '90');
		assert.match(String(result.output[1].json.error), /权限不足/);
		assert.equal(result.output[2].json.msg_id, '92');
	});

	test('Items per Batch and Batch Interval: the next batch starts after the interval', async () => {
		const result = await run(fake, send(batching({ batchSize: 2, batchInterval: 200, concurrency: 2 })), { items: textItems(4) });
		assert.equal(result.error, undefined);
		const at = fake.callsTo(SEND).map((c) => c.at);
		assert.equal(at.length, 4);
		assert.ok(at[2] - at[1] >= 190, `gap between batches ${at[2] - at[1]} ms`);
	});
});

describe('Send Rate', () => {
	test('sends are spaced by the credential rate (300/min = 200 ms), across items and executions', async () => {
		const other = await FakeHeychat.start();
		try {
			const credentialOverrides = { sendRate: '300' };
			const parameters = send(batching({ batchSize: 0, batchInterval: 0, concurrency: 4 }));
			assert.equal((await run(other, parameters, { items: textItems(3), credentialOverrides })).error, undefined);
			assert.equal((await run(other, parameters, { items: textItems(2), credentialOverrides })).error, undefined);
			const at = other.callsTo(SEND).map((c) => c.at);
			assert.equal(at.length, 5);
			const gaps = at.slice(1).map((t, i) => t - at[i]);
			// Slots are 200 to 240 ms apart (jitter); what the fake sees varies by the time a request
			// takes to arrive, so each gap gets 50 ms of slack and the whole span 20 ms.
			for (const gap of gaps) assert.ok(gap >= 150, `gaps ${gaps.join(', ')} ms`);
			assert.ok(at[at.length - 1] - at[0] >= (at.length - 1) * 200 - 20, `gaps ${gaps.join(', ')} ms`);
		} finally {
			await other.close();
		}
	});
});

describe('Stopping the execution', () => {
	/** Runs `parameters` for `n` items on a fake of its own and stops the execution while the first message is being answered. */
	async function stopDuringFirstSend(n: number, parameters: INodeParameters, credentialOverrides: Record<string, string> = {}) {
		const other = await FakeHeychat.start();
		try {
			let cancel: (() => void) | undefined;
			other.on(SEND, () => {
				cancel?.();
				return undefined;
			}, 1);
			const started = performance.now();
			const result = await run(other, parameters, { items: textItems(n), credentialOverrides, onStarted: (stop) => (cancel = stop) });
			assert.ok(cancel, 'the run started');
			return { result, sent: other.callsTo(SEND).length, took: performance.now() - started };
		} finally {
			await other.close();
		}
	}

	test('a send waiting for its Send Rate slot is not sent once the execution is stopped', async () => {
		// the others wait for their slot
		const { result, sent } = await stopDuringFirstSend(4, send(), { sendRate: '600' });
		assert.equal(sent, 1, 'nothing is sent after the stop');
		assert.equal(result.output.length, 0);
	});

	test('the wait between batches ends at once when the execution is stopped, and the batches after it are not sent', async () => {
		const { sent, took } = await stopDuringFirstSend(3, send(batching({ batchSize: 1, batchInterval: 10_000, concurrency: 1 })));
		assert.equal(sent, 1, 'nothing is sent after the stop');
		assert.ok(took < 5_000, `the stopped execution ended after ${Math.round(took)} ms, not after the 10 s Batch Interval`);
	});

	test('a private message waiting for the 9-per-minute budget is not sent once the execution is stopped, and the wait ends at once', async () => {
		const other = await FakeHeychat.start();
		try {
			let cancel: (() => void) | undefined;
			// the 9th private message is being answered: the 10th would wait about a minute for its slot
			other.on(PRIVATE, () => {
				if (other.callsTo(PRIVATE).length === 9) setImmediate(() => cancel?.());
				return undefined;
			});
			const started = performance.now();
			await run(
				other,
				{ resource: 'message', operation: 'send_private_message', to_user_id: '={{ 1000 + $itemIndex }}', messageType: 'text', text: 'hi' },
				{ items: textItems(10), onStarted: (stop) => (cancel = stop) },
			);
			assert.equal(other.callsTo(PRIVATE).length, 9, 'the 10th private message is not sent');
			const took = performance.now() - started;
			assert.ok(took < 30_000, `the stopped execution ended after ${Math.round(took)} ms, not after the minute-long wait`);
		} finally {
			await other.close();
		}
	});
});

describe("Heychat's documented limits", () => {
	test('every request and every private message takes a slot of the bot\'s shared per-minute budget', async () => {
		const other = await FakeHeychat.start();
		try {
			const result = await run(
				other,
				{
					resource: 'message',
					operation: 'send_private_message',
					to_user_id: '={{ 1000 + $itemIndex }}',
					messageType: 'text',
					text: 'hi',
				},
				{ items: textItems(9) },
			);
			assert.equal(result.error, undefined);
			assert.equal(other.callsTo(PRIVATE).length, 9);
			// Ask the same budgets (as the node computes their key) for one more slot, without waiting:
			// nine private messages went out within the last minute, so the tenth would wait about a minute.
			const { key } = heychatPacing({ token: other.token, apiBaseUrl: other.url });
			// the node's clock, without sleeping
			const now: Clock = { now: realClock.now, sleep: async () => undefined };
			const privateWait = await paceWindow(`${key}:private`, HEYCHAT_LIMITS.privateMessagesPerMinute, 60_000, { clock: now });
			assert.ok(privateWait > 50_000, `the 10th private message would wait ${privateWait} ms`);
			const requestWait = await paceWindow(`${key}:all`, 9, 60_000, { clock: now });
			assert.ok(requestWait > 50_000, `nine requests recorded: ${requestWait} ms`);
		} finally {
			await other.close();
		}
	});

	test('with "Stay Within Heychat\'s Limits" off nothing is recorded', async () => {
		const other = await FakeHeychat.start();
		try {
			const result = await run(other, send(), { items: textItems(2), credentialOverrides: { withinLimits: false as unknown as string } });
			assert.equal(result.error, undefined);
			const { key } = heychatPacing({ token: other.token, apiBaseUrl: other.url });
			// the node's clock, without sleeping
			const now: Clock = { now: realClock.now, sleep: async () => undefined };
			assert.equal(await paceWindow(`${key}:all`, 1, 60_000, { clock: now }), 0);
		} finally {
			await other.close();
		}
	});
});

describe('On Error: Continue (using error output)', () => {
	test('a failed item goes to the error output with its error and pairedItem; the sent ones to the success output', async () => {
		fake.on(SEND, (call) => ((call.json as IDataObject).msg === 'bad 1' ? { body: failed('权限不足，无法发言') } : undefined));
		const result = await run(fake, send(), {
			items: [{ json: { text: 'good 0' } }, { json: { text: 'bad 1' } }, { json: { text: 'good 2' } }],
			nodeSettings: { onError: 'continueErrorOutput' },
		});
		assert.equal(result.error, undefined);
		const [success, failure] = result.outputs;
		assert.deepEqual(success.map((o) => o.pairedItem), [{ item: 0 }, { item: 2 }]);
		assert.equal(failure?.length, 1, `error output: ${JSON.stringify(failure)}`);
		assert.deepEqual(failure[0].pairedItem, { item: 1 });
		assert.equal(failure[0].json.text, 'bad 1', "the input item's fields beside the error");
		assert.match(String((failure[0].json.error as Record<string, unknown>).message), /权限不足/);
	});

	test('a list of channels: a failing channel goes to the error output, the others to the success output', async () => {
		fake.on(SEND, (call) => ((call.json as IDataObject).channel_id === OTHER_CHANNEL ? { body: failed('请加入房间后再发送消息') } : undefined));
		const result = await run(fake, send({ targetMode: 'list', targetIds: `${BIG_ROOM}/${BIG_CHANNEL}\n${OTHER_ROOM}/${OTHER_CHANNEL}`, text: 'x' }), {
			nodeSettings: { onError: 'continueErrorOutput' },
		});
		assert.equal(result.error, undefined);
		const [success, failure] = result.outputs;
		assert.deepEqual(success.map((o) => o.json.channel_id), [BIG_CHANNEL]);
		const errors = (failure ?? []).map((o) => o.json.error as Record<string, unknown>);
		assert.deepEqual(errors.map((e) => [e.room_id, e.channel_id, e.success]), [[OTHER_ROOM, OTHER_CHANNEL, false]]);
		assert.match(String(errors[0].message), /请加入房间/);
	});
});

describe('Send Channel Message to a list of channels', () => {
	test('one item per channel in list order; a failing channel carries its error; each has its own ack id', async () => {
		fake.on(SEND, (call) => ((call.json as IDataObject).channel_id === OTHER_CHANNEL ? { body: failed('请加入房间后再发送消息') } : undefined));
		const result = await run(
			fake,
			send({
				targetMode: 'list',
				targetIds: `${BIG_ROOM}/${BIG_CHANNEL}\n${OTHER_ROOM}/${OTHER_CHANNEL}, ${BIG_ROOM}:3665944781964836865`,
				text: 'announcement',
			}),
		);
		assert.equal(result.error, undefined);
		const sent = bodies();
		assert.deepEqual(
			sent.map((b) => [b.room_id, b.channel_id]),
			[
				[BIG_ROOM, BIG_CHANNEL],
				[OTHER_ROOM, OTHER_CHANNEL],
				[BIG_ROOM, '3665944781964836865'],
			],
		);
		assert.equal(new Set(sent.map((b) => b.heychat_ack_id)).size, 3);
		assert.deepEqual(
			result.output.map((o) => [o.json.channel_id, o.json.success]),
			[
				[BIG_CHANNEL, true],
				[OTHER_CHANNEL, false],
				['3665944781964836865', true],
			],
		);
		assert.match(String(result.output[1].json.error), /请加入房间/);
		assert.ok(result.output.every((o) => JSON.stringify(o.pairedItem) === JSON.stringify({ item: 0 })));
	});

	test('a list typed the Chinese way: 、 and ， separate the room/channel pairs', async () => {
		const result = await run(fake, send({ targetMode: 'list', targetIds: `${BIG_ROOM}/${BIG_CHANNEL}、${OTHER_ROOM}/${OTHER_CHANNEL}，${BIG_ROOM}/3665944781964836865`, text: 'hi' }));
		assert.equal(result.error, undefined);
		assert.deepEqual(
			bodies().map((b) => [b.room_id, b.channel_id]),
			[
				[BIG_ROOM, BIG_CHANNEL],
				[OTHER_ROOM, OTHER_CHANNEL],
				[BIG_ROOM, '3665944781964836865'],
			],
		);
	});

	test('Retry On Fail: a channel whose send was delivered but lost its answer is confirmed by the duplicate refusal; the channel that answered is not sent to again', async () => {
		fake.loseAnswerNext(SEND);
		const result = await run(
			fake,
			send({ targetMode: 'list', targetIds: `${BIG_ROOM}/${BIG_CHANNEL}\n${OTHER_ROOM}/${OTHER_CHANNEL}`, text: 'x', options: { timeout: 1 } }),
			{ nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(
			bodies().map((b) => b.channel_id),
			[BIG_CHANNEL, OTHER_CHANNEL, BIG_CHANNEL],
			'the retry sends only to the channel whose answer was lost',
		);
		assert.deepEqual(
			fake.messages.map((m) => m.body.channel_id),
			[BIG_CHANNEL, OTHER_CHANNEL],
			'each channel has the message once',
		);
		assert.deepEqual(
			result.output.map((o) => [o.json.channel_id, o.json.success, o.json.delivered, o.json.confirmedBy, typeof o.json.msg_id]),
			[
				[BIG_CHANNEL, true, true, 'duplicate ack id', 'undefined'],
				[OTHER_CHANNEL, true, undefined, undefined, 'string'],
			],
		);
	});

	test('ids that reached the list as numbers beyond 2^53 (digits already lost) fail naming the field; nothing is sent to a rounded id', async () => {
		const result = await run(fake, send({ targetMode: 'list', targetIds: `={{ [{ room_id: ${BIG_ROOM}, channel_id: ${BIG_CHANNEL} }] }}`, text: 'x' }));
		assert.match(String(result.error?.message), /targetIds.*entry 1.*precision/);
		assert.equal(fake.calls.length, 0);
	});

	test('a JSON array of {room_id, channel_id} works; a bad entry fails before anything is sent', async () => {
		const good = await run(fake, send({ targetMode: 'list', targetIds: JSON.stringify([{ room_id: BIG_ROOM, channel_id: BIG_CHANNEL }]), text: 'x' }));
		assert.equal(good.error, undefined);
		assert.equal(bodies().length, 1);
		fake.reset();
		const bad = await run(fake, send({ targetMode: 'list', targetIds: `${BIG_ROOM}/general`, text: 'x' }));
		assert.match(String(bad.error?.message), /targetIds.*entry 1/);
		assert.equal(fake.calls.length, 0);
	});
});

describe('Reply', () => {
	const reply = (options: INodeParameters = {}): INodeParameters => ({
		resource: 'message',
		operation: 'reply',
		messageType: 'markdown',
		text: 'pong',
		replyOptions: options,
	});

	test('to a command from the Heychat Trigger: same room and channel, quoting it, mentioning the sender', async () => {
		const trigger = await activateTrigger({
			node: new HeychatTrigger({ settleMs: 50 }),
			credentialType: 'heychatBotApi',
			credentials: fake.credentials(),
		});
		try {
			await fake.waitForGateway();
			fake.pushEvent(
				fake.event('50', {
					bot_id: 72053518,
					channel_base_info: { channel_id: BIG_CHANNEL, channel_name: 'general', channel_type: 1 },
					command_info: { id: '1831636113196855296', name: '/ping', options: [], type: 0 },
					msg_id: BIG_MSG,
					room_base_info: { room_avatar: '', room_id: BIG_ROOM, room_name: 'room' },
					send_time: 1725531286039,
					sender_info: { user_id: 43028164, nickname: 'someone' },
				}),
			);
			const [item] = await trigger.waitForEmits(1);
			fake.reset();
			const result = await run(fake, reply({ mention: true }), { items: [{ json: item }] });
			assert.equal(result.error, undefined);
			const [body] = bodies();
			assert.equal(body.room_id, BIG_ROOM);
			assert.equal(body.channel_id, BIG_CHANNEL);
			assert.equal(body.reply_id, BIG_MSG);
			assert.equal(body.msg_type, 10);
			assert.equal(body.msg, '@{id:43028164} pong');
			assert.equal(body.at_user_id, '43028164');
			assert.deepEqual(result.output[0].pairedItem, { item: 0 });
		} finally {
			await trigger.close();
		}
	});

	test('an event without a channel (a member joined): a private message to the user, no quote', async () => {
		const item = { type: '3001', data: {}, roomId: BIG_ROOM, userId: '8829926', joined: true };
		const result = await run(fake, reply(), { items: [{ json: item }] });
		assert.equal(result.error, undefined);
		const [body] = bodies(PRIVATE);
		assert.equal(body.to_user_id, 8829926);
		assert.equal(body.msg, 'pong');
		assert.equal(bodies(SEND).length, 0);
	});

	test('a reaction without room_id (as Heychat documents 5003), from the trigger: answered in its channel, the room found in the rooms the bot is in', async () => {
		// the reacted channel is a text channel inside a category of the second room
		const rooms = [fakeRoom(0), fakeRoom(1)];
		const secondRoom = rooms[1].room.room_id;
		const channel = (BigInt(secondRoom) + 11n).toString();
		fake.setRooms(rooms);
		const trigger = await activateTrigger({
			node: new HeychatTrigger({ settleMs: 50 }),
			parameters: { events: ['5003'] },
			credentialType: 'heychatBotApi',
			credentials: fake.credentials(),
		});
		let items: IDataObject[];
		try {
			await fake.waitForGateway();
			// the reference's example (APIFOX 5243816m0): no room_id
			fake.pushEvent(fake.event('5003', { channel_id: channel, emoji: '[cube_doge]', is_add: 1, msg_id: BIG_MSG, user_id: 8829926 }));
			fake.pushEvent(fake.event('5003', { channel_id: channel, emoji: '[cube_doge]', is_add: 0, msg_id: BIG_MSG, user_id: 8829926 }));
			items = await trigger.waitForEmits(2);
		} finally {
			await trigger.close();
		}
		assert.equal(items[0].roomId, undefined, 'the event as documented has no room');
		fake.reset();
		fake.setRooms(rooms);
		const result = await run(fake, reply(), { items: items.map((json) => ({ json })) });
		assert.equal(result.error, undefined);
		assert.deepEqual(
			bodies().map((b) => [b.room_id, b.channel_id, b.reply_id]),
			[
				[secondRoom, channel, BIG_MSG],
				[secondRoom, channel, BIG_MSG],
			],
		);
		assert.equal(bodies(PRIVATE).length, 0, 'not a private message to the reactor');
		// the room list and each room's channels are read once for all the items, before the sends
		assert.deepEqual(
			fake.calls.map((c) => c.path + (c.query.room_id ? ` ${c.query.room_id}` : '')),
			['/chatroom/v2/room/joined', `/chatroom/v2/room/view ${rooms[0].room.room_id}`, `/chatroom/v2/room/view ${secondRoom}`, SEND, SEND],
		);
	});

	test('a reaction without room_id in a channel of no room the bot is in: an error naming roomId and the channel, nothing sent', async () => {
		fake.setRooms([fakeRoom(0)]);
		const item = { eventType: '5003', typeName: 'reaction', channelId: BIG_CHANNEL, userId: '8829926', msgId: BIG_MSG, added: true };
		const result = await run(fake, reply(), { items: [{ json: item }] });
		assert.match(String(result.error?.message), /roomId/);
		assert.match(String(result.error?.message), new RegExp(`channel ${BIG_CHANNEL} is in no room the bot is in \\(1 read\\)`));
		assert.equal(bodies().length + bodies(PRIVATE).length, 0, 'nothing sent, not privately either');
	});

	test('a reaction without room_id: a room whose channels cannot be read is passed over, and named when no room has the channel', async () => {
		const rooms = [fakeRoom(0), fakeRoom(1)];
		fake.setRooms(rooms);
		fake.on('/chatroom/v2/room/view', (call) => (call.query.room_id === rooms[0].room.room_id ? { body: failed('权限不足') } : undefined));
		const reaction = (channelId: string) => ({ eventType: '5003', typeName: 'reaction', channelId, userId: '8829926', msgId: BIG_MSG, added: true });
		const inSecond = (BigInt(rooms[1].room.room_id) + 1n).toString();
		const found = await run(fake, reply(), { items: [{ json: reaction(inSecond) }] });
		assert.equal(found.error, undefined);
		assert.deepEqual(bodies().map((b) => [b.room_id, b.channel_id]), [[rooms[1].room.room_id, inSecond]]);
		fake.reset();
		fake.setRooms(rooms);
		fake.on('/chatroom/v2/room/view', (call) => (call.query.room_id === rooms[0].room.room_id ? { body: failed('权限不足') } : undefined));
		const missing = await run(fake, reply(), { items: [{ json: reaction(BIG_CHANNEL) }] });
		assert.match(String(missing.error?.message), /is in no room the bot is in \(2 read; the channels of 1 could not be read\)/);
		assert.equal(bodies().length, 0);
	});

	test('a private reply with Markdown With Mentions: an error naming the message type before anything is sent (DMs take msg_type 3 or 4)', async () => {
		const item = { type: '3001', data: {}, roomId: BIG_ROOM, userId: '8829926', joined: true };
		const result = await run(
			fake,
			{ ...reply(), messageType: 'markdownMentions', mentions: { users: '72053518' } },
			{ items: [{ json: item }] },
		);
		assert.match(String(result.error?.message), /Private messages can only be/);
		assert.equal(fake.calls.length, 0);
	});

	test('an item whose ids are numbers beyond 2^53 (digits already lost): an error naming the field, nothing sent to a rounded id', async () => {
		const item = { roomId: Number(BIG_ROOM), channelId: Number(BIG_CHANNEL), userId: 43028164, msgId: BIG_MSG };
		const result = await run(fake, reply(), { items: [{ json: item }] });
		assert.match(String(result.error?.message), /roomId.*precision/);
		assert.equal(fake.calls.length, 0);
	});

	test('a private reply with Reply To Message ID: an error naming replyTo before anything is sent (private messages cannot quote)', async () => {
		const item = { type: '3001', data: {}, roomId: BIG_ROOM, userId: '8829926', joined: true };
		const result = await run(fake, { ...reply(), messageOptions: { replyTo: BIG_MSG } }, { items: [{ json: item }] });
		assert.match(String(result.error?.message), /replyTo|Reply To Message ID/);
		assert.match(String(result.error?.message), /private/i);
		assert.equal(fake.calls.length, 0);
	});

	test('a private reply of an image with Reply To Message ID: refused before the image is uploaded', async () => {
		const item = imageItem({ type: '3001', data: {}, roomId: BIG_ROOM, userId: '8829926', joined: true }, 'data', png(4, 3), 'image/png', 'a.png');
		const result = await run(fake, { ...reply(), messageType: 'image', imageSource: 'binary', binaryPropertyName: 'data', messageOptions: { replyTo: BIG_MSG } }, { items: [item] });
		assert.match(String(result.error?.message), /Reply To Message ID.*private/);
		assert.equal(fake.calls.length, 0, 'nothing was uploaded or sent');
	});

	test('a private reply with Append Images: an error naming inlineImages, not a message sent without its images', async () => {
		const item = imageItem({ type: '3001', data: {}, roomId: BIG_ROOM, userId: '8829926', joined: true }, 'chart', png(4, 3), 'image/png', 'chart.png');
		const result = await run(fake, { ...reply(), messageOptions: { inlineImages: 'chart' } }, { items: [item] });
		assert.match(String(result.error?.message), /inlineImages|Append Images/);
		assert.equal(fake.calls.length, 0);
	});

	test('an item that did not come from the trigger: an error saying what is missing, nothing sent', async () => {
		const result = await run(fake, reply(), { items: [{ json: { text: 'hello' } }] });
		assert.match(String(result.error?.message), /no roomId and channelId and no userId/);
		assert.match(String(result.error?.message), /Heychat Trigger/);
		assert.equal(fake.calls.length, 0);
	});
});
