// The shared batching and pacing machinery (nodes/shared/batch): the ordered concurrent runner and
// the send-rate and window limiters, on a clock the test drives (no waiting on real time).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { paceSend, paceWindow, readBatching, runOrdered, sendFinished, type Clock } from '../../nodes/shared/batch';
import { realClock } from '../../nodes/shared/batch/clock';

/** A clock whose sleeps advance its own time at once, recording each wait. */
function manualClock(start = 1_000_000): Clock & { waits: number[] } {
	let now = start;
	const waits: number[] = [];
	return {
		waits,
		now: () => now,
		sleep: async (ms: number) => {
			waits.push(ms);
			now += Math.max(0, ms);
		},
	};
}

let keyCounter = 0;
const freshKey = () => `test-key-${++keyCounter}-${Date.now()}`;

describe('runOrdered', () => {
	test('outcomes come back in input order, whatever order the tasks finish in', async () => {
		const finished: number[] = [];
		const gates = new Map<number, () => void>();
		const started: number[] = [];
		const run = runOrdered(4, { batchSize: 0, batchInterval: 0, concurrency: 4 }, async (i) => {
			started.push(i);
			await new Promise<void>((resolve) => gates.set(i, resolve));
			finished.push(i);
			return `item ${i}`;
		});
		while (gates.size < 4) await new Promise((r) => setImmediate(r));
		for (const i of [3, 1, 2, 0]) {
			gates.get(i)!();
			await new Promise((r) => setImmediate(r));
		}
		const outcomes = await run;
		assert.deepEqual(finished, [3, 1, 2, 0]);
		assert.deepEqual(
			outcomes.map((o) => (o.status === 'ok' ? o.value : o.status)),
			['item 0', 'item 1', 'item 2', 'item 3'],
		);
	});

	test('never more than `concurrency` tasks at once; all of them used', async () => {
		let inFlight = 0;
		let max = 0;
		await runOrdered(10, { batchSize: 0, batchInterval: 0, concurrency: 3 }, async () => {
			inFlight++;
			max = Math.max(max, inFlight);
			await new Promise((r) => setImmediate(r));
			inFlight--;
		});
		assert.equal(max, 3);
	});

	test('batches wait the interval between them, not before the first', async () => {
		const clock = manualClock();
		const startedAt: number[] = [];
		await runOrdered(
			5,
			{ batchSize: 2, batchInterval: 700, concurrency: 2 },
			async () => {
				startedAt.push(clock.now());
			},
			{ clock },
		);
		assert.deepEqual(clock.waits, [700, 700]);
		const t0 = startedAt[0];
		assert.deepEqual(
			startedAt.map((t) => t - t0),
			[0, 0, 700, 700, 1400],
		);
	});

	test('a failure is kept with its item; with stopOnError no later item starts', async () => {
		const ran: number[] = [];
		const task = async (i: number) => {
			ran.push(i);
			if (i === 1) throw new Error('boom');
			return i;
		};
		const all = await runOrdered(4, { batchSize: 0, batchInterval: 0, concurrency: 1 }, task);
		assert.deepEqual(all.map((o) => o.status), ['ok', 'error', 'ok', 'ok']);
		ran.length = 0;
		const stopped = await runOrdered(4, { batchSize: 0, batchInterval: 0, concurrency: 1 }, task, { stopOnError: true });
		assert.deepEqual(stopped.map((o) => o.status), ['ok', 'error', 'skipped', 'skipped']);
		assert.deepEqual(ran, [0, 1]);
	});

	test('readBatching reads options.batching.batch; none means one by one', () => {
		assert.deepEqual(readBatching({}), { batchSize: 0, batchInterval: 0, concurrency: 1 });
		assert.deepEqual(readBatching({ batching: { batch: { batchSize: 10, batchInterval: 250, concurrency: 8 } } }), {
			batchSize: 10,
			batchInterval: 250,
			concurrency: 8,
		});
		assert.equal(readBatching({ batching: { batch: { concurrency: 0 } } }).concurrency, 1);
		assert.equal(readBatching({ batching: { batch: { concurrency: 1000 } } }).concurrency, 64);
	});
});

describe('paceSend', () => {
	test('spaces sends at the rate, each gap up to the jitter longer, never shorter', async () => {
		const clock = manualClock();
		const key = freshKey();
		const randoms = [0, 1, 0.5, 0];
		let r = 0;
		const sentAt: number[] = [];
		for (let i = 0; i < 4; i++) {
			await paceSend(key, 20, 0.2, { clock, random: () => randoms[r++] });
			sentAt.push(clock.now());
		}
		const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]);
		// 20/min = 3000 ms; jitter 0.2: gap = 3000 × (1 + 0.2 × random of the previous send)
		assert.deepEqual(gaps, [3000, 3600, 3300]);
	});

	test('concurrent sends queue for their slots in call order', async () => {
		// time stands still while the three ask: each is told how long to wait from now
		const clock: Clock = { now: () => 5_000, sleep: async () => undefined };
		const key = freshKey();
		const waits = await Promise.all([0, 1, 2].map(async () => await paceSend(key, 60, 0, { clock })));
		assert.deepEqual(waits, [0, 1000, 2000]);
	});

	test('0 (or less) means no pacing; keys do not share slots', async () => {
		const clock = manualClock();
		assert.equal(await paceSend(freshKey(), 0, 0, { clock }), 0);
		const a = freshKey();
		await paceSend(a, 1, 0, { clock });
		assert.equal(await paceSend(freshKey(), 1, 0, { clock }), 0);
		assert.equal(await paceSend(a, 1, 0, { clock }), 60_000);
	});
});

describe('paceWindow (Heychat: 300 requests, 9 private messages per minute)', () => {
	test('the 10th private message in a minute waits until the 1st is a minute old', async () => {
		const clock = manualClock();
		const key = freshKey();
		const waits: number[] = [];
		for (let i = 0; i < 10; i++) {
			waits.push(await paceWindow(key, 9, 60_000, { clock }));
			await clock.sleep(100); // 100 ms between the calls
		}
		assert.deepEqual(waits.slice(0, 9), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
		// the first went out at t, the ninth at t+800, the tenth is asked at t+900: it waits to t+60000
		assert.equal(waits[9], 60_000 - 900);
	});

	test('301 requests at once: the last waits a full minute, none is refused', async () => {
		const clock: Clock = { now: () => 5_000, sleep: async () => undefined };
		const key = freshKey();
		const waits = await Promise.all(Array.from({ length: 301 }, async () => await paceWindow(key, 300, 60_000, { clock })));
		assert.equal(waits.filter((w) => w === 0).length, 300);
		assert.equal(waits[300], 60_000);
	});
});

describe('sendFinished', () => {
	test('the next slot counts from the end of a slow send: the pace gets slower, never faster', async () => {
		const clock = manualClock();
		const key = freshKey();
		await paceSend(key, 60, 0, { clock }); // slot at t, next at t+1000
		await clock.sleep(400); // the send takes 400 ms
		sendFinished(key, 60, { clock }); // next at t+1400
		assert.equal(await paceSend(key, 60, 0, { clock }), 1000);
	});
});

describe('the pacing clock', () => {
	test('a system clock set back an hour does not hold sends back: the pace reads the monotonic clock', async () => {
		// The node's own clock (realClock.now); sleeps are only recorded, so a wrong wait shows as a number.
		const clock: Clock = { now: realClock.now, sleep: async () => undefined };
		const key = freshKey();
		const windowKey = freshKey();
		const realDateNow = Date.now;
		try {
			assert.equal(await paceSend(key, 600, 0, { clock }), 0); // 600/min: the next slot 100 ms on
			assert.equal(await paceWindow(windowKey, 1, 60_000, { clock }), 0);
			const hourAgo = realDateNow() - 3_600_000;
			Date.now = () => hourAgo; // time sync (or a resumed VM) sets the system clock back an hour
			const wait = await paceSend(key, 600, 0, { clock });
			assert.ok(wait > 0 && wait <= 100, `the second send waits ${wait} ms: the rest of the 100 ms interval`);
			const windowWait = await paceWindow(windowKey, 1, 60_000, { clock });
			assert.ok(windowWait > 59_000 && windowWait <= 60_000, `the window's second call waits ${windowWait} ms: the rest of its minute`);
		} finally {
			Date.now = realDateNow;
		}
	});
});
