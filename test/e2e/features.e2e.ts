/**
 * Batching, Send Rate, sending to many chats and Reply in a REAL n8n, on both platforms, against the
 * fake backends on 127.0.0.1. The first part runs workflows with `n8n execute`; the Reply part runs
 * n8n with active workflows (OneBot Webhook Trigger → OneBot Reply, Heychat Trigger → Heychat Reply)
 * and feeds them events. Asserts on what the fakes received (order, spacing, calls in flight) and on
 * what n8n recorded.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { FakeHeychat, failed, fakeRoom, ok } from '../fakes/heychat';
import { FAKE_GROUPS, FakeOneBot, groupMessageEvent } from '../fakes/onebot';
import { newWorkflowId, nodeJson, nodeOutput, prepareN8n, readPackageInfo, type N8nInstance, type N8nServer } from './support/n8n';

const PKG = readPackageInfo().name;
const SELF_ID = 10001;
const ROOM = '3663316788315193344';
const CHANNEL = '3665944781964836864';
const OTHER_ROOM = '3611849174284943360';
const OTHER_CHANNEL = '3611849174307799042';
const SEND = '/chatroom/v2/channel_msg/send';

/** Unpaced credentials (Send Rate 0) for the batching runs, paced ones (300/min) for the Send Rate runs. */
const ONEBOT_FAST = { id: 'e2eFeatOneBot001', name: 'OneBot unpaced' };
const ONEBOT_PACED = { id: 'e2eFeatOneBot002', name: 'OneBot paced' };
const HEYCHAT_FAST = { id: 'e2eFeatHeychat01', name: 'Heychat unpaced' };
const HEYCHAT_PACED = { id: 'e2eFeatHeychat02', name: 'Heychat paced' };

let bot: FakeOneBot;
let hey: FakeHeychat;
let n8n: N8nInstance;
let server: N8nServer | undefined;

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
let x = 0;
function node(name: string, type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	x += 220;
	return { id: randomUUID(), name, type, typeVersion: 1, position: [x, 0], parameters, ...extra };
}
const oneBot = (name: string, credential: { id: string; name: string }, parameters: Record<string, unknown>) =>
	node(name, `${PKG}.oneBot`, parameters, { credentials: { oneBotV11Api: credential } });
const heychat = (name: string, credential: { id: string; name: string }, parameters: Record<string, unknown>) =>
	node(name, `${PKG}.heychat`, parameters, { credentials: { heychatBotApi: credential } });
const manual = { id: 'manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/** Manual → Set (a list of n texts) → Split Out: n items with `text`. */
function itemsNodes(n: number) {
	const texts = Array.from({ length: n }, (_, i) => `message ${i}`);
	return [
		node('List', 'n8n-nodes-base.set', {
			mode: 'raw',
			jsonOutput: JSON.stringify({ texts: texts.map((text) => ({ text })) }),
			options: {},
		}, { typeVersion: 3.4 }),
		node('Items', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'texts', include: 'noOtherFields', options: {} }),
	];
}

function chain(...names: string[]) {
	const out: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	for (let i = 0; i + 1 < names.length; i++) out[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return out;
}

async function runWorkflow(name: string, nodes: Array<Record<string, unknown>>) {
	const id = await n8n.importWorkflow({
		id: newWorkflowId(),
		name,
		nodes: [manual, ...nodes],
		connections: chain('Manual', ...nodes.map((n) => n.name as string)),
	});
	const res = await n8n.execute(id);
	assert.ok(res.ok, `${res.stdout.slice(-4000)}\n${res.stderr.slice(-3000)}`);
	return res.run!;
}

const batching = (concurrency: number, batchSize = 0, batchInterval = 0) => ({ batching: { batch: { batchSize, batchInterval, concurrency } } });

/** Holds each call until `hold` are in flight (or 3 s pass); records the most in flight at once. */
function inFlightRecorder(hold: number) {
	const state = { inFlight: 0, max: 0 };
	let waiting: Array<() => void> = [];
	const enter = async () => {
		state.inFlight++;
		state.max = Math.max(state.max, state.inFlight);
		await new Promise<void>((resolve) => {
			waiting.push(resolve);
			if (waiting.length >= hold) {
				const release = waiting.reverse();
				waiting = [];
				release.forEach((r, i) => setTimeout(r, i * 5));
			} else setTimeout(resolve, 3000);
		});
		state.inFlight--;
	};
	return { state, enter };
}

function gapsOf(at: number[]): number[] {
	return at.slice(1).map((t, i) => t - at[i]);
}

before(async () => {
	bot = await FakeOneBot.start({ selfId: SELF_ID });
	hey = await FakeHeychat.start();
	n8n = await prepareN8n();
	for (const [cred, sendRate] of [[ONEBOT_FAST, 0], [ONEBOT_PACED, 300]] as const) {
		await n8n.importCredential({ ...cred, type: 'oneBotV11Api', data: { ...bot.credentials(), sendRate } });
	}
	for (const [cred, sendRate] of [[HEYCHAT_FAST, 0], [HEYCHAT_PACED, 300]] as const) {
		await n8n.importCredential({ ...cred, type: 'heychatBotApi', data: { ...hey.credentials(), sendRate } });
	}
});

after(async () => {
	await n8n?.cleanup();
	await bot?.close();
	await hey?.close();
});

describe('OneBot in a real n8n', () => {
	it('Batching: Concurrency 4 over HTTP and WebSocket, outputs in input order and paired', async () => {
		bot.reset();
		const recorder = inFlightRecorder(4);
		bot.setHandler('send_group_msg', async (params) => {
			await recorder.enter();
			return { message_id: Number(String(params.message).slice(-1)) + 500 };
		});
		const run = await runWorkflow('onebot batching', [
			...itemsNodes(8),
			oneBot('Send', ONEBOT_FAST, {
				resource: 'message',
				operation: 'send_group_msg',
				group_id: rl('100001'),
				messageFormat: 'text',
				text: '={{ $json.text }}',
				options: batching(4),
			}),
			oneBot('Send over WebSocket', ONEBOT_FAST, {
				resource: 'message',
				operation: 'send_group_msg',
				group_id: rl('100002'),
				messageFormat: 'text',
				text: '={{ "again " + $json.message_id }}',
				options: { ...batching(4), transport: 'websocket' },
			}),
		]);
		assert.equal(recorder.state.max, 4);
		const out = nodeOutput(run, 'Send');
		assert.deepEqual(out.map((i) => i.json.message_id), [500, 501, 502, 503, 504, 505, 506, 507]);
		assert.deepEqual(out.map((i) => i.pairedItem), [0, 1, 2, 3, 4, 5, 6, 7].map((item) => ({ item })));
		const ws = bot.callsTo('send_group_msg').filter((c) => c.transport === 'ws');
		assert.equal(ws.length, 8);
		assert.equal(new Set(ws.map((c) => c.headers)).size, 1, 'one WebSocket connection');
		assert.deepEqual(nodeJson(run, 'Send over WebSocket').map((j) => j.message_id), [500, 501, 502, 503, 504, 505, 506, 507]);
		bot.resetBehaviour();
	});

	it('Send Rate 300/min: sends 200 ms apart; Send Group Message to a list of groups with a failing one', async () => {
		bot.reset();
		bot.setHandler('send_group_msg', (params) => {
			if (params.group_id === 666) throw Object.assign(new Error('bot muted'), { retcode: 120 });
			return { message_id: Number(params.group_id) };
		});
		const run = await runWorkflow('onebot send rate and many groups', [
			oneBot('Announce', ONEBOT_PACED, {
				resource: 'message',
				operation: 'send_group_msg',
				targetMode: 'list',
				targetIds: `${FAKE_GROUPS[1].group_id}, 666, ${FAKE_GROUPS[0].group_id}`,
				messageFormat: 'text',
				text: 'Monday announcement',
				options: {},
			}),
			{
				// once, not once per item of "Announce"
				...oneBot('Everyone but A', ONEBOT_PACED, {
					resource: 'message',
					operation: 'send_group_msg',
					targetMode: 'all',
					exceptIds: String(FAKE_GROUPS[0].group_id),
					messageFormat: 'text',
					text: 'to all groups but A',
					options: {},
				}),
				executeOnce: true,
			},
		]);
		const calls = bot.callsTo('send_group_msg');
		assert.deepEqual(calls.map((c) => c.params.group_id), [FAKE_GROUPS[1].group_id, 666, FAKE_GROUPS[0].group_id, FAKE_GROUPS[1].group_id]);
		const gaps = gapsOf(calls.map((c) => c.at));
		for (const gap of gaps) assert.ok(gap >= 150, `gaps ${gaps.join(', ')} ms`);
		const announced = nodeOutput(run, 'Announce');
		assert.deepEqual(announced.map((i) => [i.json.group_id, i.json.success]), [
			[FAKE_GROUPS[1].group_id, true],
			[666, false],
			[FAKE_GROUPS[0].group_id, true],
		]);
		assert.match(String(announced[1].json.error), /muted/);
		assert.ok(announced.every((i) => JSON.stringify(i.pairedItem) === JSON.stringify({ item: 0 })));
		assert.deepEqual(nodeJson(run, 'Everyone but A').map((j) => j.group_id), [FAKE_GROUPS[1].group_id]);
		bot.resetBehaviour();
	});
});

describe('On Error → Continue (using error output) in a real n8n', () => {
	it('OneBot to a list of groups: the failing group goes down the error output, the others down the success output', async () => {
		bot.reset();
		bot.setHandler('send_group_msg', (params) => {
			if (params.group_id === 666) throw Object.assign(new Error('bot muted'), { retcode: 120 });
			return { message_id: Number(params.group_id) };
		});
		const announce = {
			...oneBot('Announce', ONEBOT_FAST, {
				resource: 'message',
				operation: 'send_group_msg',
				targetMode: 'list',
				targetIds: `${FAKE_GROUPS[1].group_id}, 666, ${FAKE_GROUPS[0].group_id}`,
				messageFormat: 'text',
				text: 'Monday announcement',
				options: {},
			}),
			onError: 'continueErrorOutput',
		};
		const sent = node('Sent', 'n8n-nodes-base.noOp', {});
		const failedNode = node('Failed', 'n8n-nodes-base.noOp', {});
		const id = await n8n.importWorkflow({
			id: newWorkflowId(),
			name: 'onebot error output',
			nodes: [manual, announce, sent, failedNode],
			connections: {
				Manual: { main: [[{ node: 'Announce', type: 'main', index: 0 }]] },
				Announce: { main: [[{ node: 'Sent', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]] },
			},
		});
		const res = await n8n.execute(id);
		assert.ok(res.ok, `${res.stdout.slice(-4000)}\n${res.stderr.slice(-3000)}`);
		const run = res.run!;
		assert.deepEqual(nodeJson(run, 'Sent').map((j) => j.group_id), [FAKE_GROUPS[1].group_id, FAKE_GROUPS[0].group_id]);
		const failures = nodeJson(run, 'Failed').map((j) => j.error as Record<string, unknown>);
		assert.deepEqual(failures.map((e) => [e.group_id, e.success, e.retcode]), [[666, false, 120]]);
		assert.match(String(failures[0].message), /muted/);
		bot.resetBehaviour();
	});
});

describe('Heychat in a real n8n', () => {
	it('Batching: Concurrency 3, outputs in input order and paired', async () => {
		hey.reset();
		const recorder = inFlightRecorder(3);
		hey.on(SEND, async (call) => {
			await recorder.enter();
			const msg = String((call.json as Record<string, unknown>).msg);
			return { body: ok({ msg_id: `7${msg.slice(-1)}`, heychat_ack_id: '0' }) };
		});
		const run = await runWorkflow('heychat batching', [
			...itemsNodes(6),
			heychat('Send', HEYCHAT_FAST, {
				resource: 'message',
				operation: 'send_channel_message',
				room_id: rl(ROOM),
				channel_id: rl(CHANNEL),
				messageType: 'markdown',
				text: '={{ $json.text }}',
				messageOptions: {},
				options: batching(3),
			}),
		]);
		assert.equal(recorder.state.max, 3);
		const out = nodeOutput(run, 'Send');
		assert.deepEqual(out.map((i) => i.json.msg_id), ['70', '71', '72', '73', '74', '75']);
		assert.deepEqual(out.map((i) => i.pairedItem), [0, 1, 2, 3, 4, 5].map((item) => ({ item })));
	});

	it('Send Rate 300/min: sends 200 ms apart; Send Channel Message to a list of channels with a failing one', async () => {
		hey.reset();
		hey.on(SEND, (call) =>
			(call.json as Record<string, unknown>).channel_id === OTHER_CHANNEL ? { body: failed('请加入房间后再发送消息') } : undefined,
		);
		const run = await runWorkflow('heychat send rate and many channels', [
			heychat('Announce', HEYCHAT_PACED, {
				resource: 'message',
				operation: 'send_channel_message',
				targetMode: 'list',
				targetIds: `${ROOM}/${CHANNEL}\n${OTHER_ROOM}/${OTHER_CHANNEL}\n${ROOM}/3665944781964836865`,
				messageType: 'text',
				text: 'Monday announcement',
				messageOptions: {},
				options: {},
			}),
		]);
		const calls = hey.callsTo(SEND);
		assert.deepEqual(calls.map((c) => (c.json as Record<string, unknown>).channel_id), [CHANNEL, OTHER_CHANNEL, '3665944781964836865']);
		const gaps = gapsOf(calls.map((c) => c.at));
		for (const gap of gaps) assert.ok(gap >= 150, `gaps ${gaps.join(', ')} ms`);
		const out = nodeOutput(run, 'Announce');
		assert.deepEqual(out.map((i) => [i.json.channel_id, i.json.success]), [
			[CHANNEL, true],
			[OTHER_CHANNEL, false],
			['3665944781964836865', true],
		]);
	});
});

describe('Heychat to every room in a real n8n', () => {
	it('Send Channel Message to every room the bot is in: 55 rooms over two pages, except one, one without the channel, one failing', async () => {
		hey.reset();
		const rooms = Array.from({ length: 55 }, (_, i) =>
			i === 3 ? fakeRoom(i, { name: 'No Such Channel', channels: [{ channel_id: '3700000000000003021', channel_name: 'Announcements', channel_type: 0, channel_list: [] }] }) : fakeRoom(i),
		);
		hey.setRooms(rooms);
		const failing = rooms[7].room.room_id;
		hey.on(SEND, (call) => ((call.json as Record<string, unknown>).room_id === failing ? { body: failed('权限不足，无法发言') } : undefined));
		const run = await runWorkflow('heychat every room', [
			heychat('Every Room', HEYCHAT_FAST, {
				resource: 'message',
				operation: 'send_channel_message',
				targetMode: 'all',
				exceptIds: rooms[1].room.room_id,
				channelName: 'announcements',
				messageType: 'text',
				text: 'to every room',
				messageOptions: {},
				options: {},
			}),
		]);
		assert.deepEqual(hey.callsTo('/chatroom/v2/room/joined').map((c) => c.query.offset), ['0', '50']);
		const expected = rooms.filter((_, i) => i !== 1);
		const sent = hey.callsTo(SEND).map((c) => c.json as Record<string, unknown>);
		// every room but the excepted one and the one with only a voice channel of that name
		assert.deepEqual(sent.map((b) => b.room_id), expected.filter((r) => r !== rooms[3]).map((r) => r.room.room_id));
		assert.ok(sent.every((b) => b.channel_id === (BigInt(b.room_id as string) + 11n).toString() && b.channel_type === 1));
		assert.equal(new Set(sent.map((b) => b.heychat_ack_id)).size, sent.length);
		const out = nodeJson(run, 'Every Room');
		assert.deepEqual(out.map((j) => j.room_id), expected.map((r) => r.room.room_id));
		assert.deepEqual(
			out.filter((j) => j.success !== true).map((j) => [j.room_id, j.channel_id]),
			[[rooms[3].room.room_id, undefined], [failing, (BigInt(failing) + 11n).toString()]],
		);
		assert.match(String(out[2].error), /Room "No Such Channel" \(\d+\) has no text channel named "announcements" \(only a voice channel/);
		assert.match(String(out[6].error), /权限不足/);
		hey.reset();
	});
});

describe('Reply in a real n8n (active workflows)', () => {
	before(async () => {
		server = await n8n.start();
		await server.setupOwner();
		await server.createApiKey();
	});

	it('OneBot Webhook Trigger → Reply: answers in the group, quoting the message and mentioning the sender', async () => {
		bot.reset();
		const webhookId = randomUUID();
		const trigger = { id: randomUUID(), name: 'Trigger', type: `${PKG}.oneBotWebhookTrigger`, typeVersion: 1, position: [0, 0], parameters: {}, webhookId };
		const id = await server!.createWorkflow({
			name: 'onebot reply e2e',
			nodes: [
				trigger,
				oneBot('Reply', ONEBOT_FAST, {
					resource: 'message',
					operation: 'reply',
					messageFormat: 'text',
					text: '={{ "you said: " + $json.text }}',
					replyOptions: { mention: true },
					options: {},
				}),
			],
			connections: chain('Trigger', 'Reply'),
		});
		await server!.activate(id);
		const url = `${server!.baseUrl}/webhook/${webhookId}/onebot`;
		const event = groupMessageEvent(SELF_ID, 100002, 30003, [{ type: 'text', data: { text: 'ping' } }]);
		const deadline = performance.now() + 15_000;
		while ((await bot.postEvent(url, event)).status === 404) {
			assert.ok(performance.now() < deadline, 'the webhook never answered');
			await new Promise((r) => setTimeout(r, 200));
		}
		await server!.waitForExecutions(id, 1);
		const calls = bot.callsTo('send_group_msg');
		assert.equal(calls.length, 1);
		assert.equal(calls[0].params.group_id, 100002);
		assert.deepEqual(calls[0].params.message, [
			{ type: 'reply', data: { id: String(event.message_id) } },
			{ type: 'at', data: { qq: '30003' } },
			{ type: 'text', data: { text: ' ' } },
			{ type: 'text', data: { text: 'you said: ping' } },
		]);
		await server!.deactivate(id);
	});

	it('Heychat Trigger → Reply: answers in the command\'s channel, quoting it', async () => {
		hey.reset();
		const before = hey.gatewayConnections.length;
		const id = await server!.createWorkflow({
			name: 'heychat reply e2e',
			nodes: [
				{
					id: randomUUID(),
					name: 'Trigger',
					type: `${PKG}.heychatTrigger`,
					typeVersion: 1,
					position: [0, 0],
					parameters: { events: ['50'] },
					credentials: { heychatBotApi: HEYCHAT_FAST },
				},
				heychat('Reply', HEYCHAT_FAST, {
					resource: 'message',
					operation: 'reply',
					messageType: 'text',
					text: '={{ "pong to " + $json.command }}',
					messageOptions: {},
					replyOptions: {},
					options: {},
				}),
			],
			connections: chain('Trigger', 'Reply'),
		});
		await server!.activate(id);
		await hey.waitForGateway(before + 1, 15_000);
		hey.pushEvent(
			hey.event('50', {
				bot_id: 72053518,
				channel_base_info: { channel_id: OTHER_CHANNEL, channel_name: 'general', channel_type: 1 },
				command_info: { id: '1831636113196855296', name: '/ping', options: [], type: 0 },
				msg_id: '1831637085605466199',
				room_base_info: { room_avatar: '', room_id: OTHER_ROOM, room_name: 'Second Room' },
				send_time: 1725531286039,
				sender_info: { nickname: 'someone', user_id: 43028164 },
			}),
		);
		await server!.waitForExecutions(id, 1, 15_000);
		const deadline = performance.now() + 10_000;
		while (hey.callsTo(SEND).length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
		const [body] = hey.callsTo(SEND).map((c) => c.json as Record<string, unknown>);
		assert.ok(body, 'the reply was sent');
		assert.equal(body.room_id, OTHER_ROOM);
		assert.equal(body.channel_id, OTHER_CHANNEL);
		assert.equal(body.reply_id, '1831637085605466199');
		assert.equal(body.msg, 'pong to /ping');
		await server!.deactivate(id);
	});
});
