import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface KeepAliveOptions {
	/** false: accept self-signed and otherwise invalid TLS certificates (the credential's choice). */
	rejectUnauthorized?: boolean;
	/**
	 * Close the pooled connections after this long without a request (ms). Below the 5 s idle
	 * timeout of Node's HTTP server (and of most proxies), so a pooled connection is not reused just
	 * as the server closes it.
	 */
	idleMs?: number;
}

export const DEFAULT_IDLE_MS = 4_000;

/**
 * TCP keep-alive delay of the pooled sockets: the one axios asks for on every request
 * (`socket.setKeepAlive(true, 60_000)`). An agent with another delay (Node's default is 1 s) sets
 * its own back each time a socket returns to the pool, so every request made two `setsockopt`
 * system calls (about 5% of a request's CPU time in the profile); with the same delay, Node sees
 * nothing to change and makes none.
 */
export const TCP_KEEP_ALIVE_MS = 60_000;

/**
 * The connection pool of one execution: keep-alive agents, so every item reuses the connection
 * (and TLS session) of the item before instead of opening its own. `release()` closes them; they
 * also close themselves after `idleMs` without a request, and are made again on the next one.
 * Idle pooled sockets and the idle timer never hold the process open.
 */
export class KeepAliveAgents {
	private http: HttpAgent | undefined;

	private https: HttpsAgent | undefined;

	private inFlight = 0;

	private lastUsed = 0;

	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly options: KeepAliveOptions = {}) {}

	get httpAgent(): HttpAgent {
		return (this.http ??= new HttpAgent({ keepAlive: true, keepAliveMsecs: TCP_KEEP_ALIVE_MS }));
	}

	get httpsAgent(): HttpsAgent {
		return (this.https ??= new HttpsAgent({
			keepAlive: true,
			keepAliveMsecs: TCP_KEEP_ALIVE_MS,
			rejectUnauthorized: this.options.rejectUnauthorized !== false,
		}));
	}

	/** Runs one request on the pool (counts it as in flight, so an idle release waits for it). */
	async run<T>(request: (agents: { httpAgent: HttpAgent; httpsAgent: HttpsAgent }) => Promise<T>): Promise<T> {
		this.begin();
		try {
			return await request({ httpAgent: this.httpAgent, httpsAgent: this.httpsAgent });
		} finally {
			this.end();
		}
	}

	/**
	 * `run` without a callback: `begin()` before a request on the agents, `end()` after it (in a
	 * `finally`), for a hot path that makes no closure per request.
	 */
	begin(): void {
		this.inFlight++;
	}

	end(): void {
		this.inFlight--;
		this.lastUsed = performance.now();
		this.armIdleRelease();
	}

	/** Closes every pooled connection now (the agents are made again if another request comes). */
	release(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.http?.destroy();
		this.https?.destroy();
		this.http = undefined;
		this.https = undefined;
	}

	private armIdleRelease(waitMs = this.options.idleMs ?? DEFAULT_IDLE_MS): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			if (this.inFlight > 0) return; // re-armed when they finish
			const idleMs = this.options.idleMs ?? DEFAULT_IDLE_MS;
			const idleFor = performance.now() - this.lastUsed;
			if (idleFor >= idleMs) this.release();
			else this.armIdleRelease(Math.max(1, Math.ceil(idleMs - idleFor)));
		}, waitMs);
		this.timer.unref();
	}
}
