import WebSocket from 'ws';

import {
	AbortedError,
	FrameGuard,
	frameBytes,
	frameReadLimit,
	frameText,
	ManagedConnection,
	openLink,
	WebSocketLink,
	type ConnectionLogger,
	type ConnectionTuning,
	type RawFrame,
} from '../../shared/connection';
import { redact } from '../../shared/redact';
import { oneBotAuth, withQuery, type OneBotCredentials } from '../transport/auth';
import { authMessage, OneBotCallError, tokenRefusal } from '../transport/errors';
import { MAX_FRAME_BYTES } from '../transport/websocket';
import type { OneBotEvent } from './derive';
import { checkOneBotFrame } from './filters';

export interface EventSocketOptions {
	timeoutMs: number;
	signal: AbortSignal;
	/** Attached before the handshake completes, so a frame sent with the upgrade is not lost. */
	onFrame: (data: RawFrame, isBinary: boolean) => void;
	onActivity: () => void;
	pingIntervalMs: number;
	/**
	 * After the upgrade, how long to wait for a first frame before counting the connection as
	 * established. NapCat and LLOneBot accept the upgrade even for a wrong token, send
	 * `{"status":"failed","retcode":1403}` and close; backends send a lifecycle frame right away
	 * otherwise, so this wait only delays activation against a backend that sends nothing.
	 */
	settleMs: number;
	/** Largest frame read (default MAX_FRAME_BYTES); a bigger one ends the connection unread. */
	maxPayload?: number;
}

/**
 * `{"status":"failed","retcode":1401|1403}` answering no call: a token refused after the upgrade.
 * NapCat sends it with `"echo": null` (OB11Response.res(null, 'failed', 1403, 'token验证失败'));
 * an echo that names a call (not null, not '') makes it an answer, not a refusal.
 */
export function authFailureCode(frame: RawFrame): 401 | 403 | undefined {
	if (frameBytes(frame) > 4096) return undefined;
	const text = frameText(frame);
	if (!/140[13]/.test(text)) return undefined;
	try {
		const value = JSON.parse(text) as unknown;
		return value !== null && typeof value === 'object' ? tokenRefusal(value) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Opens a forward WebSocket for events, authenticated like the action transport
 * (`Authorization: Bearer` or `access_token`, transport/auth.ts) and failing with the same
 * OneBotCallError messages as `openOneBotSocket` (they name the URL, never the token). It differs
 * from `openOneBotSocket` in two ways a long-lived trigger needs: the abort signal ends a pending
 * handshake at once, and the frame listener is attached before the `open` event.
 */
export async function openEventSocket(
	credentials: OneBotCredentials,
	url: string,
	options: EventSocketOptions,
): Promise<WebSocketLink> {
	if (!/^wss?:\/\//i.test(url)) {
		throw new OneBotCallError('protocol', `The WebSocket URL must start with ws:// or wss://, got "${url}"`, {
			action: '',
			url,
		});
	}
	if (options.signal.aborted) throw new AbortedError();
	const auth = oneBotAuth(credentials);
	const socket = new WebSocket(withQuery(url, auth.query), {
		headers: auth.headers,
		handshakeTimeout: options.timeoutMs,
		maxPayload: options.maxPayload ?? MAX_FRAME_BYTES,
		// A text frame that is not valid UTF-8 is decoded with U+FFFD in place of the bad bytes instead of
		// closing the connection (1007): one bad byte from a backend must not cost the frames after it.
		skipUTF8Validation: true,
		rejectUnauthorized: !credentials.allowUnauthorizedCerts,
	});
	const callError = (kind: ConstructorParameters<typeof OneBotCallError>[0], message: string, extra: { httpCode?: number; cause?: string } = {}) =>
		new OneBotCallError(kind, message, { action: '', url, ...extra });
	return await openLink(socket, {
		signal: options.signal,
		onFrame: options.onFrame,
		onActivity: options.onActivity,
		pingIntervalMs: options.pingIntervalMs,
		settleMs: options.settleMs,
		failures: {
			refusal: (data) => {
				const refused = authFailureCode(data);
				return refused ? callError('auth', `${url}: ${authMessage(refused)}`, { httpCode: refused }) : undefined;
			},
			closedEarly: (code) => callError('network', `The OneBot WebSocket at ${url} closed the connection right after it opened (code ${code})`),
			httpStatus: (code) =>
				code === 401 || code === 403
					? callError('auth', `${url}: ${authMessage(code)}`, { httpCode: code })
					: callError('protocol', `The WebSocket server at ${url} refused the connection (HTTP ${code})`, { httpCode: code }),
			connectFailed: (error, timedOut) => {
				const reason =
					error.code === 'ECONNREFUSED'
						? 'connection refused'
						: timedOut
							? `no answer within ${options.timeoutMs} ms`
							: redact(error.message, [credentials.accessToken]);
				return callError(timedOut ? 'timeout' : 'network', `Could not connect to the OneBot WebSocket at ${url}: ${reason}`, { cause: error.code });
			},
		},
	});
}

export interface ForwardListenerOptions {
	credentials: OneBotCredentials;
	logger: ConnectionLogger;
	maxEventBytes: number;
	connectTimeoutMs: number;
	pingIntervalMs: number;
	/** See EventSocketOptions.settleMs (default 1 s). */
	settleMs?: number;
	/**
	 * Reconnect when nothing arrives for 2.5 × the heartbeat interval (default true). Independent of
	 * it, with pings on a connection that sends nothing and answers no ping for 2.5 × the ping
	 * interval is reconnected.
	 */
	watchdog?: boolean;
	tuning?: Partial<ConnectionTuning>;
	/** True for a frame whose event would not be emitted: dropped before it is parsed (prefilter.ts). */
	prefilter?: (frame: Buffer) => boolean;
	onEvent: (event: OneBotEvent) => void;
	onFatal: (error: Error) => void;
}

/** The URL to show in messages: the credential's URL with any token removed. */
export function displayUrl(url: string, token: string): string {
	return redact(url, [token]);
}

/**
 * Forward WebSocket mode: connects to the credential's WebSocket URL (`/` or `/event`), keeps the
 * connection alive (reconnect with backoff, watchdog from the heartbeat interval, WebSocket pings)
 * and hands every event to `onEvent`. A refused token on a reconnect is fatal.
 */
export class ForwardListener {
	readonly url: string;

	private readonly connection: ManagedConnection<WebSocketLink>;

	private readonly guard: FrameGuard<OneBotEvent>;

	constructor(private readonly options: ForwardListenerOptions) {
		const { credentials } = options;
		this.url = displayUrl(credentials.wsUrl, credentials.accessToken);
		this.guard = new FrameGuard<OneBotEvent>({
			maxBytes: options.maxEventBytes,
			check: checkOneBotFrame,
			logger: options.logger,
			source: this.url,
			secrets: [credentials.accessToken],
			prefilter: options.prefilter,
		});
		this.connection = new ManagedConnection<WebSocketLink>({
			source: this.url,
			logger: options.logger,
			tuning: options.tuning,
			// Pings and pongs keep the watchdog armed from the start whatever the heartbeat setting (as on
			// the reverse server): turning the Heartbeat Watchdog off must not leave a dead connection open.
			idleIntervalMs: options.pingIntervalMs,
			open: async (signal) =>
				await openEventSocket(credentials, credentials.wsUrl, {
					timeoutMs: options.connectTimeoutMs,
					signal,
					pingIntervalMs: options.pingIntervalMs,
					settleMs: options.settleMs ?? 1_000,
					maxPayload: frameReadLimit(options.maxEventBytes, MAX_FRAME_BYTES),
					onActivity: () => this.connection.feed(),
					onFrame: (data) => this.onFrame(data),
				}),
			onOpen: (_link, { reconnect }) => {
				if (!reconnect) options.logger.info(`Listening for OneBot events at ${this.url}`);
			},
			isFatal: (error) => error instanceof OneBotCallError && error.kind === 'auth',
			onFatal: options.onFatal,
			describeError: (error) => redact(error instanceof Error ? error.message : String(error), [credentials.accessToken]),
		});
	}

	/** Frames skipped by the guard so far. */
	get skippedFrames(): number {
		return this.guard.skipped;
	}

	get watchdogTimeout(): number | undefined {
		return this.connection.watchdogTimeout;
	}

	async start(): Promise<void> {
		const path = safePath(this.options.credentials.wsUrl);
		if (path !== undefined && /\/api\/?$/.test(path)) {
			throw new OneBotCallError(
				'protocol',
				`The WebSocket URL ${this.url} points at /api, which carries no events: use the server's root (/) or /event`,
				{ action: '', url: this.url },
			);
		}
		await this.connection.start();
	}

	async close(): Promise<void> {
		await this.connection.close();
	}

	private onFrame(data: RawFrame): void {
		if (this.connection.isClosing) return;
		const event = this.guard.accept(data);
		if (!event) return;
		if (this.options.watchdog !== false && event.post_type === 'meta_event' && event.meta_event_type === 'heartbeat') {
			const interval = Number(event.interval);
			if (Number.isFinite(interval) && interval > 0) {
				// A heartbeat interval longer than the ping interval does not stretch the ping timeout.
				const ping = this.options.pingIntervalMs;
				this.connection.heartbeat(ping > 0 ? Math.min(ping, interval) : interval);
			}
		}
		this.options.onEvent(event);
	}
}

function safePath(url: string): string | undefined {
	try {
		return new URL(url).pathname;
	} catch {
		return undefined;
	}
}
