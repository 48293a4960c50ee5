// One workflow, every backend: the same three OneBot nodes (send a group message with text, image
// and reply segments; move a group file; get cookies), unchanged, through n8n against NapCat,
// LLOneBot, Lagrange.OneBot and go-cqhttp (fakes with each one's personality, detected by
// get_version_info). Each backend gets what it reads; what it lacks is refused before sending.
import { byId, run, TOKEN, wireParams } from './setup';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { PERSONALITIES, startPersonality, type Personality, type PersonalityName } from '../fakes/onebotPersonalities';

/** The workflow's three nodes, as a saved workflow holds their parameters. */
const WORKFLOW: Record<'send' | 'move' | 'cookies', INodeParameters> = {
	send: {
		resource: 'message',
		operation: 'send_group_msg',
		group_id: byId('100001'),
		messageFormat: 'segments',
		segments: {
			segment: [
				{ type: 'reply', replyId: '-2147483000' },
				{ type: 'text', textText: 'Report attached ' },
				{ type: 'image', source: 'url', url: 'https://example.com/chart.png' },
			],
		},
	},
	move: {
		resource: 'groupFile',
		operation: 'move_group_file',
		group_id: byId('100001'),
		file_id: '/7c1f-report.pdf',
		parent_directory: '/',
		target_directory: '/reports',
	},
	cookies: { resource: 'credential', operation: 'get_cookies', additionalFields: { domain: 'qun.qq.com' } },
};

const SEGMENTS = [
	{ type: 'reply', data: { id: '-2147483000' } },
	{ type: 'text', data: { text: 'Report attached ' } },
	{ type: 'image', data: { file: 'https://example.com/chart.png' } },
];

/** What each backend must receive for the move (its own folder names and id type). */
const MOVE_WIRE: Record<PersonalityName, Record<string, unknown> | 'refused'> = {
	napcat: { group_id: '100001', file_id: '/7c1f-report.pdf', current_parent_directory: '/', target_parent_directory: '/reports' },
	llonebot: { group_id: 100001, file_id: '/7c1f-report.pdf', parent_directory: '/', target_directory: '/reports' },
	lagrange: { group_id: 100001, file_id: '/7c1f-report.pdf', parent_directory: '/', target_directory: '/reports' },
	gocqhttp: 'refused',
};

describe('one workflow runs unchanged against every backend', () => {
	const backends = {} as Record<PersonalityName, Personality>;
	before(async () => {
		for (const name of PERSONALITIES) backends[name] = await startPersonality(name, { accessToken: TOKEN });
	});
	after(async () => {
		for (const name of PERSONALITIES) await backends[name].fake.close();
	});

	for (const name of PERSONALITIES) {
		test(name, async () => {
			const { fake, delivered } = backends[name];

			const send = await run(fake, WORKFLOW.send);
			assert.equal(send.error, undefined, String(send.error?.message));
			assert.deepEqual(delivered, [{ action: 'send_group_msg', segments: SEGMENTS }], 'all three segments reach the chat');
			assert.equal(fake.lastCall('send_group_msg')?.response?.status, 'ok');

			const move = await run(fake, WORKFLOW.move);
			if (MOVE_WIRE[name] === 'refused') {
				assert.match(String(move.error?.message), /^go-cqhttp has no "Move Group File" action \(move_group_file\)/);
				assert.equal(fake.callsTo('move_group_file').length, 0, 'nothing sent');
			} else {
				assert.equal(move.error, undefined, String(move.error?.message));
				const call = fake.lastCall('move_group_file')!;
				assert.deepEqual(wireParams(call), MOVE_WIRE[name]);
				assert.equal(call.response?.status, 'ok', `${name} accepts it`);
			}

			const cookies = await run(fake, WORKFLOW.cookies);
			if (name === 'gocqhttp') {
				assert.match(String(cookies.error?.message), /^go-cqhttp has no "Get Cookies" action/);
				assert.equal(fake.callsTo('get_cookies').length, 0);
			} else {
				assert.equal(cookies.error, undefined, String(cookies.error?.message));
				assert.deepEqual(wireParams(fake.lastCall('get_cookies')!), { domain: 'qun.qq.com' });
			}

			assert.equal(fake.callsTo('get_version_info').length, 1, 'detected once for the whole workflow');
		});
	}
});
