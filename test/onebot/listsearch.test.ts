// The searchable lists behind the Group, Friend and Member resource locators, run with n8n-core's
// LoadOptionsContext the way the editor calls them.
import { BIG_ID, byId, credentialsFor, node, TOKEN, wireParams, useFakeOneBot } from './setup';

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { FakeOneBot } from '../fakes/onebot';
import { runListSearch } from '../harness/n8n';

let fake: FakeOneBot;
useFakeOneBot((started) => (fake = started));

const banParams = (groupId: INodeParameters[string]): INodeParameters => ({ resource: 'groupAdmin', operation: 'set_group_ban', group_id: groupId });

describe('searchGroups', () => {
	test('the groups from get_group_list, "name (id)", sorted; the filter narrows them', async () => {
		const all = await runListSearch(node, 'searchGroups', credentialsFor(fake), { resource: 'message', operation: 'send_group_msg' });
		assert.deepEqual(all.results, [
			{ name: 'Test Group A (100001)', value: '100001' },
			{ name: 'Test Group B (100002)', value: '100002' },
		]);
		assert.equal(fake.calls.length, 1);
		assert.equal(fake.calls[0].action, 'get_group_list');
		assert.equal(fake.calls[0].headers.authorization, `Bearer ${TOKEN}`);
		const filtered = await runListSearch(node, 'searchGroups', credentialsFor(fake), {}, 'group b');
		assert.deepEqual(filtered.results, [{ name: 'Test Group B (100002)', value: '100002' }]);
		const byNumber = await runListSearch(node, 'searchGroups', credentialsFor(fake), {}, '100001');
		assert.deepEqual(byNumber.results.map((r) => r.value), ['100001']);
		const none = await runListSearch(node, 'searchGroups', credentialsFor(fake), {}, 'no such group');
		assert.deepEqual(none.results, []);
	});

	test('a group without a name still shows its number', async () => {
		fake.setHandler('get_group_list', () => [{ group_id: 123, group_name: 'small' }, { group_id: 456 }]);
		const result = await runListSearch(node, 'searchGroups', credentialsFor(fake), {});
		assert.deepEqual(result.results, [
			{ name: ' (456)', value: '456' },
			{ name: 'small (123)', value: '123' },
		]);
	});

	test('over the WebSocket transport when the node uses it', async () => {
		const result = await runListSearch(node, 'searchGroups', credentialsFor(fake), { options: { transport: 'websocket' } });
		assert.equal(result.results.length, 2);
		assert.equal(fake.calls[0].transport, 'ws');
		assert.equal(fake.connections(), 0, 'the connection is closed afterwards');
	});

	test('a wrong token is reported', async () => {
		await assert.rejects(
			runListSearch(node, 'searchGroups', credentialsFor(fake, { accessToken: 'stale-token-42' }), {}),
			/Access token wrong/,
		);
	});
});

describe('searchFriends', () => {
	test('remark, else nickname; the filter works on name and number', async () => {
		const all = await runListSearch(node, 'searchFriends', credentialsFor(fake), { resource: 'message', operation: 'send_private_msg' });
		assert.equal(fake.calls[0].action, 'get_friend_list');
		assert.deepEqual(all.results, [
			{ name: 'alice (20001)', value: '20001' },
			{ name: 'Bob (20002)', value: '20002' },
		]);
		const bob = await runListSearch(node, 'searchFriends', credentialsFor(fake), {}, 'BOB');
		assert.deepEqual(bob.results, [{ name: 'Bob (20002)', value: '20002' }]);
		const byNumber = await runListSearch(node, 'searchFriends', credentialsFor(fake), {}, '20001');
		assert.deepEqual(byNumber.results.map((r) => r.value), ['20001']);
		const nobody = await runListSearch(node, 'searchFriends', credentialsFor(fake), {}, 'carol');
		assert.deepEqual(nobody.results, []);
	});
});

describe('searchMembers', () => {
	test('members of the group in the node\'s group_id field', async () => {
		const result = await runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId('100002')));
		assert.equal(fake.calls.length, 1);
		assert.equal(fake.calls[0].action, 'get_group_member_list');
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100002 });
		assert.deepEqual(result.results, [
			{ name: 'Alice (20001)', value: '20001' },
			{ name: 'Bob (20002)', value: '20002' },
			{ name: 'FakeBot (10001)', value: '10001' },
		]);
		const filtered = await runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId('100002')), 'fake');
		assert.deepEqual(filtered.results, [{ name: 'FakeBot (10001)', value: '10001' }]);
	});

	test('the group card is preferred over the nickname', async () => {
		fake.setHandler('get_group_member_list', () => [{ user_id: 3, nickname: 'nick', card: 'Card Name' }, { user_id: 4, nickname: 'plain', card: '' }]);
		const result = await runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId('1')));
		assert.deepEqual(result.results, [
			{ name: 'Card Name (3)', value: '3' },
			{ name: 'plain (4)', value: '4' },
		]);
	});

	test('a group chosen from the list, and a 19-digit group id sent exactly', async () => {
		await runListSearch(node, 'searchMembers', credentialsFor(fake), banParams({ __rl: true, mode: 'list', value: '100001' }));
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001 });
		fake.reset();
		await runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId(BIG_ID)));
		assert.ok(fake.calls[0].rawBody.includes(`"group_id":${BIG_ID}`), fake.calls[0].rawBody);
	});

	test('no group chosen: a clear error, nothing sent', async () => {
		await assert.rejects(
			runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId(''))),
			/Choose the group first: members are listed per group/,
		);
		await assert.rejects(
			runListSearch(node, 'searchMembers', credentialsFor(fake), { resource: 'groupAdmin', operation: 'set_group_ban' }),
			/Choose the group first/,
		);
		assert.deepEqual(fake.calls, []);
	});

	test('a group id that is not a number: a clear error, nothing sent', async () => {
		await assert.rejects(
			runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId('abc'))),
			/"group_id" must be an integer/,
		);
		assert.deepEqual(fake.calls, []);
	});

	test('a failed list is reported with the backend\'s words', async () => {
		fake.fail('get_group_member_list', 100, 'GROUP_NOT_FOUND', '群不存在');
		await assert.rejects(
			runListSearch(node, 'searchMembers', credentialsFor(fake), banParams(byId('100009'))),
			/get_group_member_list failed \(retcode 100\): 群不存在/,
		);
	});
});
