// Answers whose shape the reference marks UNCERTAIN (heychat-api.md §3.3): the node accepts every
// shape the sources describe and gives the same output item for each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { FakeHeychat } from '../fakes/heychat';
import { BIG_ROLE, BIG_ROOM, byId, run } from './setup';

const fakes: Record<string, FakeHeychat> = {};
before(async () => {
	fakes.wrapped = await FakeHeychat.start({ roleAnswerShape: 'wrapped', grantRolesKey: 'roles' });
	fakes.flat = await FakeHeychat.start({ roleAnswerShape: 'flat', grantRolesKey: 'role' });
});
after(async () => {
	for (const fake of Object.values(fakes)) await fake.close();
});

const role = (operation: string, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'role',
	operation,
	room_id: byId(BIG_ROOM),
	name: 'Mods',
	permissions: '16384',
	type: 0,
	hoist: 1,
	...extra,
});

describe('create and update role: result.role (CS, CJSAH) or the role as result (HBNET)', () => {
	for (const [operation, extra] of [
		['create_room_role', {}],
		['update_room_role', { id: byId(BIG_ROLE) }],
	] as const) {
		test(`${operation}: both answers give the role as the output item`, async () => {
			const outputs = [];
			for (const shape of ['wrapped', 'flat']) {
				const result = await run(fakes[shape], role(operation, extra));
				assert.equal(result.error, undefined, String(result.error?.message));
				const answer = JSON.parse(fakes[shape].lastCall()!.responseText!).result as Record<string, unknown>;
				assert.equal('role' in answer, shape === 'wrapped', `the ${shape} fake answers ${shape}`);
				assert.equal(result.output.length, 1);
				outputs.push(result.output[0].json);
			}
			assert.equal(outputs[0].name, 'Mods');
			assert.equal(typeof outputs[0].id, 'string');
			assert.deepEqual(outputs[1], outputs[0]);
		});
	}
});

describe('grant role: result.user.roles (CS) or result.user.role (HBNET)', () => {
	test('both answers give the member with "roles"', async () => {
		for (const shape of ['wrapped', 'flat']) {
			const result = await run(fakes[shape], {
				resource: 'role',
				operation: 'grant_room_role',
				room_id: byId(BIG_ROOM),
				role_id: byId(BIG_ROLE),
				to_user_id: byId('66837313'),
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			const json = result.output[0].json;
			assert.deepEqual(json.roles, [BIG_ROLE], `${shape}: roles`);
			assert.equal(json.user_id, '66837313');
		}
	});
});
