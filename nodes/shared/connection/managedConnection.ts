import { AbortedError, raceAbort, sleep, withCap } from './abort';
import { Backoff, type BackoffOptions } from './backoff';
import type { ConnectionLogger } from './frames';
import { DEFAULT_WATCHDOG_FACTOR, Watchdog } from './watchdog';

/** How a link ended. */
export interface LinkEnd {
	code?: number;
	reason: string;
}

/**
 * One live connection (a WebSocket, a long poll, ...). `done` resolves exactly once when it is
 * gone, whoever ended it; `close()` must make `done` resolve within a bounded time.
 */
export interface Link {
	readonly done: Promise<LinkEnd>;
	close(reason?: string): void;
}

export interface ConnectionTuning {
	backoff: BackoffOptions;
	/** Watchdog timeout = factor × heartbeat interval (default 2.5). */
	watchdogFactor: number;
	/** Longest wait for a link to close on `close()` (default 2 s). */
	closeTimeoutMs: number;
}

export const DEFAULT_CONNECTION_TUNING: ConnectionTuning = {
	backoff: {},
	watchdogFactor: DEFAULT_WATCHDOG_FACTOR,
	closeTimeoutMs: 2_000,
};

export interface ManagedConnectionOptions<L extends Link> {
	/** What we connect to, for log lines (a URL without token). */
	source: string;
	/** Opens one link. Should stop early when `signal` aborts. Throws when it cannot connect. */
	open: (signal: AbortSignal) => Promise<L>;
	/**
	 * Called for every link that opened (the first one and each reconnect): attach listeners here.
	 * May return a cleanup function, called when that link ends.
	 */
	onOpen?: (link: L, info: { reconnect: boolean }) => void | (() => void);
	/** Errors after which reconnecting is pointless (e.g. the token was refused). */
	isFatal?: (error: unknown) => boolean;
	/** Called once for an unrecoverable state; the connection is already stopping. */
	onFatal: (error: Error) => void;
	/** Turns an error into a log-safe text (redacting secrets). */
	describeError?: (error: unknown) => string;
	logger: ConnectionLogger;
	tuning?: Partial<ConnectionTuning>;
	/**
	 * Arms the watchdog before any heartbeat is known, e.g. with the ping interval when the link
	 * sends pings and feeds pongs (0 / undefined: only heartbeats arm it).
	 */
	idleIntervalMs?: number;
}

/**
 * connect → listen → on drop wait (backoff with jitter) → reconnect, until `close()`.
 *
 * - `start()` opens the first link and throws when that fails, so a trigger's activation fails
 *   with the cause. Later drops are recovered inside, forever, unless `isFatal` says otherwise.
 * - `heartbeat(intervalMs)` arms a watchdog (2.5 × interval): when nothing is `feed()`-ed for
 *   that long, the link is closed and the reconnect loop takes over.
 * - `close()` stops at once: it aborts a pending wait or connect, closes the link, waits at most
 *   `closeTimeoutMs`, and leaves no timer, socket or loop behind. It is idempotent.
 */
export class ManagedConnection<L extends Link> {
	private closing = false;

	private started = false;

	private readonly abort = new AbortController();

	private link: L | undefined;

	private cleanup: (() => void) | undefined;

	private loop: Promise<void> | undefined;

	private closed: Promise<void> | undefined;

	private readonly backoff: Backoff;

	private readonly watchdog: Watchdog;

	private readonly tuning: ConnectionTuning;

	constructor(private readonly options: ManagedConnectionOptions<L>) {
		this.tuning = { ...DEFAULT_CONNECTION_TUNING, ...options.tuning };
		this.backoff = new Backoff(this.tuning.backoff);
		this.watchdog = new Watchdog((ms) => this.onSilence(ms), this.tuning.watchdogFactor);
	}

	/** The open link, if any. */
	get current(): L | undefined {
		return this.link;
	}

	get isClosing(): boolean {
		return this.closing;
	}

	/** The watchdog timeout in force (ms), for diagnostics. */
	get watchdogTimeout(): number | undefined {
		return this.watchdog.timeout;
	}

	/** Opens the first link; throws its error when it cannot. Starts the reconnect loop. */
	async start(): Promise<void> {
		if (this.started) throw new Error('ManagedConnection.start() called twice');
		this.started = true;
		const link = await raceAbort(this.options.open(this.abort.signal), this.abort.signal, (late) => late.close());
		if (this.closing) {
			link.close('closing');
			throw new AbortedError();
		}
		this.attach(link, false);
		this.loop = this.supervise();
	}

	/** Something arrived from the peer: restarts the watchdog countdown. */
	feed(): void {
		if (!this.closing) this.watchdog.feed();
	}

	/** The peer announced its heartbeat interval (ms): arms the watchdog. */
	heartbeat(intervalMs: number): void {
		if (!this.closing) this.watchdog.setInterval(intervalMs);
	}

	/** Stops everything; resolves when stopped or after the close cap, never later. */
	async close(): Promise<void> {
		this.closed ??= this.doClose();
		await this.closed;
	}

	private async doClose(): Promise<void> {
		this.closing = true;
		this.abort.abort();
		this.watchdog.stop();
		const link = this.link;
		this.detach();
		link?.close('closing');
		const waits: Array<Promise<unknown>> = [];
		if (link) waits.push(link.done);
		if (this.loop) waits.push(this.loop);
		if (waits.length > 0) await withCap(Promise.all(waits), this.tuning.closeTimeoutMs, undefined);
	}

	private attach(link: L, reconnect: boolean): void {
		this.link = link;
		this.backoff.connected();
		if (this.options.idleIntervalMs && this.options.idleIntervalMs > 0) {
			this.watchdog.setInterval(this.options.idleIntervalMs);
		}
		const cleanup = this.options.onOpen?.(link, { reconnect });
		this.cleanup = typeof cleanup === 'function' ? cleanup : undefined;
	}

	private detach(): void {
		this.watchdog.stop();
		const cleanup = this.cleanup;
		this.cleanup = undefined;
		this.link = undefined;
		try {
			cleanup?.();
		} catch (error) {
			this.options.logger.warn(`Cleanup after the connection to ${this.options.source} failed: ${this.describe(error)}`);
		}
	}

	private onSilence(silentForMs: number): void {
		if (this.closing || !this.link) return;
		this.options.logger.warn(
			`Nothing arrived from ${this.options.source} for ${silentForMs} ms (heartbeat missed); reconnecting`,
		);
		this.link.close('watchdog: heartbeat missed');
	}

	private describe(error: unknown): string {
		if (this.options.describeError) return this.options.describeError(error);
		return error instanceof Error ? error.message : String(error);
	}

	private async supervise(): Promise<void> {
		try {
			while (!this.closing) {
				const link = this.link;
				if (!link) return;
				const end = await link.done;
				if (this.closing || this.link !== link) return;
				this.detach();
				this.backoff.dropped();
				this.options.logger.warn(
					`Connection to ${this.options.source} lost (${end.reason}${end.code !== undefined ? `, code ${end.code}` : ''}); reconnecting`,
				);
				if (!(await this.reconnect())) return;
			}
		} catch (error) {
			this.fail(error);
		}
	}

	/** Retries with backoff until a link opens (true) or the connection stops (false). */
	private async reconnect(): Promise<boolean> {
		for (;;) {
			const delay = this.backoff.next();
			this.options.logger.info(
				`Reconnecting to ${this.options.source} in ${delay} ms (attempt ${this.backoff.attempts})`,
			);
			try {
				await sleep(delay, this.abort.signal);
			} catch {
				return false;
			}
			try {
				const link = await raceAbort(this.options.open(this.abort.signal), this.abort.signal, (late) =>
					late.close(),
				);
				if (this.closing) {
					link.close('closing');
					return false;
				}
				this.attach(link, true);
				this.options.logger.info(`Reconnected to ${this.options.source}`);
				return true;
			} catch (error) {
				if (this.closing || error instanceof AbortedError) return false;
				if (this.options.isFatal?.(error)) {
					this.fail(error);
					return false;
				}
				this.options.logger.warn(`Reconnecting to ${this.options.source} failed: ${this.describe(error)}`);
			}
		}
	}

	private fail(error: unknown): void {
		if (this.closing) return;
		this.closing = true;
		this.abort.abort();
		this.watchdog.stop();
		const link = this.link;
		this.detach();
		link?.close('stopped after an unrecoverable error');
		const failure = error instanceof Error ? error : new Error(String(error));
		this.options.logger.error(`Connection to ${this.options.source} stopped: ${this.describe(failure)}`);
		this.options.onFatal(failure);
	}
}
