/**
 * Exponential backoff with jitter for reconnects.
 *
 * Delays grow from `initialMs` by `factor` up to `maxMs`; each delay is shortened by a random part
 * of up to `jitter` (0..1) so that many triggers reconnecting to the same backend spread out, but
 * never below `initialMs`. A connection that stayed up for `healthyMs` counts as healthy: the next
 * drop starts again from `initialMs`.
 */
export interface BackoffOptions {
	/** First delay (default 1 s). */
	initialMs?: number;
	/** Largest delay (default 60 s). */
	maxMs?: number;
	/** Growth per failed attempt (default 2). */
	factor?: number;
	/** Part of each delay that is random, 0..1 (default 0.3). */
	jitter?: number;
	/** Uptime after which a connection counts as healthy and the backoff resets (default 30 s). */
	healthyMs?: number;
	/** Random source in [0, 1), for tests. */
	random?: () => number;
	/** Clock, for tests. */
	now?: () => number;
}

export const DEFAULT_BACKOFF = {
	initialMs: 1_000,
	maxMs: 60_000,
	factor: 2,
	jitter: 0.3,
	healthyMs: 30_000,
} as const;

export class Backoff {
	private attempt = 0;

	private connectedAt: number | undefined;

	private readonly initialMs: number;

	private readonly maxMs: number;

	private readonly factor: number;

	private readonly jitter: number;

	private readonly healthyMs: number;

	private readonly random: () => number;

	private readonly now: () => number;

	constructor(options: BackoffOptions = {}) {
		this.initialMs = Math.max(1, options.initialMs ?? DEFAULT_BACKOFF.initialMs);
		this.maxMs = Math.max(this.initialMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs);
		this.factor = Math.max(1, options.factor ?? DEFAULT_BACKOFF.factor);
		this.jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_BACKOFF.jitter));
		this.healthyMs = Math.max(0, options.healthyMs ?? DEFAULT_BACKOFF.healthyMs);
		this.random = options.random ?? Math.random;
		// a duration (how long the connection stayed up): the monotonic clock, which time sync never moves
		this.now = options.now ?? (() => performance.now());
	}

	/** Number of delays handed out since the last reset. */
	get attempts(): number {
		return this.attempt;
	}

	/** The delay before the next attempt; each call counts as one attempt. */
	next(): number {
		const exponent = Math.min(this.attempt, 64);
		const capped = Math.min(this.maxMs, this.initialMs * this.factor ** exponent);
		this.attempt++;
		const jittered = capped * (1 - this.jitter * this.random());
		return Math.round(Math.max(this.initialMs, jittered));
	}

	/** A connection was established. */
	connected(): void {
		this.connectedAt = this.now();
	}

	/** The connection dropped: resets the backoff when it had been up for the healthy period. */
	dropped(): void {
		if (this.connectedAt !== undefined && this.now() - this.connectedAt >= this.healthyMs) this.reset();
		this.connectedAt = undefined;
	}

	reset(): void {
		this.attempt = 0;
	}
}
