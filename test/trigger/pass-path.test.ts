// The triggers' all-pass path (parse → filter → de-duplicate → item) takes shortcuts; each decides
// exactly like the plain definition it replaces:
// - the scan for big integers over a frame's bytes answers like the scan over its text;
// - idKey keys two ids alike exactly when their idText is equal;
// - BoundedPairSet remembers and forgets (scope, id) pairs like a BoundedSet of strings;
// - the derived fields written onto the item (both platforms) equal the ones built apart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';

import { addDerivedFields as addHeychatFields, checkHeychatFrame, deriveFields as heychatFields, toItem, type HeychatFrame } from '../../nodes/Heychat/trigger/events';
import { defaultHeychatFilterConfig, HeychatEventFilter } from '../../nodes/Heychat/trigger/filters';
import { isPong } from '../../nodes/Heychat/trigger/gateway';
import { addDerivedFields, eventSegments, isOwnMessage, mentionsSelf, segmentsText } from '../../nodes/OneBot/trigger/derive';
import { defaultFilterConfig, EventFilter } from '../../nodes/OneBot/trigger/filters';
import { BoundedPairSet, BoundedSet, FrameGuard, type PairPart } from '../../nodes/shared/connection';
import { mayHoldUnsafeInteger, mayHoldUnsafeIntegerBytes, parseJsonLossless, parseJsonLosslessFrame, quoteUnsafeIntegers } from '../../nodes/shared/json';
import { idKey, idText, sameId } from '../../nodes/shared/trigger/ids';

/** Texts with digit runs of every length around 16, in and out of strings, at every offset mod 16, after one- and multi-byte characters. */
function scanTexts(): string[] {
	const texts: string[] = [];
	const prefixes = ['', 'a', '默认', 'é', '😀'];
	for (const prefix of prefixes) {
		for (let pad = 0; pad < 17; pad++) {
			for (const length of [15, 16, 17, 19, 20, 24]) {
				const digits = '1234567890'.repeat(3).slice(0, length);
				const big = '9'.repeat(length);
				const head = `{"p":"${prefix}${'x'.repeat(pad)}","v":`;
				for (const value of [
					digits,
					big,
					`-${big}`,
					`"${big}"`,
					`1.${big}`,
					`${big}e3`,
					`${big}.5`,
					`[${big}]`,
					`[1, ${big}]`,
					`{"k":\n${big}\n}`,
					`"a${big}"`,
					`"${prefix}${big}${prefix}"`,
				]) {
					texts.push(`${head}${value}}`);
				}
			}
		}
	}
	texts.push('9'.repeat(16), '-' + '9'.repeat(17), '"' + '9'.repeat(20) + '"', '[' + '9'.repeat(16) + ']');
	return texts;
}

describe('the scan for big integers over bytes', () => {
	test('answers like the scan over the text, and never misses an integer beyond 2^53', () => {
		let flagged = 0;
		for (const text of scanTexts()) {
			const bytes = Buffer.from(text);
			const fromBytes = mayHoldUnsafeIntegerBytes(bytes);
			assert.equal(fromBytes, mayHoldUnsafeInteger(text), text);
			if (quoteUnsafeIntegers(text) !== text) assert.equal(fromBytes, true, `missed: ${text}`);
			if (fromBytes) flagged++;
		}
		assert.ok(flagged > 500, `${flagged} texts flagged`);
	});

	test('a frame parses like parseJsonLossless: big integers as their exact digits', () => {
		for (const text of scanTexts()) {
			let expected: unknown;
			try {
				expected = parseJsonLossless(text);
			} catch {
				assert.throws(() => parseJsonLosslessFrame(Buffer.from(text), text), SyntaxError);
				continue;
			}
			assert.deepEqual(parseJsonLosslessFrame(Buffer.from(text), text), expected, text);
		}
		const wire = '{"sequence":1,"data":{"msg_id":1831637085605466112,"room":"默认频道","n":-90071992547409930}}';
		assert.deepEqual(parseJsonLosslessFrame(Buffer.from(wire), wire), {
			sequence: 1,
			data: { msg_id: '1831637085605466112', room: '默认频道', n: '-90071992547409930' },
		});
	});

	test('FrameGuard: a frame from ws (bytes) keeps int64 ids exact; a malformed one is skipped with the warning', () => {
		const warnings: string[] = [];
		const guard = new FrameGuard<unknown>({
			maxBytes: 1 << 20,
			check: (value) => ({ kind: 'accept', value }),
			logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} },
			source: 'ws://x',
		});
		assert.deepEqual(guard.accept(Buffer.from('{"id":9007199254740993,"s":"频道"}')), { id: '9007199254740993', s: '频道' });
		assert.equal(guard.accept(Buffer.from('{"id":9007199254740993')), undefined);
		assert.equal(guard.skipped, 1);
		assert.match(warnings[0], /Skipped a frame from ws:\/\/x: it is not valid JSON/);
	});
});

describe('idKey', () => {
	const values: unknown[] = [
		7, -7, 0, -0, 7.5, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 1e21, 5e-7, 100,
		'7', ' 7 ', '007', '+7', '-7', '7.0', '7.5', '1.5', '', ' ', '-0', '0', '00', '-', '1e+21', '5e-7', '100', '1e2',
		'9007199254740991', '-9007199254740991', '9007199254740992', '9007199254740993', '1831637085605466112', ' 1831637085605466112\n',
		'\u00a07\u00a0', '12345678901234567890', 12345678901234567890n, 7n, 0n, -7n, 'abc', undefined, null, true, {}, [7],
	];
	const same = (a: unknown, b: unknown) => a === b || (Number.isNaN(a) && Number.isNaN(b));

	test('two ids get the same key exactly when their idText is the same', () => {
		let pairs = 0;
		for (const a of values) {
			assert.equal(idKey(a) === undefined, idText(a) === undefined, `${typeof a} ${String(a)}`);
			for (const b of values) {
				if (idText(a) === undefined || idText(b) === undefined) continue;
				assert.equal(same(idKey(a), idKey(b)), idText(a) === idText(b), `${typeof a} ${JSON.stringify(String(a))} / ${typeof b} ${JSON.stringify(String(b))}`);
				assert.equal(sameId(a, b), idText(a) === idText(b));
				pairs++;
			}
		}
		assert.ok(pairs > 1000);
		assert.ok(new Set([idKey(-0), idKey(0), idKey('0')]).size === 1, 'Set keys: -0 and 0 are one key');
	});

	test('idText trims a string id exactly like String.prototype.trim, whatever its first and last character', () => {
		const codes: number[] = [];
		for (let code = 0; code < 0x3100; code++) codes.push(code);
		codes.push(0xfeff, 0xffff, 0xd83d);
		let checked = 0;
		for (const code of codes) {
			const c = String.fromCharCode(code);
			for (const id of [c, `${c}7`, `7${c}`, `${c}7${c}`, `${c}${c}`]) {
				const trimmed = id.trim();
				assert.equal(idText(id), trimmed === '' ? undefined : trimmed, `U+${code.toString(16)} in ${JSON.stringify(id)}`);
				checked++;
			}
		}
		assert.ok(checked > 60_000);
	});

	test('numbers and their digit strings are numbers; other ids are their text', () => {
		assert.equal(idKey(2854196310), 2854196310);
		assert.equal(idKey(' 2854196310 '), 2854196310);
		assert.equal(idKey('1831637085605466112'), '1831637085605466112');
		assert.equal(idKey(2 ** 60), String(2 ** 60), 'a number beyond 2^53: its text, as idText writes it');
		assert.equal(idKey('007'), '007');
	});
});

describe('BoundedPairSet', () => {
	/** A tiny deterministic random source. */
	function random(seed: number): () => number {
		let s = seed;
		return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
	}

	test('remembers and forgets like a BoundedSet of the pairs as strings', () => {
		const scopes: PairPart[] = [1, 2, '1', 'cmd', 2854196310, -0];
		const ids: PairPart[] = [1, 2, 3, '1', '2', 2 ** 53 + 2, '1831637085605466112', 0];
		const text = (p: PairPart) => `${typeof p}:${Object.is(p, -0) ? 0 : p}`;
		for (const capacity of [1, 2, 3, 5, 17]) {
			for (let seed = 1; seed <= 20; seed++) {
				const next = random(seed * 7919 + capacity);
				const pairs = new BoundedPairSet(capacity);
				const strings = new BoundedSet(capacity);
				for (let step = 0; step < 400; step++) {
					// now and then a run of new scopes (connections come and go)
					const scope = next() < 0.1 ? 1000 + step : scopes[Math.floor(next() * scopes.length)];
					const id = ids[Math.floor(next() * ids.length)];
					const key = `${text(scope)}|${text(id)}`;
					if (next() < 0.3) assert.equal(pairs.has(scope, id), strings.has(key), `has ${key} at step ${step}`);
					else assert.equal(pairs.add(scope, id), strings.add(key), `add ${key} at step ${step}`);
					assert.equal(pairs.size, strings.size);
				}
				const remembered = (pairs as unknown as { scopes: Map<PairPart, Set<PairPart>> }).scopes;
				assert.ok(remembered.size <= capacity, 'scopes whose ids were all forgotten are dropped');
				for (const set of remembered.values()) assert.ok(set.size > 0);
			}
		}
	});

	test('clear forgets everything', () => {
		const set = new BoundedPairSet(3);
		set.add(1, 1);
		set.add('cmd', '1');
		set.clear();
		assert.equal(set.size, 0);
		assert.equal(set.has(1, 1), false);
		assert.equal(set.add(1, 1), true);
	});
});

describe('OneBot: de-duplication and derived fields on the item', () => {
	const SELF = 2854196310;
	const message = (overrides: Record<string, unknown>) => ({
		post_type: 'message',
		message_type: 'group',
		self_id: SELF,
		user_id: 1,
		group_id: 2,
		message_id: 7,
		message: [{ type: 'text', data: { text: 'hi' } }],
		...overrides,
	});

	test('the same message id sent as a number and as a string is one message; "007" is another', () => {
		const filter = new EventFilter(defaultFilterConfig());
		assert.equal(filter.apply(message({ message_id: 7 }) as never).pass, true);
		assert.deepEqual(filter.apply(message({ message_id: '7' }) as never), { pass: false, reason: 'message 7 was already delivered' });
		assert.deepEqual(filter.apply(message({ message_id: ' 7 ', self_id: String(SELF) }) as never), { pass: false, reason: 'message 7 was already delivered' });
		assert.equal(filter.apply(message({ message_id: '007' }) as never).pass, true);
		assert.equal(filter.apply(message({ message_id: 7, self_id: 10002 }) as never).pass, true, 'another bot');
		assert.equal(filter.apply(message({ message_id: 7, self_id: undefined }) as never).pass, true, 'no bot id');
		assert.deepEqual(filter.apply(message({ message_id: '7', self_id: undefined }) as never), { pass: false, reason: 'message 7 was already delivered' });
		assert.equal(filter.apply(message({ message_id: 9007199254740993n }) as never).pass, true);
		assert.equal(filter.apply(message({ message_id: '9007199254740993' }) as never).pass, false, 'a BigInt id and its digits');
	});

	test('isSelf and isAtMe decide like isOwnMessage and mentionsSelf on the ids as text', () => {
		const ids: unknown[] = [SELF, String(SELF), ` ${SELF} `, 10002, '10002', undefined, '', Number.NaN, 2 ** 60, '1152921504606846976', 0, -0, '-0', '0'];
		let checked = 0;
		for (const selfId of ids) {
			for (const other of ids) {
				for (const postType of ['message', 'message_sent']) {
					const event = message({
						post_type: postType,
						self_id: selfId,
						user_id: other,
						message: [{ type: 'text', data: { text: ' a ' } }, { type: 'at', data: { qq: other } }, { type: 'text', data: { text: 'b ' } }],
					});
					const item = addDerivedFields({}, event);
					const segments = eventSegments(event);
					const self = selfId === undefined ? undefined : (idTextOf(selfId) as string | undefined);
					assert.deepEqual(Object.keys(item), ['text', 'segments', 'isAtMe', 'isSelf']);
					assert.equal(item.text, segmentsText(segments));
					assert.deepEqual(item.segments, segments);
					assert.equal(item.isAtMe, mentionsSelf(segments, self), `${String(selfId)} @ ${String(other)}`);
					assert.equal(item.isSelf, isOwnMessage(event, self, idTextOf(other)), `${postType} ${String(selfId)} / ${String(other)}`);
					checked++;
				}
			}
		}
		assert.ok(checked > 300);
	});
});

function idTextOf(value: unknown): string | undefined {
	return idText(value);
}

describe('Heychat: de-duplication and derived fields on the item', () => {
	const frame = (value: unknown) => (checkHeychatFrame(value) as { value: HeychatFrame }).value;
	const ROOM = '3611849174284943360';
	const samples: unknown[] = [
		{
			sequence: 1,
			type: '50',
			data: {
				bot_id: 72053518,
				channel_base_info: { channel_id: '3611849174307799042' },
				command_info: { id: '1831636113196855296', name: '/weather', options: [{ name: 'city', value: '上海' }, { name: 'sub', options: [{ name: 'x', value: 1 }] }] },
				msg_id: '1831637085605466112',
				room_base_info: { room_id: ROOM },
				sender_info: { user_id: 43028164 },
			},
		},
		{ sequence: '2', type: 50, data: { command_info: {}, room_id: 5, channel_id: ' 6 ', user_id: '7', msg_id: 8 } },
		{ type: '3001', data: { room_base_info: { room_id: ROOM }, user_info: { user_id: 1 }, state: 1 } },
		{ type: '3001', data: { room_id: ROOM, user_id: 1, state: '0' } },
		{ type: '5003', data: { room_id: ROOM, channel_id: '1', user_id: 2, msg_id: '3', is_add: 1, emoji: '[cube_doge]' } },
		{ type: '5003', data: { is_add: 'x', emoji: 5 } },
		{ type: 'card_message_btn_click', data: { value: 'v', text: 't', user_id: 1, msg_id: '9', room_base_info: { room_id: ROOM } } },
		{ type: 'card_message_btn_click', data: {} },
		{ type: 'unknown_type', data: { room_id: ROOM, eventType: 'sent by the server' }, eventType: 'also', typeName: 'too' },
		{ type: '50', data: { msg_id: '' }, roomId: 'kept when nothing is derived' },
	];

	test('the fields written onto the item equal toItem with deriveFields, key for key and in order', () => {
		for (const sample of samples) {
			const expected = toItem(frame(sample), heychatFields(frame(sample)));
			const owned = frame(structuredClone(sample));
			const item = addHeychatFields(owned.raw as IDataObject, owned);
			assert.equal(item, owned.raw);
			assert.deepEqual(item, expected, JSON.stringify(sample));
			assert.deepEqual(Object.keys(item), Object.keys(expected), JSON.stringify(sample));
			const filtered = new HeychatEventFilter(defaultHeychatFilterConfig({ eventTypes: new Set(['*']) })).apply(frame(sample), 1);
			assert.ok(filtered.pass);
			assert.deepEqual(Object.entries(filtered.item), Object.entries(expected), 'the filter builds the same item');
		}
	});

	test('a sequence sent as a number or as its digits is one sequence on a connection; msg_ids alike', () => {
		const filter = new HeychatEventFilter(defaultHeychatFilterConfig({ eventTypes: new Set(['*']) }));
		const join = (sequence: unknown) => frame({ sequence, type: '3001', data: { state: 1 } });
		assert.equal(filter.apply(join(11736260019), 1).pass, true);
		assert.deepEqual(filter.apply(join('11736260019'), 1), { pass: false, reason: 'sequence 11736260019 was already delivered on this connection' });
		assert.equal(filter.apply(join('011736260019'), 1).pass, true, 'other digits, another sequence');
		assert.equal(filter.apply(join(11736260019), 2).pass, true, 'another connection');
		const command = (sequence: number, msgId: unknown) => frame({ sequence, type: '50', data: { msg_id: msgId } });
		assert.equal(filter.apply(command(1, '1831637085605466112'), 1).pass, true);
		assert.deepEqual(filter.apply(command(2, ' 1831637085605466112 '), 1), {
			pass: false,
			reason: 'command message 1831637085605466112 was already delivered',
		});
		assert.equal(filter.apply(command(2, 5), 1).pass, true, 'the dropped repeat did not take sequence 2');
		assert.equal(filter.apply(command(3, '5'), 1).pass, false, 'msg_id 5 and "5" are one message');
		const plain: HeychatFrame = { raw: { type: '3001', data: {} }, type: '3001', data: {}, sequence: '77' };
		assert.equal(filter.apply(plain, 1).pass, true);
		assert.equal(filter.apply({ ...plain }, 1).pass, false, 'a frame built by hand: its sequence field counts');
	});

	test('PONG: a frame from ws is matched by its size first, like a text', () => {
		for (const text of ['PONG', ' pong, tag: []', `PONG${' '.repeat(252)}`, `PONG${' '.repeat(253)}`, `{"type":"50"${' '.repeat(300)}}`, 'PING']) {
			assert.equal(isPong(Buffer.from(text)), isPong(text), JSON.stringify(text.slice(0, 20)));
		}
		assert.equal(isPong(Buffer.from(`PONG${' '.repeat(252)}`)), true, '256 bytes');
		assert.equal(isPong(Buffer.from(`PONG${' '.repeat(253)}`)), false, '257 bytes');
	});
});
