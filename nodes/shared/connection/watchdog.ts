/**
 * Fires when nothing arrived for too long. Armed with the timeout derived from the peer's
 * heartbeat interval (`factor × interval`, default 2.5×); every `feed()` restarts the countdown.
 * Until it is armed, it does nothing. It fires once per arming and holds no timer afterwards.
 *
 * `feed()` runs for every frame, so it only notes the time: the one timer, when it expires, looks
 * at how long it has really been silent and waits out the rest if something arrived meanwhile.
 */
export const DEFAULT_WATCHDOG_FACTOR = 2.5;

export class Watchdog {
	private timer: NodeJS.Timeout | undefined;

	private timeoutMs: number | undefined;

	private lastFed = 0;

	constructor(
		private readonly onExpire: (silentForMs: number) => void,
		private readonly factor: number = DEFAULT_WATCHDOG_FACTOR,
	) {}

	/** The timeout in force, or undefined when not armed. */
	get timeout(): number | undefined {
		return this.timeoutMs;
	}

	/**
	 * Arms (or re-arms) the watchdog for a heartbeat interval in milliseconds. Invalid intervals
	 * (not a positive finite number) are ignored.
	 */
	setInterval(intervalMs: number): void {
		if (!Number.isFinite(intervalMs) || intervalMs <= 0) return;
		const timeoutMs = Math.ceil(intervalMs * this.factor);
		if (timeoutMs === this.timeoutMs && this.timer) return this.feed();
		this.timeoutMs = timeoutMs;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.feed();
	}

	/** Something arrived: restart the countdown (when armed). */
	feed(): void {
		if (this.timeoutMs === undefined) return;
		this.lastFed = performance.now();
		if (!this.timer) this.schedule(this.timeoutMs);
	}

	/** Disarms: no timer is left behind. */
	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.timeoutMs = undefined;
	}

	private schedule(waitMs: number): void {
		this.timer = setTimeout(() => {
			this.timer = undefined;
			const timeoutMs = this.timeoutMs;
			if (timeoutMs === undefined) return;
			const silentMs = performance.now() - this.lastFed;
			if (silentMs < timeoutMs) {
				this.schedule(Math.max(1, Math.ceil(timeoutMs - silentMs)));
				return;
			}
			this.timeoutMs = undefined;
			this.onExpire(timeoutMs);
		}, waitMs);
	}
}
