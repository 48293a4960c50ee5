// A OneBot v11 backend (the test fakes and the chat sandbox share it): HTTP API + forward WebSocket on one 127.0.0.1 port, plus the
// backend's client roles (reverse WebSocket client, HTTP POST event reporter). Follows the wire
// protocol in /work/shared/reference/onebot/protocol.md (standard, with go-cqhttp / NapCat variants
// where they differ: unknown actions, token failures, `_async`).
//
//   const bot = await FakeOneBot.start({ accessToken: 't0k' });
//   await axios.post(`${bot.httpUrl}/send_group_msg`, { group_id: 1, message: 'hi' }, { headers: { Authorization: 'Bearer t0k' } });
//   bot.lastCall('send_group_msg')?.params  // { group_id: 1, message: 'hi' }
//   await bot.close();
import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

import WebSocket, { WebSocketServer } from 'ws';
import type { RawData } from 'ws';

// BigInt values in answers go out as bare JSON numbers, as a backend written in Go or C# sends int64.
import { stringifyWithBigInt } from '../../nodes/shared/json';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

/** A response envelope as OneBot sends it (`echo` added over WebSocket). */
export interface OneBotEnvelope {
	status: 'ok' | 'async' | 'failed';
	retcode: number;
	data: unknown;
	message?: string;
	msg?: string;
	wording?: string;
	echo?: unknown;
	[key: string]: unknown;
}

export interface OneBotCall {
	transport: 'http' | 'ws';
	/** WebSocket calls: forward (client connected to the fake) or reverse (fake connected out). */
	direction?: 'forward' | 'reverse';
	/** HTTP method, or 'WS' for a WebSocket frame. */
	method: string;
	/** Request path (HTTP) or the WebSocket connection path. */
	path: string;
	/** Action name as requested (including any `_async` suffix); '' when none could be read. */
	action: string;
	params: JsonObject;
	/** HTTP request headers, or the WebSocket handshake headers (lower-case names). */
	headers: IncomingHttpHeaders;
	/** Query string of the request / handshake URL (first value per name). */
	query: Record<string, string>;
	contentType?: string;
	/** Raw request body / WebSocket frame text. */
	rawBody: string;
	/** WebSocket `echo` if the frame had one. */
	echo?: unknown;
	/** What the fake answered: HTTP status, and the envelope if one was sent. */
	httpStatus?: number;
	response?: OneBotEnvelope;
	/** When the call arrived: `performance.now()` of this process, for spacing and order, not a date. */
	at: number;
}

/** Handler result: data for an `ok` envelope, or a full envelope (`{status, retcode, ...}`). */
export type OneBotHandler = (params: JsonObject, call: OneBotCall) => unknown;

export type UnknownActionMode =
	/** Standard: HTTP 404; WebSocket retcode 1404. */
	| 'http404'
	/** go-cqhttp: HTTP 200 / WS frame `{"status":"failed","retcode":404,"msg":"API_NOT_FOUND","wording":"API不存在",...}`. */
	| 'retcode404'
	/** NapCat / LLOneBot style: `{"status":"failed","retcode":1404,...}` on HTTP (200) and WS. */
	| 'retcode1404';

export interface FakeOneBotOptions {
	/** Access token; undefined/empty = no authentication (every request accepted). */
	accessToken?: string;
	/** 'standard' (go-cqhttp): missing token 401, wrong 403. 'napcat': 403 for both. */
	authStyle?: 'standard' | 'napcat';
	/** Default 'http404' (the standard). */
	unknownAction?: UnknownActionMode;
	/**
	 * `<action>_async`: 'async' (standard: run the action, answer `status:"async"`, retcode 1,
	 * data null), 'strip' (go-cqhttp/NapCat: run it as the plain action), 'unknown' (Lagrange).
	 */
	asyncSuffix?: 'async' | 'strip' | 'unknown';
	/** The bot's QQ number (lifecycle frames, X-Self-ID, get_login_info). Default 10001. */
	selfId?: number;
	/** Handlers merged over the default ones (set a name to `undefined` to make it unknown). */
	handlers?: Record<string, OneBotHandler | undefined>;
	/** Send the lifecycle `connect` frame on `/` and `/event` (default true). */
	lifecycle?: boolean;
	/** Port to listen on (default 0 = random). */
	port?: number;
	/** Address to listen on (default 127.0.0.1). */
	host?: string;
	/**
	 * Answers every action that has no handler (instead of the unknown-action answer): the sandbox
	 * uses it to answer the actions it does not model with a plausible success.
	 */
	fallback?: OneBotHandler;
	/** Start from the built-in test handlers (default true); false: only `handlers` (and `fallback`). */
	defaults?: boolean;
}

export interface Disconnect {
	path: string;
	role: 'universal' | 'api' | 'event';
	code: number;
	reason: string;
}

export interface ReverseOptions {
	selfId?: number;
	/** X-Client-Role header (default 'Universal'). */
	role?: 'Universal' | 'API' | 'Event';
	token?: string;
	/** Scheme of the Authorization header: 'Bearer' (standard, NapCat) or 'Token' (go-cqhttp). */
	tokenScheme?: 'Bearer' | 'Token';
	/** Send the lifecycle `connect` frame after connecting as Universal/Event (default true). */
	lifecycle?: boolean;
	/** Extra handshake headers. */
	headers?: Record<string, string>;
}

export interface PostEventOptions {
	/** HMAC-SHA1 secret: adds `X-Signature: sha1=<hex>` computed over the exact body bytes. */
	secret?: string;
	/** Sent as X-Signature instead of the computed value (null: no X-Signature at all). */
	signatureOverride?: string | null;
	/** X-Self-ID (default: the fake's selfId, or the event's self_id). */
	selfId?: number | string;
	/** Send these bytes as the body instead of JSON.stringify(event). */
	rawBody?: string | Buffer;
	headers?: Record<string, string>;
	/** Request timeout in ms (default 10000). */
	timeoutMs?: number;
}

export interface PostEventResult {
	status: number;
	headers: IncomingHttpHeaders;
	/** Parsed JSON response (the quick operation), the raw text if not JSON, or null when empty. */
	body: unknown;
	rawBody: string;
	/** The exact body bytes that were sent, and the signature header used. */
	sentBody: string;
	signature?: string;
}

export class ReverseConnectError extends Error {
	constructor(
		message: string,
		readonly status?: number,
	) {
		super(message);
		this.name = 'ReverseConnectError';
	}
}

// ---------------------------------------------------------------------------------------------
// Envelopes and events
// ---------------------------------------------------------------------------------------------

export function ok(data: unknown = null): OneBotEnvelope {
	return { status: 'ok', retcode: 0, data, message: '' };
}

export function failed(retcode: number, msg = 'FAILED', wording = msg): OneBotEnvelope {
	return { status: 'failed', retcode, msg, wording, message: wording, data: null };
}

export function asyncAccepted(): OneBotEnvelope {
	return { status: 'async', retcode: 1, data: null, message: '' };
}

function isEnvelope(value: unknown): value is OneBotEnvelope {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const v = value as JsonObject;
	return (
		typeof v.retcode === 'number' &&
		(v.status === 'ok' || v.status === 'async' || v.status === 'failed')
	);
}

const unixTime = () => Math.floor(Date.now() / 1000);

export function lifecycleEvent(selfId: number, subType: 'connect' | 'enable' | 'disable' = 'connect'): JsonObject {
	return { meta_event_type: 'lifecycle', post_type: 'meta_event', self_id: selfId, sub_type: subType, time: unixTime() };
}

export function heartbeatEvent(selfId: number, interval = 5000, status: JsonObject = { online: true, good: true }): JsonObject {
	return { time: unixTime(), self_id: selfId, post_type: 'meta_event', meta_event_type: 'heartbeat', status, interval };
}

let nextEventMessageId = 5000;

export function privateMessageEvent(
	selfId: number,
	userId: number,
	message: unknown,
	extra: JsonObject = {},
): JsonObject {
	const raw = typeof message === 'string' ? message : JSON.stringify(message);
	return {
		time: unixTime(),
		self_id: selfId,
		post_type: 'message',
		message_type: 'private',
		sub_type: 'friend',
		message_id: nextEventMessageId++,
		user_id: userId,
		message,
		raw_message: raw,
		font: 0,
		sender: { user_id: userId, nickname: `user${userId}`, sex: 'unknown', age: 0 },
		...extra,
	};
}

export function groupMessageEvent(
	selfId: number,
	groupId: number,
	userId: number,
	message: unknown,
	extra: JsonObject = {},
): JsonObject {
	const raw = typeof message === 'string' ? message : JSON.stringify(message);
	return {
		time: unixTime(),
		self_id: selfId,
		post_type: 'message',
		message_type: 'group',
		sub_type: 'normal',
		message_id: nextEventMessageId++,
		group_id: groupId,
		user_id: userId,
		anonymous: null,
		message,
		raw_message: raw,
		font: 0,
		sender: { user_id: userId, nickname: `user${userId}`, card: '', sex: 'unknown', age: 0, role: 'member' },
		...extra,
	};
}

/** `sha1=<hex HMAC-SHA1(secret, body)>`, as OneBot signs HTTP POST reports. */
export function signBody(secret: string, body: string | Buffer): string {
	return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Default handlers
// ---------------------------------------------------------------------------------------------

const num = (v: unknown, fallback: number): number => {
	const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
	return Number.isFinite(n) ? n : fallback;
};

export const FAKE_GROUPS = [
	{ group_id: 100001, group_name: 'Test Group A', member_count: 3, max_member_count: 200 },
	{ group_id: 100002, group_name: 'Test Group B', member_count: 2, max_member_count: 500 },
];

export const FAKE_FRIENDS = [
	{ user_id: 20001, nickname: 'Alice', remark: 'alice' },
	{ user_id: 20002, nickname: 'Bob', remark: '' },
];

export function defaultHandlers(selfId: number): Record<string, OneBotHandler> {
	let messageId = 1000;
	const sent = () => ({ message_id: ++messageId });
	const none = () => null;
	const member = (groupId: number, userId: number, nickname: string, role: string) => ({
		group_id: groupId,
		user_id: userId,
		nickname,
		card: '',
		sex: 'unknown',
		age: 0,
		area: '',
		join_time: 1700000000,
		last_sent_time: 1700000000,
		level: '1',
		role,
		unfriendly: false,
		title: '',
		title_expire_time: 0,
		card_changeable: true,
	});
	return {
		get_login_info: () => ({ user_id: selfId, nickname: 'FakeBot' }),
		get_status: () => ({ online: true, good: true }),
		get_version_info: () => ({ app_name: 'fake-onebot', app_version: '0.0.0', protocol_version: 'v11' }),
		get_group_list: () => FAKE_GROUPS.map((g) => ({ ...g })),
		get_group_info: (p) => {
			const id = num(p.group_id, 0);
			return { ...(FAKE_GROUPS.find((g) => g.group_id === id) ?? FAKE_GROUPS[0]), group_id: id };
		},
		get_friend_list: () => FAKE_FRIENDS.map((f) => ({ ...f })),
		get_stranger_info: (p) => ({ user_id: num(p.user_id, 0), nickname: 'Stranger', sex: 'unknown', age: 0 }),
		get_group_member_list: (p) => {
			const g = num(p.group_id, FAKE_GROUPS[0].group_id);
			return [member(g, selfId, 'FakeBot', 'owner'), member(g, 20001, 'Alice', 'admin'), member(g, 20002, 'Bob', 'member')];
		},
		get_group_member_info: (p) => member(num(p.group_id, 0), num(p.user_id, 0), 'Member', 'member'),
		send_private_msg: sent,
		send_group_msg: sent,
		send_msg: sent,
		send_group_forward_msg: sent,
		send_private_forward_msg: sent,
		get_msg: (p) => ({
			message_id: num(p.message_id, 0),
			real_id: num(p.message_id, 0),
			time: 1700000000,
			message_type: 'private',
			sender: { user_id: 20001, nickname: 'Alice' },
			message: [{ type: 'text', data: { text: 'hello' } }],
			raw_message: 'hello',
		}),
		get_forward_msg: () => ({ message: [] }),
		delete_msg: none,
		send_like: none,
		set_group_kick: none,
		set_group_ban: none,
		set_group_anonymous_ban: none,
		set_group_whole_ban: none,
		set_group_admin: none,
		set_group_anonymous: none,
		set_group_card: none,
		set_group_name: none,
		set_group_leave: none,
		set_group_special_title: none,
		set_friend_add_request: none,
		set_group_add_request: none,
		'.handle_quick_operation': none,
		get_cookies: () => ({ cookies: '' }),
		get_csrf_token: () => ({ token: 0 }),
		get_credentials: () => ({ cookies: '', csrf_token: 0 }),
		get_record: () => ({ file: '/tmp/fake-record.mp3' }),
		get_image: () => ({ file: '/tmp/fake-image.png' }),
		can_send_image: () => ({ yes: true }),
		can_send_record: () => ({ yes: true }),
		set_restart: none,
		clean_cache: none,
	};
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** go-cqhttp: a form/query value that looks like a JSON object/array and parses is taken as JSON. */
function coerceValue(value: string): unknown {
	const t = value.trim();
	if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
		try {
			return JSON.parse(t) as unknown;
		} catch {
			return value;
		}
	}
	return value;
}

function searchToObject(search: URLSearchParams, coerce: boolean, skip?: string): JsonObject {
	const out: JsonObject = {};
	for (const [k, v] of search) {
		if (k === skip || k in out) continue;
		out[k] = coerce ? coerceValue(v) : v;
	}
	return out;
}

function rawToString(data: RawData): string {
	if (Buffer.isBuffer(data)) return data.toString('utf8');
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	return Buffer.from(data).toString('utf8');
}

type Role = 'universal' | 'api' | 'event';

/** A listen address as it goes in a URL: 0.0.0.0 / :: become 127.0.0.1, IPv6 gets brackets. */
export function urlHost(host: string): string {
	if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
	return host.includes(':') ? `[${host}]` : host;
}

function roleOfPath(pathname: string): Role {
	if (pathname === '/api' || pathname === '/api/') return 'api';
	if (pathname === '/event' || pathname === '/event/') return 'event';
	return 'universal';
}

interface Waiter<T> {
	resolve: (value: T) => void;
	reject: (error: Error) => void;
	timer: NodeJS.Timeout;
}

// ---------------------------------------------------------------------------------------------
// Reverse WebSocket handle
// ---------------------------------------------------------------------------------------------

export class ReverseConnection {
	private closeWaiters: Array<(v: { code: number; reason: string }) => void> = [];
	closed?: { code: number; reason: string };

	constructor(
		readonly ws: WebSocket,
		readonly url: string,
		readonly handshakeHeaders: Record<string, string>,
	) {
		ws.on('close', (code, reason) => {
			this.closed = { code, reason: reason.toString() };
			for (const w of this.closeWaiters.splice(0)) w(this.closed);
		});
	}

	/** Sends an event (JSON) to the server the fake connected to. */
	pushEvent(event: unknown): void {
		this.ws.send(JSON.stringify(event));
	}

	/** A raw frame: text, or binary for a Buffer unless `asText` (bytes sent as a text frame, as they are). */
	sendRaw(frame: string | Buffer, asText = false): void {
		this.ws.send(frame, { binary: typeof frame !== 'string' && !asText });
	}

	get isOpen(): boolean {
		return this.ws.readyState === WebSocket.OPEN;
	}

	/** Resolves when the connection is closed (by either side). */
	async waitForClose(): Promise<{ code: number; reason: string }> {
		if (this.closed) return this.closed;
		return await new Promise((resolve) => this.closeWaiters.push(resolve));
	}

	/** Closes the connection (code 1000 by default) and waits until it is closed. */
	async close(code = 1000, reason = ''): Promise<void> {
		if (this.closed) return;
		const done = this.waitForClose();
		if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
			this.ws.close(code, reason);
		}
		const timer = setTimeout(() => this.ws.terminate(), 1000);
		await done;
		clearTimeout(timer);
	}

	/** Drops the TCP connection without a close frame (the peer sees 1006). */
	terminate(): void {
		this.ws.terminate();
	}
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

interface ForwardClient {
	ws: WebSocket;
	path: string;
	role: Role;
	headers: IncomingHttpHeaders;
	query: Record<string, string>;
}

export class FakeOneBot {
	readonly calls: OneBotCall[] = [];
	readonly selfId: number;
	accessToken: string | undefined;
	authStyle: 'standard' | 'napcat';
	unknownAction: UnknownActionMode;
	asyncSuffix: 'async' | 'strip' | 'unknown';
	lifecycle: boolean;

	private readonly initialHandlers: Record<string, OneBotHandler | undefined>;
	private handlers: Map<string, OneBotHandler> = new Map();
	private delays = new Map<string, number>();
	private server: Server | undefined;
	private wss: WebSocketServer;
	private sockets = new Set<Socket>();

	/** TCP connections accepted since start (HTTP and WebSocket alike; never reset). */
	acceptedSockets = 0;
	/** Called whenever a forward WebSocket client connected or disconnected (the sandbox counts its listeners). */
	onForwardChange: (() => void) | undefined;
	private clients = new Set<ForwardClient>();
	private reverse = new Set<ReverseConnection>();
	private pendingTimers = new Set<NodeJS.Timeout>();
	private disconnectWaiters: Array<Waiter<Disconnect>> = [];
	private connectionWaiters: Array<Waiter<void> & { count: number }> = [];
	private _port: number;
	private readonly host: string;
	private readonly fallback: OneBotHandler | undefined;
	private readonly initialModes: { authStyle: 'standard' | 'napcat'; unknownAction: UnknownActionMode };

	private constructor(options: FakeOneBotOptions) {
		this.selfId = options.selfId ?? 10001;
		this.accessToken = options.accessToken || undefined;
		this.initialModes = { authStyle: options.authStyle ?? 'standard', unknownAction: options.unknownAction ?? 'http404' };
		this.authStyle = this.initialModes.authStyle;
		this.unknownAction = this.initialModes.unknownAction;
		this.asyncSuffix = options.asyncSuffix ?? 'async';
		this.lifecycle = options.lifecycle ?? true;
		this._port = options.port ?? 0;
		this.host = options.host ?? '127.0.0.1';
		this.fallback = options.fallback;
		this.initialHandlers = { ...(options.defaults === false ? {} : defaultHandlers(this.selfId)), ...options.handlers };
		this.resetBehaviour();
		this.wss = new WebSocketServer({ noServer: true });
	}

	/** Creates the fake and starts listening on 127.0.0.1 (random port unless `port` is given). */
	static async start(options: FakeOneBotOptions = {}): Promise<FakeOneBot> {
		const bot = new FakeOneBot(options);
		await bot.start();
		return bot;
	}

	get port(): number {
		return this._port;
	}

	get httpUrl(): string {
		return `http://${urlHost(this.host)}:${this._port}`;
	}

	get wsUrl(): string {
		return `ws://${urlHost(this.host)}:${this._port}`;
	}

	get listening(): boolean {
		return this.server?.listening ?? false;
	}

	// ----- behaviour -------------------------------------------------------------------------

	/** Replaces the handler of an action (undefined: the action becomes unknown). */
	setHandler(action: string, handler: OneBotHandler | undefined): this {
		if (handler) this.handlers.set(action, handler);
		else this.handlers.delete(action);
		return this;
	}

	/** Delays every answer to `action` by `ms` (0 removes the delay). */
	delay(action: string, ms: number): this {
		if (ms > 0) this.delays.set(action, ms);
		else this.delays.delete(action);
		return this;
	}

	/** Makes `action` answer `{status:"failed", retcode, msg, wording, message: wording, data: null}`. */
	fail(action: string, retcode: number, msg = 'FAILED', wording = msg): this {
		return this.setHandler(action, () => failed(retcode, msg, wording));
	}

	/** Makes `action` answer `{status:"async", retcode: 1, data: null}` (its handler still runs). */
	respondAsync(action: string): this {
		const previous = this.handlers.get(action);
		return this.setHandler(action, async (params, call) => {
			if (previous) await previous(params, call);
			return asyncAccepted();
		});
	}

	/** The OneBot API credential's fields pointing at this fake: its URLs and token, token in the header. */
	credentials(overrides: Record<string, string | boolean> = {}): Record<string, string | boolean> {
		return {
			httpUrl: this.httpUrl,
			wsUrl: this.wsUrl,
			accessToken: this.accessToken ?? '',
			authLocation: 'header',
			ignoreSslIssues: false,
			...overrides,
		};
	}

	/** Restores the handlers, auth style and unknown-action mode given at construction, and removes delays. */
	resetBehaviour(): this {
		this.authStyle = this.initialModes.authStyle;
		this.unknownAction = this.initialModes.unknownAction;
		this.handlers = new Map();
		for (const [name, handler] of Object.entries(this.initialHandlers)) {
			if (handler) this.handlers.set(name, handler);
		}
		this.delays.clear();
		return this;
	}

	// ----- records ---------------------------------------------------------------------------

	lastCall(action?: string): OneBotCall | undefined {
		for (let i = this.calls.length - 1; i >= 0; i--) {
			if (action === undefined || this.calls[i].action === action) return this.calls[i];
		}
		return undefined;
	}

	callsTo(action: string): OneBotCall[] {
		return this.calls.filter((c) => c.action === action);
	}

	/** Forgets the recorded calls. */
	reset(): void {
		this.calls.length = 0;
	}

	// ----- lifecycle -------------------------------------------------------------------------

	/** (Re)starts listening, on the same port as before if it was started already. */
	async start(): Promise<void> {
		if (this.server?.listening) return;
		const server = createServer((req, res) => this.onHttp(req, res));
		server.on('connection', (socket) => {
			this.acceptedSockets++;
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
		server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this._port, this.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this._port = (server.address() as AddressInfo).port;
		this.server = server;
	}

	/**
	 * Stops listening and drops every connection (forward WS clients see an abnormal close, 1006,
	 * like a crashed backend; pass `{ graceful: true }` to send close 1001 first). The port stays
	 * reserved for `start()`.
	 */
	/** Drops every open HTTP connection at once (a request waiting for its answer sees the connection reset). */
	dropHttpConnections(): void {
		this.server?.closeAllConnections();
	}

	async stop(options: { graceful?: boolean } = {}): Promise<void> {
		for (const t of this.pendingTimers) clearTimeout(t);
		this.pendingTimers.clear();
		const server = this.server;
		this.server = undefined;
		const closing = [...this.clients].map(
			(c) =>
				new Promise<void>((resolve) => {
					if (c.ws.readyState === WebSocket.CLOSED) return resolve();
					c.ws.once('close', () => resolve());
					if (options.graceful) {
						c.ws.close(1001, 'going away');
						const t = setTimeout(() => c.ws.terminate(), 500);
						c.ws.once('close', () => clearTimeout(t));
					} else {
						c.ws.terminate();
					}
				}),
		);
		await Promise.all(closing);
		if (server) {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			for (const s of this.sockets) s.destroy();
			await closed;
		}
		this.sockets.clear();
	}

	/** Stops everything: server, forward and reverse connections, timers, pending waits. */
	async close(): Promise<void> {
		await this.stop();
		await Promise.all([...this.reverse].map(async (r) => await r.close()));
		this.reverse.clear();
		for (const w of this.disconnectWaiters.splice(0)) {
			clearTimeout(w.timer);
			w.reject(new Error('FakeOneBot closed'));
		}
		for (const w of this.connectionWaiters.splice(0)) {
			clearTimeout(w.timer);
			w.reject(new Error('FakeOneBot closed'));
		}
		this.wss.close();
	}

	// ----- forward WS observation -----------------------------------------------------------

	/** Number of open forward WebSocket clients (optionally of one role). */
	connections(role?: Role): number {
		let n = 0;
		for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN && (!role || c.role === role)) n++;
		return n;
	}

	/** Resolves once at least `count` forward clients are connected. */
	async waitForConnection(count = 1, timeoutMs = 5000): Promise<void> {
		if (this.connections() >= count) return;
		await new Promise<void>((resolve, reject) => {
			const waiter = {
				count,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.connectionWaiters = this.connectionWaiters.filter((w) => w !== waiter);
					reject(new Error(`no ${count} forward WebSocket connection(s) within ${timeoutMs} ms`));
				}, timeoutMs),
			};
			this.connectionWaiters.push(waiter);
		});
	}

	/** Resolves at the next forward client disconnect (close code as the server saw it). */
	async waitForDisconnect(timeoutMs = 5000): Promise<Disconnect> {
		return await new Promise<Disconnect>((resolve, reject) => {
			const waiter: Waiter<Disconnect> = {
				resolve,
				reject,
				timer: setTimeout(() => {
					this.disconnectWaiters = this.disconnectWaiters.filter((w) => w !== waiter);
					reject(new Error(`no forward WebSocket disconnect within ${timeoutMs} ms`));
				}, timeoutMs),
			};
			this.disconnectWaiters.push(waiter);
		});
	}

	/** Closes every forward client connection (terminate: drop TCP without a close frame). */
	dropConnections(options: { terminate?: boolean; code?: number; reason?: string } = {}): void {
		for (const c of this.clients) {
			if (options.terminate) c.ws.terminate();
			else c.ws.close(options.code ?? 1000, options.reason ?? '');
		}
	}

	// ----- events ----------------------------------------------------------------------------

	/** Sends an event to every forward client on `/` and `/event`; returns how many got it. */
	pushEvent(event: unknown): number {
		return this.sendRaw(JSON.stringify(event));
	}

	/**
	 * Sends a raw frame (text, or binary for a Buffer unless `asText`: bytes sent as a text frame,
	 * as they are) to every forward client on `/` and `/event`.
	 */
	sendRaw(frame: string | Buffer, asText = false): number {
		let n = 0;
		for (const c of this.clients) {
			if (c.role !== 'api' && c.ws.readyState === WebSocket.OPEN) {
				c.ws.send(frame, { binary: typeof frame !== 'string' && !asText });
				n++;
			}
		}
		return n;
	}

	/**
	 * Acts as the backend in reverse-WS mode: connects to `url` with OneBot's handshake headers
	 * (X-Self-ID, X-Client-Role, Authorization `<scheme> <token>`), sends the lifecycle frame as
	 * Universal/Event, and answers API frames like the forward WebSocket does. Rejects with a
	 * ReverseConnectError (carrying the HTTP status) when the server refuses the handshake.
	 */
	async connectReverse(url: string, options: ReverseOptions = {}): Promise<ReverseConnection> {
		const selfId = options.selfId ?? this.selfId;
		const role = options.role ?? 'Universal';
		const headers: Record<string, string> = {
			'X-Self-ID': String(selfId),
			'X-Client-Role': role,
			'User-Agent': 'CQHttp/4.15.0',
			...options.headers,
		};
		if (options.token) headers.Authorization = `${options.tokenScheme ?? 'Bearer'} ${options.token}`;
		const ws = new WebSocket(url, { headers });
		const connection = new ReverseConnection(ws, url, headers);
		await new Promise<void>((resolve, reject) => {
			const fail = (error: Error) => {
				ws.removeAllListeners('open');
				reject(error);
			};
			ws.once('open', () => {
				ws.off('error', fail);
				resolve();
			});
			ws.once('unexpected-response', (_req, res: IncomingMessage) => {
				res.resume();
				ws.terminate();
				fail(new ReverseConnectError(`reverse WebSocket handshake refused: HTTP ${res.statusCode}`, res.statusCode));
			});
			ws.once('error', fail);
		});
		ws.on('error', () => {});
		this.reverse.add(connection);
		ws.on('close', () => this.reverse.delete(connection));
		const path = new URL(url).pathname;
		const wsRole: Role = role === 'API' ? 'api' : role === 'Event' ? 'event' : 'universal';
		const lowerHeaders: IncomingHttpHeaders = Object.fromEntries(
			Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
		);
		const query = searchToObject(new URL(url).searchParams, false) as Record<string, string>;
		ws.on('message', (data: RawData) => {
			if (wsRole === 'event') return;
			void this.onWsFrame(ws, rawToString(data), { path, direction: 'reverse', headers: lowerHeaders, query });
		});
		if ((options.lifecycle ?? true) && wsRole !== 'api') {
			ws.send(JSON.stringify(lifecycleEvent(selfId)));
		}
		return connection;
	}

	/**
	 * Acts as the backend's HTTP POST reporter: POSTs the event JSON with Content-Type
	 * application/json, X-Self-ID and (with `secret`) X-Signature `sha1=HMAC-SHA1(secret, body)`.
	 * Returns the response (its JSON body is the quick operation).
	 */
	async postEvent(url: string, event: unknown, options: PostEventOptions = {}): Promise<PostEventResult> {
		const body = options.rawBody ?? JSON.stringify(event);
		const bodyBuffer = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
		const eventSelfId =
			event && typeof event === 'object' && 'self_id' in event ? (event as JsonObject).self_id : undefined;
		const headers: Record<string, string> = {
			'Content-Type': 'application/json',
			'User-Agent': 'CQHttp/4.15.0',
			'X-Self-ID': String(options.selfId ?? eventSelfId ?? this.selfId),
			'Content-Length': String(bodyBuffer.length),
			...options.headers,
		};
		let signature: string | undefined;
		if (options.signatureOverride !== undefined) {
			signature = options.signatureOverride ?? undefined;
		} else if (options.secret !== undefined) {
			signature = signBody(options.secret, bodyBuffer);
		}
		if (signature !== undefined) headers['X-Signature'] = signature;

		const target = new URL(url);
		const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
		return await new Promise<PostEventResult>((resolve, reject) => {
			const req = send(
				target,
				{ method: 'POST', headers, agent: false, timeout: options.timeoutMs ?? 10_000 },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						const rawBody = Buffer.concat(chunks).toString('utf8');
						let parsed: unknown = null;
						if (rawBody.trim() !== '') {
							try {
								parsed = JSON.parse(rawBody) as unknown;
							} catch {
								parsed = rawBody;
							}
						}
						resolve({
							status: res.statusCode ?? 0,
							headers: res.headers,
							body: parsed,
							rawBody,
							sentBody: bodyBuffer.toString('utf8'),
							signature,
						});
					});
					res.on('error', reject);
				},
			);
			req.on('timeout', () => req.destroy(new Error('postEvent timed out')));
			req.on('error', reject);
			req.end(bodyBuffer);
		});
	}

	// ----- dispatch --------------------------------------------------------------------------

	private unknownEnvelope(transport: 'http' | 'ws'): { httpStatus: number; envelope?: OneBotEnvelope } {
		switch (this.unknownAction) {
			case 'retcode404':
				return { httpStatus: 200, envelope: failed(404, 'API_NOT_FOUND', 'API不存在') };
			case 'retcode1404':
				return { httpStatus: 200, envelope: failed(1404, 'API_NOT_FOUND', 'API不存在') };
			default:
				return transport === 'http'
					? { httpStatus: 404 }
					: { httpStatus: 200, envelope: failed(1404, 'API_NOT_FOUND', 'API不存在') };
		}
	}

	/** Runs the action; returns the HTTP status and envelope to send. */
	private async dispatch(call: OneBotCall): Promise<{ httpStatus: number; envelope?: OneBotEnvelope }> {
		let action = call.action;
		let asyncCall = false;
		if (action.endsWith('_async') && !this.handlers.has(action)) {
			if (this.asyncSuffix === 'unknown') return this.unknownEnvelope(call.transport);
			action = action.slice(0, -'_async'.length);
			asyncCall = this.asyncSuffix === 'async';
		}
		const handler = this.handlers.get(action) ?? this.fallback;
		if (!handler) return this.unknownEnvelope(call.transport);

		const wait = this.delays.get(action) ?? this.delays.get(call.action) ?? 0;
		if (wait > 0) {
			await new Promise<void>((resolve) => {
				const t = setTimeout(() => {
					this.pendingTimers.delete(t);
					resolve();
				}, wait);
				this.pendingTimers.add(t);
			});
		}

		let envelope: OneBotEnvelope;
		try {
			const result = await handler(call.params, call);
			envelope = isEnvelope(result) ? { ...result } : ok(result === undefined ? null : result);
		} catch (error) {
			const e = error as Error & { retcode?: number; code?: string };
			envelope = failed(typeof e.retcode === 'number' ? e.retcode : 100, e.code ?? 'HANDLER_ERROR', e.message);
		}
		if (asyncCall && envelope.status === 'ok') envelope = asyncAccepted();
		return { httpStatus: 200, envelope };
	}

	/** null = authorized; otherwise the HTTP status to refuse with. */
	private checkAuth(headers: IncomingHttpHeaders, query: URLSearchParams): number | null {
		if (!this.accessToken) return null;
		let token: string | undefined;
		const header = headers.authorization;
		if (header !== undefined) {
			const space = header.indexOf(' ');
			token = space >= 0 ? header.slice(space + 1) : header;
		} else {
			token = query.get('access_token') ?? undefined;
		}
		if (!token) return this.authStyle === 'napcat' ? 403 : 401;
		if (token !== this.accessToken) return 403;
		return null;
	}

	// ----- HTTP ------------------------------------------------------------------------------

	private onHttp(req: IncomingMessage, res: ServerResponse): void {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			void this.handleHttp(req, res, Buffer.concat(chunks)).catch(() => {
				if (!res.headersSent) res.writeHead(500);
				res.end();
			});
		});
	}

	private async handleHttp(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';
		const contentType = req.headers['content-type'];
		const rawBody = raw.toString('utf8');
		const query = searchToObject(url.searchParams, false) as Record<string, string>;
		let pathname = url.pathname;
		if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);

		const call: OneBotCall = {
			transport: 'http',
			method,
			path: url.pathname,
			action: pathname === '/' ? '' : decodeURIComponent(pathname.slice(1)),
			params: {},
			headers: req.headers,
			query,
			contentType,
			rawBody,
			at: performance.now(),
		};
		this.calls.push(call);

		const reply = (status: number, envelope?: OneBotEnvelope) => {
			call.httpStatus = status;
			if (envelope) {
				call.response = envelope;
				res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
				res.end(stringifyWithBigInt(envelope));
			} else {
				res.writeHead(status);
				res.end();
			}
		};

		const denied = this.checkAuth(req.headers, url.searchParams);
		if (denied !== null) {
			return this.authStyle === 'napcat'
				? reply(denied, { status: 'failed', retcode: denied, data: null, message: 'token verify failed', wording: 'token verify failed' })
				: reply(denied);
		}
		if (method !== 'GET' && method !== 'POST') return reply(404);

		// params: JSON body → form body → query (the first that has the key wins)
		let params: JsonObject = searchToObject(url.searchParams, true, 'access_token');
		if (method === 'POST' && raw.length > 0) {
			const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
			if (type === 'application/json') {
				let body: unknown;
				try {
					body = JSON.parse(rawBody) as unknown;
				} catch {
					return reply(400);
				}
				if (!body || typeof body !== 'object' || Array.isArray(body)) return reply(400);
				params = { ...params, ...(body as JsonObject) };
			} else if (type === 'application/x-www-form-urlencoded') {
				params = { ...params, ...searchToObject(new URLSearchParams(rawBody), true) };
			} else {
				return reply(406);
			}
		}
		if (call.action === '') {
			// POST / with {"action": ..., "params": {...}} (go-cqhttp extension)
			if (method !== 'POST' || typeof params.action !== 'string') return reply(404);
			call.action = params.action;
			params = params.params && typeof params.params === 'object' ? (params.params as JsonObject) : {};
		}
		call.params = params;
		const { httpStatus, envelope } = await this.dispatch(call);
		if (res.destroyed) return;
		reply(httpStatus, envelope);
	}

	// ----- forward WebSocket ----------------------------------------------------------------

	private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const denied = this.checkAuth(req.headers, url.searchParams);
		if (denied !== null) {
			const text = denied === 401 ? 'Unauthorized' : 'Forbidden';
			socket.end(`HTTP/1.1 ${denied} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		this.wss.handleUpgrade(req, socket, head, (ws) => this.onForwardConnection(ws, req, url));
	}

	private onForwardConnection(ws: WebSocket, req: IncomingMessage, url: URL): void {
		const client: ForwardClient = {
			ws,
			path: url.pathname,
			role: roleOfPath(url.pathname),
			headers: req.headers,
			query: searchToObject(url.searchParams, false) as Record<string, string>,
		};
		this.clients.add(client);
		ws.on('error', () => {});
		ws.on('close', (code, reason) => {
			this.clients.delete(client);
			this.onForwardChange?.();
			const info: Disconnect = { path: client.path, role: client.role, code, reason: reason.toString() };
			for (const w of this.disconnectWaiters.splice(0)) {
				clearTimeout(w.timer);
				w.resolve(info);
			}
		});
		ws.on('message', (data: RawData) => {
			if (client.role === 'event') return; // event-only connection: API frames are not served
			void this.onWsFrame(ws, rawToString(data), {
				path: client.path,
				direction: 'forward',
				headers: client.headers,
				query: client.query,
			});
		});
		if (this.lifecycle && client.role !== 'api') {
			ws.send(JSON.stringify({ _post_method: 2, ...lifecycleEvent(this.selfId) }));
		}
		for (const w of [...this.connectionWaiters]) {
			if (this.connections() >= w.count) {
				this.connectionWaiters = this.connectionWaiters.filter((x) => x !== w);
				clearTimeout(w.timer);
				w.resolve();
			}
		}
		this.onForwardChange?.();
	}

	private async onWsFrame(
		ws: WebSocket,
		text: string,
		ctx: { path: string; direction: 'forward' | 'reverse'; headers: IncomingHttpHeaders; query: Record<string, string> },
	): Promise<void> {
		const call: OneBotCall = {
			transport: 'ws',
			direction: ctx.direction,
			method: 'WS',
			path: ctx.path,
			action: '',
			params: {},
			headers: ctx.headers,
			query: ctx.query,
			rawBody: text,
			at: performance.now(),
		};
		this.calls.push(call);
		let frame: unknown;
		try {
			frame = JSON.parse(text) as unknown;
		} catch {
			frame = undefined;
		}
		const send = (envelope: OneBotEnvelope) => {
			call.response = envelope;
			if (ws.readyState === WebSocket.OPEN) ws.send(stringifyWithBigInt(envelope));
		};
		if (!frame || typeof frame !== 'object' || Array.isArray(frame) || typeof (frame as JsonObject).action !== 'string') {
			send(failed(1400, 'BAD_REQUEST', 'invalid request frame'));
			return;
		}
		const f = frame as JsonObject;
		call.action = f.action as string;
		call.params = f.params && typeof f.params === 'object' && !Array.isArray(f.params) ? (f.params as JsonObject) : {};
		const hasEcho = Object.prototype.hasOwnProperty.call(f, 'echo');
		if (hasEcho) call.echo = f.echo;
		const { envelope: result } = await this.dispatch(call);
		const envelope = result ?? failed(1404, 'API_NOT_FOUND', 'API不存在');
		if (hasEcho) envelope.echo = f.echo;
		send(envelope);
	}
}
