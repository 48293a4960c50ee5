import { createHash } from 'node:crypto';

import { realClock, type Clock } from './clock';

/**
 * Pacing shared by every execution in this process: each limiter is kept under a key derived
 * from the credential (a hash of its URL and token), so two workflows sending with the same bot
 * share its budget. Slots are reserved in call order, so concurrent calls queue instead of racing.
 */

/** Share of the interval added at random to each gap: 20/min becomes one message every 3 to 3.6 s. */
export const DEFAULT_JITTER = 0.2;

/**
 * At least `intervalMs` (plus jitter) between two slots, and between the end of a send and the next
 * slot: a slow answer makes the pace slower, never faster, as the backend sees it.
 */
class SpacingLimiter {
	private next = 0;

	reserve(now: number, intervalMs: number, jitter: number, random: () => number): number {
		const slot = Math.max(now, this.next);
		this.next = slot + intervalMs * (1 + Math.max(0, jitter) * random());
		return slot - now;
	}

	finish(now: number, intervalMs: number): void {
		this.next = Math.max(this.next, now + intervalMs);
	}
}

/** At most `limit` slots in any `windowMs`. */
class WindowLimiter {
	private readonly slots: number[] = [];

	reserve(now: number, limit: number, windowMs: number): number {
		const slot = this.slots.length >= limit ? Math.max(now, this.slots[this.slots.length - limit] + windowMs) : now;
		this.slots.push(slot);
		if (this.slots.length > limit) this.slots.splice(0, this.slots.length - limit);
		return slot - now;
	}
}

const MAX_KEYS = 1000;
const spacing = new Map<string, SpacingLimiter>();
const windows = new Map<string, WindowLimiter>();

function limiter<T>(map: Map<string, T>, key: string, create: () => T): T {
	let entry = map.get(key);
	if (!entry) {
		if (map.size >= MAX_KEYS) map.delete(map.keys().next().value as string);
		entry = create();
		map.set(key, entry);
	}
	return entry;
}

/** A key for a credential that does not contain its secrets. */
export function pacingKey(...parts: string[]): string {
	return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export interface PaceOptions {
	clock?: Clock;
	/** 0..1 (default Math.random). */
	random?: () => number;
}

/**
 * Waits for the next send slot of `key` at `perMinute` messages per minute, each gap up to
 * `jitter` × the interval longer. 0 or less: no wait. Resolves with the time waited (ms).
 */
export async function paceSend(
	key: string,
	perMinute: number,
	jitter = DEFAULT_JITTER,
	options: PaceOptions = {},
): Promise<number> {
	if (!(perMinute > 0)) return 0;
	const clock = options.clock ?? realClock;
	const wait = limiter(spacing, key, () => new SpacingLimiter()).reserve(
		clock.now(),
		60_000 / perMinute,
		jitter,
		options.random ?? Math.random,
	);
	await clock.sleep(wait);
	return wait;
}

/** Marks the end of a send of `key` (answered or failed): the next slot is at least an interval later. */
export function sendFinished(key: string, perMinute: number, options: { clock?: Clock } = {}): void {
	if (!(perMinute > 0)) return;
	const clock = options.clock ?? realClock;
	limiter(spacing, key, () => new SpacingLimiter()).finish(clock.now(), 60_000 / perMinute);
}

/** Waits until a call fits in `limit` calls per `windowMs` for `key`. Resolves with the time waited (ms). */
export async function paceWindow(
	key: string,
	limit: number,
	windowMs: number,
	options: { clock?: Clock } = {},
): Promise<number> {
	if (!(limit > 0)) return 0;
	const clock = options.clock ?? realClock;
	const wait = limiter(windows, key, () => new WindowLimiter()).reserve(clock.now(), limit, windowMs);
	await clock.sleep(wait);
	return wait;
}

/** Reads a Send Rate field: a number ≥ 0, else the fallback. */
export function sendRateOf(value: unknown, fallback: number): number {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(n) && n >= 0 ? n : fallback;
}
