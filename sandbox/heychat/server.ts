// A Heychat (黑盒语音) bot backend (the test fakes and the chat sandbox share it): the HTTP API, the upload host and the WebSocket
// gateway on one 127.0.0.1 port. Follows ../shared/reference/heychat/heychat-api.md: the `token`
// header, the seven common query parameters, the {status, msg, result} envelope, multipart upload
// (field `file`) answering a CDN URL, X-RateLimit-* headers on HTTP 429, and the gateway's text
// PING → PONG heartbeat with JSON event frames pushed by the test.
//
//   const hey = await FakeHeychat.start();
//   ... run the node with hey.credentials() ...
//   hey.lastCall('/chatroom/v2/channel_msg/send')?.json   // the body as sent (ids as strings)
//   hey.pushEvent(hey.event('50', { ... }));              // gateway event to every connected client
//   await hey.close();
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import WebSocket, { WebSocketServer } from 'ws';

import endpoints from '../../nodes/Heychat/catalog/endpoints.json';
import { parseJsonLossless } from '../../nodes/shared/json';
import { urlHost } from '../onebot/server';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

export const COMMON_QUERY: Record<string, string> = {
	client_type: 'heybox_chat',
	x_client_type: 'web',
	os_type: 'web',
	x_os_type: 'bot',
	x_app: 'heybox_chat',
	chat_os_type: 'bot',
	chat_version: '1.30.0',
};

export const GATEWAY_PATH = '/chatroom/ws/connect';

export interface MultipartPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

export interface HeychatCall {
	method: string;
	path: string;
	/** Query parameters (first value per name). */
	query: Record<string, string>;
	/** Every query value, for checking duplicates. */
	queryAll: Array<[string, string]>;
	headers: IncomingHttpHeaders;
	contentType?: string;
	rawBody: Buffer;
	/** The JSON body parsed without losing big numbers (they come back as digit strings). */
	json?: unknown;
	/** Multipart parts (upload). */
	parts?: MultipartPart[];
	/** The part named `file`, if any. */
	file?: MultipartPart;
	/** Whether the token header matched. */
	authorized: boolean;
	/** What the fake answered (unset when no answer was sent: see `loseAnswerNext`). */
	status?: number;
	responseText?: string;
	/** Set when the fake carried the call out but lost its answer (see `loseAnswerNext`). */
	answerLost?: true;
	/** When the call arrived: `performance.now()` of this process, for spacing and order, not a date. */
	at: number;
}

/** What a handler answers. */
export interface FakeResponse {
	status?: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string or Buffer as is (raw JSON text with bare big numbers, or garbage). */
	body?: unknown;
}

/** A handler: return a FakeResponse (`{ status?, headers?, body }`), or undefined for the default answer. */
export type HeychatHandler = (call: HeychatCall) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

export interface FakeHeychatOptions {
	/** The bot token the fake accepts. Default 'fake-bot-token'. */
	token?: string;
	/**
	 * How a missing or wrong token is refused: 'http401' (HTTP 401 with a failed envelope, default)
	 * or 'envelope' (HTTP 200, `{status: "failed", msg: "token无效"}`).
	 */
	authFailure?: 'http401' | 'envelope';
	/** Refuse calls without the seven common query parameters (HTTP 400). Default true. */
	requireCommonQuery?: boolean;
	/** Shape of the joined-rooms answer (the reference has both). Default 'flat'. */
	joinedRoomsShape?: 'flat' | 'nested';
	/**
	 * The rooms the bot is in, each with its channel tree (see `fakeRoom`): room/joined pages over
	 * them and room/view answers each one's tree (a room not listed: a failed answer). Default: the
	 * two FAKE_ROOMS, both answering FAKE_CHANNELS. `setRooms` changes them; `reset` restores these.
	 */
	rooms?: FakeRoom[];
	/**
	 * Shape of the create/update role answer (uncertain in the reference): 'wrapped' =
	 * `result.role` (CS, CJSAH), 'flat' = the role as `result` (HBNET). Default 'wrapped'.
	 */
	roleAnswerShape?: 'wrapped' | 'flat';
	/** Key of the granted roles in the grant answer: 'roles' (CS) or 'role' (HBNET). Default 'roles'. */
	grantRolesKey?: 'roles' | 'role';
	/** Accept any non-empty token (the sandbox without a configured token). Default false. */
	acceptAnyToken?: boolean;
	/** Address to listen on (default 127.0.0.1) and port (default 0 = random). */
	host?: string;
	port?: number;
	/**
	 * Answers an authorized call to a catalog endpoint before the built-in answer (undefined: the
	 * built-in answer). The sandbox routes every endpoint to its world through it.
	 */
	route?: (endpoint: string, call: HeychatCall) => FakeResponse | undefined | Promise<FakeResponse | undefined>;
}

/** A message the fake accepted (a channel or private send): what the chat would show. */
export interface AcceptedMessage {
	endpoint: 'send_channel_message' | 'send_private_message';
	/** Its heychat_ack_id. */
	ackId: string;
	body: JsonObject;
	/** `Date.now()` when it was accepted (Heychat refuses its ack id again within 60 s of it). */
	at: number;
}

/** Heychat's answer to a send whose heychat_ack_id came within 60 s of an accepted one. */
export const DUPLICATE_ACK_MSG = '消息已发送，请勿重复发送';

/** How long Heychat refuses a heychat_ack_id again (the reference, §2.2). */
const ACK_ID_WINDOW_MS = 60_000;

const MESSAGE_SENDS = new Set(['send_channel_message', 'send_private_message']);

export interface GatewayConnection {
	socket: WebSocket;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	/** Text frames the client sent (PING included). */
	received: string[];
	/** WebSocket ping frames the client sent. */
	webSocketPings: number;
	/** When it opened: `performance.now()` of this process, for spacing and order, not a date. */
	at: number;
	/** Set when the connection closed (by either side), `at` as above. */
	closed?: { code: number; at: number };
}

// ---------------------------------------------------------------------------------------------
// Fixtures (values from the reference's examples; ids above 2^53 are strings, as Heychat sends them)
// ---------------------------------------------------------------------------------------------

export const FAKE_ROOMS = [
	{
		room_id: '3663316788315193344',
		room_name: 'n8n 测试房间',
		room_avatar: 'https://chat.max-c.com/a.png',
		room_pic: 'https://chat.max-c.com/b.png',
		create_by: 72053518,
		is_public: 1,
		public_id: '10001',
		is_hot: 0,
		join_time: 1725531286039,
	},
	{
		room_id: '3611849174284943360',
		room_name: 'Second Room',
		room_avatar: '',
		room_pic: '',
		create_by: 43028164,
		is_public: 0,
		public_id: '10002',
		is_hot: 0,
		join_time: 1725531286040,
	},
];

export const FAKE_CHANNELS = [
	{
		channel_id: '3665944781964836864',
		channel_name: '默认频道',
		channel_type: 1,
		parent_id: '0',
		api_type: '',
		channel_list: [],
	},
	{
		channel_id: '3665944781964836000',
		channel_name: 'Voice',
		channel_type: 3,
		parent_id: '0',
		api_type: 'trtc',
		channel_list: [
			{ channel_id: '3665944781964836999', channel_name: 'Lobby', channel_type: 0, parent_id: '3665944781964836000', api_type: 'trtc', channel_list: [] },
		],
	},
];

/** A room the bot is in, as room/joined lists it, and its channel tree as room/view answers it. */
export interface FakeRoom {
	room: JsonObject & { room_id: string };
	channels: JsonObject[];
}

/**
 * A room's channel tree as room/view answers it (ids from `base`, 19 digits): text channels at the
 * top (默认频道, an announcement channel 公告), a category of text channels (Announcements, 闲聊), and a
 * category of voice channels (Lobby, and a voice channel also named "announcements"). Channel
 * types per the reference: 0 voice, 1 text, 2 announcement, 3 category.
 */
export function fakeChannelTree(base: string): JsonObject[] {
	const id = (n: number) => (BigInt(base) + BigInt(n)).toString();
	const channel = (n: number, name: string, type: number, parent = '0', children: JsonObject[] = []): JsonObject => ({
		channel_id: id(n),
		channel_name: name,
		channel_type: type,
		parent_id: parent,
		api_type: type === 0 ? 'trtc' : '',
		channel_list: children,
	});
	return [
		channel(1, '默认频道', 1),
		channel(2, '公告', 2),
		channel(10, '文字频道', 3, '0', [channel(11, 'Announcements', 1, id(10)), channel(12, '闲聊', 1, id(10))]),
		channel(20, '语音频道', 3, '0', [channel(21, 'Lobby', 0, id(20)), channel(22, 'announcements', 0, id(20))]),
	];
}

/**
 * Room number `index` (room_id 3700000000000000000 + index × 1000: 19 digits) with `fakeChannelTree`
 * unless other channels are given.
 */
export function fakeRoom(index: number, options: { name?: string; channels?: JsonObject[] } = {}): FakeRoom {
	const roomId = (3700000000000000000n + BigInt(index) * 1000n).toString();
	return {
		room: {
			room_id: roomId,
			room_name: options.name ?? `Room ${index}`,
			room_avatar: '',
			room_pic: '',
			create_by: 72053518,
			is_public: 1,
			public_id: String(20000 + index),
			is_hot: 0,
			join_time: 1725531286039 + index,
		},
		channels: options.channels ?? fakeChannelTree(roomId),
	};
}

export const FAKE_ROLES = [
	{
		name: '高级管理员',
		icon: '',
		color_list: null,
		id: '3642878923738988546',
		department_id: '3642878923633221632',
		room_id: '3642878923633221632',
		permissions: '1',
		type: 7,
		color: 3198065,
		position: 0,
		del_tag: 1,
		hoist: 1,
		mentionable: 0,
		creator: '0',
		create_time: 0,
	},
	{
		name: 'Players',
		icon: '',
		color_list: null,
		id: '3642878923738988547',
		department_id: '3642878923633221632',
		room_id: '3642878923633221632',
		permissions: '16384',
		type: 0,
		color: 0,
		position: 1,
		del_tag: 0,
		hoist: 0,
		mentionable: 1,
		creator: '0',
		create_time: 0,
	},
];

export const FAKE_USERS = [
	{ user_id: 72053518, nickname: 'n8n bot', room_nickname: '', avatar: '', bot: true, level: 1, roles: null },
	{ user_id: 43028164, nickname: '玩家一', room_nickname: '一号', avatar: '', bot: false, level: 10, roles: ['3642878923738988547'] },
	{ user_id: 8829926, nickname: 'Player Two', room_nickname: '', avatar: '', bot: false, level: 3, roles: null },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export function ok(result: unknown = {}): JsonObject {
	return { status: 'ok', msg: '', result };
}

function isOkEnvelope(body: unknown): boolean {
	return typeof body === 'object' && body !== null && (body as JsonObject).status === 'ok';
}

export function failed(msg: string): JsonObject {
	return { status: 'failed', msg, result: {} };
}

interface EndpointEntry {
	value: string;
	method: string;
	host: string;
	path: string;
}

const ENDPOINTS = (endpoints as unknown as { operations: EndpointEntry[] }).operations;

/** Splits a multipart/form-data body into its parts. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
	const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!match) return [];
	const boundary = Buffer.from(`--${match[1] ?? match[2]}`);
	const parts: MultipartPart[] = [];
	let start = body.indexOf(boundary);
	while (start !== -1) {
		const next = body.indexOf(boundary, start + boundary.length);
		if (next === -1) break;
		// part = after boundary + CRLF ... before CRLF + next boundary
		const part = body.subarray(start + boundary.length + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headerText = part.subarray(0, headerEnd).toString('utf8');
			const data = part.subarray(headerEnd + 4);
			const disposition = /content-disposition:([^\r\n]*)/i.exec(headerText)?.[1] ?? '';
			const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
			const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
			const type = /content-type:\s*([^\r\n]*)/i.exec(headerText)?.[1]?.trim();
			parts.push({ name, fileName, contentType: type, data: Buffer.from(data) });
		}
		start = next;
	}
	return parts;
}

function firstValues(params: URLSearchParams): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of params) if (!(k in out)) out[k] = v;
	return out;
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

export class FakeHeychat {
	readonly calls: HeychatCall[] = [];
	readonly gatewayConnections: GatewayConnection[] = [];
	/**
	 * The messages the fake accepted, in order. A send whose heychat_ack_id an accepted message had
	 * within the last 60 s is refused with Heychat's "消息已发送，请勿重复发送" and not added here.
	 */
	readonly messages: AcceptedMessage[] = [];
	/** The token the fake accepts; assign another one to emulate a rotated token (gateway and HTTP). */
	token: string;
	/** Whether a text `PING` on the gateway gets an answer (set false to test a client's watchdog). */
	answerPing = true;
	/** Whether a WebSocket ping on the gateway gets its pong (set false, with answerPing, for a dead connection). */
	answerWebSocketPing = true;
	/** The gateway's answer to `PING` (the real server may append a suffix, e.g. `PONG, tag: []`). */
	pongText = 'PONG';
	/** Called for every accepted gateway connection, right after it opened (e.g. to close it at once). */
	onGatewayConnection: ((connection: GatewayConnection) => void) | undefined;
	/** Called whenever a gateway connection opened or closed (the sandbox counts its listeners). */
	onGatewayChange: (() => void) | undefined;
	private readonly options: Required<Omit<FakeHeychatOptions, 'route' | 'host' | 'port' | 'acceptAnyToken' | 'rooms'>>;
	private readonly startRooms: FakeRoom[] | undefined;
	private rooms: FakeRoom[] | undefined;
	private readonly acceptAnyToken: boolean;
	private readonly host: string;
	private readonly route: FakeHeychatOptions['route'];
	private readonly handlers = new Map<string, HeychatHandler[]>();
	private readonly files = new Map<string, { data: Buffer; mimeType: string }>();
	private readonly sockets = new Set<Socket>();
	/** Path → what its next calls get instead of their answer, in order (see loseAnswerNext). */
	/** heychat_ack_id → when (Date.now()) the last message with it was accepted. */
	private readonly acceptedAckIds = new Map<string, number>();
	private readonly lostAnswers = new Map<string, Array<'none' | 'reset' | FakeResponse>>();

	/** TCP connections accepted since start (API, upload and gateway alike; never reset). */
	acceptedSockets = 0;
	private server!: Server;
	private wss!: WebSocketServer;
	private port = 0;
	private stopped = false;
	private msgCounter = 0n;
	private sequence = 8830551;
	private uploadCounter = 0;

	private constructor(options: FakeHeychatOptions) {
		this.options = {
			token: options.token ?? 'fake-bot-token',
			authFailure: options.authFailure ?? 'http401',
			requireCommonQuery: options.requireCommonQuery ?? true,
			joinedRoomsShape: options.joinedRoomsShape ?? 'flat',
			roleAnswerShape: options.roleAnswerShape ?? 'wrapped',
			grantRolesKey: options.grantRolesKey ?? 'roles',
		};
		this.token = this.options.token;
		this.startRooms = options.rooms;
		this.rooms = options.rooms;
		this.acceptAnyToken = options.acceptAnyToken ?? false;
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
		this.route = options.route;
	}

	static async start(options: FakeHeychatOptions = {}): Promise<FakeHeychat> {
		const fake = new FakeHeychat(options);
		await fake.listen(fake.port);
		return fake;
	}

	/** http://127.0.0.1:<port>: the API base URL and the upload URL. */
	get url(): string {
		return `http://${urlHost(this.host)}:${this.port}`;
	}

	get gatewayUrl(): string {
		return `ws://${urlHost(this.host)}:${this.port}${GATEWAY_PATH}`;
	}

	/** Credential data for the `heychatBotApi` credential pointing at this fake. */
	credentials(overrides: Record<string, string> = {}): Record<string, string> {
		return {
			token: this.token,
			apiBaseUrl: this.url,
			uploadUrl: this.url,
			gatewayUrl: this.gatewayUrl,
			...overrides,
		};
	}

	// ------------------------------------------------------------------ recording

	callsTo(path: string): HeychatCall[] {
		return this.calls.filter((c) => c.path === path);
	}

	lastCall(path?: string): HeychatCall | undefined {
		const list = path === undefined ? this.calls : this.callsTo(path);
		return list[list.length - 1];
	}

	/**
	 * Forgets the recorded calls, the accepted messages (and so their ack ids) and every handler set
	 * with `on`/`failNext`/`rateLimitNext`/`loseAnswerNext`; the rooms are the start's again.
	 */
	reset(): void {
		this.calls.length = 0;
		this.messages.length = 0;
		this.acceptedAckIds.clear();
		this.handlers.clear();
		this.lostAnswers.clear();
		this.rooms = this.startRooms;
	}

	/** The rooms the bot is in from now on (undefined: the default two rooms), until `reset`. */
	setRooms(rooms: FakeRoom[] | undefined): this {
		this.rooms = rooms;
		return this;
	}

	// ------------------------------------------------------------------ behaviour

	/**
	 * Answers calls to `path` with `handler` (a FakeResponse, or undefined to fall through to the
	 * default answer). `times` limits how many calls it answers (default: all).
	 */
	on(path: string, handler: HeychatHandler, times = Infinity): this {
		let left = times;
		const wrapped: HeychatHandler = (call) => {
			if (left <= 0) return undefined;
			left--;
			return handler(call);
		};
		const list = this.handlers.get(path) ?? [];
		list.push(wrapped);
		this.handlers.set(path, list);
		return this;
	}

	/** The next `times` calls to `path` get `{status: "failed", msg}` (HTTP 200). */
	failNext(path: string, msg: string, times = 1): this {
		return this.on(path, () => ({ body: failed(msg) }), times);
	}

	/**
	 * The next `times` calls to `path` are carried out (a send is accepted: it is in `messages`) but
	 * their answer is lost on the way back: by default none comes (the connection stays open until
	 * the client's timeout ends it); `instead: 'reset'` resets the connection; a FakeResponse (e.g.
	 * `{ status: 502 }`) is answered in place of the real one.
	 */
	loseAnswerNext(path: string, options: { times?: number; instead?: 'reset' | FakeResponse } = {}): this {
		const list = this.lostAnswers.get(path) ?? [];
		for (let i = 0; i < (options.times ?? 1); i++) list.push(options.instead ?? 'none');
		this.lostAnswers.set(path, list);
		return this;
	}

	/** The next `times` calls to `path` get HTTP 429 with the documented X-RateLimit-* headers. */
	rateLimitNext(
		path: string,
		times = 1,
		limit: { resetAfter?: number; bucket?: string; limit?: number; reset?: number; omitResetAfter?: boolean } = {},
	): this {
		return this.on(
			path,
			() => {
				const resetAfter = limit.resetAfter ?? 0.05;
				const headers: Record<string, string> = {
					'X-RateLimit-Limit': String(limit.limit ?? 300),
					'X-RateLimit-Remaining': '0',
					'X-RateLimit-Reset': String(limit.reset ?? Math.ceil(Date.now() / 1000 + resetAfter)),
					'X-RateLimit-Bucket': limit.bucket ?? '/user',
				};
				if (!limit.omitResetAfter) headers['X-RateLimit-Reset-After'] = String(resetAfter);
				return { status: 429, headers, body: failed('请求过于频繁') };
			},
			times,
		);
	}

	/**
	 * Serves a static file at `path` without any token or query check, like a CDN or an image host
	 * (for image-URL messages). Requests for it are recorded too. Returns its URL.
	 */
	serveFile(path: string, data: Buffer, mimeType: string): string {
		this.files.set(path, { data, mimeType });
		return `${this.url}${path}`;
	}

	// ------------------------------------------------------------------ gateway

	/** A gateway event frame as Heychat sends it. */
	event(type: string, data: JsonObject, extra: JsonObject = {}): JsonObject {
		return { sequence: this.sequence++, type, notify_type: '', data, timestamp: Date.now(), ...extra };
	}

	/** Sends a frame (object → JSON text; string → as is) to every open gateway connection. Returns how many got it. */
	pushEvent(frame: JsonObject | string): number {
		const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
		let sent = 0;
		for (const connection of this.gatewayConnections) {
			if (connection.socket.readyState === WebSocket.OPEN) {
				connection.socket.send(text);
				sent++;
			}
		}
		return sent;
	}

	/** Resolves when `count` gateway connections have been opened in total. */
	async waitForGateway(count = 1, timeoutMs = 5000): Promise<GatewayConnection> {
		const started = performance.now();
		while (this.gatewayConnections.length < count) {
			if (performance.now() - started > timeoutMs) throw new Error(`no gateway connection within ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 10));
		}
		return this.gatewayConnections[count - 1];
	}

	/** Closes every gateway connection (code 1001 by default), as a server restart would. */
	dropGateway(code = 1001, reason = 'going away'): void {
		for (const connection of this.gatewayConnections) {
			if (connection.socket.readyState === WebSocket.OPEN) connection.socket.close(code, reason);
		}
	}

	/** Gateway connections that are open now. */
	openGatewayConnections(): GatewayConnection[] {
		return this.gatewayConnections.filter((c) => c.socket.readyState === WebSocket.OPEN);
	}

	/** Resolves when `connection` (default: the newest) has closed. */
	async waitForGatewayClose(connection?: GatewayConnection, timeoutMs = 5000): Promise<{ code: number; at: number }> {
		const target = connection ?? this.gatewayConnections[this.gatewayConnections.length - 1];
		if (!target) throw new Error('no gateway connection');
		const started = performance.now();
		while (!target.closed) {
			if (performance.now() - started > timeoutMs) throw new Error(`gateway connection still open after ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 5));
		}
		return target.closed;
	}

	// ------------------------------------------------------------------ lifecycle

	/**
	 * Stops the whole fake like a crashed server: gateway connections end abnormally (1006), the
	 * port stops listening (clients get "connection refused"). `restart()` listens on the same port.
	 */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		for (const connection of this.gatewayConnections) connection.socket.terminate();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Listens again on the port it had before `stop()`. */
	async restart(): Promise<void> {
		if (!this.stopped) return;
		await this.listen(this.port);
		this.stopped = false;
	}

	async close(): Promise<void> {
		await this.stop();
	}

	private async listen(port = 0): Promise<void> {
		this.server = createServer((req, res) => {
			this.handleHttp(req, res).catch(() => {
				if (!res.headersSent) res.writeHead(500);
				res.end();
			});
		});
		this.server.on('connection', (socket) => {
			this.acceptedSockets++;
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.wss = new WebSocketServer({ noServer: true, autoPong: false });
		this.server.on('upgrade', (req, socket, head) => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const token = (req.headers.token as string | undefined) ?? url.searchParams.get('token') ?? '';
			if (url.pathname !== GATEWAY_PATH || !this.tokenMatches(token)) {
				socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
				socket.destroy();
				return;
			}
			this.wss.handleUpgrade(req, socket, head, (ws) => {
				const connection: GatewayConnection = {
					socket: ws,
					query: firstValues(url.searchParams),
					headers: req.headers,
					received: [],
					webSocketPings: 0,
					at: performance.now(),
				};
				this.gatewayConnections.push(connection);
				ws.on('message', (data, isBinary) => {
					const text = isBinary ? '' : data.toString();
					connection.received.push(text);
					if (text.toUpperCase() === 'PING' && this.answerPing) ws.send(this.pongText);
				});
				ws.on('ping', (data) => {
					connection.webSocketPings++;
					if (this.answerWebSocketPing) ws.pong(data);
				});
				ws.on('close', (code) => {
					connection.closed = { code, at: performance.now() };
					this.onGatewayChange?.();
				});
				this.onGatewayConnection?.(connection);
				this.onGatewayChange?.();
			});
		});
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, this.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.port = (this.server.address() as AddressInfo).port;
	}

	private tokenMatches(token: unknown): boolean {
		if (typeof token !== 'string') return false;
		return this.acceptAnyToken ? token !== '' : token === this.token;
	}

	private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const contentType = req.headers['content-type'];
		const call: HeychatCall = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: firstValues(url.searchParams),
			queryAll: [...url.searchParams],
			headers: req.headers,
			contentType,
			rawBody,
			authorized: this.tokenMatches(req.headers.token),
			at: performance.now(),
		};
		if (contentType?.startsWith('multipart/form-data')) {
			call.parts = parseMultipart(rawBody, contentType);
			call.file = call.parts.find((p) => p.name === 'file');
		} else if (rawBody.length > 0) {
			try {
				call.json = parseJsonLossless(rawBody.toString('utf8'));
			} catch {
				call.json = undefined;
			}
		}
		this.calls.push(call);

		const file = this.files.get(call.path);
		if (file) {
			call.status = 200;
			res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.data.length) });
			res.end(file.data);
			return;
		}
		let response = await this.answer(call);
		const lost = this.lostAnswers.get(call.path)?.shift();
		if (lost !== undefined) call.answerLost = true;
		if (lost === 'none') {
			// no answer: the client's timeout ends the connection
			await new Promise<void>((resolve) => res.once('close', () => resolve()));
			return;
		}
		if (lost === 'reset') {
			req.socket.resetAndDestroy();
			return;
		}
		if (lost !== undefined) response = lost;
		const status = response.status ?? 200;
		const raw = response.body;
		const text = typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw ?? {});
		call.status = status;
		call.responseText = text.toString();
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(response.headers ?? {}) });
		res.end(text);
	}

	private async answer(call: HeychatCall): Promise<FakeResponse> {
		if (!call.authorized) {
			return this.options.authFailure === 'envelope'
				? { body: failed('token无效') }
				: { status: 401, body: failed('鉴权失败') };
		}
		if (this.options.requireCommonQuery) {
			for (const [name, value] of Object.entries(COMMON_QUERY)) {
				if (call.query[name] !== value) {
					return { status: 400, body: failed(`common query parameter ${name} missing or wrong`) };
				}
			}
		}
		for (const handler of this.handlers.get(call.path) ?? []) {
			const custom = await handler(call);
			if (custom) return custom;
		}
		const endpoint = ENDPOINTS.find((e) => e.path === call.path);
		if (!endpoint) return { status: 404, body: failed('接口不存在') };
		if (endpoint.method !== call.method) return { status: 405, body: failed(`method ${call.method} not allowed`) };
		const send = MESSAGE_SENDS.has(endpoint.value);
		if (send && this.recentAckId(call)) return { body: failed(DUPLICATE_ACK_MSG) };
		if (this.route) {
			const routed = await this.route(endpoint.value, call);
			if (routed) {
				if (send && isOkEnvelope(routed.body)) this.accept(endpoint.value, call);
				return routed;
			}
		}
		if (endpoint.host === 'upload') {
			if (!call.file) return { body: failed('没有上传文件') };
			return { body: { ...ok({ url: this.uploadedUrl(call.file) }), version: '1.0' } };
		}
		const result = this.defaultResult(endpoint.value, call);
		// a room the bot is not in (only when the rooms are set)
		if (result === undefined) return { body: failed('房间不存在') };
		if (send) this.accept(endpoint.value, call);
		return { body: ok(result) };
	}

	/** Whether a message with this send's heychat_ack_id was accepted within the last 60 s. */
	private recentAckId(call: HeychatCall): boolean {
		const ackId = (call.json as JsonObject | undefined)?.heychat_ack_id;
		if (ackId === undefined) return false;
		const at = this.acceptedAckIds.get(String(ackId));
		return at !== undefined && Date.now() - at < ACK_ID_WINDOW_MS;
	}

	private accept(endpoint: string, call: HeychatCall): void {
		const body = (call.json ?? {}) as JsonObject;
		const message: AcceptedMessage = {
			endpoint: endpoint as AcceptedMessage['endpoint'],
			ackId: String(body.heychat_ack_id ?? ''),
			body,
			at: Date.now(),
		};
		this.messages.push(message);
		this.acceptedAckIds.set(message.ackId, message.at);
	}

	private uploadedUrl(file: MultipartPart): string {
		this.uploadCounter++;
		const ext = (file.fileName ?? 'file').split('.').pop() ?? 'bin';
		return `https://chat.max-c.com/attachments/2024-09-03/18309496205790453${String(this.uploadCounter).padStart(2, '0')}_xWKtFCRPWo.${ext}`;
	}

	private nextMsgId(): string {
		this.msgCounter++;
		return (1836295184143134720n + this.msgCounter).toString();
	}

	/** Results modelled on the reference's examples. */
	private defaultResult(endpoint: string, call: HeychatCall): unknown {
		const body = (call.json ?? {}) as JsonObject;
		switch (endpoint) {
			case 'send_channel_message': {
				const id = this.nextMsgId();
				return { chatmobile_ack_id: '', heychat_ack_id: body.heychat_ack_id, msg_id: id, msg_seq: id };
			}
			case 'update_channel_message':
				return { chatmobile_ack_id: '', heychat_ack_id: body.heychat_ack_id };
			case 'send_private_message': {
				const id = this.nextMsgId();
				return { heychat_ack_id: body.heychat_ack_id, msg_id: id, msg_seq: id };
			}
			case 'list_room_roles':
				return { roles: FAKE_ROLES };
			case 'create_room_role':
			case 'update_room_role': {
				const role = { ...FAKE_ROLES[1], name: body.name, id: body.id ?? '3642878923738988600' };
				return this.options.roleAnswerShape === 'flat' ? role : { role };
			}
			case 'grant_room_role':
				return {
					user: { [this.options.grantRolesKey]: [body.role_id], user_id: String(body.to_user_id), room_id: body.room_id },
				};
			case 'list_joined_rooms': {
				const offset = Number(call.query.offset ?? 0);
				// at most 50 a page, as documented
				const limit = Math.min(50, Number(call.query.limit ?? 50));
				const rooms = this.rooms ? this.rooms.map((r) => r.room) : FAKE_ROOMS;
				const page = { rooms: rooms.slice(offset, offset + limit), total: rooms.length, offset, limit };
				return this.options.joinedRoomsShape === 'nested' ? { rooms: page } : page;
			}
			case 'get_room': {
				if (this.rooms) {
					const room = this.rooms.find((r) => r.room.room_id === call.query.room_id);
					return room ? { room: { ...room.room }, channels: room.channels, bind_game_infos: [] } : undefined;
				}
				return {
					room: { ...(FAKE_ROOMS.find((r) => r.room_id === call.query.room_id) ?? FAKE_ROOMS[0]) },
					channels: FAKE_CHANNELS,
					bind_game_infos: [],
				};
			}
			case 'list_room_users': {
				const offset = Number(call.query.offset ?? 0);
				const limit = Number(call.query.limit ?? 100);
				return {
					room_info: {
						room_id: call.query.room_id,
						user_info: FAKE_USERS.slice(offset, offset + limit),
						user_count: FAKE_USERS.length,
						online_count: 2,
						offline_count: 1,
					},
				};
			}
			case 'list_room_memes':
				return {
					emoji: [
						{
							user_info: { user_id: 43028164, nickname: '玩家一', roles: [] },
							meme_info: { name: 'doge', path: '1843947882976337920', ext: 'png', create_time: 0, mtype: 1 },
						},
					],
					sticker: [],
				};
			case 'get_user_voice_channel':
				return { channel_id: FAKE_CHANNELS[1].channel_list[0].channel_id };
			case 'list_voice_channel_members':
				return { users: FAKE_USERS.slice(1) };
			case 'create_channel_invite':
				return { code: 'iwvueiny', url: 'https://chat.xiaoheihe.cn/iwvueiny' };
			case 'create_channel':
				return { channel_id: '3665944781964837001' };
			case 'start_voice_stream':
				return { task_id: '1871016546788270080' };
			case 'get_channel_permissions':
				return { allow: '16384', deny: '0' };
			default:
				return {};
		}
	}
}
