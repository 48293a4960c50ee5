// Send Channel Message → Send To → Every Room the Bot Is In, against the fake Heychat API: the room
// list read page by page in both documented nestings, each room's channel tree (nested at any
// depth) searched for the named text channel, Except Rooms, one output item per room in Heychat's
// order (an error item for a room without that channel or whose send fails), and nothing sent when
// the room list cannot be read or a field is wrong.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FakeHeychat, failed, fakeChannelTree, fakeRoom, ok, type FakeHeychatOptions, type FakeRoom } from '../fakes/heychat';
import { paceWindow, type Clock } from '../../nodes/shared/batch';
import { realClock } from '../../nodes/shared/batch/clock';
import { heychatPacing } from '../../nodes/Heychat/transport/pacing';
import { heychatProperties } from '../../nodes/Heychat/actions/properties';
import { parseRoomIds, pickTextChannel, readRoomPage, roomViewChannels } from '../../nodes/Heychat/helpers/rooms';
import { feed, GENERAL, GENERAL_CHAT, ROOM, sandbox } from '../sandbox/support';
import { run } from './setup';

const SEND = '/chatroom/v2/channel_msg/send';
const JOINED = '/chatroom/v2/room/joined';
const VIEW = '/chatroom/v2/room/view';

/** The id of channel `n` of fakeChannelTree in `room` (11 = the text channel "Announcements"). */
const channelOf = (room: FakeRoom, n: number) => (BigInt(room.room.room_id) + BigInt(n)).toString();

function everyRoom(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'message',
		operation: 'send_channel_message',
		targetMode: 'all',
		channelName: 'announcements',
		messageType: 'text',
		text: 'Monday announcement',
		...extra,
	};
}

/** A fake with these rooms, closed after `fn`. */
async function withFake(options: FakeHeychatOptions, fn: (fake: FakeHeychat) => Promise<void>): Promise<void> {
	const fake = await FakeHeychat.start(options);
	try {
		await fn(fake);
	} finally {
		await fake.close();
	}
}

const bodies = (fake: FakeHeychat) => fake.callsTo(SEND).map((c) => c.json as IDataObject);

describe('Send Channel Message to every room the bot is in', () => {
	for (const shape of ['flat', 'nested'] as const) {
		test(`${shape} room list: the named text channel of each room except the listed ones, one item per room in order`, async () => {
			const rooms = [0, 1, 2, 3].map((i) => fakeRoom(i));
			await withFake({ rooms, joinedRoomsShape: shape }, async (fake) => {
				const result = await run(fake, everyRoom({ exceptIds: `${rooms[2].room.room_id}` }));
				assert.equal(result.error, undefined);

				const listed = fake.callsTo(JOINED);
				assert.deepEqual(listed.map((c) => [c.query.offset, c.query.limit]), [['0', '50']]);
				// the excepted room's tree is not read
				assert.deepEqual(fake.callsTo(VIEW).map((c) => c.query.room_id), [0, 1, 3].map((i) => rooms[i].room.room_id));
				const sent = bodies(fake);
				// "announcements": the text channel "Announcements" in the text category, never the voice channel "announcements"
				assert.deepEqual(sent.map((b) => [b.room_id, b.channel_id, b.channel_type]), [0, 1, 3].map((i) => [rooms[i].room.room_id, channelOf(rooms[i], 11), 1]));
				assert.ok(sent.every((b) => b.msg === 'Monday announcement'));
				assert.equal(new Set(sent.map((b) => b.heychat_ack_id)).size, 3);

				assert.deepEqual(
					result.output.map((o) => [o.json.room_id, o.json.room_name, o.json.channel_id, o.json.channel_name, o.json.success]),
					[0, 1, 3].map((i) => [rooms[i].room.room_id, `Room ${i}`, channelOf(rooms[i], 11), 'Announcements', true]),
				);
				assert.deepEqual(result.output.map((o) => o.json.heychat_ack_id), sent.map((b) => b.heychat_ack_id));
				assert.ok(result.output.every((o) => typeof o.json.msg_id === 'string'));
				assert.ok(result.output.every((o) => JSON.stringify(o.pairedItem) === JSON.stringify({ item: 0 })));
			});
		});
	}

	test('a channel nested at any depth is found; a text channel at the top level too', async () => {
		const deep = [
			{ channel_id: '3800000000000000001', channel_name: 'Lobby', channel_type: 0, channel_list: [] },
			{
				channel_id: '3800000000000000010',
				channel_name: 'Outer',
				channel_type: 3,
				channel_list: [
					{
						channel_id: '3800000000000000011',
						channel_name: 'Inner',
						channel_type: 3,
						channel_list: [{ channel_id: '3800000000000000012', channel_name: 'News', channel_type: 1, channel_list: [] }],
					},
				],
			},
		];
		const rooms = [fakeRoom(0, { channels: deep }), fakeRoom(1)];
		await withFake({ rooms }, async (fake) => {
			const nested = await run(fake, everyRoom({ channelName: ' news ', exceptIds: rooms[1].room.room_id }));
			assert.equal(nested.error, undefined);
			assert.deepEqual(bodies(fake).map((b) => b.channel_id), ['3800000000000000012']);
			fake.reset();
			fake.setRooms(rooms);
			const top = await run(fake, everyRoom({ channelName: '默认频道', exceptIds: rooms[0].room.room_id }));
			assert.equal(top.error, undefined);
			assert.deepEqual(bodies(fake).map((b) => b.channel_id), [channelOf(rooms[1], 1)]);
		});
	});

	test('a room without the named text channel, or with several, gets an error item naming the room; the others are sent', async () => {
		const onlyVoice = fakeRoom(1, {
			name: 'Voice Only',
			channels: [{ channel_id: '3700000000000001021', channel_name: 'Announcements', channel_type: 0, channel_list: [] }],
		});
		const twoText = fakeRoom(2, {
			name: 'Twins',
			channels: [
				{ channel_id: '3700000000000002001', channel_name: 'announcements', channel_type: 1, channel_list: [] },
				{ channel_id: '3700000000000002002', channel_name: 'ANNOUNCEMENTS', channel_type: 1, channel_list: [] },
			],
		});
		const untyped = fakeRoom(3, {
			name: 'Untyped',
			channels: [{ channel_id: '3700000000000003001', channel_name: 'Announcements', channel_list: [] }],
		});
		const announcementType = fakeRoom(4, {
			name: 'Board',
			channels: [{ channel_id: '3700000000000004001', channel_name: 'Announcements', channel_type: '2', channel_list: [] }],
		});
		const rooms = [fakeRoom(0), onlyVoice, twoText, untyped, announcementType, fakeRoom(5)];
		await withFake({ rooms }, async (fake) => {
			const result = await run(fake, everyRoom());
			assert.equal(result.error, undefined);
			assert.deepEqual(bodies(fake).map((b) => b.room_id), [rooms[0].room.room_id, rooms[5].room.room_id]);
			const out = result.output.map((o) => o.json);
			assert.deepEqual(out.map((j) => [j.room_id, j.success]), rooms.map((r, i) => [r.room.room_id, i === 0 || i === 5]));
			assert.equal(out[1].error, `Room "Voice Only" (${onlyVoice.room.room_id}) has no text channel named "announcements" (only a voice channel 3700000000000001021)`);
			assert.equal(out[1].channel_id, undefined);
			assert.match(String(out[2].error), /Room "Twins" \(\d+\) has 2 text channels named "announcements" \(3700000000000002001, 3700000000000002002\)/);
			assert.match(String(out[3].error), /Room "Untyped" \(\d+\) has a channel named "announcements" without a channel type/);
			assert.match(String(out[3].description), /does not guess|without guessing/);
			assert.match(String(out[4].error), /has no text channel named "announcements" \(only an announcement channel 3700000000000004001\)/);
		});
	});

	test('paging: more than 50 rooms are read 50 at a time until the total; every room gets its message in order', async () => {
		const rooms = Array.from({ length: 120 }, (_, i) => fakeRoom(i));
		await withFake({ rooms, joinedRoomsShape: 'nested' }, async (fake) => {
			const result = await run(fake, everyRoom());
			assert.equal(result.error, undefined);
			assert.deepEqual(fake.callsTo(JOINED).map((c) => [c.query.offset, c.query.limit]), [['0', '50'], ['50', '50'], ['100', '50']]);
			assert.deepEqual(bodies(fake).map((b) => b.room_id), rooms.map((r) => r.room.room_id));
			assert.deepEqual(result.output.map((o) => o.json.room_id), rooms.map((r) => r.room.room_id));
			assert.ok(result.output.every((o) => o.json.success === true));
		});
	});

	test('paging without a total stops at the first empty page; a server ignoring offset stops when a page repeats', async () => {
		const rooms = Array.from({ length: 60 }, (_, i) => fakeRoom(i));
		await withFake({ rooms }, async (fake) => {
			fake.on(JOINED, (call) => {
				const offset = Number(call.query.offset);
				return { body: ok({ rooms: rooms.slice(offset, offset + 50).map((r) => r.room) }) };
			});
			const result = await run(fake, everyRoom());
			assert.equal(result.error, undefined);
			assert.deepEqual(fake.callsTo(JOINED).map((c) => c.query.offset), ['0', '50', '60']);
			assert.equal(bodies(fake).length, 60);

			fake.reset();
			fake.setRooms(rooms);
			fake.on(JOINED, () => ({ body: ok({ rooms: rooms.slice(0, 50).map((r) => r.room) }) }));
			const repeated = await run(fake, everyRoom());
			assert.equal(repeated.error, undefined);
			assert.deepEqual(fake.callsTo(JOINED).map((c) => c.query.offset), ['0', '50']);
			assert.equal(bodies(fake).length, 50);
		});
	});

	test('a room list that never ends: an error after the page cap, nothing sent', async () => {
		await withFake({ rooms: [fakeRoom(0)] }, async (fake) => {
			fake.on(JOINED, (call) => {
				const offset = Number(call.query.offset);
				return { body: ok({ rooms: [fakeRoom(offset + 1).room] }) };
			});
			const result = await run(fake, everyRoom());
			assert.match(String(result.error?.message), /did not end within 200 pages/);
			assert.equal(fake.callsTo(JOINED).length, 200);
			assert.equal(fake.callsTo(VIEW).length, 0);
			assert.equal(bodies(fake).length, 0);
		});
	});

	test('a failing room among others: its send or its room view fails, it gets the error, the others are sent', async () => {
		const rooms = [0, 1, 2, 3].map((i) => fakeRoom(i));
		await withFake({ rooms }, async (fake) => {
			fake.on(SEND, (call) => ((call.json as IDataObject).room_id === rooms[1].room.room_id ? { body: failed('权限不足，无法发言') } : undefined));
			fake.on(VIEW, (call) => (call.query.room_id === rooms[2].room.room_id ? { status: 502, body: failed('bad gateway') } : undefined));
			const result = await run(fake, everyRoom());
			assert.equal(result.error, undefined);
			assert.deepEqual(bodies(fake).map((b) => b.room_id), [0, 1, 3].map((i) => rooms[i].room.room_id));
			const out = result.output.map((o) => o.json);
			assert.deepEqual(out.map((j) => j.success), [true, false, false, true]);
			// the failed send names its channel; the failed view has none
			assert.equal(out[1].channel_id, channelOf(rooms[1], 11));
			assert.match(String(out[1].error), /权限不足/);
			assert.equal(out[2].channel_id, undefined);
			assert.match(String(out[2].error), /502/);
		});
	});

	test('every room failing fails the node; with On Error → Continue each room has its error item', async () => {
		const rooms = [fakeRoom(0), fakeRoom(1)];
		await withFake({ rooms }, async (fake) => {
			fake.failNext(SEND, '权限不足，无法发言', Infinity);
			const failedRun = await run(fake, everyRoom());
			assert.match(String(failedRun.error?.message), /权限不足/);
			assert.equal(bodies(fake).length, 2);
			const continued = await run(fake, everyRoom(), { continueOnFail: true });
			assert.equal(continued.error, undefined);
			assert.deepEqual(continued.output.map((o) => [o.json.room_id, o.json.success]), rooms.map((r) => [r.room.room_id, false]));
		});
	});

	test('the room list cannot be read: an error before anything is sent', async () => {
		const rooms = Array.from({ length: 70 }, (_, i) => fakeRoom(i));
		await withFake({ rooms }, async (fake) => {
			// the second page fails: no room gets anything, not even the first 50
			fake.on(JOINED, (call) => (call.query.offset === '50' ? { body: failed('服务繁忙') } : undefined));
			const result = await run(fake, everyRoom());
			assert.match(String(result.error?.message), /list_joined_rooms failed: 服务繁忙/);
			assert.equal(fake.callsTo(VIEW).length, 0);
			assert.equal(bodies(fake).length, 0);

			fake.reset();
			fake.setRooms(rooms);
			fake.on(JOINED, () => ({ body: ok({ list: [] }) }));
			const shapeless = await run(fake, everyRoom());
			assert.match(String(shapeless.error?.message), /without a list of rooms/);
			assert.equal(bodies(fake).length, 0);
		});
	});

	test('bad fields are refused naming the field, before anything is fetched', async () => {
		await withFake({ rooms: [fakeRoom(0)] }, async (fake) => {
			const noName = await run(fake, everyRoom({ channelName: '  ' }));
			assert.match(`${noName.error?.message} ${(noName.error as { description?: string })?.description}`, /channelName/);
			const badExcept = await run(fake, everyRoom({ exceptIds: '3700000000000000000, general' }));
			assert.match(String(badExcept.error?.message), /"exceptIds" entry 2 must be a room ID/);
			const badJson = await run(fake, everyRoom({ exceptIds: '[3700000000000000000' }));
			assert.match(String(badJson.error?.message), /exceptIds.*valid JSON/);
			assert.equal(fake.calls.length, 0);
		});
	});

	test('Except Rooms takes a JSON array of ids (bare 19-digit numbers kept exact) or {"room_id"} objects', async () => {
		const rooms = [0, 1, 2].map((i) => fakeRoom(i));
		await withFake({ rooms }, async (fake) => {
			const result = await run(fake, everyRoom({ exceptIds: `[${rooms[0].room.room_id}, {"room_id": "${rooms[2].room.room_id}"}]` }));
			assert.equal(result.error, undefined);
			assert.deepEqual(bodies(fake).map((b) => b.room_id), [rooms[1].room.room_id]);
		});
	});

	test('every room excepted, or a bot in no room: an error saying so (naming the field), not an empty output', async () => {
		const rooms = [fakeRoom(0), fakeRoom(1)];
		await withFake({ rooms }, async (fake) => {
			const excepted = await run(fake, everyRoom({ exceptIds: rooms.map((r) => r.room.room_id).join(', ') }));
			assert.ok(excepted.error, `no error; output ${JSON.stringify(excepted.output.map((o) => o.json))}`);
			assert.match(String(excepted.error.message), /no room to send to/i);
			assert.match(String(excepted.error.message), /"exceptIds" leaves out every room the bot is in \(2\)/);
			assert.equal(fake.callsTo(VIEW).length + bodies(fake).length, 0);

			fake.setRooms([]);
			const none = await run(fake, everyRoom());
			assert.match(String(none.error?.message), /no room to send to/i);
			assert.match(String(none.error?.message), /list_joined_rooms lists no rooms the bot is in/);
			assert.equal(fake.callsTo(VIEW).length + bodies(fake).length, 0);

			// with On Error → Continue the item gets its error item: it leaves a trace in the output
			const continued = await run(fake, everyRoom(), { continueOnFail: true });
			assert.equal(continued.error, undefined);
			assert.equal(continued.output.length, 1);
			assert.match(String(continued.output[0].json.error), /no room to send to/i);
		});
	});

	test('items of one execution read the room list and each tree once; each message has its own ack id', async () => {
		const rooms = [fakeRoom(0), fakeRoom(1)];
		await withFake({ rooms }, async (fake) => {
			const items = [{ json: { text: 'first' } }, { json: { text: 'second' } }];
			const result = await run(fake, everyRoom({ text: '={{ $json.text }}' }), { items });
			assert.equal(result.error, undefined);
			assert.equal(fake.callsTo(JOINED).length, 1);
			assert.equal(fake.callsTo(VIEW).length, 2);
			assert.deepEqual(bodies(fake).map((b) => [b.msg, b.room_id]), [
				['first', rooms[0].room.room_id],
				['first', rooms[1].room.room_id],
				['second', rooms[0].room.room_id],
				['second', rooms[1].room.room_id],
			]);
			assert.equal(new Set(bodies(fake).map((b) => b.heychat_ack_id)).size, 4);
			assert.deepEqual(result.output.map((o) => (o.pairedItem as { item: number }).item), [0, 0, 1, 1]);
		});
	});

	test('Send Rate spaces the sends; the listing calls take slots of the 300 requests per minute', async () => {
		const rooms = [fakeRoom(0), fakeRoom(1), fakeRoom(2)];
		await withFake({ rooms }, async (fake) => {
			const result = await run(fake, everyRoom(), { credentialOverrides: { sendRate: 600 as unknown as string } });
			assert.equal(result.error, undefined);
			const at = fake.callsTo(SEND).map((c) => c.at);
			for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 80, `sends ${at.join(', ')}`);
			// 1 room list + 3 room views + 3 sends = 7 requests recorded in the bot's window
			const { key } = heychatPacing({ token: fake.token, apiBaseUrl: fake.url });
			// the node's clock, without sleeping
			const now: Clock = { now: realClock.now, sleep: async () => undefined };
			assert.equal(await paceWindow(`${key}:all`, 8, 60_000, { clock: now }), 0);
			assert.ok((await paceWindow(`${key}:all`, 8, 60_000, { clock: now })) > 50_000);
		});
	});

	test('the other modes fetch no room list', async () => {
		await withFake({ rooms: [fakeRoom(0)] }, async (fake) => {
			const room = fakeRoom(0).room.room_id;
			const one = await run(fake, {
				...everyRoom({ targetMode: 'one' }),
				room_id: { __rl: true, mode: 'id', value: room },
				channel_id: { __rl: true, mode: 'id', value: channelOf(fakeRoom(0), 1) },
			});
			assert.equal(one.error, undefined);
			const list = await run(fake, everyRoom({ targetMode: 'list', targetIds: `${room}/${channelOf(fakeRoom(0), 1)}` }));
			assert.equal(list.error, undefined);
			assert.equal(fake.callsTo(JOINED).length + fake.callsTo(VIEW).length, 0);
			assert.equal(bodies(fake).length, 2);
		});
	});
});

describe('every room: the editor fields', () => {
	test('Send To offers "Every Room the Bot Is In" with Except Rooms and Channel Name; room and channel are hidden then', () => {
		const mode = heychatProperties.find((p) => p.name === 'targetMode' && p.displayOptions?.show?.operation?.includes('send_channel_message'))!;
		assert.deepEqual(mode.options?.map((o) => (o as { name: string }).name), ['One Channel', 'List of Channels', 'Every Room the Bot Is In']);
		const except = heychatProperties.find((p) => p.name === 'exceptIds' && p.displayOptions?.show?.operation?.includes('send_channel_message'))!;
		assert.equal(except.displayName, 'Except Rooms');
		assert.deepEqual(except.displayOptions?.show?.targetMode, ['all']);
		const name = heychatProperties.find((p) => p.name === 'channelName')!;
		assert.equal(name.displayName, 'Channel Name');
		assert.deepEqual(name.displayOptions?.show?.targetMode, ['all']);
		for (const field of ['room_id', 'channel_id']) {
			const shown = heychatProperties.filter((p) => p.name === field && p.displayOptions?.show?.operation?.includes('send_channel_message'));
			assert.ok(shown.length > 0, field);
			for (const p of shown) assert.deepEqual(p.displayOptions?.hide?.targetMode, ['list', 'all'], field);
		}
	});
});

describe('every room: reading the uncertain answers', () => {
	const room = { room_id: '3663316788315193344', room_name: 'R' };
	test('room/joined: flat, nested, a bare array; no list at all is undefined', () => {
		assert.deepEqual(readRoomPage({ rooms: [room], total: 1, offset: 0, limit: 50 }), { rooms: [room], total: 1 });
		assert.deepEqual(readRoomPage({ rooms: { rooms: [room], total: '7', offset: 0, limit: 50 } }), { rooms: [room], total: 7 });
		assert.deepEqual(readRoomPage([room]), { rooms: [room] });
		assert.equal(readRoomPage({ total: 3 }), undefined);
		assert.equal(readRoomPage(undefined), undefined);
	});

	test('room/view: channels at the top, under room, or nested as channels.channels; flattened at any depth, each once', () => {
		const tree = fakeChannelTree('3700000000000000000');
		const flat = roomViewChannels({ room, channels: tree })!;
		assert.deepEqual(flat.map((c) => c.channel_name), ['默认频道', '公告', '文字频道', 'Announcements', '闲聊', '语音频道', 'Lobby', 'announcements']);
		assert.deepEqual(roomViewChannels({ room: { ...room, channels: tree } })!.length, 8);
		assert.deepEqual(roomViewChannels({ channels: { channels: tree } })!.length, 8);
		assert.equal(roomViewChannels({ room }), undefined);
		const twice = roomViewChannels({ channels: [tree[0], { ...tree[2], channel_list: [tree[0]] }] })!;
		assert.equal(twice.length, 2);
	});

	test('the pick: exactly one text channel by name, ignoring case; never a voice channel', () => {
		const tree = roomViewChannels({ channels: fakeChannelTree('3700000000000000000') })!;
		assert.deepEqual(pickTextChannel(tree, 'ANNOUNCEMENTS'), { channel: { channel_id: '3700000000000000011', channel_name: 'Announcements' } });
		assert.match((pickTextChannel(tree, 'lobby') as { problem: string }).problem, /no text channel named "lobby" \(only a voice channel/);
		assert.match((pickTextChannel(tree, 'nothing') as { problem: string }).problem, /^has no text channel named "nothing"$/);
	});

	test('Except Rooms: commas, full-width commas, new lines; empty is none', () => {
		assert.deepEqual([...parseRoomIds('exceptIds', '1, 2，3\n4、5')], ['1', '2', '3', '4', '5']);
		assert.equal(parseRoomIds('exceptIds', '').size, 0);
		assert.throws(() => parseRoomIds('exceptIds', '{"room_id": 1}'), /exceptIds/);
	});
});

describe('every room in the chat sandbox', () => {
	test('"general" in the sandbox room: the message shows in #general; its voice channel is never used', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const result = await run(s.heychat, everyRoom({ channelName: 'GENERAL', text: 'to every room' }));
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output.map((o) => [o.json.room_id, o.json.channel_id, o.json.channel_name, o.json.success]), [[ROOM, GENERAL, 'general', true]]);
		const shown = await page.waitFor((f) => f.type === 'message' && f.message.chatId === GENERAL_CHAT, 'the message in #general');
		assert.deepEqual(shown.message.segments, [{ type: 'markdown', text: 'to every room' }]);

		const voice = await run(s.heychat, everyRoom({ channelName: 'Voice Lobby' }), { continueOnFail: true });
		assert.match(String(voice.output[0].json.error), /has no text channel named "Voice Lobby" \(only a voice channel \d+\)/);
	});
});
