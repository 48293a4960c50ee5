import WebSocket from 'ws';

import type { Link, LinkEnd } from './managedConnection';
import type { RawFrame } from './frames';

export interface WebSocketLinkOptions {
	/** Every data frame (text or binary). */
	onFrame: (data: RawFrame, isBinary: boolean) => void;
	/** Any sign of life: a data frame or a pong. Feed the watchdog here. */
	onActivity?: () => void;
	/** Sends a WebSocket ping this often (0 / undefined: never). */
	pingIntervalMs?: number;
	/** After close(), how long to wait for the closing handshake before dropping the TCP connection. */
	closeGraceMs?: number;
}

/**
 * A `ws` socket as a Link: frames go to `onFrame`, `done` resolves once when the socket is closed
 * for any reason, `close()` ends it (close frame, then terminate after a grace period). Owns its
 * timers and clears them all when the socket closes.
 */
export class WebSocketLink implements Link {
	readonly done: Promise<LinkEnd>;

	private resolveDone!: (end: LinkEnd) => void;

	private ended = false;

	private lastError: string | undefined;

	private closeReason: string | undefined;

	private pingTimer: NodeJS.Timeout | undefined;

	private graceTimer: NodeJS.Timeout | undefined;

	constructor(
		readonly socket: WebSocket,
		private readonly options: WebSocketLinkOptions,
	) {
		this.done = new Promise<LinkEnd>((resolve) => {
			this.resolveDone = resolve;
		});
		socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
			this.options.onActivity?.();
			this.options.onFrame(data, isBinary);
		});
		socket.on('pong', () => this.options.onActivity?.());
		socket.on('error', (error: Error) => {
			this.lastError = error.message;
		});
		socket.on('close', (code: number, reason: Buffer) => {
			const text = reason.toString();
			this.finish({
				code,
				reason: this.closeReason ?? (text || this.lastError || (code === 1006 ? 'connection dropped' : 'closed by the peer')),
			});
		});
		if (socket.readyState !== WebSocket.OPEN && socket.readyState !== WebSocket.CONNECTING) {
			this.finish({ reason: 'socket was not open' });
			return;
		}
		const interval = options.pingIntervalMs ?? 0;
		if (interval > 0) {
			this.pingTimer = setInterval(() => {
				if (socket.readyState === WebSocket.OPEN) socket.ping();
			}, interval);
		}
	}

	get isOpen(): boolean {
		return !this.ended && this.socket.readyState === WebSocket.OPEN;
	}

	/** Sends a text frame; false when the socket is not open. */
	send(text: string): boolean {
		if (!this.isOpen) return false;
		this.socket.send(text);
		return true;
	}

	close(reason = 'closed'): void {
		if (this.ended) return;
		this.closeReason ??= reason;
		const socket = this.socket;
		if (socket.readyState === WebSocket.CLOSED) {
			this.finish({ reason });
			return;
		}
		if (socket.readyState === WebSocket.CONNECTING) {
			socket.terminate();
			return;
		}
		if (this.graceTimer) return;
		try {
			socket.close(1000);
		} catch {
			socket.terminate();
			return;
		}
		this.graceTimer = setTimeout(() => {
			this.graceTimer = undefined;
			socket.terminate();
		}, this.options.closeGraceMs ?? 1_000);
	}

	private finish(end: LinkEnd): void {
		if (this.ended) return;
		this.ended = true;
		if (this.pingTimer) clearInterval(this.pingTimer);
		if (this.graceTimer) clearTimeout(this.graceTimer);
		this.pingTimer = undefined;
		this.graceTimer = undefined;
		this.resolveDone(end);
	}
}
