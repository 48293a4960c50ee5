// Heychat Trigger against the fake Heychat gateway (test/fakes/heychat.ts), run in n8n-core's
// TriggerContext / WorkflowExecute (test/trigger/context.ts).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { HeychatTriggerTuning } from '../../nodes/Heychat/trigger/trigger';
import { COMMON_QUERY, FakeHeychat, GATEWAY_PATH, type JsonObject } from '../fakes/heychat';
import { activateTrigger, activeHandles, delay, leakedHandles, runManualTrigger, waitFor, type ActiveTrigger } from './context';
import { HeychatTrigger } from './nodes';

const TOKEN = 'SGV5Y2hhdFRva2VuOzcyMDUzNTE4O3NlY3JldA-4242';
const ROOM = '3663316788315193344';
const CHANNEL = '3665944781964836864';
const OTHER_ROOM = '3611849174284943360';
const OTHER_CHANNEL = '3611849174307799042';

/** Short backoff, close waits and settle; a long PING interval unless a test sets one. */
const FAST: HeychatTriggerTuning = {
	pingIntervalMs: 10_000,
	settleMs: 300,
	connection: { backoff: { initialMs: 20, maxMs: 80, jitter: 0 }, closeTimeoutMs: 500 },
};
const fastNode = (tuning: HeychatTriggerTuning = {}) =>
	new HeychatTrigger({ ...FAST, ...tuning, connection: { ...FAST.connection, ...tuning.connection } });

const fakes: FakeHeychat[] = [];
const triggers: ActiveTrigger[] = [];
after(async () => {
	await Promise.all(triggers.map(async (t) => await t.close()));
	await Promise.all(fakes.map(async (f) => await f.close()));
});

async function fakeHeychat(): Promise<FakeHeychat> {
	const fake = await FakeHeychat.start({ token: TOKEN });
	fakes.push(fake);
	return fake;
}

async function activate(
	hey: FakeHeychat,
	parameters: INodeParameters = {},
	tuning: HeychatTriggerTuning = {},
	credentials: Record<string, string> = {},
): Promise<ActiveTrigger> {
	const trigger = await activateTrigger({
		node: fastNode(tuning),
		parameters,
		credentialType: 'heychatBotApi',
		credentials: hey.credentials(credentials),
	});
	triggers.push(trigger);
	return trigger;
}

function assertNoToken(trigger: ActiveTrigger): void {
	for (const line of trigger.logs) assert.ok(!line.message.includes(TOKEN), `token in log: ${line.message}`);
	for (const error of [...trigger.errors, ...trigger.failedExecutions]) {
		assert.ok(!error.message.includes(TOKEN), `token in error: ${error.message}`);
		assert.ok(!JSON.stringify(error).includes(TOKEN), 'token in error details');
	}
	assert.ok(!JSON.stringify(trigger.emitted).includes(TOKEN), 'token in output');
}

// ------------------------------------------------------------------ event fixtures

const sender = (userId = 43028164) => ({
	avatar: 'https://chat.max-c.com/u.png',
	avatar_decoration: { src_type: 'image', src_url: '' },
	bot: false,
	level: 10,
	medals: null,
	nickname: '玩家一',
	roles: null,
	room_nickname: '',
	tag: null,
	user_id: userId,
});

let msgCounter = 0n;
/** A fresh 19-digit msg_id for each command (repeats would be de-duplicated). */
const nextMsgId = () => (1831637085605466112n + ++msgCounter * 1000n).toString();

function commandData(name: string, options: JsonObject[] = [], where: { room?: string; channel?: string; msgId?: string } = {}): JsonObject {
	return {
		bot_id: 72053518,
		channel_base_info: { channel_id: where.channel ?? CHANNEL, channel_name: '默认频道', channel_type: 1 },
		command_info: { id: '1831636113196855296', name, options, type: 0 },
		msg_id: where.msgId ?? nextMsgId(),
		room_base_info: { room_avatar: '', room_id: where.room ?? ROOM, room_name: 'n8n 测试房间' },
		send_time: 1725531286039,
		sender_info: sender(),
	};
}

const memberData = (state: 0 | 1, userKey: 'user_info' | 'sender_info' = 'user_info'): JsonObject => ({
	room_base_info: { room_avatar: '', room_id: ROOM, room_name: 'n8n 测试房间' },
	state,
	[userKey]: sender(8829926),
});

const reactionData = (isAdd: 0 | 1, withRoom = false): JsonObject => ({
	channel_id: CHANNEL,
	emoji: '[cube_doge]',
	is_add: isAdd,
	msg_id: '1843536909979836416',
	user_id: 8829926,
	...(withRoom ? { room_id: ROOM } : {}),
});

const cardClickData = (): JsonObject => ({
	channel_base_info: { channel_id: CHANNEL, channel_name: '默认频道', channel_type: 1 },
	event: 'server',
	msg_id: '1856516177490542001',
	os_type: 'web',
	room_base_info: { room_avatar: '', room_id: ROOM, room_name: 'n8n 测试房间' },
	send_time: 1731462951354,
	sender_info: sender(43020000),
	text: 'Approve',
	value: 'approve:42',
});

// ------------------------------------------------------------------ tests

describe('Heychat Trigger: events', () => {
	test('connects with the token and the common query parameters; emits a bot command with derived fields', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey);
		const connection = await hey.waitForGateway();
		for (const [name, value] of Object.entries(COMMON_QUERY)) assert.equal(connection.query[name], value, name);
		assert.equal(connection.query.token, TOKEN);
		assert.equal(connection.headers.token, TOKEN);
		assert.deepEqual(connection.received, ['PING'], 'a PING right after connecting');

		const frame = hey.event('50', commandData('/weather', [{ name: 'city', type: 3, value: '北京' }, { name: 'days', type: 4, value: '3' }], { msgId: '1831637085605466112' }));
		hey.pushEvent(frame);
		const [item] = await trigger.waitForEmits(1);
		assert.deepEqual(item.data, frame.data, 'the event as sent');
		assert.equal(item.type, '50');
		assert.equal(item.sequence, frame.sequence);
		assert.equal(item.timestamp, frame.timestamp);
		assert.equal(item.eventType, '50');
		assert.equal(item.typeName, 'botCommand');
		assert.equal(item.command, '/weather');
		assert.equal(item.commandId, '1831636113196855296');
		assert.deepEqual(item.options, { city: '北京', days: '3' });
		assert.equal(item.roomId, ROOM);
		assert.equal(item.channelId, CHANNEL);
		assert.equal(item.userId, '43028164');
		assert.equal(item.msgId, '1831637085605466112');
		assert.equal(item.botId, '72053518');
		await trigger.waitForLog(/Listening for Heychat events at ws:\/\/127\.0\.0\.1:\d+\/chatroom\/ws\/connect$/, 'info');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('every event type: member join/leave, reaction, card button click, and unknown types with "All"', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { events: ['50', '3001', '5003', 'card_message_btn_click'] });
		hey.pushEvent(hey.event('3001', memberData(1)));
		hey.pushEvent(hey.event('3001', memberData(0, 'sender_info')));
		hey.pushEvent(hey.event('5003', reactionData(1)));
		hey.pushEvent(hey.event('5003', reactionData(0, true)));
		hey.pushEvent(hey.event('card_message_btn_click', cardClickData()));
		hey.pushEvent(hey.event('51', { room_id: ROOM, user_id: 1, continuous_days: 3 }));
		hey.pushEvent({ ...hey.event('50', commandData('/numeric-type')), type: 50 });
		const items = await trigger.waitForEmits(6);
		await delay(30);
		assert.equal(trigger.emits, 6, 'the unknown type "51" started nothing');
		const [join, leave, add, remove, click, numeric] = items;
		assert.deepEqual(
			[join.typeName, join.joined, join.roomId, join.userId, join.channelId],
			['memberJoinLeave', true, ROOM, '8829926', undefined],
		);
		assert.deepEqual([leave.joined, leave.userId], [false, '8829926']);
		assert.deepEqual(
			[add.typeName, add.added, add.emoji, add.channelId, add.msgId, add.userId, add.roomId],
			['reaction', true, '[cube_doge]', CHANNEL, '1843536909979836416', '8829926', undefined],
		);
		assert.deepEqual([remove.added, remove.roomId], [false, ROOM]);
		assert.deepEqual(
			[click.typeName, click.buttonValue, click.buttonText, click.msgId, click.userId, click.roomId, click.channelId],
			['cardButtonClick', 'approve:42', 'Approve', '1856516177490542001', '43020000', ROOM, CHANNEL],
		);
		assert.deepEqual([numeric.type, numeric.eventType, numeric.command], [50, '50', '/numeric-type']);
		await trigger.close();

		const all = await activate(hey, { events: ['*'] });
		hey.pushEvent(hey.event('51', { room_id: ROOM, user_id: 1, continuous_days: 3 }));
		hey.pushEvent(hey.event('PUSH', { event: '80', type: 'notify', userid: 5 }));
		const [unknown, push] = await all.waitForEmits(2);
		assert.deepEqual([unknown.eventType, unknown.typeName, unknown.roomId, unknown.userId], ['51', 'unknown', ROOM, '1']);
		assert.deepEqual(unknown.data, { room_id: ROOM, user_id: 1, continuous_days: 3 });
		assert.equal(push.typeName, 'unknown');
		assertNoToken(all);
		await all.close();
	});

	test('the user of an event: the key Heychat documents for its type first, the other when that one has no user_id', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { events: ['3001', 'card_message_btn_click', '50'] });
		// 3001: the member is user_info (APIFOX, HeyBox.Net); a sender_info beside it is someone else
		hey.pushEvent(hey.event('3001', { ...memberData(1), sender_info: sender(72053518) }));
		// a documented key without a user_id does not hide the other one
		hey.pushEvent(hey.event('3001', { ...memberData(0), user_info: { nickname: 'x' }, sender_info: sender(8829926) }));
		hey.pushEvent(hey.event('card_message_btn_click', { ...cardClickData(), sender_info: { nickname: 'x' }, user_info: sender(43020000) }));
		hey.pushEvent(hey.event('50', { ...commandData('/who'), sender_info: sender(43028164), user_info: sender(1) }));
		const items = await trigger.waitForEmits(4);
		assert.deepEqual(
			items.map((i) => [i.typeName, i.userId]),
			[
				['memberJoinLeave', '8829926'],
				['memberJoinLeave', '8829926'],
				['cardButtonClick', '43020000'],
				['botCommand', '43028164'],
			],
		);
		await trigger.close();
	});

	test("a card click names the button's event: server, or link-to as in Heychat's own example (APIFOX 5243816m0)", async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { events: ['card_message_btn_click'] });
		hey.pushEvent(hey.event('card_message_btn_click', cardClickData()));
		hey.pushEvent(hey.event('card_message_btn_click', { ...cardClickData(), event: 'link-to', text: '复制', value: 'https://chat.top' }));
		const [server, link] = await trigger.waitForEmits(2);
		assert.deepEqual([server.buttonEvent, server.buttonValue], ['server', 'approve:42']);
		assert.deepEqual([link.buttonEvent, link.buttonValue, link.buttonText], ['link-to', 'https://chat.top', '复制']);
		await trigger.close();
	});

	test('filters from the node parameters: filtered events start nothing', async () => {
		const hey = await fakeHeychat();
		// the default: bot commands only
		const byType = await activate(hey);
		hey.pushEvent(hey.event('3001', memberData(1)));
		hey.pushEvent(hey.event('5003', reactionData(1)));
		hey.pushEvent(hey.event('card_message_btn_click', cardClickData()));
		hey.pushEvent(hey.event('50', commandData('/ok')));
		const [first] = await byType.waitForEmits(1);
		assert.equal(first.command, '/ok');
		await delay(30);
		assert.equal(byType.emits, 1);
		await byType.close();

		const byCommand = await activate(hey, { filters: { commandNames: 'Weather, /dice' } });
		hey.pushEvent(hey.event('50', commandData('/help')));
		hey.pushEvent(hey.event('50', commandData('/weather')));
		hey.pushEvent(hey.event('50', commandData('/DICE')));
		const commands = await byCommand.waitForEmits(2);
		await delay(30);
		assert.deepEqual(commands.map((c) => c.command), ['/weather', '/DICE']);
		assert.equal(byCommand.emits, 2);
		await byCommand.close();

		const byRoom = await activate(hey, { events: ['*'], filters: { roomIds: ROOM } });
		hey.pushEvent(hey.event('50', commandData('/other-room', [], { room: OTHER_ROOM })));
		hey.pushEvent(hey.event('5003', reactionData(1)));
		hey.pushEvent(hey.event('3001', memberData(1)));
		hey.pushEvent(hey.event('50', commandData('/this-room')));
		const inRoom = await byRoom.waitForEmits(2);
		await delay(30);
		assert.deepEqual(inRoom.map((i) => i.typeName), ['memberJoinLeave', 'botCommand']);
		assert.equal(byRoom.emits, 2, 'a reaction without room_id does not pass a room filter');
		await byRoom.close();

		const byChannel = await activate(hey, { events: ['*'], filters: { channelIds: `${CHANNEL}, 1` } });
		hey.pushEvent(hey.event('50', commandData('/other-channel', [], { channel: OTHER_CHANNEL })));
		hey.pushEvent(hey.event('3001', memberData(1)));
		hey.pushEvent(hey.event('5003', reactionData(1)));
		hey.pushEvent(hey.event('card_message_btn_click', cardClickData()));
		const inChannel = await byChannel.waitForEmits(2);
		await delay(30);
		assert.deepEqual(inChannel.map((i) => i.typeName), ['reaction', 'cardButtonClick']);
		assert.equal(byChannel.emits, 2);
		await byChannel.close();
	});

	test('invalid filter values fail the activation', async () => {
		const hey = await fakeHeychat();
		await assert.rejects(
			activateTrigger({
				node: fastNode(),
				parameters: { filters: { channelIds: 'general' } },
				credentialType: 'heychatBotApi',
				credentials: hey.credentials(),
			}),
			/"Only Channels" must list numeric IDs, got "general"/,
		);
		assert.equal(hey.gatewayConnections.length, 0);
	});

	test('an invalid number option fails the activation naming it; nothing connects', async () => {
		const hey = await fakeHeychat();
		for (const [options, message] of [
			[{ maxEventSizeKb: 'big' }, /"Max Event Size \(KB\)" must be a number above 0, got "big"/],
			[{ connectTimeout: 0 }, /"Connect Timeout \(Seconds\)" must be a number above 0, got 0/],
		] as const) {
			// an activation that wrongly succeeds is closed, so the failed assertion leaves nothing running
			const activation = activateTrigger({ node: fastNode(), parameters: { options }, credentialType: 'heychatBotApi', credentials: hey.credentials() });
			await assert.rejects(activation.then(async (trigger) => await trigger.close()), message);
		}
		assert.equal(hey.gatewayConnections.length, 0);
	});

	test('a command delivered twice starts one execution; with de-duplication off, two', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey);
		const data = commandData('/once', [], { msgId: '1831637085605466199' });
		hey.pushEvent(hey.event('50', data));
		hey.pushEvent(hey.event('50', data));
		hey.pushEvent(hey.event('50', commandData('/next')));
		await trigger.waitForEmits(2);
		await delay(30);
		assert.deepEqual(trigger.emitted.map((e) => e.command), ['/once', '/next']);
		await trigger.close();

		const off = await activate(hey, { options: { deduplicate: false } });
		hey.pushEvent(hey.event('50', data));
		hey.pushEvent(hey.event('50', data));
		await off.waitForEmits(2);
		await off.close();
	});

	test('19-digit ids stay exact strings, also when sent as bare JSON numbers', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { events: ['*'] });
		hey.pushEvent(
			'{"sequence":11736260019,"type":"50","notify_type":"","data":{"bot_id":72053518,' +
				'"channel_base_info":{"channel_id":3665944781964836865,"channel_name":"c","channel_type":1},' +
				'"command_info":{"id":1831636113196855297,"name":"/big","options":[{"name":"who","type":6,"value":"43028164"},{"name":"n","type":4,"value":9223372036854775807}],"type":0},' +
				'"msg_id":1831637085605466113,"room_base_info":{"room_avatar":"","room_id":3663316788315193345,"room_name":"r"},' +
				'"send_time":1725531286039,"sender_info":{"user_id":43028164}},"timestamp":1725531286040}',
		);
		hey.pushEvent(hey.event('5003', { ...reactionData(1), room_id: '3663316788315193399', msg_id: '9223372036854775807' }));
		const [command, reaction] = await trigger.waitForEmits(2);
		assert.equal(command.roomId, '3663316788315193345');
		assert.equal(command.channelId, '3665944781964836865');
		assert.equal(command.msgId, '1831637085605466113');
		assert.equal(command.commandId, '1831636113196855297');
		assert.deepEqual(command.options, { who: '43028164', n: '9223372036854775807' });
		const data = command.data as IDataObject;
		assert.equal((data.room_base_info as IDataObject).room_id, '3663316788315193345', 'inside the event as sent too');
		assert.equal(data.msg_id, '1831637085605466113');
		assert.equal(command.sequence, 11736260019);
		assert.equal(reaction.roomId, '3663316788315193399');
		assert.equal(reaction.msgId, '9223372036854775807');
		await trigger.close();
	});

	test('a text frame with bytes that are not UTF-8: the event is emitted with U+FFFD in their place, the connection stays up', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, {});
		const bytes = withInvalidUtf8(JSON.stringify(hey.event('50', commandData('/caf@@'))));
		for (const connection of hey.openGatewayConnections()) connection.socket.send(bytes, { binary: false });
		hey.pushEvent(hey.event('50', commandData('/next')));
		const [first, second] = await trigger.waitForEmits(2);
		assert.equal(first.command, '/caf\uFFFD\uFFFD');
		assert.equal(second.command, '/next');
		assert.equal(hey.gatewayConnections.length, 1, 'no reconnect');
		assert.equal(trigger.errors.length, 0);
		await trigger.close();
	});

	test('Max Event Size raised above 16 MiB: a 17 MiB event is emitted, the connection stays up', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { options: { maxEventSizeKb: 20 * 1024 } });
		const value = 'v'.repeat(17 * 1024 * 1024);
		hey.pushEvent(hey.event('50', commandData('/big', [{ name: 'text', type: 3, value }])));
		const [item] = await trigger.waitForEmits(1, 10_000);
		assert.equal(((item.options as IDataObject).text as string).length, value.length);
		assert.equal(hey.gatewayConnections.length, 1, 'no reconnect');
		await trigger.close();
	});

	test('malformed frames are skipped with a warning and the connection stays up', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { events: ['*'], options: { maxEventSizeKb: 1 } });
		hey.pushEvent(`this is not JSON and it mentions ${TOKEN}`);
		hey.pushEvent('{"sequence":1,"type":"50","data":{"msg_id":"18316');
		hey.pushEvent('[1,2,3]');
		hey.pushEvent(JSON.stringify({ status: 'ok', hello: 'world' }));
		hey.pushEvent(JSON.stringify({ type: '50', data: 'not an object' }));
		hey.pushEvent(JSON.stringify(hey.event('50', { ...commandData('/big'), padding: 'x'.repeat(2000) })));
		hey.pushEvent('');
		for (const connection of hey.openGatewayConnections()) connection.socket.send(Buffer.from([0xff, 0xfe, 0x00]));
		hey.pushEvent(hey.event('50', commandData('/still-alive')));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.command, '/still-alive');
		const warnings = trigger.logs.filter((l) => l.level === 'warn' && l.message.startsWith('Skipped a frame'));
		assert.equal(warnings.length, 8, warnings.map((w) => w.message).join('\n'));
		assert.ok(warnings.some((w) => /not valid JSON/.test(w.message)));
		assert.ok(warnings.some((w) => /not a JSON object/.test(w.message)));
		assert.ok(warnings.some((w) => /no "type"/.test(w.message)));
		assert.ok(warnings.some((w) => /no "data" object/.test(w.message)));
		assert.ok(warnings.some((w) => /over the 1024-byte limit/.test(w.message)));
		assert.ok(warnings.some((w) => w.message.includes('mentions ***')), 'the token is masked in the preview');
		assert.equal(hey.gatewayConnections.length, 1, 'no reconnect');
		assert.equal(trigger.errors.length, 0);
		assertNoToken(trigger);
		await trigger.close();
	});
});

describe('Heychat Trigger: heartbeat and connection life', () => {
	test('sends PING every interval; PONG (matched by prefix) keeps the connection', async () => {
		const hey = await fakeHeychat();
		hey.pongText = 'PONG, tag: []';
		const trigger = await activate(hey, {}, { pingIntervalMs: 40 });
		const connection = await hey.waitForGateway();
		await delay(300);
		const pings = connection.received.filter((f) => f === 'PING').length;
		assert.ok(pings >= 5, `${pings} PINGs in 300 ms`);
		assert.equal(hey.gatewayConnections.length, 1, 'no reconnect');
		assert.ok(!trigger.logs.some((l) => /heartbeat missed|Skipped a frame/.test(l.message)), JSON.stringify(trigger.logs));
		await trigger.close();
	});

	test('the watchdog reconnects when PONGs stop (2.5 × the PING interval)', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, {}, { pingIntervalMs: 40 });
		const first = await hey.waitForGateway();
		hey.answerPing = false;
		const started = performance.now();
		const closed = await hey.waitForGatewayClose(first, 2000);
		hey.answerPing = true;
		// the last PONG came at most one interval before `started`: 2.5 × 40 ms - 40 ms
		assert.ok(closed.at - started >= 55, `dropped after ${closed.at - started} ms`);
		await trigger.waitForLog(/for 100 ms \(heartbeat missed\)/, 'warn');
		await hey.waitForGateway(2, 2000);
		await waitFor(() => hey.openGatewayConnections().length === 1, 2000, 'the new connection');
		hey.pushEvent(hey.event('50', commandData('/after-watchdog')));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.command, '/after-watchdog');
		assert.equal(trigger.errors.length, 0, 'a watchdog reconnect is not an emitError');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('events also feed the watchdog; with the watchdog off a silent gateway keeps its connection', async () => {
		const hey = await fakeHeychat();
		hey.answerPing = false;
		const fed = await activate(hey, { events: ['*'] }, { pingIntervalMs: 40, settleMs: 20 });
		for (let i = 0; i < 8; i++) {
			hey.pushEvent(hey.event('3001', memberData(1)));
			await delay(25);
		}
		assert.equal(hey.gatewayConnections.length, 1, 'frames count as signs of life');
		await fed.close();

		const off = await activate(hey, { options: { heartbeatWatchdog: false } }, { pingIntervalMs: 20, settleMs: 20 });
		await delay(200);
		assert.equal(hey.gatewayConnections.length, 2);
		assert.equal(hey.openGatewayConnections().length, 1);
		assert.ok(hey.gatewayConnections[1].webSocketPings >= 3, 'its WebSocket pongs keep it');
		assert.ok(!off.logs.some((l) => /heartbeat missed/.test(l.message)));
		await off.close();
	});

	test('with the watchdog off, a dead connection (no frame, no pong to the WebSocket pings) is still dropped and reopened', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, { options: { heartbeatWatchdog: false } }, { pingIntervalMs: 40, settleMs: 20 });
		const first = await hey.waitForGateway();
		// The gateway goes dead: it answers neither PING texts nor WebSocket pings, and sends nothing.
		hey.answerPing = false;
		hey.answerWebSocketPing = false;
		const started = performance.now();
		const closed = await hey.waitForGatewayClose(first, 2000);
		hey.answerPing = true;
		hey.answerWebSocketPing = true;
		// the last pong came at most one interval before `started`: 2.5 × 40 ms - 40 ms
		assert.ok(closed.at - started >= 55, `dropped after ${closed.at - started} ms`);
		assert.ok(first.webSocketPings >= 1, 'dropped after WebSocket pings went unanswered');
		await trigger.waitForLog(/for 100 ms \(heartbeat missed\); reconnecting/, 'warn');
		await hey.waitForGateway(2, 2000);
		await waitFor(() => hey.openGatewayConnections().length === 1, 2000, 'the new connection');
		hey.pushEvent(hey.event('50', commandData('/after-dead-link')));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.command, '/after-dead-link');
		assert.equal(trigger.errors.length, 0, 'a dead-link reconnect is not an emitError');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('with the watchdog on, no WebSocket pings are sent: PING/PONG is the check', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey, {}, { pingIntervalMs: 20, settleMs: 20 });
		const connection = await hey.waitForGateway();
		await waitFor(() => connection.received.filter((f) => f === 'PING').length >= 4, 2000, '4 PINGs');
		assert.equal(connection.webSocketPings, 0);
		await trigger.close();
	});

	test('reconnects after the gateway is stopped and restarted on the same port; events after the restart arrive', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey);
		const url = hey.gatewayUrl;
		await hey.stop();
		await trigger.waitForLog(/Connection to .* lost/, 'warn');
		await trigger.waitForLog(/Reconnecting to .* failed: .*connection refused/, 'warn');
		await hey.restart();
		assert.equal(hey.gatewayUrl, url);
		await hey.waitForGateway(2, 3000);
		await trigger.waitForLog(/Reconnected to/, 'info');
		hey.pushEvent(hey.event('50', commandData('/after-restart')));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.command, '/after-restart');
		assert.equal(trigger.errors.length, 0, 'a drop is not an emitError');
		const reconnect = hey.gatewayConnections[1];
		assert.equal(reconnect.query.token, TOKEN);
		assert.equal(reconnect.query.chat_os_type, 'bot');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('a dropped connection (close 1001) is reconnected too', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey);
		hey.dropGateway();
		await hey.waitForGateway(2, 2000);
		await waitFor(() => hey.openGatewayConnections().length === 1, 2000, 'the new connection');
		hey.pushEvent(hey.event('50', commandData('/after-drop')));
		await trigger.waitForEmits(1);
		await trigger.waitForLog(/lost \(going away, code 1001\)/, 'warn');
		await trigger.close();
	});

	test('the first connection failing fails the activation, naming the URL and the cause', async () => {
		const hey = await fakeHeychat();
		const credentials = hey.credentials();
		await hey.stop();
		const before = activeHandles();
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentialType: 'heychatBotApi', credentials }),
			(error: Error) => {
				assert.equal(error.message, `Could not connect to the Heychat gateway at ${credentials.gatewayUrl}: connection refused`);
				assert.ok(!JSON.stringify(error).includes(TOKEN));
				return true;
			},
		);
		await delay(10);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('a refused token fails the activation (HTTP 401 at the upgrade) without the token in the message', async () => {
		const hey = await fakeHeychat();
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentialType: 'heychatBotApi', credentials: hey.credentials({ token: 'wrong-token-9' }) }),
			(error: Error) => {
				assert.match(error.message, /refused the bot token \(HTTP 401\)/);
				assert.ok(error.message.includes(hey.gatewayUrl));
				assert.ok(!error.message.includes('wrong-token-9'));
				return true;
			},
		);
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentialType: 'heychatBotApi', credentials: hey.credentials({ token: '' }) }),
			/has no bot token/,
		);
	});

	test('a gateway that closes right after the upgrade, or sends a refusal frame, fails the activation', async () => {
		const hey = await fakeHeychat();
		hey.onGatewayConnection = (c) => c.socket.close(4000, 'bye');
		await assert.rejects(
			activateTrigger({ node: fastNode({ settleMs: 2000 }), credentialType: 'heychatBotApi', credentials: hey.credentials() }),
			(error: Error) => error.message === `The Heychat gateway at ${hey.gatewayUrl} closed the connection right after it opened (code 4000: bye)`,
		);
		hey.onGatewayConnection = (c) => c.socket.send(JSON.stringify({ status: 'failed', msg: 'token无效', result: {} }));
		const started = performance.now();
		await assert.rejects(
			activateTrigger({ node: fastNode({ settleMs: 2000 }), credentialType: 'heychatBotApi', credentials: hey.credentials() }),
			(error: Error) => error.message === `The Heychat gateway at ${hey.gatewayUrl} refused the connection: token无效`,
		);
		assert.ok(performance.now() - started < 1500, 'decided by the frame, not by the wait');
	});

	test('a gateway URL that is not ws:// or wss:// fails the activation', async () => {
		const hey = await fakeHeychat();
		await assert.rejects(
			activateTrigger({
				node: fastNode(),
				credentialType: 'heychatBotApi',
				credentials: hey.credentials({ gatewayUrl: `${hey.url}${GATEWAY_PATH}?token=${TOKEN}` }),
			}),
			(error: Error) => /must start with ws:\/\/ or wss:\/\//.test(error.message) && !error.message.includes(TOKEN),
		);
	});

	test('a token refused on reconnect is unrecoverable: emitError once, no more attempts', async () => {
		const hey = await fakeHeychat();
		const trigger = await activate(hey);
		hey.token = 'rotated-token';
		hey.dropGateway();
		await waitFor(() => trigger.errors.length === 1, 3000, 'emitError');
		assert.match(trigger.errors[0].message, /refused the bot token \(HTTP 401\)/);
		const connections = hey.gatewayConnections.length;
		await delay(200);
		assert.equal(trigger.errors.length, 1);
		assert.equal(hey.gatewayConnections.length, connections);
		assertNoToken(trigger);
		await trigger.close();
	});

	test('closeFunction stops everything at once and leaves no handle behind', async () => {
		const hey = await fakeHeychat();
		await delay(20);
		const before = activeHandles();
		const trigger = await activate(hey, {}, { pingIntervalMs: 30 });
		hey.pushEvent(hey.event('50', commandData('/x')));
		await trigger.waitForEmits(1);
		const started = performance.now();
		await trigger.close();
		assert.ok(performance.now() - started < 600, 'close is bounded');
		await hey.waitForGatewayClose(undefined, 2000);
		await delay(30);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
		const pings = hey.gatewayConnections[0].received.length;
		hey.pushEvent(hey.event('50', commandData('/after-close')));
		await delay(80);
		assert.equal(trigger.emits, 1);
		assert.equal(hey.gatewayConnections[0].received.length, pings, 'no PING after close');
	});

	test('closeFunction during the reconnect backoff stops the loop at once', async () => {
		const hey = await fakeHeychat();
		const before = activeHandles();
		const trigger = await activate(hey, {}, { connection: { backoff: { initialMs: 30_000 } } });
		hey.dropGateway();
		await trigger.waitForLog(/Reconnecting to .* in \d+ ms/, 'info');
		const started = performance.now();
		await trigger.close();
		assert.ok(performance.now() - started < 100);
		await delay(30);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
		assert.equal(hey.gatewayConnections.length, 1);
	});
});

describe('Heychat Trigger: manual mode ("Listen for test event")', () => {
	test('connects, emits the first event that passes the filters, then closes', async () => {
		const hey = await fakeHeychat();
		const run = runManualTrigger({
			node: fastNode(),
			parameters: { filters: { commandNames: 'ping' } },
			credentialType: 'heychatBotApi',
			credentials: hey.credentials(),
		});
		const connection = await hey.waitForGateway();
		await waitFor(() => connection.received.includes('PING'), 2000, 'the first PING');
		hey.pushEvent(hey.event('3001', memberData(1)));
		hey.pushEvent(hey.event('50', commandData('/help')));
		hey.pushEvent(hey.event('50', commandData('/ping', [{ name: 'n', type: 4, value: '1' }])));
		hey.pushEvent(hey.event('50', commandData('/ping', [{ name: 'n', type: 4, value: '2' }])));
		const { items, error } = await run.result;
		assert.equal(error, undefined);
		assert.equal(items.length, 1);
		assert.equal(items[0].command, '/ping');
		assert.deepEqual(items[0].options, { n: '1' });
		await hey.waitForGatewayClose(connection, 2000);
		assert.equal(hey.gatewayConnections.length, 1);
		assert.ok(!JSON.stringify(items).includes(TOKEN));
	});

	test('a first connection that fails ends the manual run with the cause', async () => {
		const hey = await fakeHeychat();
		const credentials = hey.credentials();
		await hey.stop();
		const run = runManualTrigger({ node: fastNode(), credentialType: 'heychatBotApi', credentials });
		const { items, error } = await run.result;
		assert.deepEqual(items, []);
		assert.ok(error);
		assert.match(error.message, /Could not connect to the Heychat gateway at .*: connection refused/);
		assert.ok(!error.message.includes(TOKEN));
	});
});

/** `json` as UTF-8 bytes with the bytes 0xFF 0xFE (never valid UTF-8) wherever `@@` stood. */
function withInvalidUtf8(json: string): Buffer {
	const bad = Buffer.from([0xff, 0xfe]);
	return Buffer.concat(json.split('@@').flatMap((part, i) => (i === 0 ? [Buffer.from(part, 'utf8')] : [bad, Buffer.from(part, 'utf8')])));
}
