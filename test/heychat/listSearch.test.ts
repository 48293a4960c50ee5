// The searchable lists of the resourceLocator fields, and the credential test.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { ICredentialType } from 'n8n-workflow';

import { FakeHeychat, FAKE_ROLES, failed } from '../fakes/heychat';
import { runCredentialTest, runListSearch, runNode } from '../harness/n8n';
import { HeychatTrigger } from '../../nodes/Heychat/HeychatTrigger.node.ts';
import { freePort } from '../support/freePort';
import { COMMON_QUERY } from '../../nodes/Heychat/transport/constants';
import { BIG_ROOM, byId, credentialsFor, credentialType, node } from './setup';

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

const roomParams = { resource: 'channel', operation: 'delete_channel', room_id: byId(BIG_ROOM) };

describe('listSearch', () => {
	test('rooms: the joined rooms, filtered by name or ID', async () => {
		const all = await runListSearch(node, 'searchRooms', credentialsFor(fake), { resource: 'room', operation: 'get_room' });
		assert.deepEqual(all.results, [
			{ name: 'n8n 测试房间', value: '3663316788315193344' },
			{ name: 'Second Room', value: '3611849174284943360' },
		]);
		assert.equal(all.paginationToken, undefined);
		const call = fake.lastCall('/chatroom/v2/room/joined')!;
		assert.equal(call.query.limit, '50');
		assert.equal(call.query.chat_os_type, 'bot');
		const filtered = await runListSearch(node, 'searchRooms', credentialsFor(fake), {}, 'second');
		assert.deepEqual(filtered.results.map((r) => r.value), ['3611849174284943360']);
	});

	test('rooms: the nested answer shape and pagination by offset', async () => {
		const nested = await FakeHeychat.start({ joinedRoomsShape: 'nested' });
		try {
			const rooms = Array.from({ length: 50 }, (_, i) => ({ room_id: `36633167883151933${String(i).padStart(2, '0')}`, room_name: `R${i}` }));
			nested.on('/chatroom/v2/room/joined', (call) =>
				call.query.offset === '0' ? { body: { status: 'ok', msg: '', result: { rooms: { rooms, total: 51 } } } } : undefined,
			);
			const first = await runListSearch(node, 'searchRooms', credentialsFor(nested), {});
			assert.equal(first.results.length, 50);
			assert.equal(first.paginationToken, '50');
			const second = await runListSearch(node, 'searchRooms', credentialsFor(nested), {}, undefined, { paginationToken: '50' });
			assert.equal(nested.lastCall()!.query.offset, '50');
			assert.equal(second.paginationToken, undefined);
		} finally {
			await nested.close();
		}
	});

	test('a search reads on past pages without a match (the editor loads no more pages for a search it cannot scroll)', async () => {
		const big = await FakeHeychat.start();
		try {
			// 250 members, 100 a page: "Zed" is on the third page
			const members = Array.from({ length: 250 }, (_, i) => ({ user_id: 10_000 + i, nickname: i === 230 ? 'Zed' : `member ${i}` }));
			big.on('/chatroom/v2/room/users', (call) => {
				const offset = Number(call.query.offset);
				const page = members.slice(offset, offset + Number(call.query.limit));
				return { body: { status: 'ok', msg: '', result: { room_info: { user_info: page, user_count: members.length } } } };
			});
			const found = await runListSearch(node, 'searchRoomMembers', credentialsFor(big), { resource: 'room', operation: 'kick_room_member', room_id: byId(BIG_ROOM) }, 'zed');
			assert.deepEqual(found.results, [{ name: 'Zed (10230)', value: '10230' }]);
			assert.equal(found.paginationToken, undefined, 'the list ended');
			// 60 rooms, 50 a page: "Far" is on the second page
			const rooms = Array.from({ length: 60 }, (_, i) => ({ room_id: `36633167883151934${String(i).padStart(2, '0')}`, room_name: i === 55 ? 'Far' : `R${i}` }));
			big.on('/chatroom/v2/room/joined', (call) => {
				const offset = Number(call.query.offset);
				return { body: { status: 'ok', msg: '', result: { rooms: rooms.slice(offset, offset + Number(call.query.limit)), total: rooms.length } } };
			});
			const room = await runListSearch(node, 'searchRooms', credentialsFor(big), {}, 'far');
			assert.deepEqual(room.results, [{ name: 'Far', value: '3663316788315193455' }]);
			// without a search one page at a time, as before
			const firstPage = await runListSearch(node, 'searchRooms', credentialsFor(big), {});
			assert.equal(firstPage.results.length, 50);
			assert.equal(firstPage.paginationToken, '50');
		} finally {
			await big.close();
		}
	});

	test('channels: the selected room, categories flattened', async () => {
		const result = await runListSearch(node, 'searchChannels', credentialsFor(fake), roomParams);
		assert.equal(fake.lastCall()!.path, '/chatroom/v2/room/view');
		assert.equal(fake.lastCall()!.query.room_id, BIG_ROOM);
		assert.deepEqual(result.results, [
			{ name: '#默认频道 (text)', value: '3665944781964836864' },
			{ name: '#Voice (category)', value: '3665944781964836000' },
			{ name: '#Lobby (voice)', value: '3665944781964836999' },
		]);
		const voice = await runListSearch(node, 'searchChannels', credentialsFor(fake), roomParams, 'lob');
		assert.deepEqual(voice.results.map((r) => r.value), ['3665944781964836999']);
	});

	test('channels need a room first', async () => {
		await assert.rejects(
			runListSearch(node, 'searchChannels', credentialsFor(fake), { resource: 'channel', operation: 'delete_channel' }),
			/Select a room first/,
		);
		assert.equal(fake.calls.length, 0);
	});

	test('roles of the selected room', async () => {
		const result = await runListSearch(node, 'searchRoles', credentialsFor(fake), { resource: 'role', operation: 'delete_room_role', room_id: byId(BIG_ROOM) });
		assert.deepEqual(result.results, FAKE_ROLES.map((r) => ({ name: r.name, value: r.id })));
	});

	test('members of the selected room', async () => {
		const result = await runListSearch(node, 'searchRoomMembers', credentialsFor(fake), {
			resource: 'role',
			operation: 'grant_room_role',
			room_id: byId(BIG_ROOM),
		});
		assert.deepEqual(result.results, [
			{ name: 'n8n bot (72053518)', value: '72053518' },
			{ name: '一号 (43028164)', value: '43028164' },
			{ name: 'Player Two (8829926)', value: '8829926' },
		]);
		const call = fake.lastCall('/chatroom/v2/room/users')!;
		assert.equal(call.query.room_id, BIG_ROOM);
		assert.equal(call.query.heybox_id, '');
		const filtered = await runListSearch(node, 'searchRoomMembers', credentialsFor(fake), { room_id: BIG_ROOM }, '玩家');
		assert.deepEqual(filtered.results.map((r) => r.value), ['43028164']);
	});

	test('a failing list reports the server msg', async () => {
		fake.failNext('/chatroom/v2/room_role/roles', '请加入房间后再操作');
		await assert.rejects(
			runListSearch(node, 'searchRoles', credentialsFor(fake), { room_id: byId(BIG_ROOM) }),
			/请加入房间后再操作/,
		);
	});
});

/** Both nodes that take the Heychat credential: n8n finds the test through either. */
const heychatNodes = [node, new HeychatTrigger()];
const check = (data: Record<string, unknown>) => runCredentialTest(credentialType, data as Record<string, string>, heychatNodes);

describe('credential test', () => {
	test('every node that takes the credential names the test and has it (testedBy)', () => {
		assert.equal((credentialType as ICredentialType).test, undefined, 'a request test on the credential would take precedence in n8n');
		for (const nodeType of heychatNodes) {
			const entry = nodeType.description.credentials?.find((c) => c.name === credentialType.name);
			assert.equal(entry?.testedBy, 'heychatApiTest', nodeType.description.name);
			assert.equal(typeof nodeType.methods?.credentialTest?.heychatApiTest, 'function', nodeType.description.name);
		}
	});

	test('a good token: OK, with the common query parameters and the token header', async () => {
		const result = await check(fake.credentials());
		assert.deepEqual(result, { status: 'OK', message: 'Connected: Heychat accepted the bot token' });
		assert.equal(fake.calls.length, 1);
		const call = fake.lastCall()!;
		assert.equal(call.method, 'GET');
		assert.equal(call.path, '/chatroom/v2/room/joined');
		assert.equal(call.headers.token, fake.token);
		for (const [key, value] of Object.entries(COMMON_QUERY)) assert.equal(call.query[key], value, key);
	});

	test('a wrong token answered with HTTP 401: the status and the server\'s msg, never the token', async () => {
		const result = await check(fake.credentials({ token: 'nope-token' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /^Heychat rejected the bot token \(HTTP 401: 鉴权失败\)/);
		assert.ok(!result.message.includes('nope-token'));
	});

	test('a wrong token answered with status "failed" (HTTP 200): the server\'s msg', async () => {
		const strict = await FakeHeychat.start({ authFailure: 'envelope' });
		try {
			const result = await check(strict.credentials({ token: 'nope' }));
			assert.deepEqual(result, { status: 'Error', message: 'Heychat refused the bot token: token无效' });
		} finally {
			await strict.close();
		}
	});

	test('HTTP 403 and other statuses: reported with the msg', async () => {
		fake.on('/chatroom/v2/room/joined', () => ({ status: 403, body: failed('forbidden') }));
		const forbidden = await check(fake.credentials());
		assert.match(forbidden.message, /^Heychat rejected the bot token \(HTTP 403: forbidden\)/);
		fake.reset();
		fake.on('/chatroom/v2/room/joined', () => ({ status: 502, body: failed('bad gateway') }));
		const down = await check(fake.credentials());
		assert.equal(down.status, 'Error');
		assert.match(down.message, /HTTP 502 .*bad gateway/);
	});

	test('an empty token or a base URL that is not http(s): said before anything is sent', async () => {
		const empty = await check(fake.credentials({ token: '' }));
		assert.equal(empty.status, 'Error');
		assert.match(empty.message, /bot token is empty/);
		const ftp = await check(fake.credentials({ apiBaseUrl: 'ftp://example.invalid' }));
		assert.match(ftp.message, /API Base URL must start with http/);
		assert.equal(fake.calls.length, 0);
	});

	test('an unreachable host: the URL and the cause', async () => {
		const result = await check(fake.credentials({ apiBaseUrl: `http://127.0.0.1:${await freePort()}` }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Could not reach Heychat at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
	});

	test('a trailing slash on the base URL is fine', async () => {
		const result = await check(fake.credentials({ apiBaseUrl: `${fake.url}/` }));
		assert.equal(result.status, 'OK', result.message);
		assert.equal(fake.lastCall()!.path, '/chatroom/v2/room/joined');
	});

	test('spaces around a pasted URL are fine, in the test and in the node (as the OneBot credential\'s URLs)', async () => {
		const result = await check(fake.credentials({ apiBaseUrl: ` ${fake.url}/ ` }));
		assert.equal(result.status, 'OK', result.message);
		assert.equal(fake.lastCall()!.path, '/chatroom/v2/room/joined');
		fake.reset();
		const roles = await runNode({
			node: heychatNodes[0],
			parameters: { resource: 'role', operation: 'list_room_roles', room_id: { __rl: true, mode: 'id', value: '3663316788315193344' } },
			credentials: { heychatBotApi: { data: fake.credentials({ apiBaseUrl: `${fake.url} `, uploadUrl: ` ${fake.url}/\n` }), type: credentialType } },
		});
		assert.equal(roles.error, undefined, String(roles.error?.message));
		assert.equal(fake.lastCall()!.path, '/chatroom/v2/room_role/roles');
	});
});
