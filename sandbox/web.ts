// The page port: the chat page's static files (sandbox/page/), uploaded media (/media/<id>), and
// the feed WebSocket (/feed): a snapshot on connect, then every world change; 'input' frames from
// the page become user inputs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

import WebSocket, { WebSocketServer } from 'ws';

import { urlHost } from './onebot/server';
import type { Consumers, FeedFrame, UserInput } from './world/types';
import type { World } from './world/world';

export const PAGE_DIR = join(__dirname, 'page');

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
};

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>n8n chat sandbox</title>
<h1>n8n chat sandbox</h1><p>The sandbox is running; its chat page (sandbox/page/index.html) is not there yet.
The feed WebSocket is at <code>/feed</code>.</p>`;

export interface PageServerOptions {
	world: World;
	host: string;
	port: number;
	/** Runs a user input; throws to answer the page with an error frame. */
	say: (input: UserInput) => Promise<void>;
	pageDir?: string;
}

const NO_CONSUMERS: Consumers = { onebot: { forward: 0, reverse: 0, post: 0 }, heychat: { gateway: 0 } };

export class PageServer {
	private server!: Server;
	private readonly wss = new WebSocketServer({ noServer: true });
	private readonly sockets = new Set<Socket>();
	private unsubscribe: (() => void) | undefined;
	private _port = 0;
	private countConsumers: () => Consumers = () => NO_CONSUMERS;
	private lastConsumers = JSON.stringify(NO_CONSUMERS);

	constructor(private readonly options: PageServerOptions) {}

	get url(): string {
		return `http://${urlHost(this.options.host)}:${this._port}`;
	}

	get feedUrl(): string {
		return `ws://${urlHost(this.options.host)}:${this._port}/feed`;
	}

	/** Feed WebSocket clients connected now. */
	feedClients(): number {
		return this.wss.clients.size;
	}

	/** Where the consumer counts come from (the snapshot carries them; publishConsumers() sends changes). */
	setConsumers(count: () => Consumers): void {
		this.countConsumers = count;
		this.lastConsumers = JSON.stringify(count());
	}

	/** Sends a 'consumers' frame to every feed client when the counts changed since the last one. */
	publishConsumers(): void {
		const consumers = this.countConsumers();
		const text = JSON.stringify(consumers);
		if (text === this.lastConsumers) return;
		this.lastConsumers = text;
		this.broadcast({ type: 'consumers', consumers });
	}

	async start(): Promise<void> {
		this.server = createServer((req, res) => this.onHttp(req, res));
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.once('close', () => this.sockets.delete(s));
		});
		this.server.on('upgrade', (req, socket, head) => {
			const path = new URL(req.url ?? '/', 'http://x').pathname;
			if (path !== '/feed') {
				socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
				return;
			}
			this.wss.handleUpgrade(req, socket, head, (ws) => this.onFeed(ws));
		});
		this.unsubscribe = this.options.world.subscribe((frame) => this.broadcast(frame));
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port, this.options.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this._port = (this.server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		this.unsubscribe?.();
		for (const ws of this.wss.clients) ws.terminate();
		this.wss.close();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		for (const s of this.sockets) s.destroy();
		await closed;
	}

	private broadcast(frame: FeedFrame): void {
		const text = JSON.stringify(frame);
		for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(text);
	}

	private onFeed(ws: WebSocket): void {
		ws.on('error', () => {});
		const snapshot: FeedFrame = { type: 'snapshot', world: this.options.world.snapshot(), consumers: this.countConsumers() };
		ws.send(JSON.stringify(snapshot));
		ws.on('message', (data, isBinary) => {
			const reply = (message: string) => {
				if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'error', message } satisfies FeedFrame));
			};
			if (isBinary) return reply('frames are JSON text');
			let frame: unknown;
			try {
				frame = JSON.parse(data.toString()) as unknown;
			} catch {
				return reply('frames are JSON text');
			}
			const f = frame as { type?: unknown; input?: unknown };
			if (!f || typeof f !== 'object' || f.type !== 'input' || !f.input || typeof f.input !== 'object') {
				return reply('expected {"type":"input","input":{…}}');
			}
			this.options.say(f.input as UserInput).catch((error: Error) => reply(error.message));
		});
	}

	private onHttp(req: IncomingMessage, res: ServerResponse): void {
		const url = new URL(req.url ?? '/', 'http://x');
		let path: string;
		try {
			path = decodeURIComponent(url.pathname);
		} catch {
			res.writeHead(400).end();
			return;
		}
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		if (path === '/healthz') {
			res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
			return;
		}
		if (path.startsWith('/media/')) {
			const media = this.options.world.getMedia(path.slice('/media/'.length));
			if (!media) {
				res.writeHead(404).end();
				return;
			}
			res.writeHead(200, { 'Content-Type': media.mimeType, 'Content-Length': String(media.data.length), 'Cache-Control': 'max-age=86400' });
			res.end(req.method === 'HEAD' ? undefined : media.data);
			return;
		}
		const dir = this.options.pageDir ?? PAGE_DIR;
		const relative = path === '/' ? 'index.html' : path.slice(1);
		const file = normalize(join(dir, relative));
		if (!file.startsWith(dir + sep)) {
			res.writeHead(404).end();
			return;
		}
		if (!existsSync(file) || !statSync(file).isFile()) {
			if (relative === 'index.html') {
				res.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(PLACEHOLDER);
				return;
			}
			res.writeHead(404).end();
			return;
		}
		const body = readFileSync(file);
		res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
		res.end(req.method === 'HEAD' ? undefined : body);
	}
}
