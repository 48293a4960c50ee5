import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import WebSocket, { WebSocketServer } from 'ws';

import {
	AbortedError,
	DEFAULT_WATCHDOG_FACTOR,
	FrameGuard,
	frameReadLimit,
	Watchdog,
	withCap,
	type ConnectionLogger,
	type RawFrame,
} from '../../shared/connection';
import { redact } from '../../shared/redact';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../shared/trigger/options';
import type { OneBotEvent } from './derive';
import { checkOneBotFrame } from './filters';
import { MAX_FRAME_BYTES } from '../transport/websocket';

/** Compares two secrets in constant time (hashing first, so lengths leak nothing either). */
export function secretsEqual(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}

/**
 * The token a reverse-WS client sent: `Authorization: Bearer <t>` (standard, NapCat, LLOneBot),
 * `Authorization: Token <t>` (go-cqhttp), any other `<scheme> <t>`, a bare header value, or the
 * `access_token` query parameter when the Authorization header carries no token (absent, or a
 * scheme alone).
 */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization;
	if (typeof header === 'string' && header.trim() !== '') {
		const value = header.trim();
		const space = value.indexOf(' ');
		const token = space >= 0 ? value.slice(space + 1).trim() : /^(bearer|token|basic)$/i.test(value) ? '' : value;
		// A scheme with no token after it ("Bearer ", what a backend with an empty token sends) is no token.
		if (token !== '') return token;
	}
	try {
		const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
		return token ?? undefined;
	} catch {
		return undefined;
	}
}

/** null = accepted; otherwise 401 (no token) or 403 (wrong token). */
export function checkReverseAuth(req: IncomingMessage, expected: string): 401 | 403 | null {
	if (!expected) return null;
	const given = tokenFromRequest(req);
	if (!given) return 401;
	return secretsEqual(given, expected) ? null : 403;
}

/** Default connection limit of the reverse server; connections past it are closed with 1013. */
export const DEFAULT_MAX_REVERSE_CONNECTIONS = 16;

/** Default WebSocket ping interval of the reverse server (ms); 2.5× this without a sign of life drops a connection. */
export const DEFAULT_REVERSE_PING_MS = 30_000;

/** At least this many connections may be in their handshake at once, whatever Max Connections is. */
export const MIN_PENDING_HANDSHAKES = 8;

/** How many connections may be in their handshake at once: 2 × Max Connections, at least 8. */
export function maxPendingHandshakes(maxConnections: number): number {
	return Math.max(MIN_PENDING_HANDSHAKES, 2 * maxConnections);
}

/** WebSocket close code "Try Again Later": the server is at its connection limit. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * Whether a listen address only accepts connections from this machine (127.0.0.0/8, ::1,
 * localhost). 0.0.0.0, ::, a LAN address or any other name listens where others can reach it.
 */
export function isLoopbackAddress(host: string): boolean {
	const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
	if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
	const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
	const parts = v4.split('.');
	return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** `host:port` as written in a URL or a message: an IPv6 address in brackets (`[::]:8095`, not `:::8095`). */
export function hostPort(host: string, port: number): string {
	return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function normalizePath(path: string): string {
	let p = path.trim();
	if (!p.startsWith('/')) p = `/${p}`;
	if (p.length > 1) p = p.replace(/\/+$/, '');
	return p;
}

/** One backend connected to the reverse server. */
export interface ReverseClient {
	/** X-Self-ID of the handshake (the bot's QQ number), if sent. */
	selfId?: string;
	/** X-Client-Role: Universal, Event or API. */
	role: string;
	remote: string;
}

export interface ReverseServerOptions {
	port: number;
	host: string;
	path: string;
	/** Expected token ('' = no authentication). */
	accessToken: string;
	logger: ConnectionLogger;
	maxEventBytes: number;
	/** Drop a connection when nothing arrives for 2.5 × its heartbeat interval (default true). */
	watchdog?: boolean;
	/**
	 * Ping every connection this often (ms, default 30 s; 0: never). From the moment a connection
	 * opens, one with no pong and no frame for 2.5 × this (the watchdog factor) is dropped.
	 */
	pingIntervalMs?: number;
	/** Connections past this many are closed with 1013 (default 16). */
	maxConnections?: number;
	/**
	 * A TCP connection that has not completed its WebSocket upgrade this long after it opened (ms,
	 * default 10 s) is destroyed: a client that sends nothing or half a request holds no socket.
	 */
	handshakeTimeoutMs?: number;
	/**
	 * Connections still in their handshake past this many are destroyed as they arrive (default
	 * maxPendingHandshakes(maxConnections)).
	 */
	maxPendingHandshakes?: number;
	watchdogFactor?: number;
	closeTimeoutMs?: number;
	/** True for a frame whose event would not be emitted: dropped before it is parsed (prefilter.ts). */
	prefilter?: (frame: Buffer) => boolean;
	onEvent: (event: OneBotEvent, client: ReverseClient) => void;
	onFatal: (error: Error) => void;
}

interface Connection {
	socket: WebSocket;
	client: ReverseClient;
	watchdog: Watchdog;
	graceTimer?: NodeJS.Timeout;
}

const REASONS: Record<number, string> = {
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	426: 'Upgrade Required',
};

function refuse(socket: Duplex, status: number): void {
	const text = REASONS[status] ?? 'Error';
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

/**
 * Reverse WebSocket mode: n8n listens on a port and path; OneBot backends ("WebSocket client" /
 * `ws-reverse`) connect with X-Self-ID, X-Client-Role and their token. A missing token is refused
 * with 401, a wrong one with 403, another path with 404, all before the upgrade. Several bots may
 * be connected at once, up to a limit (past it: close code 1013). Every connection is pinged, and
 * its watchdog runs from the start: one that sends nothing and answers no ping for 2.5 × the ping
 * (or heartbeat) interval is dropped, and the backend reconnects by itself. Before that, a TCP
 * connection has the handshake timeout (Connect Timeout, 10 s) to complete its upgrade, and at most
 * 2 × Max Connections (at least 8) may be in their handshake at once; others are destroyed.
 */
export class ReverseServer {
	private server: Server | undefined;

	private readonly wss: WebSocketServer;

	private readonly connections = new Set<Connection>();

	private closing = false;

	private closed: Promise<void> | undefined;

	private readonly path: string;

	private pingTimer: NodeJS.Timeout | undefined;

	/** Upgrades accepted but not yet handed to onConnection (they count against the limit). */
	private pending = 0;

	/** Connections closed with 1013 because the limit was reached (for diagnostics and tests). */
	refused = 0;

	/** TCP connections not yet upgraded to a WebSocket, each with the timer that ends it. */
	private readonly handshaking = new Map<Socket, NodeJS.Timeout>();

	/** Whether the pending-handshake bound was reported since it was last below the bound. */
	private handshakeFloodLogged = false;

	/** TCP connections destroyed because too many were in their handshake (for diagnostics and tests). */
	refusedHandshakes = 0;

	/** TCP connections destroyed because their handshake took too long (for diagnostics and tests). */
	timedOutHandshakes = 0;

	readonly guard: FrameGuard<OneBotEvent>;

	constructor(private readonly options: ReverseServerOptions) {
		this.path = normalizePath(options.path);
		// skipUTF8Validation: a text frame that is not valid UTF-8 is decoded with U+FFFD in place of the
		// bad bytes instead of closing the connection (1007), as on the client sockets.
		this.wss = new WebSocketServer({ noServer: true, maxPayload: frameReadLimit(options.maxEventBytes, MAX_FRAME_BYTES), skipUTF8Validation: true });
		this.guard = new FrameGuard<OneBotEvent>({
			maxBytes: options.maxEventBytes,
			check: checkOneBotFrame,
			logger: options.logger,
			source: `a backend connected to ${this.address}`,
			secrets: [options.accessToken],
			prefilter: options.prefilter,
		});
	}

	/** Where backends should connect, for messages. */
	get address(): string {
		return `ws://${hostPort(this.options.host, this.port)}${this.path}`;
	}

	get port(): number {
		const address = this.server?.address();
		return address && typeof address === 'object' ? address.port : this.options.port;
	}

	/** TCP connections open now that have not completed their WebSocket upgrade. */
	get pendingHandshakes(): number {
		return this.handshaking.size;
	}

	/** The backends connected now. */
	get clients(): ReverseClient[] {
		return [...this.connections].map((c) => c.client);
	}

	/**
	 * Listens; rejects with a message naming the address when the port cannot be opened, and with
	 * AbortedError when close() was called before the listen completed (the port is then released).
	 */
	async start(): Promise<void> {
		const server = createServer((_req, res) => {
			res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
			res.end('This endpoint accepts OneBot reverse WebSocket connections only');
		});
		server.on('connection', (socket: Socket) => this.onSocket(socket));
		server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
		server.on('clientError', (_error, socket) => socket.destroy());
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error & { code?: string }) => {
				server.off('listening', onListening);
				const reason =
					error.code === 'EADDRINUSE'
						? 'the port is already in use'
						: error.code === 'EACCES'
							? 'permission denied (ports below 1024 need privileges)'
							: error.message;
				reject(new Error(`Could not listen for OneBot reverse WebSocket connections on ${hostPort(this.options.host, this.options.port)}: ${reason}`));
			};
			const onListening = () => {
				server.off('error', onError);
				resolve();
			};
			server.once('error', onError);
			server.once('listening', onListening);
			server.listen(this.options.port, this.options.host);
		});
		if (this.closing) {
			// close() ran while the listen was pending (it found no server to close): release the port now.
			await new Promise<void>((resolve) => server.close(() => resolve()));
			throw new AbortedError();
		}
		this.server = server;
		const pingMs = this.pingIntervalMs;
		if (pingMs > 0) {
			this.pingTimer = setInterval(() => {
				for (const c of this.connections) if (c.socket.readyState === WebSocket.OPEN) c.socket.ping();
			}, pingMs);
		}
		server.on('error', (error: Error) => {
			if (this.closing) return;
			this.options.onFatal(new Error(`The OneBot reverse WebSocket server on ${this.address} failed: ${error.message}`));
		});
		this.options.logger.info(`Waiting for OneBot backends at ${this.address}`);
	}

	private get pingIntervalMs(): number {
		const ms = this.options.pingIntervalMs ?? DEFAULT_REVERSE_PING_MS;
		return Number.isFinite(ms) && ms > 0 ? ms : 0;
	}

	private get maxConnections(): number {
		const n = this.options.maxConnections ?? DEFAULT_MAX_REVERSE_CONNECTIONS;
		return Number.isFinite(n) && n >= 1 ? Math.floor(n) : DEFAULT_MAX_REVERSE_CONNECTIONS;
	}

	private get handshakeTimeoutMs(): number {
		const ms = this.options.handshakeTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
		return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_CONNECT_TIMEOUT_MS;
	}

	private get maxPendingHandshakes(): number {
		const n = this.options.maxPendingHandshakes;
		return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.floor(n) : maxPendingHandshakes(this.maxConnections);
	}

	/**
	 * A new TCP connection: it has `handshakeTimeoutMs` to complete its WebSocket upgrade, and only
	 * `maxPendingHandshakes` may be in that state at once (past it, it is destroyed at once). Until
	 * then it is not a backend, so it does not count against Max Connections; this bound keeps a
	 * client that opens sockets and sends nothing (or half a request) from holding many of them.
	 */
	private onSocket(socket: Socket): void {
		socket.on('error', () => socket.destroy());
		const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
		if (this.closing) {
			socket.destroy();
			return;
		}
		if (this.handshaking.size >= this.maxPendingHandshakes) {
			this.refusedHandshakes++;
			if (!this.handshakeFloodLogged) {
				this.handshakeFloodLogged = true;
				this.options.logger.warn(
					`Refusing connections to ${this.address}: ${this.maxPendingHandshakes} connections have not completed their WebSocket handshake (the limit; last refused: ${remote})`,
				);
			}
			socket.destroy();
			return;
		}
		const ms = this.handshakeTimeoutMs;
		const timer = setTimeout(() => {
			this.handshakeDone(socket);
			this.timedOutHandshakes++;
			this.options.logger.debug(`Closed a connection from ${remote} to ${this.address}: no WebSocket handshake within ${ms} ms`);
			socket.destroy();
		}, ms);
		this.handshaking.set(socket, timer);
		socket.once('close', () => this.handshakeDone(socket));
	}

	/** The socket left its handshake (upgraded, closed, or timed out): its timer and place are freed. */
	private handshakeDone(socket: Duplex): void {
		const timer = this.handshaking.get(socket as Socket);
		if (timer === undefined) return;
		clearTimeout(timer);
		this.handshaking.delete(socket as Socket);
		if (this.handshaking.size < this.maxPendingHandshakes) this.handshakeFloodLogged = false;
	}

	/** Closes every connection and the server; resolves within the close cap. */
	async close(): Promise<void> {
		this.closed ??= this.doClose();
		await this.closed;
	}

	private async doClose(): Promise<void> {
		this.closing = true;
		if (this.pingTimer) clearInterval(this.pingTimer);
		this.pingTimer = undefined;
		const server = this.server;
		this.server = undefined;
		for (const [socket, timer] of this.handshaking) {
			clearTimeout(timer);
			socket.destroy();
		}
		this.handshaking.clear();
		const sockets = [...this.connections].map(
			(c) =>
				new Promise<void>((resolve) => {
					c.watchdog.stop();
					if (c.socket.readyState === WebSocket.CLOSED) return resolve();
					c.socket.once('close', () => resolve());
					c.socket.close(1001, 'n8n trigger stopped');
					c.graceTimer = setTimeout(() => c.socket.terminate(), 500);
				}),
		);
		const serverClosed = server
			? new Promise<void>((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				})
			: Promise.resolve();
		await withCap(Promise.all([...sockets, serverClosed]), this.options.closeTimeoutMs ?? 2_000, undefined);
		for (const c of this.connections) {
			if (c.graceTimer) clearTimeout(c.graceTimer);
			c.watchdog.stop();
			c.socket.terminate();
		}
		this.connections.clear();
		this.wss.close();
	}

	private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		if (this.closing) return refuse(socket, 404);
		let pathname: string;
		try {
			pathname = normalizePath(new URL(req.url ?? '/', 'http://localhost').pathname);
		} catch {
			return refuse(socket, 404);
		}
		const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
		if (pathname !== this.path) {
			this.options.logger.warn(`Refused a WebSocket connection from ${remote} to ${pathname}: the path is ${this.path}`);
			return refuse(socket, 404);
		}
		const denied = checkReverseAuth(req, this.options.accessToken);
		if (denied !== null) {
			this.options.logger.warn(
				`Refused a OneBot backend from ${remote}: ${denied === 401 ? 'no access token sent' : 'wrong access token'} (HTTP ${denied})`,
			);
			return refuse(socket, denied);
		}
		const header = (name: string) => {
			const v = req.headers[name];
			return Array.isArray(v) ? v[0] : v;
		};
		const client: ReverseClient = {
			selfId: header('x-self-id'),
			role: header('x-client-role') ?? 'Universal',
			remote,
		};
		if (this.connections.size + this.pending >= this.maxConnections) {
			this.refused++;
			this.options.logger.warn(
				`Refused a OneBot backend from ${remote}: ${this.maxConnections} connections are open, the limit (close code ${CLOSE_TRY_AGAIN_LATER})`,
			);
			this.wss.handleUpgrade(req, socket, head, (ws) => {
				this.handshakeDone(socket);
				ws.on('error', () => undefined);
				ws.close(CLOSE_TRY_AGAIN_LATER, 'Too many connections');
				const timer = setTimeout(() => ws.terminate(), 1_000);
				ws.once('close', () => clearTimeout(timer));
			});
			return;
		}
		// Counted until the upgrade completes; an upgrade that ws aborts (a malformed handshake) frees
		// its place when the socket closes, so bad handshakes cannot use up the limit.
		let counted = true;
		const release = () => {
			if (!counted) return;
			counted = false;
			this.pending--;
		};
		this.pending++;
		socket.once('close', release);
		this.wss.handleUpgrade(req, socket, head, (ws) => {
			socket.off('close', release);
			release();
			this.handshakeDone(socket);
			this.onConnection(ws, client);
		});
	}

	private onConnection(socket: WebSocket, client: ReverseClient): void {
		if (this.closing) {
			socket.terminate();
			return;
		}
		const name = `bot ${client.selfId ?? '(no X-Self-ID)'} (${client.role}, ${client.remote})`;
		const connection: Connection = {
			socket,
			client,
			watchdog: new Watchdog((ms) => {
				this.options.logger.warn(`No data and no pong from ${name} for ${ms} ms; dropping the connection`);
				socket.terminate();
			}, this.options.watchdogFactor ?? DEFAULT_WATCHDOG_FACTOR),
		};
		this.connections.add(connection);
		// Armed from the start: a connection that never answers a ping is dropped even before (or
		// without) any heartbeat event.
		const pingMs = this.pingIntervalMs;
		if (pingMs > 0) connection.watchdog.setInterval(pingMs);
		this.options.logger.info(`OneBot backend connected: ${name}`);
		socket.on('error', (error: Error) => {
			this.options.logger.warn(`Connection error from ${name}: ${redact(error.message, [this.options.accessToken])}`);
		});
		socket.on('close', (code: number) => {
			connection.watchdog.stop();
			if (connection.graceTimer) clearTimeout(connection.graceTimer);
			this.connections.delete(connection);
			if (!this.closing) this.options.logger.info(`OneBot backend disconnected: ${name} (code ${code})`);
		});
		socket.on('pong', () => connection.watchdog.feed());
		socket.on('message', (data: RawFrame) => {
			connection.watchdog.feed();
			if (this.closing) return;
			const event = this.guard.accept(data);
			if (!event) return;
			if (this.options.watchdog !== false && event.post_type === 'meta_event' && event.meta_event_type === 'heartbeat') {
				const interval = Number(event.interval);
				if (Number.isFinite(interval) && interval > 0) {
					connection.watchdog.setInterval(pingMs > 0 ? Math.min(pingMs, interval) : interval);
				}
			}
			this.options.onEvent(event, client);
		});
	}
}
