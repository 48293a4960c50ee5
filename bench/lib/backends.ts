/**
 * Minimal local backends for the benchmark: they answer as fast as Node can (or after a fixed
 * delay), so what is measured is the client side. Each counts the TCP connections it accepted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';

export interface BenchBackend {
	url: string;
	/** TCP connections accepted since start (or the last reset). */
	connections: number;
	/** Requests (HTTP) or frames (WebSocket) answered. */
	requests: number;
	delayMs: number;
	close(): Promise<void>;
}

const ONEBOT_OK = JSON.stringify({ status: 'ok', retcode: 0, data: { message_id: 1234567 }, message: '', wording: '' });
const HEYCHAT_OK = JSON.stringify({
	status: 'ok',
	msg: '',
	result: { chatmobile_ack_id: '1', heychat_ack_id: '1', msg_id: '1836295184143134721' },
});

async function listen(server: Server, track: (socket: Socket) => void): Promise<string> {
	server.on('connection', track);
	server.keepAliveTimeout = 60_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function httpBackend(body: string, delayMs: number): Promise<BenchBackend> {
	const sockets = new Set<Socket>();
	const state = { connections: 0, requests: 0, delayMs };
	const answer = (res: ServerResponse) => {
		res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
		res.end(body);
	};
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		req.on('data', () => undefined);
		req.on('end', () => {
			state.requests++;
			if (state.delayMs > 0) setTimeout(() => answer(res), state.delayMs);
			else answer(res);
		});
	});
	return listen(server, (socket) => {
		state.connections++;
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	}).then((host) =>
		Object.assign(state, {
			url: `http://${host}`,
			close: async () => {
				for (const s of sockets) s.destroy();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			},
		}),
	);
}

/** A OneBot HTTP API: every POST gets `{status: ok, retcode: 0, data: {message_id}}`. */
export function oneBotHttpBackend(delayMs = 0): Promise<BenchBackend> {
	return httpBackend(ONEBOT_OK, delayMs);
}

/** A Heychat HTTP API: every request gets a send-message answer. */
export function heychatHttpBackend(delayMs = 0): Promise<BenchBackend> {
	return httpBackend(HEYCHAT_OK, delayMs);
}

/** A OneBot forward WebSocket API: every `{action, params, echo}` frame is answered with its echo. */
export async function oneBotWsBackend(): Promise<BenchBackend> {
	const server = createServer();
	const wss = new WebSocketServer({ server });
	const state = { connections: 0, requests: 0, delayMs: 0 };
	wss.on('connection', (ws) => {
		ws.on('message', (data) => {
			state.requests++;
			const echo = (JSON.parse(data.toString()) as { echo: unknown }).echo;
			ws.send(`{"status":"ok","retcode":0,"data":{"message_id":1234567},"echo":${JSON.stringify(echo)}}`);
		});
	});
	const host = await listen(server, () => state.connections++);
	return Object.assign(state, {
		url: `ws://${host}`,
		close: async () => {
			for (const client of wss.clients) client.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	});
}
