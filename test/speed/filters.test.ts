// The triggers' fast paths decide like the full derivation: the text the filters read without
// building segments is the text of the derived fields, and an event dropped early is dropped for
// the same reason as before; a passing event's item is the event plus every derived field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { deriveFields, eventSegments, messageText, segmentsText } from '../../nodes/OneBot/trigger/derive';
import { defaultFilterConfig, EventFilter } from '../../nodes/OneBot/trigger/filters';
import { checkHeychatFrame, deriveFields as heychatFields, toItem, type HeychatFrame } from '../../nodes/Heychat/trigger/events';
import { defaultHeychatFilterConfig, HeychatEventFilter } from '../../nodes/Heychat/trigger/filters';
import { groupMessageEvent, privateMessageEvent } from '../fakes/onebot';

type Event = Record<string, unknown> & { post_type: string };
const SELF = 10001;

describe('OneBot: the text the filters read', () => {
	test('equals the derived text for every message shape backends send', () => {
		const shapes: unknown[] = [
			[{ type: 'text', data: { text: ' hello ' } }, { type: 'at', data: { qq: '10001' } }, { type: 'text', data: { text: 'world ' } }],
			[{ type: 'text', data: { text: 5 } }, { type: 'text', data: null }, { type: 'text' }, 'junk', null, { data: { text: 'no type' } }],
			[{ type: 'face', data: { id: '1' } }],
			[],
			{ type: 'text', data: { text: 'a single segment' } },
			'CQ code [CQ:at,qq=10001] &#91;x&#93; text',
			undefined,
		];
		for (const message of shapes) {
			const event = groupMessageEvent(SELF, 1, 2, message ?? '') as Record<string, unknown>;
			if (message === undefined) {
				delete event.message;
				event.raw_message = 'from raw_message [CQ:face,id=1]';
			}
			assert.equal(messageText(event), segmentsText(eventSegments(event)), JSON.stringify(message));
			assert.equal(messageText(event), deriveFields(event).text);
		}
	});
});

describe('OneBot: early drops and the item', () => {
	test('the first failing filter names the reason, as in the fixed order', () => {
		const own = groupMessageEvent(SELF, 1, SELF, [{ type: 'text', data: { text: 'x' } }]) as Event;
		assert.deepEqual(new EventFilter(defaultFilterConfig({ keywords: ['zebra'], groupAllow: new Set(['9']) })).apply(own), {
			pass: false,
			reason: "it is the bot's own message",
		});
		const other = groupMessageEvent(SELF, 1, 2, [{ type: 'text', data: { text: 'x' } }]) as Event;
		assert.deepEqual(new EventFilter(defaultFilterConfig({ keywords: ['zebra'], groupAllow: new Set(['9']) })).apply(other), {
			pass: false,
			reason: 'group 1 is not in the allowed groups',
		});
		assert.deepEqual(new EventFilter(defaultFilterConfig({ keywords: ['zebra'], onlyWhenMentioned: true })).apply(other), {
			pass: false,
			reason: 'the bot is not @-mentioned',
		});
		assert.deepEqual(new EventFilter(defaultFilterConfig({ keywords: ['zebra'] })).apply(other), { pass: false, reason: 'no keyword matched' });
	});

	test('a passing event: the event as sent plus every derived field, command and args included', () => {
		const event = privateMessageEvent(SELF, 2, '/Roll  d20 [CQ:at,qq=10001]') as Event;
		const sent = structuredClone(event);
		const result = new EventFilter(defaultFilterConfig({ commandPrefixes: ['/'] })).apply(event);
		assert.ok(result.pass);
		assert.deepEqual(result.item, { ...sent, ...deriveFields(sent), command: 'Roll', args: ['d20'] });
		assert.deepEqual(event, sent, 'the event itself is not changed');
	});

	test('de-duplication still runs after every other filter', () => {
		const f = new EventFilter(defaultFilterConfig({ keywords: ['hi'] }));
		const event = groupMessageEvent(SELF, 1, 2, [{ type: 'text', data: { text: 'nope' } }]) as Event;
		assert.equal(f.apply(event).pass, false);
		const again = { ...event, message: [{ type: 'text', data: { text: 'hi' } }] } as Event;
		assert.equal(f.apply(again).pass, true, 'a dropped event was not remembered');
		assert.deepEqual(f.apply(again), { pass: false, reason: `message ${String(event.message_id)} was already delivered` });
	});
});

describe('Heychat: early drops and the item', () => {
	const frame = (data: Record<string, unknown>, extra: Record<string, unknown> = {}): HeychatFrame =>
		(checkHeychatFrame({ sequence: 7, type: '50', notify_type: '', data, timestamp: 1, ...extra }) as { value: HeychatFrame }).value;
	const command = {
		bot_id: 1,
		channel_base_info: { channel_id: '3611849174307799042' },
		room_base_info: { room_id: '3611849174284943360' },
		command_info: { id: '1', name: '/Weather', options: [{ name: 'city', value: 'x' }] },
		msg_id: '1831637085605466112',
		sender_info: { user_id: 43028164 },
	};

	test('command, room and channel filters drop with the same reasons', () => {
		const f = (o: Parameters<typeof defaultHeychatFilterConfig>[0]) => new HeychatEventFilter(defaultHeychatFilterConfig(o));
		assert.deepEqual(f({ commandNames: new Set(['zebra']) }).apply(frame(command)), { pass: false, reason: 'command "/Weather" is not in the command list' });
		assert.deepEqual(f({ roomIds: new Set(['1']) }).apply(frame(command)), { pass: false, reason: 'room 3611849174284943360 is not in the room list' });
		assert.deepEqual(f({ channelIds: new Set(['1']) }).apply(frame({ ...command, channel_base_info: undefined, channel_id: '5' })), {
			pass: false,
			reason: 'channel 5 is not in the channel list',
		});
		assert.deepEqual(f({ commandNames: new Set(['zebra']) }).apply(frame({ ...command, command_info: undefined })), {
			pass: false,
			reason: 'command "(none)" is not in the command list',
		});
	});

	test('a passing frame: the frame as sent plus the derived fields that apply, in their order', () => {
		const passing = frame(command);
		const result = new HeychatEventFilter(defaultHeychatFilterConfig({ commandNames: new Set(['weather']) })).apply(passing);
		assert.ok(result.pass);
		const fields = heychatFields(passing);
		const expected: Record<string, unknown> = { ...passing.raw };
		for (const [key, value] of Object.entries(fields)) if (value !== undefined) expected[key] = value;
		assert.deepEqual(result.item, expected);
		assert.deepEqual(Object.keys(result.item), Object.keys(expected), 'same key order');
		assert.deepEqual(toItem(passing), expected);
	});
});
