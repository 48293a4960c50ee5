// For every endpoint of the catalog: run the node through n8n-core against the fake backend and
// check the method, path, query and body the backend received. The expected wire values are
// worked out here from the catalog entry itself, independently of the node's code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import catalogJson from '../../nodes/Heychat/catalog/endpoints.json';
import { COMMON_QUERY, FakeHeychat, type HeychatCall } from '../fakes/heychat';
import { BIG_CHANNEL, BIG_MSG, BIG_ROOM, byId, imageItem, png, run } from './setup';

interface Param {
	name: string;
	type: string;
	required: boolean;
	in: 'body' | 'query';
	locator?: string;
	options?: Array<{ value: string | number | boolean }>;
	default?: unknown;
	handled?: boolean;
	generate?: string;
	wireDefault?: unknown;
	wire?: 'string';
	maxLength?: number;
	shape?: 'digits' | 'array' | 'object';
}
interface Op {
	value: string;
	resource: string;
	method: 'GET' | 'POST';
	host: 'api' | 'upload';
	path: string;
	handler?: string;
	list?: string;
	params: Param[];
}

const operations = (catalogJson as unknown as { operations: Op[] }).operations;

/** The editor value and the wire value of a sample for each parameter. */
function sample(op: Op, p: Param, index: number): { editor: unknown; wire: unknown } {
	const locate = (v: string) => (p.locator ? byId(v) : v);
	switch (p.type) {
		case 'stringId': {
			const id =
				p.name === 'room_id' ? BIG_ROOM : p.name === 'channel_id' ? BIG_CHANNEL : p.name === 'msg_id' ? BIG_MSG : `36633167883151933${String(10 + index)}`;
			return { editor: locate(id), wire: id };
		}
		case 'id':
			return {
				editor: locate(String(72053518 + index)),
				wire: p.wire === 'string' ? String(72053518 + index) : 72053518 + index,
			};
		case 'integer':
		case 'duration':
			return { editor: 7 + index, wire: 7 + index };
		case 'boolean':
			return { editor: true, wire: true };
		case 'options': {
			const value = p.options?.[p.options.length - 1]?.value;
			return { editor: value, wire: value };
		}
		case 'idList':
			return { editor: '16711680, 255', wire: [16711680, 255] };
		case 'json': {
			const text =
				p.name === 'users'
					? '[{"to_user_id":43028164,"allow":"16384","deny":"0"}]'
					: '[{"role_id":3663316788343832578,"allow":"34359738369","deny":"0","channel_type":1}]';
			const wire =
				p.name === 'users'
					? [{ to_user_id: 43028164, allow: '16384', deny: '0' }]
					: [{ role_id: '3663316788343832578', allow: '34359738369', deny: '0', channel_type: 1 }];
			return { editor: text, wire };
		}
		default: {
			// permission bits: digits beyond 2^53, kept as text
			if (p.shape === 'digits') return { editor: '34359738369', wire: '34359738369' };
			const text = `${op.value}:${p.name}`.slice(-(p.maxLength ?? Infinity));
			return { editor: text, wire: text };
		}
	}
}

interface Expectation {
	parameters: INodeParameters;
	query: Record<string, string>;
	body: Record<string, unknown>;
	stringIds: Array<[string, string]>;
}

/** Parameters for every field (optional ones too, when `withOptional`) and the wire they give. */
function expectationFor(op: Op, withOptional: boolean): Expectation {
	const parameters: INodeParameters = { resource: op.resource, operation: op.value };
	const additional: INodeParameters = {};
	const query: Record<string, string> = { ...COMMON_QUERY };
	const body: Record<string, unknown> = {};
	const stringIds: Array<[string, string]> = [];
	op.params.forEach((p, index) => {
		if (p.handled) return;
		const where = op.method === 'GET' ? 'query' : p.in;
		const put = (wire: unknown) => {
			if (where === 'query') query[p.name] = typeof wire === 'object' ? JSON.stringify(wire) : String(wire);
			else body[p.name] = wire;
		};
		if (p.required || withOptional) {
			const { editor, wire } = sample(op, p, index);
			if (p.required) parameters[p.name] = editor as never;
			else additional[p.name] = editor as never;
			put(wire);
			if ((p.type === 'stringId' || p.wire === 'string') && where === 'body') stringIds.push([p.name, wire as string]);
		} else if (p.wireDefault !== undefined) {
			put(p.wireDefault);
		} else if (p.generate === 'nonce') {
			put('<generated>');
		}
	});
	if (Object.keys(additional).length > 0) parameters.additionalFields = additional;
	return { parameters, query, body, stringIds };
}

function assertQuery(call: HeychatCall, expected: Record<string, string>) {
	assert.deepEqual(call.query, expected, `query of ${call.path}`);
	// every common parameter exactly once
	for (const name of Object.keys(COMMON_QUERY)) {
		assert.equal(call.queryAll.filter(([k]) => k === name).length, 1, `${name} sent once`);
	}
}

function assertBody(call: HeychatCall, expected: Record<string, unknown>, stringIds: Array<[string, string]>) {
	assert.match(call.contentType ?? '', /^application\/json/);
	const got = { ...(call.json as Record<string, unknown>) };
	for (const [name, value] of Object.entries(expected)) {
		if (value === '<generated>') {
			assert.match(String(got[name]), /^[0-9a-f]{16}$/, `${name} generated`);
			got[name] = '<generated>';
		}
	}
	assert.deepEqual(got, expected, `body of ${call.path}`);
	const raw = call.rawBody.toString('utf8');
	for (const [name, id] of stringIds) {
		assert.ok(raw.includes(`"${name}":"${id}"`), `${name} travels as the JSON string "${id}" (raw: ${raw})`);
	}
}

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});

describe('every catalog endpoint reaches the wire as the catalog says', () => {
	test('the catalog has the 39 bot endpoints', () => {
		assert.equal(operations.length, 39);
		assert.equal(new Set(operations.map((o) => o.path)).size, 39);
	});

	for (const op of operations.filter((o) => !o.handler)) {
		for (const withOptional of [true, false]) {
			const hasOptional = op.params.some((p) => !p.required && !p.handled);
			if (!withOptional && !hasOptional) continue;
			test(`${op.resource} › ${op.value}: ${op.method} ${op.path} (${withOptional ? 'all fields' : 'required fields only'})`, async () => {
				fake.reset();
				const expected = expectationFor(op, withOptional);
				const result = await run(fake, expected.parameters);
				assert.equal(result.error, undefined, String(result.error?.message));
				assert.equal(fake.calls.length, 1);
				const call = fake.calls[0];
				assert.equal(call.method, op.method);
				assert.equal(call.path, op.path);
				assert.equal(call.headers.token, fake.token);
				assertQuery(call, expected.query);
				if (op.method === 'GET') assert.equal(call.rawBody.length, 0, 'GET has no body');
				else assertBody(call, expected.body, expected.stringIds);
				// a list answers one item per entry (none when the page is empty); anything else one item
				if (!op.list) assert.equal(result.output.length, 1, 'one output item');
				for (const item of result.output) assert.deepEqual(item.pairedItem, { item: 0 });
			});
		}
	}

	test('message › send_channel_message: POST /chatroom/v2/channel_msg/send', async () => {
		fake.reset();
		const result = await run(fake, {
			resource: 'message',
			operation: 'send_channel_message',
			room_id: byId(BIG_ROOM),
			channel_id: byId(BIG_CHANNEL),
			messageType: 'markdown',
			text: '**hello**',
			messageOptions: { replyTo: BIG_MSG },
		});
		assert.equal(result.error, undefined, String(result.error?.message));
		const call = fake.lastCall()!;
		assert.equal(call.method, 'POST');
		assert.equal(call.path, '/chatroom/v2/channel_msg/send');
		assertQuery(call, { ...COMMON_QUERY });
		const body = call.json as Record<string, unknown>;
		assert.match(String(body.heychat_ack_id), /^\d+$/);
		assertBody(
			call,
			{
				msg: '**hello**',
				msg_type: 4,
				heychat_ack_id: body.heychat_ack_id,
				reply_id: BIG_MSG,
				room_id: BIG_ROOM,
				channel_id: BIG_CHANNEL,
				channel_type: 1,
				addition: '{"img_files_info":[]}',
				at_user_id: '',
				at_role_id: '',
				mention_channel_id: '',
			},
			[
				['room_id', BIG_ROOM],
				['channel_id', BIG_CHANNEL],
				['reply_id', BIG_MSG],
			],
		);
		assert.equal(result.output[0].json.msg_id, '1836295184143134721');
	});

	test('message › update_channel_message: POST /chatroom/v2/channel_msg/update', async () => {
		fake.reset();
		const result = await run(fake, {
			resource: 'message',
			operation: 'update_channel_message',
			msg_id: BIG_MSG,
			room_id: byId(BIG_ROOM),
			channel_id: byId(BIG_CHANNEL),
			messageType: 'markdown',
			text: 'edited',
		});
		assert.equal(result.error, undefined, String(result.error?.message));
		const call = fake.lastCall()!;
		assert.equal(call.path, '/chatroom/v2/channel_msg/update');
		assertQuery(call, { ...COMMON_QUERY });
		const body = call.json as Record<string, unknown>;
		assertBody(
			call,
			{
				msg_id: BIG_MSG,
				msg: 'edited',
				msg_type: 4,
				heychat_ack_id: body.heychat_ack_id,
				reply_id: '',
				room_id: BIG_ROOM,
				channel_id: BIG_CHANNEL,
				addition: '{"img_files_info":[]}',
			},
			[['msg_id', BIG_MSG]],
		);
	});

	test('message › send_private_message: POST /chatroom/v3/msg/user', async () => {
		fake.reset();
		const result = await run(fake, {
			resource: 'message',
			operation: 'send_private_message',
			to_user_id: '1234567',
			messageType: 'markdown',
			text: '123',
		});
		assert.equal(result.error, undefined, String(result.error?.message));
		const call = fake.lastCall()!;
		assert.equal(call.path, '/chatroom/v3/msg/user');
		assertQuery(call, { ...COMMON_QUERY });
		const body = call.json as Record<string, unknown>;
		assertBody(call, { to_user_id: 1234567, msg: '123', msg_type: 4, heychat_ack_id: body.heychat_ack_id, addition: '{}' }, []);
		assert.ok(call.rawBody.toString().includes('"to_user_id":1234567'), 'user ids are JSON numbers');
	});

	test('media › upload_media: POST /upload on the upload host, multipart field "file"', async () => {
		fake.reset();
		const image = png(194, 228);
		const result = await run(
			fake,
			{ resource: 'media', operation: 'upload_media', binaryPropertyName: 'data' },
			{ items: [imageItem({}, 'data', image, 'image/png', 'chart.png')] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const call = fake.lastCall()!;
		assert.equal(call.method, 'POST');
		assert.equal(call.path, '/upload');
		assertQuery(call, { ...COMMON_QUERY });
		assert.match(call.contentType ?? '', /^multipart\/form-data; boundary=/);
		assert.equal(call.parts?.length, 1);
		assert.equal(call.file?.fileName, 'chart.png');
		assert.equal(call.file?.contentType, 'image/png');
		assert.ok(call.file?.data.equals(image), 'the file bytes arrive unchanged');
		const json = result.output[0].json;
		assert.match(String(json.url), /^https:\/\/chat\.max-c\.com\/attachments\//);
		assert.equal(json.width, 194);
		assert.equal(json.height, 228);
		assert.equal(json.fileSize, image.length);
	});

	test('values outside the documented ranges fail naming the field before anything is sent', async () => {
		const cases: Array<[INodeParameters, RegExp]> = [
			// room/joined: limit at most 50; room/users: at most 300 (heychat-api §3.5)
			[{ resource: 'room', operation: 'list_joined_rooms', additionalFields: { limit: 100 } }, /"limit" must be between 1 and 50/],
			[{ resource: 'room', operation: 'list_room_users', room_id: byId(BIG_ROOM), additionalFields: { limit: 500 } }, /"limit" must be between 1 and 300/],
			// room/nickname: at most 20 characters (§3.5), counted as characters, not UTF-16 units or bytes
			[{ resource: 'room', operation: 'set_room_nickname', room_id: byId(BIG_ROOM), to_user_id: byId('72053518'), additionalFields: { nickname: '机器人'.repeat(7) } }, /"nickname" must be at most 20 characters, got 21/],
			// stream/push: volume 0-100, repeat_num -1..1000, max_duration 1..10080 minutes (§3.7)
			...([
				[{ volume: 150 }, /"volume" must be between 0 and 100/],
				[{ repeat_num: -2 }, /"repeat_num" must be between -1 and 1000/],
				[{ max_duration: 20000 }, /"max_duration" must be between 1 and 10080/],
			] as Array<[INodeParameters, RegExp]>).map(([extra, error]): [INodeParameters, RegExp] => [
				{
					resource: 'channel',
					operation: 'start_voice_stream',
					room_id: byId(BIG_ROOM),
					channel_id: byId(BIG_CHANNEL),
					stream_url: 'https://example.com/a.mp3',
					operator: byId('72053518'),
					additionalFields: extra,
				},
				error,
			]),
		];
		for (const [parameters, error] of cases) {
			fake.reset();
			const result = await run(fake, parameters);
			assert.match(String(result.error?.message), error, JSON.stringify(parameters.additionalFields));
			assert.equal(fake.calls.length, 0, `nothing sent for ${JSON.stringify(parameters.additionalFields)}`);
		}
	});

	test('every endpoint of the catalog was covered above', () => {
		const covered = new Set(
			operations.filter((o) => !o.handler).map((o) => o.value).concat(['send_channel_message', 'update_channel_message', 'send_private_message', 'upload_media']),
		);
		assert.deepEqual([...covered].sort(), operations.map((o) => o.value).sort());
	});
});
