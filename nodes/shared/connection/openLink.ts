import type WebSocket from 'ws';

import { AbortedError } from './abort';
import type { RawFrame } from './frames';
import { WebSocketLink } from './webSocketLink';

/** How a platform words the ways a WebSocket handshake can fail (messages name the URL, never a secret). */
export interface HandshakeFailures {
	/** The server answered HTTP `status` instead of upgrading. */
	httpStatus(status: number): Error;
	/** The socket closed after the upgrade, before the connection settled. */
	closedEarly(code: number, reason: string): Error;
	/** A socket error before the upgrade; `timedOut` when the handshake timeout fired. */
	connectFailed(error: Error & { code?: string }, timedOut: boolean): Error;
	/** A frame that says the server refused us after all (an auth failure sent as data), or undefined. */
	refusal?(data: RawFrame): Error | undefined;
}

export interface OpenLinkOptions {
	signal: AbortSignal;
	/** Attached before the handshake completes, so no frame is lost. */
	onFrame: (data: RawFrame, isBinary: boolean) => void;
	onActivity?: () => void;
	pingIntervalMs?: number;
	/**
	 * The connection counts as established when the first frame arrives, or this long after the
	 * upgrade (0: at once). A close or a refusal frame before that fails the connection.
	 */
	settleMs: number;
	/** Runs once the upgrade is done (e.g. a first application-level ping). */
	onOpen?: (link: WebSocketLink) => void;
	failures: HandshakeFailures;
}

/**
 * Wraps a `ws` socket that is connecting as a WebSocketLink and waits until the connection has
 * settled. Rejects with the platform's error for an HTTP answer, an early close, a refusal frame
 * or a connection error, and with AbortedError when the signal fires first (the socket is then
 * terminated). Every listener it adds is removed once it has settled.
 */
export async function openLink(socket: WebSocket, options: OpenLinkOptions): Promise<WebSocketLink> {
	if (options.signal.aborted) {
		socket.terminate();
		throw new AbortedError();
	}
	const { failures } = options;
	let settled = false;
	let settle: (error?: Error) => void = () => undefined;
	const link = new WebSocketLink(socket, {
		onFrame: (data, isBinary) => {
			if (!settled) {
				const refused = failures.refusal?.(data);
				if (refused) return settle(refused);
				settle();
			}
			options.onFrame(data, isBinary);
		},
		onActivity: options.onActivity,
		pingIntervalMs: options.pingIntervalMs,
	});
	return await new Promise<WebSocketLink>((resolve, reject) => {
		let settleTimer: NodeJS.Timeout | undefined;
		settle = (error?: Error) => {
			if (settled) return;
			settled = true;
			if (settleTimer) clearTimeout(settleTimer);
			options.signal.removeEventListener('abort', onAbort);
			socket.off('open', onOpen);
			socket.off('unexpected-response', onResponse);
			socket.off('error', onError);
			socket.off('close', onClose);
			if (!error) return resolve(link);
			socket.terminate();
			reject(error);
		};
		const onAbort = () => settle(new AbortedError());
		const onOpen = () => {
			options.onOpen?.(link);
			if (options.settleMs <= 0) return settle();
			settleTimer = setTimeout(() => settle(), options.settleMs);
		};
		const onClose = (code: number, reason: Buffer) => settle(failures.closedEarly(code, reason.toString()));
		const onResponse = (_req: unknown, res: { statusCode?: number; resume: () => void }) => {
			res.resume();
			settle(failures.httpStatus(res.statusCode ?? 0));
		};
		const onError = (error: Error & { code?: string }) =>
			settle(failures.connectFailed(error, error.code !== 'ECONNREFUSED' && /timed out|timeout/i.test(error.message)));
		options.signal.addEventListener('abort', onAbort, { once: true });
		socket.once('open', onOpen);
		socket.once('unexpected-response', onResponse);
		socket.once('error', onError);
		socket.once('close', onClose);
	});
}
