import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

import { oneBotAuth, withQuery, type OneBotCredentials } from './auth';
import { authMessage, checkEnvelope, OneBotCallError, tokenRefusal } from './errors';
import type { OneBotResponse, OneBotTransport, TransportOptions } from './types';
import { redact } from '../../shared/redact';
import { parseJsonLossless } from '../../shared/json';
import { jsonBody, type StreamedBody } from '../../shared/upload/streamedJson';
import { paramsBody } from './bodyText';
import { isStreamPacket, withStreamed } from './stream';
import { answerLimitBytes, answerTooLarge } from './answerSize';
import { frameBytes } from '../../shared/connection/frames';

/** Largest frame accepted from the backend (a long history list still fits). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

interface Pending {
	action: string;
	resolve: (response: OneBotResponse) => void;
	reject: (error: Error) => void;
	/** performance.now() after which the call has timed out. */
	deadline: number;
	/** A NapCat stream action's packets so far (see stream.ts). */
	packets?: unknown[];
	/** Bytes of the frames answering this call so far (its packets), against Max Answer Size. */
	bytes?: number;
}

/**
 * Opens a forward WebSocket to a OneBot backend with the credential's token (header or
 * `access_token` query). Rejects with a OneBotCallError that names the URL (never the token).
 */
export async function openOneBotSocket(
	credentials: OneBotCredentials,
	url: string,
	timeoutMs: number,
	onFrame?: (data: WebSocket.RawData) => void,
): Promise<WebSocket> {
	if (!/^wss?:\/\//i.test(url)) {
		throw new OneBotCallError('protocol', `The WebSocket URL must start with ws:// or wss://, got "${url}"`, {
			action: '',
			url,
		});
	}
	const auth = oneBotAuth(credentials);
	const socket = new WebSocket(withQuery(url, auth.query), {
		headers: auth.headers,
		handshakeTimeout: timeoutMs,
		maxPayload: MAX_FRAME_BYTES,
		rejectUnauthorized: !credentials.allowUnauthorizedCerts,
	});
	// Attached before the upgrade completes: a frame that comes with it (NapCat's token refusal) is not lost.
	if (onFrame) socket.on('message', onFrame);
	return await new Promise<WebSocket>((resolve, reject) => {
		const fail = (error: OneBotCallError) => {
			socket.removeAllListeners();
			socket.on('error', () => undefined);
			socket.terminate();
			reject(error);
		};
		socket.once('open', () => {
			socket.removeAllListeners('error');
			socket.removeAllListeners('unexpected-response');
			resolve(socket);
		});
		socket.once('unexpected-response', (_req, res) => {
			const code = res.statusCode ?? 0;
			res.resume();
			fail(
				code === 401 || code === 403
					? new OneBotCallError('auth', authMessage(code), { action: '', url, httpCode: code })
					: new OneBotCallError('protocol', `The WebSocket server at ${url} refused the connection (HTTP ${code})`, {
							action: '',
							url,
							httpCode: code,
						}),
			);
		});
		socket.once('error', (error: Error & { code?: string }) => {
			const timedOut = error.code !== 'ECONNREFUSED' && /timed out|timeout/i.test(error.message);
			const reason =
				error.code === 'ECONNREFUSED'
					? 'connection refused'
					: timedOut
						? `no answer within ${timeoutMs} ms`
						: redact(error.message, [credentials.accessToken]);
			fail(
				new OneBotCallError(timedOut ? 'timeout' : 'network',
					`Could not connect to the OneBot WebSocket at ${url}: ${reason}`, { action: '', url, cause: error.code }),
			);
		});
	});
}

/**
 * Calls actions over a forward WebSocket (protocol.md §4): `{action, params, echo}` frames,
 * answers matched by `echo`, events on a universal connection ignored. The socket is opened on
 * the first call and reused for every item of the execution.
 */
export class WebSocketTransport implements OneBotTransport {
	private socket: WebSocket | undefined;

	private connecting: Promise<WebSocket> | undefined;

	private readonly pending = new Map<string, Pending>();

	/**
	 * Echoes are this prefix and a counter: unique on the connection (a backend answers a call on
	 * the connection it came in on), and short, since every frame both ways carries one.
	 */
	private readonly echoPrefix = `n8n-${randomBytes(4).toString('hex')}-`;

	private calls = 0;

	/** Set when the backend refused the token after the upgrade (see refuse). */
	private refusal: OneBotCallError | undefined;

	/** A message sent in fragments holds the socket until its last fragment: others wait for it. */
	private fragmenting: Promise<void> | undefined;

	/**
	 * One timer for every call in flight, due at the oldest call's deadline (calls are kept in the
	 * order they were made, and all have the same timeout, so the first is the oldest). A call
	 * then costs no timer of its own.
	 */
	private timer: NodeJS.Timeout | undefined;

	/** Options › Max Answer Size in bytes: the most a call's frames (its packets) add up to. */
	private readonly maxAnswerBytes: number;

	constructor(
		private readonly credentials: OneBotCredentials,
		private readonly options: TransportOptions,
	) {
		this.maxAnswerBytes = answerLimitBytes(options);
	}

	private get url(): string {
		return this.credentials.wsUrl;
	}

	private async connect(): Promise<WebSocket> {
		if (this.socket && this.socket.readyState === WebSocket.OPEN) return this.socket;
		if (!this.connecting) {
			this.connecting = openOneBotSocket(this.credentials, this.url, this.options.timeoutMs, (data) => this.onFrame(data))
				.then((socket) => {
					this.socket = socket;
					socket.on('close', (code) => this.failAll(`the connection closed (code ${code})`));
					socket.on('error', (error) => this.failAll(redact(error.message, [this.credentials.accessToken])));
					return socket;
				})
				.finally(() => {
					this.connecting = undefined;
				});
		}
		return await this.connecting;
	}

	private onFrame(data: WebSocket.RawData): void {
		let frame: unknown;
		try {
			frame = parseJsonLossless(data.toString());
		} catch {
			return; // not JSON: not an answer to us
		}
		if (frame === null || typeof frame !== 'object') return;
		const echo = (frame as { echo?: unknown }).echo;
		if (typeof echo !== 'string' || echo === '') {
			// an event, or the token refused after the upgrade (NapCat with "echo": null, LLOneBot), then a close
			const refused = tokenRefusal(frame);
			if (refused) this.refuse(refused);
			return;
		}
		const entry = this.pending.get(echo);
		if (!entry) return;
		// the call's answer so far is over the limit: it fails alone, its packets dropped (later ones
		// find no call and are ignored), the connection kept for the other calls
		entry.bytes = (entry.bytes ?? 0) + frameBytes(data);
		if (entry.bytes > this.maxAnswerBytes) {
			this.pending.delete(echo);
			entry.packets = undefined;
			entry.reject(answerTooLarge(entry.action, this.url, this.maxAnswerBytes));
			return;
		}
		// a stream action's packet: the answer is the envelope after the last one
		if (isStreamPacket(frame)) {
			(entry.packets ??= []).push(frame);
			// the answer is still coming: Timeout bounds the wait for its next packet (as HTTP's idle
			// timeout does), not the whole download. Put back last, the map stays in deadline order.
			entry.deadline = performance.now() + this.options.timeoutMs;
			this.pending.delete(echo);
			this.pending.set(echo, entry);
			return;
		}
		this.pending.delete(echo);
		try {
			entry.resolve(checkEnvelope(entry.action, this.url, withStreamed(entry.packets ?? [], frame)));
		} catch (error) {
			entry.reject(error as Error);
		}
	}

	/** The backend refused the token: every call in flight and every later one fails with it. */
	private refuse(httpCode: 401 | 403): void {
		this.refusal = new OneBotCallError('auth', authMessage(httpCode), { action: '', url: this.url, httpCode });
		this.stopTimer();
		for (const [echo, entry] of this.pending) {
			this.pending.delete(echo);
			entry.reject(new OneBotCallError('auth', authMessage(httpCode), { action: entry.action, url: this.url, httpCode }));
		}
	}

	/** Fails every call in flight: each was sent, and its answer is lost (it may have been carried out). */
	private failAll(reason: string): void {
		this.stopTimer();
		for (const [echo, entry] of this.pending) {
			entry.reject(
				new OneBotCallError('network', `${entry.action} over ${this.url} failed: ${reason}`, {
					action: entry.action,
					url: this.url,
					maybeDelivered: true,
				}),
			);
			this.pending.delete(echo);
		}
	}

	/** Arms the timer for the oldest call in flight, unless it is armed already. */
	private armTimer(): void {
		if (this.timer !== undefined) return;
		const oldest = this.pending.values().next().value as Pending | undefined;
		if (!oldest) return;
		this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(oldest.deadline - performance.now())));
		// The open socket keeps the process alive while calls wait; the timer itself need not.
		this.timer.unref();
	}

	private stopTimer(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
	}

	/** Fails the calls whose deadline has passed (the oldest first), then waits for the next one. */
	private readonly onTimer = (): void => {
		this.timer = undefined;
		const now = performance.now();
		for (const [echo, entry] of this.pending) {
			if (entry.deadline > now) break;
			this.pending.delete(echo);
			entry.reject(
				new OneBotCallError('timeout', `${entry.action} over ${this.url} got no answer within ${this.options.timeoutMs} ms`, {
					action: entry.action,
					url: this.url,
				}),
			);
		}
		this.armTimer();
	};

	/*
	 * call() runs once per item: its send callback is a method taking the echo, so a call makes
	 * two closures (the promise executor and the send callback) and no timer.
	 */
	private sendFailed(echo: string, error: Error): void {
		const entry = this.pending.get(echo);
		if (!entry) return;
		this.pending.delete(echo);
		entry.reject(
			new OneBotCallError('network', `${entry.action} could not be sent over ${this.url}: ${error.message}`, {
				action: entry.action,
				url: this.url,
			}),
		);
	}

	private sendWhole(socket: WebSocket, echo: string, text: string): void {
		socket.send(text, (error) => {
			if (error) this.sendFailed(echo, error);
		});
	}

	call(action: string, params: Record<string, unknown>): Promise<OneBotResponse> {
		// On the open socket (every item after the first) the answer's promise is handed back as
		// it is, without an async wrapper around it.
		const socket = this.socket;
		if (socket?.readyState === WebSocket.OPEN) return this.callOn(socket, action, params);
		return this.connect().then((opened) => this.callOn(opened, action, params));
	}

	private callOn(socket: WebSocket, action: string, params: Record<string, unknown>): Promise<OneBotResponse> {
		if (this.refusal) return Promise.reject(this.refusal);
		const echo = `${this.echoPrefix}${++this.calls}`;
		let frame: string | StreamedBody;
		try {
			frame = callFrame(action, params, echo);
		} catch (error) {
			return Promise.reject(error as Error);
		}
		const whole = typeof frame === 'string' && !this.fragmenting;
		const deadline = performance.now() + this.options.timeoutMs;
		const answer = new Promise<OneBotResponse>((resolve, reject) => {
			this.pending.set(echo, { action, resolve, reject, deadline });
			if (whole) this.sendWhole(socket, echo, frame as string);
		});
		this.armTimer();
		if (whole) return answer;
		const turn = (this.fragmenting ?? Promise.resolve()).then(() =>
			typeof frame === 'string'
				? this.sendWhole(socket, echo, frame)
				: sendFragments(socket, frame).catch((error: Error) => this.sendFailed(echo, error)),
		);
		const settled = turn.then(() => {
			if (this.fragmenting === settled) this.fragmenting = undefined;
		});
		this.fragmenting = settled;
		return answer;
	}

	async close(): Promise<void> {
		this.failAll('the node finished');
		const socket = this.socket;
		this.socket = undefined;
		if (!socket || socket.readyState === WebSocket.CLOSED) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				socket.terminate();
				resolve();
			}, 1000);
			socket.once('close', () => {
				clearTimeout(timer);
				resolve();
			});
			socket.close(1000);
		});
	}
}

/**
 * The `{action, params, echo}` frame: the text `jsonBody` writes for it, put together from the
 * params' text (kept for a frozen params object, see bodyText.ts) and the echo, which is ours and
 * needs no escaping. A file streamed inside the params makes a StreamedBody, as before.
 */
function callFrame(action: string, params: Record<string, unknown>, echo: string): string | StreamedBody {
	const body = params !== null && typeof params === 'object' ? paramsBody(params) : undefined;
	if (typeof body !== 'string') return jsonBody({ action, params, echo });
	return `{"action":${JSON.stringify(action)},"params":${body},"echo":"${echo}"}`;
}

/** One text message sent as fragments, one per chunk, each written before the next is read. */
async function sendFragments(socket: WebSocket, body: StreamedBody): Promise<void> {
	const write = (data: string, fin: boolean) =>
		new Promise<void>((done, fail) => socket.send(data, { fin, binary: false }, (error) => (error ? fail(error) : done())));
	let previous: string | undefined;
	for await (const chunk of body.chunks()) {
		if (previous !== undefined) await write(previous, false);
		previous = chunk;
	}
	await write(previous ?? '', true);
}
