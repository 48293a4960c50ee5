// Where the sandbox's OneBot events go: forward WebSocket clients (/ and /event), reverse WebSocket
// servers it connects to (reconnecting until closed), and HTTP POST URLs (signed with X-Signature).
import type { FakeOneBot, JsonObject, ReverseConnection } from './server';
import { heartbeatEvent } from './server';

export interface PostTarget {
	url: string;
	secret?: string;
}

export interface ConsumerOptions {
	reverseUrls?: string[];
	postUrls?: PostTarget[];
	token?: string;
	/** Called with the JSON answer of an HTTP POST (a quick operation) and the event it answers. */
	onQuickOperation?: (event: JsonObject, operation: JsonObject) => void;
	log?: (line: string) => void;
	/** Heartbeat meta events every this many ms (0 = none). Default 30000. */
	heartbeatMs?: number;
	/** Called whenever a reverse WebSocket connected or closed, or an HTTP POST URL was added. */
	onChange?: () => void;
}

export class OneBotConsumers {
	private readonly links = new Map<string, ReverseConnection>();
	private closed = false;
	private readonly timers = new Set<NodeJS.Timeout>();
	private heartbeat: NodeJS.Timeout | undefined;

	private readonly options: ConsumerOptions & { reverseUrls: string[]; postUrls: PostTarget[] };

	constructor(
		private readonly server: FakeOneBot,
		options: ConsumerOptions,
	) {
		this.options = { ...options, reverseUrls: [...(options.reverseUrls ?? [])], postUrls: [...(options.postUrls ?? [])] };
		for (const url of this.options.reverseUrls) void this.keepConnected(url, 0);
		const every = options.heartbeatMs ?? 30_000;
		if (every > 0) {
			this.heartbeat = setInterval(() => this.push(heartbeatEvent(Number(server.selfId), every)), every);
			this.heartbeat.unref();
		}
	}

	/** Adds a reverse WebSocket URL to connect to (and keep reconnecting to). */
	addReverseUrl(url: string): void {
		if (this.closed || this.options.reverseUrls.includes(url)) return;
		this.options.reverseUrls.push(url);
		void this.keepConnected(url, 0);
	}

	/** Adds an HTTP POST URL events are reported to. */
	addPostUrl(target: PostTarget): void {
		this.options.postUrls.push(target);
		this.options.onChange?.();
	}

	/** HTTP POST URLs events are reported to. */
	postTargets(): number {
		return this.options.postUrls.length;
	}

	/** Reverse WebSocket connections open now. */
	reverseOpen(): number {
		let n = 0;
		for (const l of this.links.values()) if (l.isOpen) n++;
		return n;
	}

	private async keepConnected(url: string, attempt: number): Promise<void> {
		if (this.closed) return;
		try {
			const link = await this.server.connectReverse(url, { token: this.options.token });
			if (this.closed) {
				await link.close();
				return;
			}
			this.links.set(url, link);
			this.options.log?.(`reverse WebSocket connected to ${url}`);
			this.options.onChange?.();
			await link.waitForClose();
			this.links.delete(url);
			this.options.onChange?.();
			if (!this.closed) this.options.log?.(`reverse WebSocket to ${url} closed; reconnecting`);
			this.retry(url, 0);
		} catch {
			this.retry(url, attempt + 1);
		}
	}

	private retry(url: string, attempt: number): void {
		if (this.closed) return;
		const delay = Math.min(5000, 500 * 2 ** Math.min(attempt, 4));
		const t = setTimeout(() => {
			this.timers.delete(t);
			void this.keepConnected(url, attempt);
		}, delay);
		this.timers.add(t);
	}

	/** Sends an event to every consumer; returns how many WebSocket consumers got it at once. */
	push(event: JsonObject): number {
		let n = this.server.pushEvent(event);
		for (const link of this.links.values()) {
			if (link.isOpen) {
				link.pushEvent(event);
				n++;
			}
		}
		if (event.post_type !== 'meta_event') {
			for (const target of this.options.postUrls) {
				this.server
					.postEvent(target.url, event, { secret: target.secret || undefined, timeoutMs: 15_000 })
					.then((res) => {
						if (res.status >= 400) this.options.log?.(`HTTP POST to ${target.url}: HTTP ${res.status}`);
						const body = res.body;
						if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0) {
							this.options.onQuickOperation?.(event, body as JsonObject);
						}
					})
					.catch((error: Error) => this.options.log?.(`HTTP POST to ${target.url} failed: ${error.message}`));
			}
		}
		return n;
	}

	async close(): Promise<void> {
		this.closed = true;
		if (this.heartbeat) clearInterval(this.heartbeat);
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		await Promise.all([...this.links.values()].map(async (l) => await l.close()));
		this.links.clear();
	}
}
