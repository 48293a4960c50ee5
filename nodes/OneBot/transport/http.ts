import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { Readable } from 'node:stream';

import { oneBotAuth, type OneBotCredentials } from './auth';
import { authMessage, checkEnvelope, OneBotCallError } from './errors';
import type { OneBotResponse, OneBotTransport, TransportOptions } from './types';
import { redact } from '../../shared/redact';
import { KeepAliveAgents } from '../../shared/http/keepAlive';
import { isAnswerOverMaxContentLength } from '../../shared/http/answerSize';
import { parseJsonLossless } from '../../shared/json';
import { paramsBody } from './bodyText';
import { parseStreamBody } from './stream';
import { answerLimitBytes, answerTooLarge, httpAnswerCap } from './answerSize';

/**
 * POST JSON to `{base}/{action}` (protocol.md §2). One axios instance and one keep-alive pool per
 * execution: the items of an execution share one connection (one per call in flight).
 */
export class HttpTransport implements OneBotTransport {
	private readonly client: AxiosInstance;

	private readonly agents: KeepAliveAgents;

	private readonly base: string;

	/** Options › Max Answer Size in bytes. */
	private readonly maxAnswerBytes: number;

	/** The most bytes of a body read: Max Answer Size, or less when JavaScript's longest string is less. */
	private readonly answerCap: number;

	constructor(
		private readonly credentials: OneBotCredentials,
		private readonly options: TransportOptions,
	) {
		if (!/^https?:\/\//i.test(credentials.httpUrl)) {
			throw new OneBotCallError(
				'protocol',
				`The credential's HTTP API URL must start with http:// or https://, got "${credentials.httpUrl}"`,
				{ action: '', url: credentials.httpUrl },
			);
		}
		this.base = credentials.httpUrl.replace(/\/+$/, '');
		const auth = oneBotAuth(credentials);
		this.maxAnswerBytes = answerLimitBytes(options);
		this.answerCap = httpAnswerCap(this.maxAnswerBytes);
		this.client = axios.create({
			timeout: options.timeoutMs,
			headers: { 'Content-Type': 'application/json', ...auth.headers },
			params: auth.query,
			// Every status is inspected here; axios must not throw on them.
			validateStatus: () => true,
			maxRedirects: 0,
			// Raw text: parsed below, so that a non-JSON body is reported, not thrown.
			responseType: 'text',
			transformResponse: (data: unknown) => data,
			// The body (a stream action's packets together) is read up to the limit; beyond it the
			// transfer is aborted (counted after decompression).
			maxContentLength: this.answerCap,
			// The body is JSON text we wrote (or a stream of it): sent as it is. axios's default would
			// JSON.parse the text again only to check it (and trim it) before sending it.
			transformRequest: [(data: unknown) => data],
		});
		this.agents = new KeepAliveAgents({ rejectUnauthorized: !credentials.allowUnauthorizedCerts });
	}

	async call(action: string, params: Record<string, unknown>): Promise<OneBotResponse> {
		const url = `${this.base}/${encodeURIComponent(action).replace(/%2E/gi, '.')}`;
		let status: number;
		let text: string;
		try {
			const body = paramsBody(params);
			// a file inside the params is streamed into the request, never held as one string
			const response = await this.agents.run(async (agents) =>
				typeof body === 'string'
					? await this.client.post<string>(url, body, agents)
					: await this.client.post<string>(url, Readable.from(body.chunks(), { objectMode: false }), {
							...agents,
							headers: { 'Content-Length': String(body.length) },
							maxBodyLength: Infinity,
						}),
			);
			status = response.status;
			text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
		} catch (error) {
			throw this.networkError(action, url, error);
		}
		if (status === 401 || status === 403) {
			throw new OneBotCallError('auth', authMessage(status), { action, url, httpCode: status });
		}
		if (status === 404) {
			throw new OneBotCallError('unsupported', `This backend does not support action "${action}" (HTTP 404)`, {
				action,
				url,
				httpCode: status,
			});
		}
		let body: unknown;
		try {
			body = text === '' ? null : parseJsonLossless(text);
		} catch {
			// NapCat's stream actions: several envelopes, one after the other
			body = parseStreamBody(text);
		}
		if (status < 200 || status >= 300) {
			if (body && typeof body === 'object' && 'retcode' in body) return checkEnvelope(action, url, body);
			throw new OneBotCallError('protocol', `The backend at ${url} answered HTTP ${status}`, {
				action,
				url,
				httpCode: status,
				cause: this.clean(text.slice(0, 300)),
			});
		}
		if (body !== null && typeof body === 'object' && 'incomplete' in body) {
			throw new OneBotCallError('protocol', `The backend at ${url} ended its stream answer to ${action} before the last packet`, {
				action,
				url,
			});
		}
		return checkEnvelope(action, url, body);
	}

	async close(): Promise<void> {
		this.agents.release();
	}

	private clean(text: string): string {
		return redact(text, [this.credentials.accessToken]);
	}

	private networkError(action: string, url: string, error: unknown): OneBotCallError {
		const err = error as AxiosError;
		const code = err.code ?? '';
		if (isAnswerOverMaxContentLength(code, [err.message])) {
			return answerTooLarge(action, url, this.maxAnswerBytes, this.answerCap);
		}
		if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(err.message ?? '')) {
			return new OneBotCallError(
				'timeout',
				`${action} to ${url} timed out after ${this.options.timeoutMs} ms`,
				{ action, url, cause: code },
			);
		}
		const reason =
			code === 'ECONNREFUSED'
				? 'connection refused'
				: code === 'ENOTFOUND'
					? 'host not found'
					: this.clean(err.message ?? String(error));
		return new OneBotCallError('network', `Could not reach the OneBot backend at ${url}: ${reason}`, {
			action,
			url,
			cause: code || undefined,
			// the connection was reset while the call waited: the backend may have carried it out
			maybeDelivered: code === 'ECONNRESET' || undefined,
		});
	}
}
