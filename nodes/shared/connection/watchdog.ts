/**
 * Fires when nothing arrived for too long. Armed with the timeout derived from the peer's
 * heartbeat interval (`factor × interval`, default 2.5×); every `feed()` restarts the countdown.
 * Until it is armed, it does nothing. It fires once per arming and holds no timer afterwards.
 *
 * `feed()` runs for every frame, so it only counts (reading a clock there costs about as much as
 * the rest of a dropped event's checks). The one timer ticks every 1/8 of the timeout and reads the
 * clock: a tick that sees new feeds notes "alive now", and the watchdog fires at the first tick
 * with `timeout` of silence since. So it never fires early, and at most 1/8 of the timeout late.
 */
export const DEFAULT_WATCHDOG_FACTOR = 2.5;

/** Ticks per timeout: how late (as a share of the timeout) a silence may be noticed. */
const TICKS_PER_TIMEOUT = 8;

/** The clock and timer the watchdog runs on (tests pass a manual one). */
export interface WatchdogClock {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: WatchdogClock = {
	now: () => performance.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Watchdog {
	private timer: unknown;

	private timeoutMs: number | undefined;

	/** feed() calls so far, and the count the last tick saw. */
	private feeds = 0;

	private feedsSeen = 0;

	/** When a tick last saw new feeds (or the arming): silence is counted from here. */
	private aliveAt = 0;

	constructor(
		private readonly onExpire: (silentForMs: number) => void,
		private readonly factor: number = DEFAULT_WATCHDOG_FACTOR,
		private readonly clock: WatchdogClock = SYSTEM_CLOCK,
	) {}

	/** The timeout in force, or undefined when not armed. */
	get timeout(): number | undefined {
		return this.timeoutMs;
	}

	/**
	 * Arms (or re-arms) the watchdog for a heartbeat interval in milliseconds. Invalid intervals
	 * (not a positive finite number) are ignored. Arming counts as a sign of life.
	 */
	setInterval(intervalMs: number): void {
		if (!Number.isFinite(intervalMs) || intervalMs <= 0) return;
		const timeoutMs = Math.ceil(intervalMs * this.factor);
		if (timeoutMs === this.timeoutMs && this.timer) return this.feed();
		this.timeoutMs = timeoutMs;
		if (this.timer) this.clock.clearTimeout(this.timer);
		this.aliveAt = this.clock.now();
		this.feedsSeen = this.feeds;
		this.schedule(this.tickMs(timeoutMs));
	}

	/** Something arrived: restart the countdown (when armed). */
	feed(): void {
		this.feeds++;
	}

	/** Disarms: no timer is left behind. */
	stop(): void {
		if (this.timer) this.clock.clearTimeout(this.timer);
		this.timer = undefined;
		this.timeoutMs = undefined;
	}

	private tickMs(timeoutMs: number): number {
		return Math.max(1, Math.ceil(timeoutMs / TICKS_PER_TIMEOUT));
	}

	private schedule(waitMs: number): void {
		this.timer = this.clock.setTimeout(() => {
			this.timer = undefined;
			const timeoutMs = this.timeoutMs;
			if (timeoutMs === undefined) return;
			const now = this.clock.now();
			if (this.feeds !== this.feedsSeen) {
				this.feedsSeen = this.feeds;
				this.aliveAt = now;
			}
			const silentMs = now - this.aliveAt;
			if (silentMs < timeoutMs) {
				this.schedule(Math.min(this.tickMs(timeoutMs), Math.max(1, Math.ceil(timeoutMs - silentMs))));
				return;
			}
			this.timeoutMs = undefined;
			this.onExpire(timeoutMs);
		}, waitMs);
	}
}
