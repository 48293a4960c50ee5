// Heychat Trigger, unit level: frame check, derived fields, filters, gateway URL, PONG matching.
// The wire shapes come from ../shared/reference/heychat/heychat-api.md §4.4–4.5.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
	checkHeychatFrame,
	deriveFields,
	optionsObject,
	toItem,
	type HeychatFrame,
} from '../../nodes/Heychat/trigger/events';
import {
	defaultHeychatFilterConfig,
	HeychatEventFilter,
	normaliseCommand,
	readHeychatFilterConfig,
} from '../../nodes/Heychat/trigger/filters';
import {
	displayGatewayUrl,
	gatewayConnectUrl,
	isPong,
	redactToken,
	refusalMessage,
} from '../../nodes/Heychat/trigger/gateway';
import { FrameGuard } from '../../nodes/shared/connection';

const ROOM = '3611849174284943360';
const CHANNEL = '3611849174307799042';

/** The bot command example of the reference (APIFOX 5116164m0). */
export const COMMAND_FRAME = {
	sequence: 11736260019,
	type: '50',
	notify_type: '',
	data: {
		bot_id: 72053518,
		channel_base_info: { channel_id: CHANNEL, channel_name: '默认频道', channel_type: 1 },
		command_info: { id: '1831636113196855296', name: '/test', options: [{ name: 'test', type: 3, value: '123123' }], type: 0 },
		msg_id: '1831637085605466112',
		room_base_info: { room_avatar: '', room_id: ROOM, room_name: '测试房间' },
		send_time: 1725531286039,
		sender_info: { avatar: '', bot: false, level: 10, medals: null, nickname: '玩家', roles: null, room_nickname: '', tag: null, user_id: 43028164 },
	},
	timestamp: 1725531286040,
};

function frame(value: unknown): HeychatFrame {
	const check = checkHeychatFrame(value);
	assert.equal(check.kind, 'accept', JSON.stringify(check));
	return (check as { value: HeychatFrame }).value;
}

describe('Heychat frames', () => {
	test('the envelope: a JSON object with a type (string or number) and a data object', () => {
		assert.equal(frame(COMMAND_FRAME).type, '50');
		assert.equal(frame(COMMAND_FRAME).sequence, '11736260019');
		assert.equal(frame({ ...COMMAND_FRAME, type: 50 }).type, '50');
		assert.deepEqual(checkHeychatFrame([1, 2]), { kind: 'reject', reason: 'it is not a JSON object' });
		assert.match((checkHeychatFrame({ data: {} }) as { reason: string }).reason, /no "type"/);
		assert.match((checkHeychatFrame({ type: '50', data: 'x' }) as { reason: string }).reason, /no "data" object/);
		assert.match((checkHeychatFrame({ type: '', data: {} }) as { reason: string }).reason, /no "type"/);
	});

	test('bot command: command, options object, room, channel, sender, msg_id, bot id (ids as strings)', () => {
		const fields = deriveFields(frame(COMMAND_FRAME));
		assert.deepEqual(fields, {
			eventType: '50',
			typeName: 'botCommand',
			roomId: ROOM,
			channelId: CHANNEL,
			userId: '43028164',
			msgId: '1831637085605466112',
			command: '/test',
			commandId: '1831636113196855296',
			options: { test: '123123' },
			botId: '72053518',
		});
	});

	test('options: several, empty, missing value, nested sub-command options', () => {
		assert.deepEqual(
			optionsObject([
				{ name: 'city', type: 3, value: 'Beijing' },
				{ name: 'days', type: 4, value: '3' },
				{ name: 'who', type: 6, value: '43028164' },
				{ name: 'empty', type: 3 },
				{ name: 'sub', type: 1, options: [{ name: 'inner', type: 5, value: 'true' }] },
				{ type: 3, value: 'no name' },
				'garbage',
			]),
			{ city: 'Beijing', days: '3', who: '43028164', empty: null, sub: { inner: 'true' } },
		);
		assert.deepEqual(optionsObject(undefined), {});
		assert.deepEqual(deriveFields(frame({ type: '50', data: {} })).options, {});
	});

	test('member join/leave: user_info (docs) or sender_info (some SDKs), state 1/0', () => {
		const join = deriveFields(
			frame({
				type: '3001',
				data: { room_base_info: { room_id: ROOM, room_name: 'r', room_avatar: '' }, state: 1, user_info: { user_id: 8829926, nickname: 'x' } },
			}),
		);
		assert.deepEqual(join, { eventType: '3001', typeName: 'memberJoinLeave', roomId: ROOM, channelId: undefined, userId: '8829926', msgId: undefined, joined: true });
		const leave = deriveFields(frame({ type: '3001', data: { room_base_info: { room_id: ROOM }, state: 0, sender_info: { user_id: 5 } } }));
		assert.equal(leave.joined, false);
		assert.equal(leave.userId, '5');
	});

	test('reaction: flat channel_id, optional room_id, is_add, emoji', () => {
		const data = { channel_id: '3638452309568749568', emoji: '[cube_doge]', is_add: 1, msg_id: '1843536909979836416', user_id: 8829926 };
		const without = deriveFields(frame({ type: '5003', data }));
		assert.equal(without.roomId, undefined);
		assert.equal(without.channelId, '3638452309568749568');
		assert.equal(without.added, true);
		assert.equal(without.emoji, '[cube_doge]');
		assert.equal(without.msgId, '1843536909979836416');
		assert.equal(without.userId, '8829926');
		const withRoom = deriveFields(frame({ type: '5003', data: { ...data, room_id: ROOM, is_add: 0 } }));
		assert.equal(withRoom.roomId, ROOM);
		assert.equal(withRoom.added, false);
	});

	test('card button click: sender, card msg_id, value and text', () => {
		const fields = deriveFields(
			frame({
				type: 'card_message_btn_click',
				data: {
					channel_base_info: { channel_id: CHANNEL, channel_name: 'c', channel_type: 1 },
					event: 'server',
					msg_id: '1856516177490542001',
					os_type: 'web',
					room_base_info: { room_id: ROOM },
					send_time: 1731462951354,
					sender_info: { user_id: 43020000 },
					text: '复制',
					value: 'approve:42',
				},
			}),
		);
		assert.equal(fields.typeName, 'cardButtonClick');
		assert.equal(fields.buttonValue, 'approve:42');
		assert.equal(fields.buttonText, '复制');
		assert.equal(fields.msgId, '1856516177490542001');
		assert.equal(fields.userId, '43020000');
		assert.equal(fields.roomId, ROOM);
		assert.equal(fields.channelId, CHANNEL);
	});

	test('unknown types get typeName "unknown" and the generic ids', () => {
		const fields = deriveFields(frame({ type: '5', notify_type: 'USER_IM_MESSAGE', data: { room_id: ROOM, channel_id: CHANNEL, user_id: 1, msg_id: '9' } }));
		assert.deepEqual(fields, { eventType: '5', typeName: 'unknown', roomId: ROOM, channelId: CHANNEL, userId: '1', msgId: '9' });
	});

	test('the item is the frame as sent plus the derived fields that apply', () => {
		const item = toItem(frame(COMMAND_FRAME));
		assert.deepEqual(item.data, COMMAND_FRAME.data);
		assert.equal(item.sequence, COMMAND_FRAME.sequence);
		assert.equal(item.timestamp, COMMAND_FRAME.timestamp);
		assert.equal(item.command, '/test');
		assert.ok(!('joined' in item) && !('emoji' in item), 'fields that do not apply are left out');
	});

	test('19-digit numbers sent bare survive the frame guard as exact digit strings', () => {
		const text =
			'{"sequence":11736260019,"type":"50","data":{"msg_id":1831637085605466113,"room_base_info":{"room_id":3611849174284943361},' +
			'"channel_base_info":{"channel_id":"3611849174307799042"},"command_info":{"id":1831636113196855297,"name":"/t",' +
			'"options":[{"name":"n","type":4,"value":9007199254740993}]},"sender_info":{"user_id":43028164}},"timestamp":1725531286040}';
		const warnings: string[] = [];
		const guard = new FrameGuard<HeychatFrame>({
			maxBytes: 4096,
			check: checkHeychatFrame,
			logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} },
			source: 'test',
		});
		const accepted = guard.accept(text)!;
		const fields = deriveFields(accepted);
		assert.equal(fields.msgId, '1831637085605466113');
		assert.equal(fields.roomId, '3611849174284943361');
		assert.equal(fields.channelId, '3611849174307799042');
		assert.equal(fields.commandId, '1831636113196855297');
		assert.deepEqual(fields.options, { n: '9007199254740993' });
		assert.equal(fields.userId, '43028164');
		assert.equal((accepted.raw.data as Record<string, unknown>).msg_id, '1831637085605466113');
		assert.equal(accepted.raw.sequence, 11736260019, 'safe numbers stay numbers');
		assert.deepEqual(warnings, []);
	});
});

describe('Heychat filters', () => {
	const command = (name: string, extra: Record<string, unknown> = {}) =>
		frame({ ...COMMAND_FRAME, data: { ...COMMAND_FRAME.data, command_info: { id: '1', name, options: [] }, ...extra } });
	const join = frame({ type: '3001', sequence: 1, data: { room_base_info: { room_id: ROOM }, state: 1, user_info: { user_id: 1 } } });
	const unknown = frame({ type: '51', data: { room_id: ROOM } });

	test('event types: default bot commands only; empty = the four known types; "*" = everything', () => {
		const byDefault = new HeychatEventFilter(defaultHeychatFilterConfig({ dedupeSize: 0 }));
		assert.equal(byDefault.apply(command('/a')).pass, true);
		assert.deepEqual(byDefault.apply(join), { pass: false, reason: 'event type "3001" is not selected' });
		const empty = new HeychatEventFilter(defaultHeychatFilterConfig({ eventTypes: new Set(), dedupeSize: 0 }));
		assert.equal(empty.apply(join).pass, true);
		assert.equal(empty.apply(unknown).pass, false);
		const all = new HeychatEventFilter(defaultHeychatFilterConfig({ eventTypes: new Set(['*']), dedupeSize: 0 }));
		assert.equal(all.apply(unknown).pass, true);
	});

	test('command names: case-insensitive, leading slash optional; other types unaffected', () => {
		assert.equal(normaliseCommand(' /Weather '), 'weather');
		const filter = new HeychatEventFilter(
			defaultHeychatFilterConfig({ eventTypes: new Set(['50', '3001']), commandNames: new Set(['weather']), dedupeSize: 0 }),
		);
		assert.equal(filter.apply(command('/weather')).pass, true);
		assert.equal(filter.apply(command('/WEATHER')).pass, true);
		assert.equal(filter.apply(command('weather')).pass, true);
		assert.deepEqual(filter.apply(command('/help')), { pass: false, reason: 'command "/help" is not in the command list' });
		assert.equal(filter.apply(join).pass, true);
	});

	test('rooms and channels: allow lists; events without the id are dropped', () => {
		const reaction = frame({ type: '5003', data: { channel_id: CHANNEL, msg_id: '1', user_id: 2, is_add: 1, emoji: '[x]' } });
		const byRoom = new HeychatEventFilter(defaultHeychatFilterConfig({ eventTypes: new Set(['*']), roomIds: new Set([ROOM]), dedupeSize: 0 }));
		assert.equal(byRoom.apply(command('/a')).pass, true);
		assert.equal(byRoom.apply(command('/a', { room_base_info: { room_id: '1' } })).pass, false);
		assert.match((byRoom.apply(reaction) as { reason: string }).reason, /room \(none\)/);
		const byChannel = new HeychatEventFilter(
			defaultHeychatFilterConfig({ eventTypes: new Set(['*']), channelIds: new Set([CHANNEL]), dedupeSize: 0 }),
		);
		assert.equal(byChannel.apply(reaction).pass, true);
		assert.equal(byChannel.apply(command('/a')).pass, true);
		assert.equal(byChannel.apply(join).pass, false);
	});

	test('de-duplication: a command msg_id once; a sequence once per connection', () => {
		const filter = new HeychatEventFilter(defaultHeychatFilterConfig({ eventTypes: new Set(['*']) }));
		const a = frame({ ...COMMAND_FRAME, sequence: 100 });
		const sameMsg = frame({ ...COMMAND_FRAME, sequence: 101 });
		assert.equal(filter.apply(a, 1).pass, true);
		assert.match((filter.apply(sameMsg, 1) as { reason: string }).reason, /already delivered/);
		assert.equal(filter.apply(join, 1).pass, true);
		assert.match((filter.apply(join, 1) as { reason: string }).reason, /sequence 1 was already delivered/);
		assert.equal(filter.apply(join, 2).pass, true, 'sequences restart on a new connection');
		// a command is known by its msg_id: another command on a repeated sequence is a new one
		const other = frame({ ...COMMAND_FRAME, sequence: 100, data: { ...COMMAND_FRAME.data, msg_id: '1831637085605466199' } });
		assert.equal(filter.apply(other, 1).pass, true);
	});

	test('de-duplication memory: Memory commands are remembered (one entry each), the oldest forgotten first', () => {
		const filter = new HeychatEventFilter(defaultHeychatFilterConfig({ dedupeSize: 3 }));
		const command = (msgId: number, sequence: number) =>
			frame({ ...COMMAND_FRAME, sequence, data: { ...COMMAND_FRAME.data, msg_id: String(1831637085605466000n + BigInt(msgId)) } });
		for (let i = 1; i <= 3; i++) assert.equal(filter.apply(command(i, i), 1).pass, true);
		// all three still remembered, on a new connection and a new sequence
		for (let i = 1; i <= 3; i++) assert.equal(filter.apply(command(i, 10 + i), 2).pass, false, `command ${i}`);
		assert.equal(filter.apply(command(4, 4), 1).pass, true);
		assert.equal(filter.apply(command(1, 20), 2).pass, true, 'the oldest was forgotten');
	});

	test('parameters: lists, validation, de-duplication switch', () => {
		const params: Record<string, unknown> = {
			events: ['50', '5003'],
			filters: { commandNames: '/Weather, help，dice', roomIds: `${ROOM}, 1`, channelIds: CHANNEL },
			options: { deduplicate: false },
		};
		const config = readHeychatFilterConfig((name, fallback) => params[name] ?? fallback);
		assert.deepEqual([...config.eventTypes], ['50', '5003']);
		assert.deepEqual([...config.commandNames], ['weather', 'help', 'dice']);
		assert.deepEqual([...config.roomIds], [ROOM, '1']);
		assert.deepEqual([...config.channelIds], [CHANNEL]);
		assert.equal(config.dedupeSize, 0);
		assert.throws(
			() => readHeychatFilterConfig((name, fallback) => ({ filters: { roomIds: 'abc' } })[name as 'filters'] ?? fallback),
			/"Only Rooms" must list numeric IDs, got "abc"/,
		);
		assert.throws(() => readHeychatFilterConfig((name, fallback) => ({ events: ['9999'] })[name as 'events'] ?? fallback), /Unknown event type "9999"/);
	});
});

describe('Heychat gateway helpers', () => {
	const TOKEN = 'dG9rZW4tZm9yLXRlc3Rz';

	test('the connect URL has the seven common query parameters and the token', () => {
		const url = new URL(gatewayConnectUrl('wss://chat.xiaoheihe.cn/chatroom/ws/connect', TOKEN));
		assert.equal(url.pathname, '/chatroom/ws/connect');
		assert.deepEqual(Object.fromEntries(url.searchParams), {
			client_type: 'heybox_chat',
			x_client_type: 'web',
			os_type: 'web',
			x_os_type: 'bot',
			x_app: 'heybox_chat',
			chat_os_type: 'bot',
			chat_version: '1.30.0',
			token: TOKEN,
		});
		const custom = new URL(gatewayConnectUrl('ws://127.0.0.1:1/c?chat_version=999.0.0&token=old', TOKEN));
		assert.equal(custom.searchParams.get('chat_version'), '999.0.0', "a value in the credential's URL wins");
		assert.deepEqual(custom.searchParams.getAll('token'), [TOKEN]);
		assert.throws(() => gatewayConnectUrl('https://chat.xiaoheihe.cn/chatroom/ws/connect', TOKEN), /must start with ws:\/\/ or wss:\/\//);
		assert.throws(() => gatewayConnectUrl(`not a url ${TOKEN}`, TOKEN), (e: Error) => /not a valid URL/.test(e.message) && !e.message.includes(TOKEN));
	});

	test('display URLs and redaction never show the token', () => {
		assert.equal(displayGatewayUrl(`ws://h/c?token=${TOKEN}`, TOKEN), 'ws://h/c?token=***');
		assert.equal(displayGatewayUrl('wss://chat.xiaoheihe.cn/chatroom/ws/connect', TOKEN), 'wss://chat.xiaoheihe.cn/chatroom/ws/connect');
		assert.equal(redactToken(`GET /c?x=1&token=abc&y=2 and ${TOKEN}`, TOKEN), 'GET /c?x=1&token=***&y=2 and ***');
	});

	test('PONG is matched by prefix, case-insensitively', () => {
		for (const pong of ['PONG', 'pong', 'PONG, tag: []', ' PONG\n']) assert.equal(isPong(pong), true, pong);
		assert.equal(isPong(Buffer.from('PONG')), true);
		for (const other of ['PING', '{"type":"PONG"}', 'P0NG', '']) assert.equal(isPong(other), false, other);
		assert.equal(isPong(`PONG${' '.repeat(300)}`), false);
	});

	test('a refusal frame is the failed envelope without an event type', () => {
		assert.equal(refusalMessage('{"status":"failed","msg":"token无效","result":{}}'), 'token无效');
		assert.equal(refusalMessage('{"status":"failed"}'), 'status "failed"');
		assert.equal(refusalMessage(JSON.stringify(COMMAND_FRAME)), undefined);
		assert.equal(refusalMessage('PONG'), undefined);
		assert.equal(refusalMessage('{"status":"ok"}'), undefined);
	});
});
