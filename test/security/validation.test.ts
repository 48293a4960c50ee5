// Ids that must be positive and durations with the platform's upper bound (issue 10, item 9): the
// OneBot node refuses them before anything is sent, with the field named; the bounds are data in
// the catalog (scripts/onebot-curation.json → bounds). Each case prints what was sent.
import { byId, run, useFakeOneBot } from '../onebot/setup';

import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';

import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

import catalogJson from '../../nodes/OneBot/catalog/actions.json';
import type { Catalog } from '../../nodes/shared/catalog/types';
import { checkBounds } from '../../nodes/shared/validation';
import type { FakeOneBot } from '../fakes/onebot';
import { figure as showFigure } from './figure';

const catalog = catalogJson as unknown as Catalog;

const figure = (t: TestContext, text: string) => showFigure('validation', t, text);

let fake: FakeOneBot;
useFakeOneBot((f) => (fake = f));

const ban = (duration: unknown): INodeParameters => ({
	resource: 'groupAdmin',
	operation: 'set_group_ban',
	group_id: byId('100001'),
	user_id: byId('20001'),
	additionalFields: { duration: duration as string },
});

describe('action fields: positive ids and bounded durations', () => {
	const refused: Array<[string, INodeParameters, RegExp]> = [
		['group_id "-5"', { resource: 'group', operation: 'get_group_info', group_id: byId('={{ "-5" }}') }, /"group_id" must be a positive integer \(1 or more\), got "-5"/],
		['group_id 0', { resource: 'group', operation: 'get_group_info', group_id: byId('={{ 0 }}') }, /"group_id" must be a positive integer \(1 or more\), got 0/],
		['user_id -20001', { resource: 'friend', operation: 'get_stranger_info', user_id: byId('={{ -20001 }}') }, /"user_id" must be a positive integer/],
		['send_group_msg to group -5', { resource: 'message', operation: 'send_group_msg', group_id: byId('={{ "-5" }}'), messageFormat: 'text', text: 'hi' }, /"group_id" must be a positive integer/],
		['a kick list with -2', { resource: 'groupAdmin', operation: 'set_group_kick_members', group_id: byId('100001'), user_id: '20001, -2' }, /"user_id\[1\]" must be a positive integer \(1 or more\), got "-2"/],
		['mute for 1e12 s', ban('={{ 1e12 }}'), /"duration" must be between 0 and 2592000 seconds \(30 days\), got 1000000000000/],
		['mute for 30 days + 1 s', ban(2592001), /"duration" must be between 0 and 2592000 seconds \(30 days\), got 2592001/],
		['mute for "abc"', ban('={{ "abc" }}'), /"duration" must be an integer .*got "abc"/],
		[
			'the hidden action .handle_quick_operation with ban_duration -5',
			{ resource: 'system', operation: '.handle_quick_operation', context: '{"post_type": "message", "message_type": "group"}', operationParameter: '{"ban": true, "ban_duration": -5}' },
			/"operation\.ban_duration" must be zero or a positive integer, got -5/,
		],
		[
			'the hidden action .handle_quick_operation with ban "yes"',
			{ resource: 'system', operation: '.handle_quick_operation', context: '{"post_type": "message"}', operationParameter: '{"ban": "yes", "ban_duration": 60}' },
			/"operation\.ban" must be true or false, got "yes"/,
		],
		[
			'anonymous mute for 31 days',
			{ resource: 'groupAdmin', operation: 'set_group_anonymous_ban', group_id: byId('100001'), additionalFields: { duration: 2678400, flag: 'f' } },
			/"duration" must be between 0 and 2592000 seconds \(30 days\), got 2678400/,
		],
	];
	for (const [name, parameters, message] of refused) {
		test(`${name}: refused before sending, naming the field`, async (t) => {
			const result = await run(fake, parameters);
			assert.ok(result.error instanceof NodeOperationError, `expected a NodeOperationError, got ${String(result.error)}`);
			assert.match(result.error.message, message);
			assert.deepEqual(fake.calls, [], 'nothing was sent');
			figure(t, `error "${result.error.message}", calls sent ${fake.calls.length}`);
		});
	}

	const accepted: Array<[string, INodeParameters, string, Record<string, unknown>]> = [
		['a 30-day mute', ban('2592000'), 'set_group_ban', { group_id: 100001, user_id: 20001, duration: 2592000 }],
		['lifting a mute (0)', ban(0), 'set_group_ban', { group_id: 100001, user_id: 20001, duration: 0 }],
		[
			'a quick operation through .handle_quick_operation ("true", "600" converted)',
			{ resource: 'system', operation: '.handle_quick_operation', context: '{"post_type": "message", "message_type": "group"}', operationParameter: '{"ban": "true", "ban_duration": "600", "x_ext": 1}' },
			'.handle_quick_operation',
			{ context: { post_type: 'message', message_type: 'group' }, operation: { ban: true, ban_duration: 600, x_ext: 1 } },
		],
		// go-cqhttp and NapCat message ids are 32-bit hashes and often negative: no bound on them.
		['a negative message_id', { resource: 'message', operation: 'delete_msg', message_id: '={{ -123456 }}' }, 'delete_msg', { message_id: -123456 }],
	];
	for (const [name, parameters, action, params] of accepted) {
		test(`${name} is sent as given`, async (t) => {
			const result = await run(fake, parameters);
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.equal(fake.calls.length, 1);
			assert.equal(fake.calls[0].action, action);
			assert.deepEqual(fake.calls[0].params, params);
			figure(t, `sent ${action} ${JSON.stringify(fake.calls[0].params)}`);
		});
	}
});

describe('the bounds are catalog data', () => {
	test('QQ numbers and group numbers are at least 1 everywhere; mutes at most 30 days; message ids unbounded', (t) => {
		let ids = 0;
		for (const op of catalog.operations) {
			for (const p of op.params) {
				if ((p.name === 'group_id' || p.name === 'user_id') && (p.type === 'id' || p.type === 'idList')) {
					assert.equal(p.min, 1, `${op.value}.${p.name}`);
					ids++;
				}
				if (p.name === 'message_id') assert.equal(p.min, undefined, `${op.value}.message_id`);
			}
		}
		for (const action of ['set_group_ban', 'set_group_anonymous_ban']) {
			const duration = catalog.operations.find((o) => o.value === action)?.params.find((p) => p.name === 'duration');
			assert.deepEqual([duration?.min, duration?.max], [0, 2592000], action);
		}
		figure(t, `${ids} group_id/user_id fields with min 1; 2 mute durations with max 2592000`);
	});

	test('checkBounds names the field and the range', () => {
		assert.equal(checkBounds('n', 5, { min: 1, max: 10 }), 5);
		assert.equal(checkBounds('n', 10n, { min: 1 }), 10n);
		assert.throws(() => checkBounds('count', 11, { min: 1, max: 10 }), /"count" must be between 1 and 10, got 11/);
		assert.throws(() => checkBounds('group_id', -5n, { min: 1 }, '-5'), /"group_id" must be a positive integer \(1 or more\), got "-5"/);
		assert.throws(() => checkBounds('delay', 7201, { max: 7200, seconds: true }), /"delay" must be at most 7200 seconds \(2 hours\), got 7201/);
	});
});
