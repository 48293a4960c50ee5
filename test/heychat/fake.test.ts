// Self-test of the fake Heychat backend's own behaviour (used by the action tests here and, later,
// by the trigger tests): token and query checks, unknown paths, and the WebSocket gateway.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import WebSocket from 'ws';

import { COMMON_QUERY, FakeHeychat } from '../fakes/heychat';

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});

const qs = new URLSearchParams(COMMON_QUERY).toString();

test('HTTP: token header and common query parameters are checked; unknown paths are 404', async () => {
	const noToken = await fetch(`${fake.url}/chatroom/v2/room/joined?${qs}`);
	assert.equal(noToken.status, 401);
	const noQuery = await fetch(`${fake.url}/chatroom/v2/room/joined`, { headers: { token: fake.token } });
	assert.equal(noQuery.status, 400);
	const good = await fetch(`${fake.url}/chatroom/v2/room/joined?${qs}`, { headers: { token: fake.token } });
	assert.equal(good.status, 200);
	assert.equal(((await good.json()) as { status: string }).status, 'ok');
	const unknown = await fetch(`${fake.url}/chatroom/v9/nope?${qs}`, { headers: { token: fake.token } });
	assert.equal(unknown.status, 404);
	const wrongMethod = await fetch(`${fake.url}/chatroom/v2/room/joined?${qs}`, { method: 'POST', headers: { token: fake.token } });
	assert.equal(wrongMethod.status, 405);
});

test('gateway: token in the query or header, PING → PONG, pushed events arrive', async () => {
	const refused = new WebSocket(`${fake.gatewayUrl}?${qs}&token=wrong`);
	await new Promise<void>((resolve) => {
		refused.on('error', () => resolve());
		refused.on('unexpected-response', () => resolve());
	});

	const ws = new WebSocket(`${fake.gatewayUrl}?${qs}`, { headers: { token: fake.token } });
	const frames: string[] = [];
	ws.on('message', (data) => frames.push(data.toString()));
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	const connection = await fake.waitForGateway(1);
	assert.equal(connection.query.chat_os_type, 'bot');

	const waitFrames = async (n: number) => {
		const started = performance.now();
		while (frames.length < n && performance.now() - started < 2000) await new Promise((r) => setTimeout(r, 10));
	};
	ws.send('PING');
	await waitFrames(1);
	const frame = fake.event('5003', { channel_id: '3638452309568749568', emoji: '[cube_doge]', is_add: 1, msg_id: '1843536909979836416', user_id: 8829926 });
	assert.equal(fake.pushEvent(frame), 1);
	await waitFrames(2);
	assert.equal(frames[0], 'PONG');
	const event = JSON.parse(frames[1]) as { type: string; sequence: number; data: { msg_id: string } };
	assert.equal(event.type, '5003');
	assert.equal(typeof event.sequence, 'number');
	assert.equal(event.data.msg_id, '1843536909979836416');
	assert.deepEqual(connection.received, ['PING']);

	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	fake.dropGateway(1001);
	assert.equal(await closed, 1001);
});

test('sends: an accepted message is kept; the same heychat_ack_id again is refused as Heychat does ("请勿重复发送"), until reset', async () => {
	fake.reset();
	const send = async (ackId: string, msg: string) => {
		const response = await fetch(`${fake.url}/chatroom/v2/channel_msg/send?${qs}`, {
			method: 'POST',
			headers: { token: fake.token, 'content-type': 'application/json' },
			body: JSON.stringify({ msg, msg_type: 4, heychat_ack_id: ackId, room_id: '1', channel_id: '2', addition: '{}' }),
		});
		return (await response.json()) as { status: string; msg: string };
	};
	assert.equal((await send('7', 'a')).status, 'ok');
	assert.deepEqual(await send('7', 'b'), { status: 'failed', msg: '消息已发送，请勿重复发送', result: {} });
	assert.equal((await send('8', 'c')).status, 'ok');
	assert.deepEqual(
		fake.messages.map((m) => [m.ackId, m.body.msg]),
		[
			['7', 'a'],
			['8', 'c'],
		],
	);
	fake.reset();
	assert.equal((await send('7', 'd')).status, 'ok');
	assert.equal(fake.messages.length, 1);
	fake.reset();
});
