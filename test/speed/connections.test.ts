// One connection per execution on every transport: the fakes count the TCP connections they
// accepted, and every item of an execution must go over the same one.
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';

import type { INodeExecutionData } from 'n8n-workflow';

import { byId, run as runOneBot, TOKEN } from '../onebot/setup';
import { run as runHeychat, BIG_CHANNEL, BIG_ROOM } from '../heychat/setup';
import { FakeOneBot } from '../fakes/onebot';
import { FakeHeychat } from '../fakes/heychat';

const ITEMS = 6;
const items = (): INodeExecutionData[] => Array.from({ length: ITEMS }, (_, i) => ({ json: { i } }));

/**
 * The keep-alive delays asked for on the client sockets to `port` while `run` runs, per socket.
 * Node makes the system call only when the delay asked differs from the socket's last one.
 */
async function keepAliveDelays(port: number, run: () => Promise<void>): Promise<number[][]> {
	const original = Socket.prototype.setKeepAlive;
	const asked = new Map<Socket, number[]>();
	Socket.prototype.setKeepAlive = function (this: Socket, enable?: boolean, delay?: number) {
		if (this.remotePort === port && enable) asked.set(this, [...(asked.get(this) ?? []), delay ?? 0]);
		return original.call(this, enable, delay);
	};
	try {
		await run();
	} finally {
		Socket.prototype.setKeepAlive = original;
	}
	return [...asked.values()];
}

function assertOneDelayPerSocket(delays: number[][], requests: number): void {
	assert.equal(delays.length, 1, 'one pooled socket');
	assert.ok(delays[0].length >= requests, `keep-alive asked at least once per request (${delays[0].length})`);
	assert.deepEqual([...new Set(delays[0])], [delays[0][0]], 'axios and the pool ask the same delay: no setsockopt after the first');
}

const toGroup = (transport: 'http' | 'websocket') => ({
	resource: 'message',
	operation: 'send_group_msg',
	group_id: byId('100001'),
	messageFormat: 'text',
	text: 'hello',
	options: { transport },
});

describe('OneBot: one connection per execution', () => {
	let fake: FakeOneBot;
	before(async () => {
		fake = await FakeOneBot.start({ accessToken: TOKEN });
	});
	after(async () => {
		await fake.close();
	});

	for (const transport of ['http', 'websocket'] as const) {
		test(`${transport}: ${ITEMS} items, ${ITEMS} calls, 1 connection; the next execution opens its own`, async () => {
			fake.reset();
			const before = fake.acceptedSockets;
			const result = await runOneBot(fake, toGroup(transport), { items: items() });
			assert.equal(result.error, undefined);
			assert.equal(result.output.length, ITEMS);
			assert.equal(fake.callsTo('send_group_msg').length, ITEMS, 'every item was sent');
			assert.equal(fake.acceptedSockets - before, 1, 'one TCP connection for all items');

			await runOneBot(fake, toGroup(transport), { items: items() });
			assert.equal(fake.callsTo('send_group_msg').length, 2 * ITEMS);
			assert.equal(fake.acceptedSockets - before, 2, 'the second execution: one more');
		});
	}

	test(`http: the pooled socket's TCP keep-alive is set once, not twice per request`, async () => {
		fake.reset();
		const delays = await keepAliveDelays(Number(new URL(fake.httpUrl).port), async () => {
			const result = await runOneBot(fake, toGroup('http'), { items: items() });
			assert.equal(result.error, undefined);
		});
		assert.equal(fake.callsTo('send_group_msg').length, ITEMS);
		assertOneDelayPerSocket(delays, ITEMS);
	});
});

describe('Heychat: one connection per execution', () => {
	let fake: FakeHeychat;
	before(async () => {
		fake = await FakeHeychat.start();
	});
	after(async () => {
		await fake.close();
	});

	test(`${ITEMS} channel messages, ${ITEMS} requests with the token, 1 connection`, async () => {
		const before = fake.acceptedSockets;
		const result = await runHeychat(
			fake,
			{ resource: 'message', operation: 'send_channel_message', room_id: byId(BIG_ROOM), channel_id: byId(BIG_CHANNEL), messageType: 'text', text: 'hi' },
			{ items: items() },
		);
		assert.equal(result.error, undefined);
		assert.equal(result.output.length, ITEMS);
		const calls = fake.callsTo('/chatroom/v2/channel_msg/send');
		assert.equal(calls.length, ITEMS, 'every item was sent');
		assert.ok(calls.every((c) => c.headers.token === fake.token), 'each request carries the token header');
		assert.equal(new Set(calls.map((c) => (c.json as { heychat_ack_id: string }).heychat_ack_id)).size, ITEMS, 'one ack ID per item');
		assert.equal(fake.acceptedSockets - before, 1, 'one TCP connection for all items');
	});

	test(`the pooled socket's TCP keep-alive is set once, not twice per request`, async () => {
		const delays = await keepAliveDelays(Number(new URL(fake.url).port), async () => {
			const result = await runHeychat(
				fake,
				{ resource: 'message', operation: 'send_channel_message', room_id: byId(BIG_ROOM), channel_id: byId(BIG_CHANNEL), messageType: 'text', text: 'hi' },
				{ items: items() },
			);
			assert.equal(result.error, undefined);
		});
		assertOneDelayPerSocket(delays, ITEMS);
	});
});
