// The action nodes' per-item fast paths keep their semantics: a call the same for every item is
// prepared once but still sent once per item (and refused per item when refused); anything taken
// from the item (expressions, binary files) is still read per item; one timer serves the calls in
// flight on a WebSocket; output items are n8n's; Heychat ack IDs stay stable and distinct.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

// the harness first: it sets n8n-core's environment up before n8n-core loads
import { binaryItem } from '../harness/n8n';
import { constructExecutionMetaData, returnJsonArray } from 'n8n-core';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { BIG_ID, byId, run as runOneBot, TOKEN, wireParams } from '../onebot/setup';
import { run as runHeychat, BIG_CHANNEL, BIG_ROOM, byId as heychatId } from '../heychat/setup';
import { FakeOneBot } from '../fakes/onebot';
import { FakeHeychat } from '../fakes/heychat';
import { pushPairedResults } from '../../nodes/shared/batch/output';
import { ackIdFor, ackIdSequence } from '../../nodes/Heychat/helpers/ackId';
import { jsonWithStringField } from '../../nodes/Heychat/actions/post';
import { stringifyWithBigInt } from '../../nodes/shared/json';

const WS = { transport: 'websocket' };
const items = (n: number, json: (i: number) => IDataObject = (i) => ({ i })): INodeExecutionData[] =>
	Array.from({ length: n }, (_, i) => ({ json: json(i) }));

describe('OneBot: a call the same for every item', () => {
	let fake: FakeOneBot;
	before(async () => {
		fake = await FakeOneBot.start({ accessToken: TOKEN });
	});
	after(async () => {
		await fake.close();
	});

	for (const transport of ['http', 'websocket'] as const) {
		test(`${transport}: fixed parameters, 4 items → 4 calls with the same params, 4 answers, each paired`, async () => {
			fake.reset();
			const result = await runOneBot(
				fake,
				{ resource: 'message', operation: 'send_group_msg', group_id: byId('100001'), messageFormat: 'text', text: 'same', options: { transport } },
				{ items: items(4) },
			);
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo('send_group_msg');
			assert.equal(calls.length, 4, 'sent once per item');
			for (const call of calls) assert.deepEqual(call.params, { group_id: 100001, message: 'same', auto_escape: true });
			if (transport === 'websocket') assert.equal(new Set(calls.map((c) => c.echo)).size, 4, 'an echo per call');
			assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3].map((item) => ({ item })));
			assert.notEqual(result.output[0].json, result.output[1].json, 'each item its own output object');
		});
	}

	test('a fixed parameter that is refused is refused for every item, and nothing is sent', async () => {
		fake.reset();
		const result = await runOneBot(
			fake,
			{ resource: 'message', operation: 'send_group_msg', group_id: byId('99999999999999999999'), messageFormat: 'text', text: 'x', options: WS },
			{ items: items(3), continueOnFail: true },
		);
		assert.equal(result.error, undefined);
		assert.equal(fake.calls.length, 0, 'nothing sent');
		assert.equal(result.output.length, 3);
		for (const [i, out] of result.output.entries()) {
			assert.match(String(out.json.error), /group_id/);
			assert.deepEqual(out.pairedItem, { item: i });
		}
	});

	test('an expression is still read per item', async () => {
		fake.reset();
		const result = await runOneBot(
			fake,
			{ resource: 'message', operation: 'send_group_msg', group_id: byId('100001'), messageFormat: 'text', text: '={{ "n" + $json.i }}', options: WS },
			{ items: items(3) },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(fake.callsTo('send_group_msg').map((c) => c.params.message), ['n0', 'n1', 'n2']);
	});

	test('segments with a binary file: each item sends its own file (WebSocket)', async () => {
		fake.reset();
		const first = Buffer.from('first image bytes');
		const second = Buffer.from('second image bytes');
		const result = await runOneBot(
			fake,
			{
				resource: 'message',
				operation: 'send_group_msg',
				group_id: byId('100001'),
				messageFormat: 'segments',
				segments: { segment: [{ type: 'image', source: 'binary' }] },
				options: WS,
			},
			{ items: [binaryItem({}, 'data', first, 'image/png', 'a.png'), binaryItem({}, 'data', second, 'image/png', 'b.png')] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const files = fake.callsTo('send_group_msg').map((c) => {
			const file = (c.params.message as Array<{ data: { file: string } }>)[0].data.file;
			return Buffer.from(file.replace(/^base64:\/\//, ''), 'base64');
		});
		assert.equal(files.length, 2);
		assert.ok(files[0].equals(first));
		assert.ok(files[1].equals(second));
	});

	test('WebSocket, Concurrency 2: one call that gets no answer times out alone; the others and the calls after it succeed', async () => {
		fake.reset();
		fake.setHandler('send_group_msg', (params) =>
			params.message === 'never'
				? new Promise((resolve) => setTimeout(() => resolve({ message_id: 9 }), 2500).unref())
				: { message_id: 1 },
		);
		try {
			const texts = ['a', 'never', 'c', 'd', 'e'];
			const started = performance.now();
			const result = await runOneBot(
				fake,
				{
					resource: 'message',
					operation: 'send_group_msg',
					group_id: byId('100001'),
					messageFormat: 'text',
					text: '={{ $json.t }}',
					options: { ...WS, timeout: 1, batching: { batch: { batchSize: 0, batchInterval: 0, concurrency: 2 } } },
				},
				{ items: texts.map((t) => ({ json: { t } })), continueOnFail: true },
			);
			const elapsed = performance.now() - started;
			assert.equal(result.error, undefined);
			assert.equal(fake.callsTo('send_group_msg').length, 5, 'each sent once');
			assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3, 4].map((item) => ({ item })));
			assert.deepEqual(result.output.map((o) => o.json.message_id), [1, undefined, 1, 1, 1]);
			assert.equal(result.output[1].json.error, `send_group_msg over ${fake.wsUrl} got no answer within 1000 ms`);
			assert.ok(elapsed >= 1000, `the timeout waited its full second (${elapsed} ms)`);
		} finally {
			fake.resetBehaviour();
		}
	});
});

describe('OneBot: a parameter with an expression among fixed ones', () => {
	let fake: FakeOneBot;
	before(async () => {
		fake = await FakeOneBot.start({ accessToken: TOKEN });
	});
	after(async () => {
		await fake.close();
	});
	const send = (parameters: IDataObject, transport: string, extraOptions: IDataObject = {}) => ({
		resource: 'message',
		operation: 'send_group_msg',
		group_id: byId('100001'),
		messageFormat: 'text',
		text: '={{ "n" + $json.i }}',
		...parameters,
		options: { transport, ...extraOptions },
	});

	for (const transport of ['http', 'websocket'] as const) {
		test(`${transport}: the chat from an expression is read per item (a 19-digit id exact), the text too`, async () => {
			fake.reset();
			const groups = ['100001', '100002', BIG_ID];
			const result = await runOneBot(fake, send({ group_id: byId('={{ $json.g }}') }, transport), {
				items: items(3, (i) => ({ i, g: groups[i] })),
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo('send_group_msg');
			assert.deepEqual(calls.map((c) => wireParams(c).group_id), [100001, 100002, BigInt(BIG_ID)]);
			assert.deepEqual(calls.map((c) => wireParams(c).message), ['n0', 'n1', 'n2']);
		});

		test(`${transport}: Additional Fields with an expression are read per item beside a fixed chat`, async () => {
			fake.reset();
			const result = await runOneBot(fake, send({ additionalFields: { summary: '={{ "s" + $json.i }}' } }, transport), {
				items: items(3),
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo('send_group_msg').map(wireParams);
			assert.deepEqual(calls.map((c) => c.summary), ['s0', 's1', 's2']);
			assert.deepEqual(calls.map((c) => c.group_id), [100001, 100001, 100001]);
		});

		test(`${transport}: a fixed 19-digit chat id with a text per item reaches the wire exact for every item`, async () => {
			fake.reset();
			const result = await runOneBot(fake, send({ group_id: byId(BIG_ID) }, transport), { items: items(3) });
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo('send_group_msg').map(wireParams);
			assert.deepEqual(calls, [0, 1, 2].map((i) => ({ group_id: BigInt(BIG_ID), message: `n${i}`, auto_escape: true })));
		});
	}

	test('a JSON field read once keeps a key named __proto__ for every item (the copies each item gets)', async () => {
		fake.reset();
		const result = await runOneBot(fake, send({ additionalFields: { news: '[{"text":"t","__proto__":{"x":1}}]' } }, 'websocket'), {
			items: items(3),
		});
		assert.equal(result.error, undefined, String(result.error?.message));
		const texts = fake.callsTo('send_group_msg').map((c) => c.rawBody);
		assert.equal(texts.length, 3);
		for (const text of texts) assert.ok(text.includes('"news":[{"text":"t","__proto__":{"x":1}}]'), text);
	});

	test('Concurrency 4: each call carries its own item\'s text with the fixed chat, outputs paired in order', async () => {
		fake.reset();
		const n = 12;
		const result = await runOneBot(
			fake,
			send({ additionalFields: { summary: 'fixed' } }, 'websocket', { batching: { batch: { batchSize: 0, batchInterval: 0, concurrency: 4 } } }),
			{ items: items(n) },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const calls = fake.callsTo('send_group_msg').map(wireParams);
		assert.equal(calls.length, n);
		assert.deepEqual(
			calls.map((c) => c.message).sort(),
			Array.from({ length: n }, (_, i) => `n${i}`).sort(),
			'every item sent its own text once',
		);
		for (const c of calls) assert.deepEqual({ group_id: c.group_id, summary: c.summary }, { group_id: 100001, summary: 'fixed' });
		assert.deepEqual(result.output.map((o) => o.pairedItem), Array.from({ length: n }, (_, item) => ({ item })));
	});

	for (const transport of ['http', 'websocket'] as const) {
		test(`${transport}: a chat from an expression refused for one item fails that item alone, before anything is sent for it`, async () => {
			fake.reset();
			const groups = ['100001', 'abc', '100002', ''];
			const result = await runOneBot(fake, send({ group_id: byId('={{ $json.g }}') }, transport), {
				items: items(4, (i) => ({ i, g: groups[i] })),
				continueOnFail: true,
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo('send_group_msg').map(wireParams);
			assert.deepEqual(calls.map((c) => [c.group_id, c.message]), [[100001, 'n0'], [100002, 'n2']]);
			assert.deepEqual(result.output.map((o) => o.pairedItem), [0, 1, 2, 3].map((item) => ({ item })));
			assert.equal(result.output[0].json.message_id !== undefined, true);
			assert.match(String(result.output[1].json.error), /group_id.*must be an integer/);
			assert.match(String(result.output[3].json.error), /group_id.*required/);
			assert.equal(result.output[2].json.error, undefined);
		});
	}

	test('a fixed chat that is refused is refused for every item (text from an expression), nothing sent', async () => {
		fake.reset();
		const result = await runOneBot(fake, send({ group_id: byId('99999999999999999999') }, 'websocket'), {
			items: items(3),
			continueOnFail: true,
		});
		assert.equal(result.error, undefined);
		assert.equal(fake.calls.length, 0, 'nothing sent');
		assert.equal(result.output.length, 3);
		for (const [i, out] of result.output.entries()) {
			assert.match(String(out.json.error), /group_id/);
			assert.deepEqual(out.pairedItem, { item: i });
		}
	});
});

describe('output items', () => {
	test('the same items as constructExecutionMetaData(returnJsonArray(values))', () => {
		const ctx = { helpers: { constructExecutionMetaData, returnJsonArray } } as unknown as IExecuteFunctions;
		const values: IDataObject[] = [{ a: 1 }, { json: { wrapped: true }, other: 2 }, { b: [1, 2] }];
		const ours: INodeExecutionData[] = [];
		pushPairedResults(ctx, ours, values, 7);
		assert.deepEqual(ours, constructExecutionMetaData(returnJsonArray(values), { itemData: { item: 7 } }));
	});
});

const HEYCHAT_SEND = '/chatroom/v2/channel_msg/send';
/** Send Channel Message of `text` to the big room and channel; `extra` adds or replaces parameters. */
const channelSend = (text: string, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send_channel_message',
	room_id: heychatId(BIG_ROOM),
	channel_id: heychatId(BIG_CHANNEL),
	messageType: 'text',
	text,
	...extra,
});

describe('Heychat: sends with fixed parameters', () => {
	let fake: FakeHeychat;
	before(async () => {
		fake = await FakeHeychat.start();
	});
	after(async () => {
		await fake.close();
	});
	test('4 items: 4 requests, the same message, an ack ID each; the next execution gets other ack IDs', async () => {
		const before = fake.callsTo(HEYCHAT_SEND).length;
		const first = await runHeychat(fake, channelSend('a *b*'), { items: items(4) });
		assert.equal(first.error, undefined, String(first.error?.message));
		const second = await runHeychat(fake, channelSend('a *b*'), { items: items(4) });
		assert.equal(second.error, undefined, String(second.error?.message));
		const bodies = fake.callsTo(HEYCHAT_SEND).slice(before).map((c) => c.json as IDataObject);
		assert.equal(bodies.length, 8);
		for (const body of bodies) {
			assert.equal(body.msg, 'a \\*b\\*');
			assert.equal(body.room_id, BIG_ROOM);
		}
		assert.equal(new Set(bodies.map((b) => b.heychat_ack_id)).size, 8, 'no ack ID twice');
		assert.deepEqual(first.output.map((o) => o.json.heychat_ack_id), bodies.slice(0, 4).map((b) => b.heychat_ack_id));
	});

	test('a text refused for the first item is refused for every item, nothing sent', async () => {
		const before = fake.callsTo(HEYCHAT_SEND).length;
		const result = await runHeychat(fake, channelSend('   '), { items: items(2), continueOnFail: true });
		assert.equal(result.error, undefined);
		assert.equal(fake.callsTo(HEYCHAT_SEND).length, before, 'nothing sent');
		assert.equal(result.output.length, 2);
		for (const out of result.output) assert.match(String(out.json.error), /Text/);
	});
});

describe('Heychat: a body written once, an ack ID per item', () => {
	let fake: FakeHeychat;
	before(async () => {
		fake = await FakeHeychat.start();
	});
	after(async () => {
		await fake.close();
	});
	const BIG_USER = '7234567890123456789';
	const cases: Array<{ name: string; path: string; parameters: IDataObject }> = [
		{
			name: 'Send Channel Message (markdown with mentions, a quoted message)',
			path: '/chatroom/v2/channel_msg/send',
			parameters: {
				operation: 'send_channel_message',
				room_id: heychatId(BIG_ROOM),
				channel_id: heychatId(BIG_CHANNEL),
				messageType: 'markdownMentions',
				text: 'hi "all" \\ 你好',
				mentions: { users: '123, 456', everyone: true },
				messageOptions: { replyTo: '1836295184143134721', channelType: 2 },
			},
		},
		{
			name: 'Update Channel Message',
			path: '/chatroom/v2/channel_msg/update',
			parameters: {
				operation: 'update_channel_message',
				msg_id: '1836295184143134721',
				room_id: heychatId(BIG_ROOM),
				channel_id: heychatId(BIG_CHANNEL),
				messageType: 'markdown',
				text: 'edited',
			},
		},
		{
			name: 'Send Private Message (a 19-digit user id, a bare JSON number)',
			path: '/chatroom/v3/msg/user',
			parameters: { operation: 'send_private_message', to_user_id: BIG_USER, messageType: 'text', text: 'a *b*' },
		},
	];
	for (const { name, path, parameters } of cases) {
		test(`${name}: 4 items, each request the first one's body with its own ack ID`, async () => {
			const before = fake.callsTo(path).length;
			const result = await runHeychat(fake, { resource: 'message', ...parameters }, { items: items(4) });
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo(path).slice(before);
			assert.equal(calls.length, 4);
			const texts = calls.map((c) => c.rawBody.toString('utf8'));
			const acks = calls.map((c) => (c.json as IDataObject).heychat_ack_id as string);
			assert.equal(new Set(acks).size, 4, 'an ack ID per item');
			for (const ack of acks) assert.match(ack, /^\d+$/);
			// the text of item i is item 0's with only its ack ID changed: same fields, same order, same escapes
			for (let i = 1; i < 4; i++) assert.equal(texts[i], texts[0].replace(`"heychat_ack_id":"${acks[0]}"`, `"heychat_ack_id":"${acks[i]}"`));
			assert.deepEqual(result.output.map((o) => o.json.heychat_ack_id), acks);
			// each output item is Heychat's answer to its own request, with the message type
			for (const [i, out] of result.output.entries()) {
				assert.equal(out.json.msg_type, (calls[i].json as IDataObject).msg_type);
				assert.deepEqual(out.pairedItem, { item: i });
				if (i > 0) assert.notEqual(out.json, result.output[i - 1].json);
			}
			if (parameters.operation !== 'update_channel_message') {
				const ids = result.output.map((o) => o.json.msg_id);
				assert.equal(new Set(ids).size, 4, `a message id per item: ${JSON.stringify(ids)}`);
			}
			if (parameters.operation === 'send_private_message') {
				assert.ok(texts[0].includes(`"to_user_id":${BIG_USER},`), texts[0]);
			}
			if (parameters.operation === 'send_channel_message') {
				const body = calls[0].json as IDataObject;
				assert.equal(body.reply_id, '1836295184143134721');
				assert.equal(body.channel_type, 2);
				assert.equal(body.msg_type, 10);
			}
		});
	}

	test('a text from an expression: each item its own message (and ack ID)', async () => {
		const before = fake.callsTo(HEYCHAT_SEND).length;
		const result = await runHeychat(fake, channelSend('={{ "m" + $json.i }}', { messageType: 'markdown' }), { items: items(3) });
		assert.equal(result.error, undefined, String(result.error?.message));
		const bodies = fake.callsTo(HEYCHAT_SEND).slice(before).map((c) => c.json as IDataObject);
		assert.deepEqual(bodies.map((b) => b.msg), ['m0', 'm1', 'm2']);
		assert.equal(new Set(bodies.map((b) => b.heychat_ack_id)).size, 3);
	});

	test('a GET whose query comes from an expression: each item asks with its own query, the common query each time', async () => {
		const VIEW = '/chatroom/v2/room/view';
		const before = fake.callsTo(VIEW).length;
		const rooms = [BIG_ROOM, '3663316788315193345'];
		await runHeychat(
			fake,
			{ resource: 'room', operation: 'get_room', room_id: heychatId('={{ $json.room }}') },
			{ items: rooms.map((room) => ({ json: { room } })), continueOnFail: true },
		);
		const calls = fake.callsTo(VIEW).slice(before);
		assert.deepEqual(calls.map((c) => c.query.room_id), rooms);
		for (const c of calls) assert.equal(c.query.client_type, 'heybox_chat');
	});

	test('Options with an expression are read per item (Rate Limit Retries 0, then 1)', async () => {
		fake.rateLimitNext(HEYCHAT_SEND, 2);
		try {
			const result = await runHeychat(fake, channelSend('limited', { options: { rateLimitRetries: '={{ $json.r }}' } }), {
				items: [{ json: { r: 0 } }, { json: { r: 1 } }],
				continueOnFail: true,
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.match(String(result.output[0].json.error), /still limited after 0 retries/);
			assert.equal(result.output[1].json.error, undefined, String(result.output[1].json.error));
			assert.equal(result.output[1].json.msg_type, 4);
		} finally {
			fake.reset();
		}
	});

	test('jsonWithStringField gives the text stringifyWithBigInt gives, wherever the field is', () => {
		const bodies: IDataObject[] = [
			{ heychat_ack_id: '' },
			{ heychat_ack_id: '', b: 1 },
			{ a: 'x', heychat_ack_id: '' },
			{ a: 'x"\\\n', n: 2, heychat_ack_id: '', u: undefined, big: 7234567890123456789n as unknown as number, o: { k: [1, 'y', null] } },
			{ u: undefined, heychat_ack_id: '', v: undefined },
			{ 你: '好', heychat_ack_id: '', e: '' },
			JSON.parse('{"__proto__":{"x":1},"heychat_ack_id":"","z":{"__proto__":2}}') as IDataObject,
			JSON.parse('{"a":1,"heychat_ack_id":"","__proto__":[3]}') as IDataObject,
		];
		for (const body of bodies) {
			const text = jsonWithStringField(body, 'heychat_ack_id');
			for (const value of ['', '123456789012345678', 'a"b\\c']) {
				assert.equal(text(value), stringifyWithBigInt({ ...body, heychat_ack_id: value }), JSON.stringify(Object.keys(body)));
			}
		}
		assert.throws(() => jsonWithStringField({ a: 1 }, 'heychat_ack_id'));
	});
});

describe('Heychat ack ID sequence', () => {
	test('the same seed and item give the same id; 20,000 items, 20,000 ids of at most 18 digits', () => {
		const ids = ackIdSequence('exec-1|node|0|send_channel_message');
		const again = ackIdSequence('exec-1|node|0|send_channel_message');
		const seen = new Set<string>();
		for (let i = 0; i < 20_000; i++) {
			const id = ids(i);
			assert.match(id, /^[1-9]\d{0,17}$/);
			assert.equal(again(i), id);
			seen.add(id);
		}
		assert.equal(seen.size, 20_000);
		assert.notEqual(ackIdSequence('exec-2|node|0|send_channel_message')(0), ids(0));
		assert.notEqual(ackIdSequence('exec-1|node|0|send_private_message')(0), ids(0));
		assert.match(ackIdFor('x'), /^\d+$/);
	});
});
