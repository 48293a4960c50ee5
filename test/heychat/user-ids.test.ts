// Every Heybox user ID a catalog operation takes (catalog type `id`) is checked before anything is
// sent: a positive whole number, digits only. Values come from expressions, which can hand the node
// anything (the editor's "By ID" pattern stops most bad input earlier). The cases come from the catalog.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import catalogJson from '../../nodes/Heychat/catalog/endpoints.json';
import { FakeHeychat } from '../fakes/heychat';
import { catalogCase, type CatalogOp } from './catalogCases';
import { byId, run } from './setup';

const operations = (catalogJson as unknown as { operations: CatalogOp[] }).operations;
const withUserIds = operations.filter((op) => !op.handler && op.params.some((p) => p.type === 'id' && p.required));

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
