// Small real HTTP servers for the fault/abuse tests: each records the requests it saw and the
// bytes it managed to hand to the socket, so a test can assert what was (not) fetched.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
}

export interface TestServer {
	url: string;
	port: number;
	requests: SeenRequest[];
	/** Bytes of response bodies written to sockets so far (the flood counts as it goes). */
	bytesWritten: number;
	/** Resolves when `count` responses have finished or their connections closed. */
	responsesDone(count: number): Promise<void>;
	close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, server: TestServer) => void | Promise<void>;

export async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
	let done = 0;
	const waiters: Array<{ count: number; resolve: () => void }> = [];
	const settle = () => {
		done++;
		for (const waiter of [...waiters]) {
			if (done >= waiter.count) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve();
			}
		}
	};
	const state: TestServer = {
		url: '',
		port: 0,
		requests: [],
		bytesWritten: 0,
		responsesDone: (count) =>
			done >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	const server: Server = createServer((req, res) => {
		state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		res.once('close', settle);
		void Promise.resolve(handler(req, res, state)).catch(() => res.destroy());
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, host, () => resolve());
	});
	state.port = (server.address() as AddressInfo).port;
	state.url = `http://${host.includes(':') ? `[${host}]` : host}:${state.port}`;
	return state;
}

/**
 * Answers every request with `total` bytes (whatever Range says), written as the socket drains:
 * `head` first (e.g. a PNG signature), then filler.
 */
export function flood(total: number, contentType = 'application/octet-stream', declareLength = false, head?: Buffer): Handler {
	const chunk = Buffer.alloc(64 * 1024, 0x41);
	return async (_req, res, server) => {
		res.writeHead(200, { 'Content-Type': contentType, ...(declareLength ? { 'Content-Length': String(total) } : {}) });
		let sent = 0;
		if (head) {
			res.write(head);
			sent += head.length;
			server.bytesWritten += head.length;
		}
		while (sent < total && !res.destroyed) {
			const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
			const ok = res.write(piece);
			sent += piece.length;
			server.bytesWritten += piece.length;
			if (!ok) {
				await new Promise<void>((resolve) => {
					const next = () => {
						res.off('drain', next);
						res.off('close', next);
						resolve();
					};
					res.on('drain', next);
					res.on('close', next);
				});
			}
		}
		if (!res.destroyed) res.end();
	};
}

/** A server that accepts requests and never answers them. */
export function silent(): Handler {
	return () => undefined;
}
