// Unit tests of nodes/shared/connection: backoff, watchdog, frame guard, bounded set, and the
// managed connection's life (first failure, drops, reconnects, fatal errors, close) with fake links.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
	AbortedError,
	Backoff,
	BoundedSet,
	FrameGuard,
	ManagedConnection,
	raceAbort,
	sleep,
	Watchdog,
	withCap,
	type Link,
	type LinkEnd,
} from '../../nodes/shared/connection';
import { activeHandles, delay, leakedHandles, waitFor, type LogEntry } from './context';

function recorder() {
	const logs: LogEntry[] = [];
	const at = (level: LogEntry['level']) => (message: string) => {
		logs.push({ level, message });
	};
	return { logs, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('Backoff', () => {
	test('grows from 1 s to 60 s by default and never goes below the first delay', () => {
		const backoff = new Backoff({ random: () => 0 });
		const delays = Array.from({ length: 10 }, () => backoff.next());
		assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
		const jittered = new Backoff({ random: () => 0.999 });
		for (let i = 0; i < 12; i++) {
			const d = jittered.next();
			assert.ok(d >= 1000 && d <= 60000, `delay ${d} out of range`);
		}
	});

	test('jitter shortens delays by up to the jitter share', () => {
		const backoff = new Backoff({ initialMs: 1000, jitter: 0.5, random: () => 0.999 });
		backoff.next();
		const second = backoff.next();
		assert.ok(second > 1000 && second < 2000, `second delay ${second}`);
	});

	test('resets only after a healthy period', () => {
		let now = 0;
		const backoff = new Backoff({ random: () => 0, healthyMs: 10_000, now: () => now });
		backoff.next();
		backoff.next();
		backoff.connected();
		now += 5_000;
		backoff.dropped();
		assert.equal(backoff.next(), 4000, 'a short-lived connection keeps the backoff growing');
		backoff.connected();
		now += 10_000;
		backoff.dropped();
		assert.equal(backoff.next(), 1000, 'a healthy connection resets it');
	});

	test('by default measures how long a connection stayed up on the monotonic clock: a system clock set back changes nothing', async () => {
		// The system clock as time sync can set it: in place before the Backoff is made, however it reads it.
		const realDateNow = Date.now;
		let shiftMs = 0;
		Date.now = () => realDateNow() + shiftMs;
		try {
			const backoff = new Backoff({ random: () => 0, healthyMs: 20 });
			backoff.next();
			backoff.next();
			backoff.connected();
			const startedAt = performance.now();
			// the connection stays up past the healthy period (20 ms) ...
			while (performance.now() - startedAt < 40) await new Promise((resolve) => setTimeout(resolve, 5));
			shiftMs = -3_600_000; // ... while the system clock is set back an hour
			backoff.dropped();
			assert.equal(backoff.next(), 1000, 'the connection was healthy: the backoff starts again from the first delay');
		} finally {
			Date.now = realDateNow;
		}
	});
});

/** Time that moves only when told: timers run in due order as it passes them. */
class ManualClock {
	time = 0;

	private timers: Array<{ at: number; callback: () => void; id: number }> = [];

	private ids = 0;

	get pending(): number {
		return this.timers.length;
	}

	now = () => this.time;

	setTimeout = (callback: () => void, ms: number) => {
		const id = ++this.ids;
		this.timers.push({ at: this.time + Math.max(1, ms), callback, id });
		return id;
	};

	clearTimeout = (id: unknown) => {
		this.timers = this.timers.filter((t) => t.id !== id);
	};

	advance(ms: number): void {
		const until = this.time + ms;
		for (;;) {
			const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
			if (!due) break;
			this.timers = this.timers.filter((t) => t !== due);
			this.time = due.at;
			due.callback();
		}
		this.time = until;
	}
}

describe('Watchdog', () => {
	test('fires after factor × interval of silence, feeding postpones it, stop disarms', () => {
		const clock = new ManualClock();
		const fired: number[] = [];
		const watchdog = new Watchdog((ms) => fired.push(ms), 2.5, clock);
		watchdog.feed(); // not armed: nothing happens
		assert.equal(clock.pending, 0);
		watchdog.setInterval(20);
		assert.equal(watchdog.timeout, 50);
		for (let i = 0; i < 4; i++) {
			clock.advance(25);
			watchdog.feed();
		}
		clock.advance(49);
		assert.deepEqual(fired, [], 'fed in time: 49 ms of silence is not 50');
		clock.advance(1 + 50 / 8);
		assert.deepEqual(fired, [50], 'noticed at most 1/8 of the timeout late');
		assert.equal(watchdog.timeout, undefined, 'fires once per arming');
		assert.equal(clock.pending, 0, 'no timer left once fired');
		watchdog.setInterval(10);
		watchdog.stop();
		assert.equal(clock.pending, 0, 'stop leaves no timer');
		clock.advance(60);
		assert.equal(fired.length, 1);
	});

	test('never fires before the timeout of real silence, however the ticks fall', () => {
		for (const feedAt of [0, 1, 3, 6, 7, 13, 24]) {
			const clock = new ManualClock();
			const fired: number[] = [];
			const watchdog = new Watchdog(() => fired.push(clock.time), 2.5, clock);
			watchdog.setInterval(20); // 50 ms, ticks every 7 ms
			clock.advance(feedAt);
			watchdog.feed();
			clock.advance(200);
			assert.equal(fired.length, 1, `fed at ${feedAt}`);
			assert.ok(fired[0] >= feedAt + 50 && fired[0] <= feedAt + 50 + 7, `fed at ${feedAt}, fired at ${fired[0]}`);
		}
	});

	test('runs on the system clock by default', async () => {
		let fired = false;
		const watchdog = new Watchdog(() => (fired = true), 1);
		watchdog.setInterval(5);
		await waitFor(() => fired, 2000, 'the watchdog on the system clock');
		assert.equal(watchdog.timeout, undefined);
	});

	test('ignores invalid intervals', () => {
		const watchdog = new Watchdog(() => assert.fail('must not fire'));
		watchdog.setInterval(0);
		watchdog.setInterval(-5);
		watchdog.setInterval(Number.NaN);
		assert.equal(watchdog.timeout, undefined);
	});
});

describe('abort helpers', () => {
	test('sleep rejects at once on abort and leaves no timer', async () => {
		const before = activeHandles();
		const controller = new AbortController();
		const waiting = sleep(10_000, controller.signal);
		controller.abort();
		await assert.rejects(waiting, AbortedError);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('raceAbort hands a late value to discard', async () => {
		const controller = new AbortController();
		let resolveLate!: (v: string) => void;
		const late = new Promise<string>((r) => (resolveLate = r));
		const discarded: string[] = [];
		const racing = raceAbort(late, controller.signal, (v) => discarded.push(v));
		controller.abort();
		await assert.rejects(racing, AbortedError);
		resolveLate('socket');
		await delay(1);
		assert.deepEqual(discarded, ['socket']);
	});

	test('withCap gives up after the cap', async () => {
		const result = await withCap(new Promise(() => undefined), 10, 'capped');
		assert.equal(result, 'capped');
	});
});

describe('FrameGuard', () => {
	const make = (maxBytes = 100) => {
		const { logs, logger } = recorder();
		const guard = new FrameGuard<{ ok: true }>({
			maxBytes,
			logger,
			source: 'ws://backend',
			secrets: ['s3cret'],
			check: (v) =>
				v && typeof v === 'object' && 'ok' in v
					? { kind: 'accept', value: v as { ok: true } }
					: v && typeof v === 'object' && 'echo' in v
						? { kind: 'ignore' }
						: { kind: 'reject', reason: 'unknown shape' },
		});
		return { guard, logs };
	};

	test('accepts good frames from strings, buffers and fragments', () => {
		const { guard, logs } = make();
		assert.deepEqual(guard.accept('{"ok":true}'), { ok: true });
		assert.deepEqual(guard.accept(Buffer.from('{"ok":true}')), { ok: true });
		assert.deepEqual(guard.accept([Buffer.from('{"ok":'), Buffer.from('true}')]), { ok: true });
		assert.equal(logs.length, 0);
	});

	test('skips bad frames with one warning each, never throwing, and redacts secrets', () => {
		const { guard, logs } = make(100);
		assert.equal(guard.accept('not json s3cret'), undefined);
		assert.equal(guard.accept('{"ok": tr'), undefined);
		assert.equal(guard.accept('{"other":1}'), undefined);
		assert.equal(guard.accept('x'.repeat(101)), undefined);
		assert.equal(guard.accept('{"echo":"1"}'), undefined, 'ignored silently');
		assert.equal(guard.skipped, 4);
		assert.equal(logs.filter((l) => l.level === 'warn').length, 4);
		assert.match(logs[0].message, /not valid JSON/);
		assert.match(logs[1].message, /not valid JSON/);
		assert.match(logs[2].message, /unknown shape/);
		assert.match(logs[3].message, /101 bytes, over the 100-byte limit/);
		assert.ok(logs.every((l) => !l.message.includes('s3cret')));
	});
});

describe('BoundedSet', () => {
	test('reports repeats and forgets the oldest keys first', () => {
		const set = new BoundedSet(3);
		assert.equal(set.add('a'), true);
		assert.equal(set.add('a'), false);
		set.add('b');
		set.add('c');
		set.add('d');
		assert.equal(set.size, 3);
		assert.equal(set.has('a'), false);
		assert.equal(set.add('a'), true);
	});
});

// ---------------------------------------------------------------------------------------------
// ManagedConnection with scripted links
// ---------------------------------------------------------------------------------------------

class FakeLink implements Link {
	readonly done: Promise<LinkEnd>;

	private end!: (e: LinkEnd) => void;

	closedWith: string | undefined;

	constructor(readonly id: number) {
		this.done = new Promise((r) => (this.end = r));
	}

	close(reason = 'closed'): void {
		if (this.closedWith !== undefined) return;
		this.closedWith = reason;
		setTimeout(() => this.end({ reason }), 1);
	}

	drop(reason = 'peer went away'): void {
		this.end({ code: 1006, reason });
	}
}

function scriptedConnection(script: Array<'ok' | Error>, extra: { isFatal?: (e: unknown) => boolean } = {}) {
	const { logs, logger } = recorder();
	const links: FakeLink[] = [];
	const fatal: Error[] = [];
	let attempts = 0;
	const connection = new ManagedConnection<FakeLink>({
		source: 'fake://backend',
		logger,
		tuning: { backoff: { initialMs: 5, maxMs: 20, jitter: 0 }, closeTimeoutMs: 200, watchdogFactor: 2.5 },
		open: async () => {
			const step = script[Math.min(attempts, script.length - 1)];
			attempts++;
			if (step instanceof Error) throw step;
			const link = new FakeLink(links.length);
			links.push(link);
			return link;
		},
		isFatal: extra.isFatal,
		onFatal: (e) => fatal.push(e),
	});
	return { connection, links, logs, fatal, attempts: () => attempts };
}

describe('ManagedConnection', () => {
	test('start() throws the first failure and leaves nothing running', async () => {
		const before = activeHandles();
		const { connection } = scriptedConnection([new Error('connection refused')]);
		await assert.rejects(connection.start(), /connection refused/);
		await connection.close();
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('reconnects with backoff after drops and failed attempts', async () => {
		const { connection, links, logs, attempts } = scriptedConnection(['ok', new Error('refused'), new Error('refused'), 'ok']);
		await connection.start();
		assert.equal(links.length, 1);
		links[0].drop();
		await waitFor(() => links.length === 2, 1000, 'the reconnect');
		assert.equal(attempts(), 4);
		assert.ok(logs.some((l) => l.level === 'warn' && /lost \(peer went away, code 1006\)/.test(l.message)));
		assert.equal(logs.filter((l) => /Reconnecting to fake:\/\/backend failed: refused/.test(l.message)).length, 2);
		assert.ok(logs.some((l) => /Reconnected to fake:\/\/backend/.test(l.message)));
		assert.equal(connection.current, links[1]);
		await connection.close();
		assert.equal(links[1].closedWith, 'closing');
	});

	test('a fatal error stops reconnecting and is reported once', async () => {
		const auth = Object.assign(new Error('token refused'), { fatal: true });
		const { connection, links, fatal, attempts } = scriptedConnection(['ok', auth], {
			isFatal: (e) => (e as { fatal?: boolean }).fatal === true,
		});
		await connection.start();
		links[0].drop();
		await waitFor(() => fatal.length === 1, 1000, 'the fatal error');
		await delay(30);
		assert.equal(attempts(), 2, 'no attempt after the fatal error');
		assert.equal(fatal[0].message, 'token refused');
		assert.equal(connection.isClosing, true);
		await connection.close();
	});

	test('the watchdog closes a silent link and the loop reconnects', async () => {
		const { connection, links, logs } = scriptedConnection(['ok']);
		await connection.start();
		connection.heartbeat(10);
		assert.equal(connection.watchdogTimeout, 25);
		await waitFor(() => links.length === 2, 1000, 'the reconnect after the watchdog');
		assert.equal(links[0].closedWith, 'watchdog: heartbeat missed');
		assert.ok(logs.some((l) => /Nothing arrived from fake:\/\/backend for 25 ms/.test(l.message)));
		await connection.close();
	});

	test('close() during the backoff wait stops at once and leaves no timer', async () => {
		const before = activeHandles();
		const { connection, links, attempts } = scriptedConnection(['ok', new Error('refused')]);
		// long backoff: close must not wait for it
		(connection as unknown as { backoff: Backoff }).backoff = new Backoff({ initialMs: 60_000, jitter: 0 });
		await connection.start();
		links[0].drop();
		await delay(10);
		const started = performance.now();
		await connection.close();
		assert.ok(performance.now() - started < 100, 'close did not wait for the backoff');
		assert.equal(attempts(), 1);
		await delay(5);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('close() is capped even when a link never ends', async () => {
		const { logger } = recorder();
		const stuck: Link = { done: new Promise(() => undefined), close: () => undefined };
		const connection = new ManagedConnection<Link>({
			source: 'stuck',
			logger,
			tuning: { closeTimeoutMs: 50 },
			open: async () => stuck,
			onFatal: () => assert.fail('no fatal'),
		});
		await connection.start();
		const started = performance.now();
		await connection.close();
		const took = performance.now() - started;
		assert.ok(took >= 45 && took < 500, `close took ${took} ms`);
		await connection.close(); // idempotent
	});
});
