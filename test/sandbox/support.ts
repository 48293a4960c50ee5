// Helpers for the sandbox tests: a sandbox per test, JSON frame logs over real WebSockets, and an
// HTTP client without keep-alive (nothing lingers after a test).
import { Agent } from 'node:http';
import { after, afterEach } from 'node:test';

import axios from 'axios';
import WebSocket from 'ws';

import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index';

export const agent = new Agent({ keepAlive: false });
export const http = axios.create({ httpAgent: agent, validateStatus: () => true, timeout: 5000 });

const open: Sandbox[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
	for (const ws of sockets.splice(0)) ws.terminate();
	await Promise.all(open.splice(0).map(async (s) => await s.close()));
});
after(() => agent.destroy());

export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const s = await startSandbox({ heartbeatMs: 0, ...options });
	open.push(s);
	return s;
}

export type Frame = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The JSON frames a WebSocket receives, with a wait for the first one that matches. */
export class FrameLog {
	readonly frames: Frame[] = [];
	private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];

	constructor(readonly ws: WebSocket) {
		ws.on('message', (data, isBinary) => {
			if (isBinary) return;
			let frame: Frame;
			try {
				frame = JSON.parse(data.toString()) as Frame;
			} catch {
				frame = { text: data.toString() };
			}
			this.frames.push(frame);
			for (const w of [...this.waiters]) {
				if (w.match(frame)) {
					this.waiters = this.waiters.filter((x) => x !== w);
					w.resolve(frame);
				}
			}
		});
	}

	/** The first frame (already received or coming) that matches. */
	async waitFor(match: (f: Frame) => boolean, what = 'a matching frame', timeoutMs = 3000): Promise<Frame> {
		const seen = this.frames.find(match);
		if (seen) return seen;
		return await new Promise<Frame>((resolve, reject) => {
			const waiter = { match, resolve };
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((x) => x !== waiter);
				reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames).slice(-1500)}`));
			}, timeoutMs);
			waiter.resolve = (f) => {
				clearTimeout(timer);
				resolve(f);
			};
			this.waiters.push(waiter);
		});
	}

	send(frame: unknown): void {
		this.ws.send(JSON.stringify(frame));
	}
}

/** Opens a WebSocket and resolves once it is open (rejects with the refused HTTP status). */
export async function connect(url: string, headers: Record<string, string> = {}): Promise<FrameLog> {
	const ws = new WebSocket(url, { headers });
	sockets.push(ws);
	const log = new FrameLog(ws);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', (_req, res) => {
			res.resume();
			reject(new Error(`HTTP ${res.statusCode}`));
		});
		ws.once('error', reject);
	});
	return log;
}

/** The page's feed, once its snapshot arrived. */
export async function feed(s: Sandbox): Promise<FrameLog> {
	const log = await connect(s.urls.feed);
	await log.waitFor((f) => f.type === 'snapshot', 'the snapshot');
	return log;
}

export const LOBBY = 'qq:group:123456789';
export const DEV = 'qq:group:987654321';
export const ROOM = '3663316788315193344';
export const GENERAL = '3665944781964836864';
export const GENERAL_CHAT = `hc:channel:${ROOM}:${GENERAL}`;

export async function onebot(s: Sandbox, action: string, params: Record<string, unknown>, token?: string) {
	const res = await http.post(`${s.urls.onebotHttp}/${action}`, params, {
		headers: token ? { Authorization: `Bearer ${token}` } : {},
	});
	return res;
}

export const COMMON_QUERY =
	'client_type=heybox_chat&x_client_type=web&os_type=web&x_os_type=bot&x_app=heybox_chat&chat_os_type=bot&chat_version=1.30.0';

export async function heychat(s: Sandbox, path: string, body?: Record<string, unknown>, token = 'any-token', query = '') {
	const url = `${s.urls.heychatApi}${path}?${COMMON_QUERY}${query}`;
	return body === undefined
		? await http.get(url, { headers: { token } })
		: await http.post(url, body, { headers: { token } });
}
