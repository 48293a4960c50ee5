// Every ID a catalog operation takes is checked before anything is sent: a Heybox user ID (catalog
// type `id`) is a positive whole number, a room/channel/message/role ID (type `stringId`, a 64-bit
// snowflake kept as text) is digits only. Values come from expressions, which can hand the node
// anything (the editor's "By ID" pattern stops most bad input earlier). The cases come from the catalog.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import catalogJson from '../../nodes/Heychat/catalog/endpoints.json';
import { FakeHeychat } from '../fakes/heychat';
import { catalogCase, type CatalogOp } from './catalogCases';
import { BIG_CHANNEL, BIG_ROLE, BIG_ROOM, byId, run } from './setup';

const operations = (catalogJson as unknown as { operations: CatalogOp[] }).operations;
const withUserIds = operations.filter((op) => !op.handler && op.params.some((p) => p.type === 'id' && p.required));
const withSnowflakes = operations.filter((op) => !op.handler && op.params.some((p) => p.type === 'stringId' && p.required));

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

describe('user IDs are checked before sending', () => {
	test('the catalog has operations with user IDs to check', () => {
		assert.ok(withUserIds.length >= 10, withUserIds.map((o) => o.value).join(', '));
	});

	for (const op of withUserIds) {
		for (const param of op.params.filter((p) => p.type === 'id' && p.required)) {
			for (const bad of [0, -7, '-7', '12.5', 'abc']) {
				test(`${op.value}.${param.name} = ${JSON.stringify(bad)}: refused, naming the field, nothing sent`, async () => {
					const parameters = catalogCase(op, false);
					parameters[param.name] = param.locator ? byId('={{ $json.uid }}') : '={{ $json.uid }}';
					const result = await run(fake, parameters, { items: [{ json: { uid: bad } }] });
					assert.ok(result.error, 'the run fails');
					assert.match(result.error.message, new RegExp(`"${param.name}"`));
					assert.equal(fake.calls.length, 0, 'nothing is sent');
				});
			}
			test(`${op.value}.${param.name}: a good ID from an expression is sent`, async () => {
				const parameters = catalogCase(op, false);
				parameters[param.name] = param.locator ? byId('={{ $json.uid }}') : '={{ $json.uid }}';
				const result = await run(fake, parameters, { items: [{ json: { uid: 43028164 } }] });
				assert.equal(result.error, undefined, String(result.error?.message));
				const call = fake.lastCall(op.path)!;
				const where = op.method === 'GET' || param.in === 'query' ? 'query' : 'body';
				const sent = where === 'query' ? call.query[param.name] : (JSON.parse(call.rawBody.toString('utf8')) as Record<string, unknown>)[param.name];
				assert.deepEqual(sent, where === 'query' || param.wire === 'string' ? '43028164' : 43028164);
			});
		}
	}
});

describe('room, channel, message and role IDs are checked before sending', () => {
	test('the catalog has operations with snowflake IDs to check', () => {
		assert.ok(withSnowflakes.length >= 30, String(withSnowflakes.length));
	});

	for (const op of withSnowflakes) {
		for (const param of op.params.filter((p) => p.type === 'stringId' && p.required)) {
			test(`${op.value}.${param.name} = "36633167883151933a4": refused, naming the field, nothing sent`, async () => {
				const parameters = catalogCase(op, false);
				parameters[param.name] = param.locator ? byId('={{ $json.id }}') : '={{ $json.id }}';
				const result = await run(fake, parameters, { items: [{ json: { id: '36633167883151933a4' } }] });
				assert.ok(result.error, 'the run fails');
				assert.match(result.error.message, new RegExp(`"${param.name}"`));
				assert.equal(fake.calls.length, 0, 'nothing is sent');
			});
		}
	}

	for (const bad of ['-1', '1.5', '0x10', ' ', 12.5]) {
		test(`message send: room_id ${JSON.stringify(bad)} is refused before sending`, async () => {
			const result = await run(
				fake,
				{
					resource: 'message',
					operation: 'send_channel_message',
					room_id: byId('={{ $json.id }}'),
					channel_id: byId('3665944781964836864'),
					messageType: 'text',
					text: 'hi',
				},
				{ items: [{ json: { id: bad } }] },
			);
			assert.ok(result.error, 'the run fails');
			assert.match(result.error.message, /room_id/);
			assert.equal(fake.calls.length, 0, 'nothing is sent');
		});
	}

	test('a safe-integer number from an expression is sent as the string of its digits', async () => {
		const result = await run(fake, { resource: 'room', operation: 'leave_room', room_id: byId('={{ $json.id }}') }, {
			items: [{ json: { id: 3663316788315 } }],
		});
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.ok(fake.lastCall('/chatroom/v2/room/leave')!.rawBody.toString('utf8').includes('"room_id":"3663316788315"'));
	});
});

describe('permission bits and permission lists are checked before sending', () => {
	const role = (permissions: unknown): INodeParameters => ({
		resource: 'role',
		operation: 'create_room_role',
		room_id: byId(BIG_ROOM),
		name: 'Helpers',
		permissions: permissions as string,
		type: 0,
		hoist: 0,
	});
	const overwrites = (roles: string, users: string): INodeParameters => ({
		resource: 'channel',
		operation: 'set_channel_permission',
		room_id: byId(BIG_ROOM),
		channel_id: byId(BIG_CHANNEL),
		roles,
		users,
	});

	for (const bad of ['abc', '16384a', '-1', '1.5', '0x10']) {
		test(`create_room_role.permissions = ${JSON.stringify(bad)}: refused, naming the field, nothing sent`, async () => {
			const result = await run(fake, role(bad));
			assert.ok(result.error, 'the run fails');
			assert.match(result.error.message, /"permissions" must be permission bits: a decimal number in digits/);
			assert.match(String((result.error as Error & { description?: unknown }).description), /permissions/);
			assert.equal(fake.calls.length, 0, 'nothing is sent');
		});
	}

	test('update_room_role.permissions is checked too', async () => {
		const result = await run(fake, {
			resource: 'role',
			operation: 'update_room_role',
			room_id: byId(BIG_ROOM),
			id: byId(BIG_ROLE),
			name: 'Helpers',
			permissions: 'all',
			type: 0,
			hoist: 0,
		});
		assert.match(String(result.error?.message), /"permissions" must be permission bits/);
		assert.equal(fake.calls.length, 0, 'nothing is sent');
	});

	test('permission bits beyond 2^53 are sent as the same string of digits', async () => {
		const result = await run(fake, role(' 34359738369 '));
		assert.equal(result.error, undefined, String(result.error?.message));
		const body = JSON.parse(fake.lastCall('/chatroom/v2/room_role/create')!.rawBody.toString('utf8')) as Record<string, unknown>;
		assert.equal(body.permissions, '34359738369');
	});

	for (const [name, roles, users, field] of [
		['roles as an object', '{"role_id": "1", "allow": "1", "deny": "0"}', '[]', 'roles'],
		['users as a number', '[]', '5', 'users'],
		['roles holding a string', '["3663316788343832578"]', '[]', 'roles'],
	] as const) {
		test(`set_channel_permission with ${name}: refused, naming the field, nothing sent`, async () => {
			const result = await run(fake, overwrites(roles, users));
			assert.ok(result.error, 'the run fails');
			assert.match(result.error.message, new RegExp(`"${field}" must be a JSON array of objects`));
			assert.equal(fake.calls.length, 0, 'nothing is sent');
		});
	}

	test('set_channel_permission with arrays of objects is sent', async () => {
		const result = await run(fake, overwrites('[{"role_id": "3663316788343832578", "allow": "16384", "deny": "0", "channel_type": 1}]', '[]'));
		assert.equal(result.error, undefined, String(result.error?.message));
		const body = JSON.parse(fake.lastCall('/chatroom/v2/role/role_user_perm')!.rawBody.toString('utf8')) as Record<string, unknown>;
		assert.deepEqual(body.roles, [{ role_id: '3663316788343832578', allow: '16384', deny: '0', channel_type: 1 }]);
		assert.deepEqual(body.users, []);
	});
});
