// The triggers' compiled hot paths decide exactly like the plain definitions they replace: the
// event-type matcher like matchesEventTypes, the id matchers like `set.has(idText(value))`, the
// own-message check with ids of mixed types, and an item built in place like the copy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { idText } from '../../nodes/OneBot/trigger/derive';
import { EVENT_POST_TYPES, EVENT_TYPE_VALUES, eventTypeMatcher, matchesEventTypes } from '../../nodes/OneBot/trigger/eventTypes';
import { defaultFilterConfig, EventFilter, idMatcher } from '../../nodes/OneBot/trigger/filters';
import { checkHeychatFrame, type HeychatFrame } from '../../nodes/Heychat/trigger/events';
import { defaultHeychatFilterConfig, HeychatEventFilter } from '../../nodes/Heychat/trigger/filters';
import { parseJsonLossless } from '../../nodes/shared/json';
import { groupMessageEvent, heartbeatEvent, privateMessageEvent } from '../fakes/onebot';

type Event = Record<string, unknown> & { post_type: string };
const SELF = 10001;

/** Every event shape of the tree, plus unknown types, missing parts and a message_sent. */
function sampleEvents(): Array<Record<string, unknown>> {
	const events: Array<Record<string, unknown>> = [{}, { post_type: '' }, { post_type: 7 }, { post_type: 'unknown_post', unknown_post_type: 'x', sub_type: 'y' }];
	for (const post of EVENT_POST_TYPES) {
		events.push({ post_type: post.value });
		events.push({ post_type: post.value, [post.detailKey]: '' });
		events.push({ post_type: post.value, [post.detailKey]: 'not_in_tree', sub_type: 'nor_this' });
		for (const detail of post.details) {
			events.push({ post_type: post.value, [post.detailKey]: detail.value });
			events.push({ post_type: post.value, [post.detailKey]: detail.value, sub_type: '' });
			events.push({ post_type: post.value, [post.detailKey]: detail.value, sub_type: 'not_in_tree' });
			for (const sub of detail.subTypes) events.push({ post_type: post.value, [post.detailKey]: detail.value, sub_type: sub.value });
		}
	}
	events.push({ post_type: 'message_sent', message_type: 'group', sub_type: 'normal' });
	return events;
}

describe('the event-type matcher', () => {
	test('decides like matchesEventTypes for every selection of one or two paths, none and "*"', () => {
		const paths = [...EVENT_TYPE_VALUES];
		const selections: Array<Set<string>> = [new Set(), new Set(['*'])];
		for (const a of paths) {
			selections.push(new Set([a]));
			for (const b of paths) if (a < b && (b.startsWith(a) || a.split('.')[0] !== b.split('.')[0])) selections.push(new Set([a, b]));
		}
		const events = sampleEvents();
		let checked = 0;
		for (const selected of selections) {
			const matches = eventTypeMatcher(selected);
			for (const event of events) {
				assert.equal(matches(event), matchesEventTypes(event, selected), `${JSON.stringify([...selected])} ${JSON.stringify(event)}`);
				checked++;
			}
		}
		assert.ok(checked > 1000, `${checked} cases`);
	});
});

describe('id matchers', () => {
	test('decide like set.has(idText(value)) for numbers, digit strings, BigInt and junk', () => {
		const sets = [new Set<string>(), new Set(['7', '-7', '0']), new Set(['007', '-0', '9007199254740993', '12345678901234567890', '1.5'])];
		const values: unknown[] = [7, -7, 0, -0, 7.5, 1.5, Number.NaN, Infinity, 2 ** 53 + 2, 2 ** 60, '7', ' 7 ', '007', '', ' ', '-0', '0',
			'9007199254740993', 12345678901234567890n, 7n, undefined, null, true, {}, [7]];
		for (const ids of sets) {
			const has = idMatcher(ids);
			for (const value of values) {
				const text = idText(value);
				assert.equal(has(value), text !== undefined && ids.has(text), `${[...ids].join(',')} ∋ ${typeof value} ${String(value)}`);
			}
		}
	});

	test('group and user filters keep int64 ids exact (parsed losslessly from the wire)', () => {
		const wire = `{"post_type":"message","message_type":"group","self_id":${SELF},"user_id":9007199254740993,"group_id":9007199254740995,"message_id":1,"message":"hi"}`;
		const event = parseJsonLossless(wire) as Event;
		const f = (o: Parameters<typeof defaultFilterConfig>[0]) => new EventFilter(defaultFilterConfig(o)).apply(event);
		assert.equal(f({ groupAllow: new Set(['9007199254740995']) }).pass, true);
		assert.deepEqual(f({ groupAllow: new Set(['9007199254740996']) }), { pass: false, reason: 'group 9007199254740995 is not in the allowed groups' });
		assert.deepEqual(f({ userDeny: new Set(['9007199254740993']) }), { pass: false, reason: 'user 9007199254740993 is ignored' });
		assert.equal(f({ userDeny: new Set(['9007199254740992']) }).pass, true, 'a neighbour that Number would confuse');
	});
});

describe('the own-message check', () => {
	test('an id sent as a string and the same id as a number are the same user', () => {
		const f = () => new EventFilter(defaultFilterConfig());
		const groupMessage = (overrides: Record<string, unknown>) => ({ ...groupMessageEvent(SELF, 1, 2, 'x'), ...overrides }) as unknown as Event;
		const mixed = groupMessage({ user_id: String(SELF) });
		assert.deepEqual(f().apply(mixed), { pass: false, reason: "it is the bot's own message" });
		const spaced = groupMessage({ user_id: ` ${SELF} `, self_id: String(SELF) });
		assert.equal(f().apply(spaced).pass, false);
		assert.equal(f().apply(groupMessage({ self_id: undefined, user_id: undefined })).pass, true, 'no ids: not own');
		assert.equal(f().apply(groupMessage({ self_id: Number.NaN, user_id: Number.NaN })).pass, true);
		assert.equal(f().apply(groupMessage({ post_type: 'message_sent' })).pass, false);
	});
});

describe('an item built in place', () => {
	test('is the event itself, with the same keys, order and values as the copy', () => {
		const events = [
			privateMessageEvent(SELF, 2, '/Roll  d20 [CQ:at,qq=10001]'),
			groupMessageEvent(SELF, 1, 2, [{ type: 'at', data: { qq: String(SELF) } }, { type: 'text', data: { text: ' /hi there ' } }]),
			{ ...groupMessageEvent(SELF, 1, 2, '/x'), text: 'sent by the backend', isSelf: 'also' },
			heartbeatEvent(SELF),
		];
		let built = 0;
		for (const sent of events) {
			const config = defaultFilterConfig({ commandPrefixes: ['/'], eventTypes: new Set(['*']) });
			const copy = new EventFilter(config).apply(structuredClone(sent) as Event);
			const owned = structuredClone(sent) as Event;
			const inPlace = new EventFilter(config).apply(owned, true);
			assert.equal(inPlace.pass, copy.pass, JSON.stringify(sent));
			if (!inPlace.pass || !copy.pass) continue;
			assert.equal(inPlace.item, owned, 'the item is the event object');
			assert.deepEqual(inPlace.item, copy.item);
			assert.deepEqual(Object.keys(inPlace.item), Object.keys(copy.item), 'same key order');
			built++;
		}
		assert.equal(built, events.length, 'every sample passes the filter');
	});
});

describe('Heychat: an item built in place', () => {
	test('is the frame itself, equal to the copy key for key; the sequence is read from the frame', () => {
		const wire =
			'{"sequence":11736260019,"type":"50","notify_type":"","data":{"bot_id":1,"channel_base_info":{"channel_id":"3611849174307799042"},' +
			'"command_info":{"id":"1","name":"/Weather","options":[{"name":"city","value":"x"}]},"msg_id":1831637085605466112,' +
			'"room_base_info":{"room_id":"3611849174284943360"},"sender_info":{"user_id":43028164}},"timestamp":1}';
		const accepted = () => (checkHeychatFrame(parseJsonLossless(wire)) as { value: HeychatFrame }).value;
		assert.equal(accepted().sequence, '11736260019');
		const config = defaultHeychatFilterConfig({ commandNames: new Set(['weather']) });
		const copy = new HeychatEventFilter(config).apply(accepted());
		const frame = accepted();
		const inPlace = new HeychatEventFilter(config).apply(frame, 0, true);
		assert.ok(copy.pass && inPlace.pass);
		assert.equal(inPlace.item, frame.raw, 'the item is the parsed frame');
		assert.deepEqual(inPlace.item, copy.item);
		assert.deepEqual(Object.keys(inPlace.item), Object.keys(copy.item));
		assert.equal(inPlace.item.msgId, '1831637085605466112', 'an int64 id stays exact');
		const again = new HeychatEventFilter(config);
		assert.equal(again.apply(accepted(), 0, true).pass, true);
		assert.match((again.apply(accepted(), 0, true) as { reason: string }).reason, /already delivered/, 'de-duplication reads the lazy sequence');
	});

	test('command names are normalised the same way when cached', () => {
		const filter = new HeychatEventFilter(defaultHeychatFilterConfig({ commandNames: new Set(['weather']) }));
		let msgId = 0;
		const command = (name: string) =>
			(checkHeychatFrame({ type: '50', data: { command_info: { name }, msg_id: String(++msgId) } }) as { value: HeychatFrame }).value;
		for (let round = 0; round < 2; round++) {
			for (const name of ['/Weather', ' weather ', '//WEATHER', 'weather']) assert.equal(filter.apply(command(name)).pass, true, `${name} (round ${round})`);
		}
		assert.equal(filter.apply(command('/weathers')).pass, false);
		for (let i = 0; i < 300; i++) filter.apply(command(`/c${i}`)); // past the cache bound
		assert.equal(filter.apply(command('/WEATHER ')).pass, true);
	});
});
