import WebSocket from 'ws';

import {
	AbortedError,
	FrameGuard,
	frameReadLimit,
	frameBytes,
	frameText,
	ManagedConnection,
	openLink,
	WebSocketLink,
	type ConnectionLogger,
	type ConnectionTuning,
	type RawFrame,
} from '../../shared/connection';
import { redact } from '../../shared/redact';
import { COMMON_QUERY } from '../transport/constants';
import { isCredentialMessage } from '../transport/errors';
import { checkHeychatFrame, type HeychatFrame } from './events';

/** Heychat's recommended heartbeat: a `PING` text frame every 30 s, answered by `PONG`. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/** Largest frame read unless Max Event Size is higher; bigger ones end the connection (smaller ones over the event limit are skipped). */
export const MAX_GATEWAY_FRAME_BYTES = 16 * 1024 * 1024;

export type GatewayErrorKind = 'auth' | 'network' | 'timeout' | 'protocol';

/** A gateway connection that could not be opened. The message names the URL (never the token). */
export class GatewayError extends Error {
	constructor(
		readonly kind: GatewayErrorKind,
		message: string,
		readonly httpCode?: number,
	) {
		super(message);
		this.name = 'GatewayError';
	}
}

/** Strips the token from any text: its value, and any `token=` query value. */
export function redactToken(text: string, token: string): string {
	return redact(text, [token]).replace(/([?&]token=)[^&\s"'#]+/gi, '$1***');
}

function parseUrl(gatewayUrl: string, token: string): URL {
	const url = URL.canParse(gatewayUrl.trim()) ? new URL(gatewayUrl.trim()) : undefined;
	if (!url) {
		throw new GatewayError(
			'protocol',
			`The Heychat credential's WebSocket Gateway URL is not a valid URL: "${redactToken(gatewayUrl, token)}"`,
		);
	}
	if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
		throw new GatewayError(
			'protocol',
			`The Heychat credential's WebSocket Gateway URL must start with ws:// or wss://, got "${redactToken(gatewayUrl, token)}"`,
		);
	}
	return url;
}

/** The URL for messages and logs: the credential's gateway URL without any token in it. */
export function displayGatewayUrl(gatewayUrl: string, token: string): string {
	try {
		const url = new URL(gatewayUrl.trim());
		if (url.searchParams.has('token')) url.searchParams.set('token', '***');
		return redactToken(url.toString(), token);
	} catch {
		return redactToken(gatewayUrl, token);
	}
}

/**
 * The URL actually opened: the gateway URL with the seven common query parameters (a value already
 * in the credential's URL wins) and `token`, as the official demos send it. The token also goes in
 * the `token` header, as the docs describe; the server accepts either.
 */
export function gatewayConnectUrl(gatewayUrl: string, token: string): string {
	const url = parseUrl(gatewayUrl, token);
	for (const [name, value] of Object.entries(COMMON_QUERY)) {
		if (!url.searchParams.has(name)) url.searchParams.set(name, value);
	}
	url.searchParams.set('token', token);
	return url.toString();
}

/** The heartbeat answer: `PONG`, matched by prefix (the server may append e.g. `, tag: []`). */
export function isPong(data: RawFrame): boolean {
	// every event frame: a Buffer from ws, nearly always longer than a PONG
	if (Buffer.isBuffer(data) ? data.length > 256 : frameBytes(data) > 256) return false;
	return /^\s*pong/i.test(frameText(data));
}

/**
 * A `{"status":"failed","msg":...}` frame without an event type: how a refusal would look if the
 * gateway accepted the upgrade and then refused (the HTTP API's envelope). Returns the message.
 */
export function refusalMessage(data: RawFrame): string | undefined {
	if (frameBytes(data) > 4096) return undefined;
	try {
		const value = JSON.parse(frameText(data)) as Record<string, unknown>;
		if (value === null || typeof value !== 'object' || Array.isArray(value) || 'type' in value) return undefined;
		if (value.status !== 'failed') return undefined;
		return typeof value.msg === 'string' && value.msg !== '' ? value.msg : 'status "failed"';
	} catch {
		return undefined;
	}
}

export interface GatewaySocketOptions {
	token: string;
	/** The URL for messages (no token). */
	displayUrl: string;
	timeoutMs: number;
	signal: AbortSignal;
	/** Attached before the handshake completes, so no frame is lost. */
	onFrame: (data: RawFrame, isBinary: boolean) => void;
	onActivity: () => void;
	/**
	 * After the upgrade a `PING` is sent at once; the connection counts as established when the
	 * answer (or any frame) arrives, or after this wait. A close before that fails the connection.
	 */
	settleMs: number;
	/** Largest frame read (default MAX_GATEWAY_FRAME_BYTES); a bigger one ends the connection unread. */
	maxPayload?: number;
	/** Sends a WebSocket ping this often (0 / undefined: never); the pong counts as activity. */
	pingIntervalMs?: number;
}

/**
 * Opens one gateway connection. Fails with a GatewayError naming the URL and the cause (HTTP
 * 401/403 at the upgrade or a refusal frame are `auth`); the abort signal ends a pending handshake.
 */
export async function openGatewaySocket(connectUrl: string, options: GatewaySocketOptions): Promise<WebSocketLink> {
	if (options.signal.aborted) throw new AbortedError();
	const { token, displayUrl } = options;
	const socket = new WebSocket(connectUrl, {
		headers: { token },
		handshakeTimeout: options.timeoutMs,
		maxPayload: options.maxPayload ?? MAX_GATEWAY_FRAME_BYTES,
		// A text frame that is not valid UTF-8 is decoded with U+FFFD in place of the bad bytes instead of
		// closing the connection (1007): one bad byte from a backend must not cost the frames after it.
		skipUTF8Validation: true,
	});
	return await openLink(socket, {
		signal: options.signal,
		onFrame: options.onFrame,
		onActivity: options.onActivity,
		pingIntervalMs: options.pingIntervalMs,
		settleMs: options.settleMs,
		onOpen: (link) => link.send('PING'),
		failures: {
			refusal: (data) => {
				const refused = refusalMessage(data);
				if (refused === undefined) return undefined;
				return new GatewayError(
					isCredentialMessage(refused) ? 'auth' : 'protocol',
					`The Heychat gateway at ${displayUrl} refused the connection: ${redactToken(refused, token)}`,
				);
			},
			closedEarly: (code, reason) => {
				const why = redactToken(reason, token);
				return new GatewayError(
					'network',
					`The Heychat gateway at ${displayUrl} closed the connection right after it opened (code ${code}${why ? `: ${why}` : ''})`,
				);
			},
			httpStatus: (code) =>
				code === 401 || code === 403
					? new GatewayError(
							'auth',
							`The Heychat gateway at ${displayUrl} refused the bot token (HTTP ${code}): check the token in the Heychat Bot API credential`,
							code,
						)
					: new GatewayError('protocol', `The Heychat gateway at ${displayUrl} answered HTTP ${code} instead of opening a WebSocket`, code),
			connectFailed: (error, timedOut) => {
				const reason =
					error.code === 'ECONNREFUSED'
						? 'connection refused'
						: error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
							? 'host not found'
							: timedOut
								? `no answer within ${options.timeoutMs} ms`
								: redactToken(error.message, token);
				return new GatewayError(timedOut ? 'timeout' : 'network', `Could not connect to the Heychat gateway at ${displayUrl}: ${reason}`);
			},
		},
	});
}

export interface GatewayListenerOptions {
	token: string;
	/** The credential's gateway URL. */
	gatewayUrl: string;
	logger: ConnectionLogger;
	maxEventBytes: number;
	connectTimeoutMs: number;
	/** `PING` every this many ms (default 30 s). */
	pingIntervalMs?: number;
	/** See GatewaySocketOptions.settleMs (default 1 s). */
	settleMs?: number;
	/**
	 * true (default): reconnect when no frame (PONG, event) arrives for 2.5 × the ping interval.
	 * false: the same, but a WebSocket pong also counts (WebSocket pings are sent every interval), so a
	 * gateway that stops answering `PING` stays connected while its socket is alive, and a dead one is
	 * still dropped.
	 */
	watchdog?: boolean;
	tuning?: Partial<ConnectionTuning>;
	/** True for a frame whose event would not be emitted: dropped before it is parsed (prefilter.ts). */
	prefilter?: (frame: Buffer) => boolean;
	/** `connection` numbers the gateway connection the frame came on (+1 per connection attempt). */
	onEvent: (frame: HeychatFrame, connection: number) => void;
	onFatal: (error: Error) => void;
}

/**
 * Keeps one gateway connection alive: `PING` every 30 s, `PONG` (and every frame) feeds the
 * watchdog; with the Heartbeat Watchdog off, WebSocket pings are sent too and their pongs feed it,
 * so a dead connection is dropped either way. Drops are reconnected with backoff, a refused token
 * on a reconnect is fatal. Every
 * event frame goes through the FrameGuard (size bound, lossless JSON, envelope check).
 */
export class GatewayListener {
	/** The gateway URL for messages (no token). */
	readonly url: string;

	private readonly connectUrl: string;

	private readonly connection: ManagedConnection<WebSocketLink>;

	private readonly guard: FrameGuard<HeychatFrame>;

	private readonly pingIntervalMs: number;

	private generation = 0;

	constructor(private readonly options: GatewayListenerOptions) {
		const { token } = options;
		this.url = displayGatewayUrl(options.gatewayUrl, token);
		this.connectUrl = gatewayConnectUrl(options.gatewayUrl, token);
		this.pingIntervalMs =
			options.pingIntervalMs !== undefined && options.pingIntervalMs > 0 ? options.pingIntervalMs : DEFAULT_PING_INTERVAL_MS;
		this.guard = new FrameGuard<HeychatFrame>({
			maxBytes: options.maxEventBytes,
			check: checkHeychatFrame,
			logger: options.logger,
			source: this.url,
			secrets: [token],
			prefilter: options.prefilter,
		});
		const describe = (error: unknown) => redactToken(error instanceof Error ? error.message : String(error), token);
		this.connection = new ManagedConnection<WebSocketLink>({
			source: this.url,
			logger: options.logger,
			tuning: options.tuning,
			// Armed whatever the watchdog setting: turned off, the WebSocket pings below keep a live but
			// quiet gateway connected, and a dead one (no frame, no pong) is still dropped and reopened.
			idleIntervalMs: this.pingIntervalMs,
			open: async (signal) => {
				// Sequences restart with each connection: number the attempt, and tag its frames with it.
				const generation = ++this.generation;
				return await openGatewaySocket(this.connectUrl, {
					token,
					displayUrl: this.url,
					timeoutMs: options.connectTimeoutMs,
					signal,
					settleMs: options.settleMs ?? 1_000,
					maxPayload: frameReadLimit(options.maxEventBytes, MAX_GATEWAY_FRAME_BYTES),
					pingIntervalMs: options.watchdog === false ? this.pingIntervalMs : 0,
					onActivity: () => this.connection.feed(),
					onFrame: (data) => this.onFrame(data, generation),
				});
			},
			onOpen: (link, { reconnect }) => {
				if (!reconnect) options.logger.info(`Listening for Heychat events at ${this.url}`);
				const timer = setInterval(() => link.send('PING'), this.pingIntervalMs);
				return () => clearInterval(timer);
			},
			isFatal: (error) => error instanceof GatewayError && error.kind === 'auth',
			onFatal: options.onFatal,
			describeError: describe,
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
		await this.connection.start();
	}

	async close(): Promise<void> {
		await this.connection.close();
	}

	private onFrame(data: RawFrame, generation: number): void {
		if (this.connection.isClosing) return;
		if (isPong(data)) return; // onActivity already fed the watchdog
		const frame = this.guard.accept(data);
		if (frame) this.options.onEvent(frame, generation);
	}
}
