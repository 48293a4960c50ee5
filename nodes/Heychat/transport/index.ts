import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type ICredentialDataDecryptedObject,
	type ILoadOptionsFunctions,
	type ITriggerFunctions,
} from 'n8n-workflow';

import {
	COMMON_QUERY,
	DEFAULT_API_URL,
	DEFAULT_GATEWAY_URL,
	DEFAULT_MAX_RETRIES,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_UPLOAD_URL,
	HEYCHAT_CREDENTIAL,
} from './constants';
import { DUPLICATE_ACK_MESSAGE, heychatError, isCredentialMessage, type FailureDetails } from './errors';
import { KeepAliveAgents } from '../../shared/http/keepAlive';
import { executionCancelSignal, stoppableClock } from '../../shared/batch/clock';
import { isAnswerOverMaxContentLength } from '../../shared/http/answerSize';
import { AbortedError } from '../../shared/connection/abort';
import { parseJsonLossless, stringifyWithBigInt } from '../../shared/json';
import { buildMultipart, type MultipartFile } from './multipart';
import { describeRateLimit, readRateLimit, type HeaderBag } from './rateLimit';
import { sendRateOf } from '../../shared/batch/pacer';
import { HEYCHAT_DEFAULT_SEND_RATE, heychatPacing, paceHeychatRequest, type HeychatPacing } from './pacing';

export type HeychatContext = IExecuteFunctions | ILoadOptionsFunctions;

/** One call to the Heychat API, as the catalog (or a handler) describes it. */
export interface HeychatCall {
	/** The catalog operation (endpoint name), for error messages. */
	operation: string;
	method: 'GET' | 'POST';
	host: 'api' | 'upload';
	path: string;
	/** Added after the seven common query parameters. */
	query?: IDataObject;
	/** A JSON body (POST). `{}` is sent when a POST has none. */
	body?: IDataObject;
	/** The JSON text of `body`, when the caller has written it already (sent instead of writing it again). */
	bodyText?: string;
	/** A multipart body with one file, instead of JSON. */
	file?: MultipartFile;
}

export interface CallOptions {
	itemIndex?: number;
	/** Per-request timeout. */
	timeoutMs?: number;
	/** How many times a 429 answer is waited out and the same request sent again. */
	maxRetries?: number;
	/** The longest wait a 429 may ask for; longer ones fail at once. */
	maxWaitMs?: number;
}

export interface HeychatResult {
	/** `result` of the envelope (or `data`, or the envelope itself for shapes without either). */
	result: unknown;
	/** The whole envelope as received, ids intact. */
	envelope: IDataObject;
	/** How many requests were sent (1 + retries after 429). */
	attempts: number;
}

export interface HeychatCredentials {
	token: string;
	apiBaseUrl: string;
	uploadUrl: string;
	gatewayUrl: string;
	/** Send Rate (messages per minute, 0 = none) and whether to stay within the documented limits. */
	sendRate: number;
	withinLimits: boolean;
}

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

export async function getHeychatCredentials(this: HeychatContext | ITriggerFunctions): Promise<HeychatCredentials> {
	return toHeychatCredentials(await this.getCredentials(HEYCHAT_CREDENTIAL));
}

/** The credential's fields, trimmed, with the defaults for URLs left empty. */
export function toHeychatCredentials(raw: ICredentialDataDecryptedObject): HeychatCredentials {
	return {
		token: typeof raw.token === 'string' ? raw.token.trim() : '',
		// spaces around a pasted URL are not part of it (the gateway URL and OneBot's URLs are trimmed too)
		apiBaseUrl: trimSlash(String(raw.apiBaseUrl ?? '').trim() || DEFAULT_API_URL),
		uploadUrl: trimSlash(String(raw.uploadUrl ?? '').trim() || DEFAULT_UPLOAD_URL),
		gatewayUrl: String(raw.gatewayUrl ?? '').trim() || DEFAULT_GATEWAY_URL,
		sendRate: sendRateOf(raw.sendRate, HEYCHAT_DEFAULT_SEND_RATE),
		withinLimits: raw.withinLimits !== false,
	};
}

const COMMON_QUERY_STRING = Object.entries(COMMON_QUERY)
	.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
	.join('&');

/** The query string: the seven common parameters, then the call's (objects as JSON, ids exact). */
function queryString(query: IDataObject | undefined): string {
	let out = COMMON_QUERY_STRING;
	if (!query) return out;
	for (const key of Object.keys(query)) {
		const value = query[key];
		if (value === undefined || value === null) continue;
		const text = typeof value === 'object' ? stringifyWithBigInt(value) : String(value);
		out += `&${encodeURIComponent(key)}=${encodeURIComponent(text)}`;
	}
	return out;
}

/**
 * What the calls of one execution (one node context) share: the credential, read once, and one
 * keep-alive connection pool, so all items go over the same connection (and TLS session). The
 * token header is set here from the credential: no n8n expression is evaluated per request.
 */
interface HeychatSession {
	credentials: Promise<HeychatCredentials>;
	/** The credential once read: later requests use it without waiting for the promise again. */
	resolved?: HeychatCredentials;
	/** Endpoints called without a query of their own: their URL and request URL (with the common query), by host and path. */
	endpoints: Map<string, { url: string; requestUrl: string }>;
	agents: KeepAliveAgents;
	/** Made once the credential is read: what every request of the execution shares. */
	shared?: SharedRequestSettings;
}

interface SharedRequestSettings {
	/** The documented request limit's pacing (its key is a hash of the token: worked out once). */
	pacing: HeychatPacing;
	/** axios with the settings every call has (token header, raw body, no redirects, every status kept). */
	client: AxiosInstance;
}

const sessions = new WeakMap<object, HeychatSession>();

function sessionOf(context: HeychatContext): HeychatSession {
	let session = sessions.get(context);
	if (!session) {
		const credentials = getHeychatCredentials.call(context);
		// a failed read is not kept: the next call reads again (and fails with its own error)
		credentials.catch(() => sessions.delete(context));
		session = { credentials, agents: new KeepAliveAgents(), endpoints: new Map() };
		sessions.set(context, session);
	}
	return session;
}

function sharedSettings(session: HeychatSession, credentials: HeychatCredentials): SharedRequestSettings {
	return (session.shared ??= {
		pacing: heychatPacing(credentials),
		client: axios.create({
			headers: { Accept: 'application/json', token: credentials.token },
			maxBodyLength: Infinity,
			// Heychat answers JSON pages (a room's member page, a channel tree): far below this. A
			// bigger body is not read into n8n's memory (axios aborts the transfer there).
			maxContentLength: MAX_ANSWER_BYTES,
			responseType: 'arraybuffer',
			// every status is looked at below; an API call is never redirected (the token would follow)
			validateStatus: () => true,
			maxRedirects: 0,
			transformResponse: (body: unknown) => body,
			// The body is JSON text we wrote (or a multipart stream): sent as it is. axios's default
			// would JSON.parse the text again only to check it (and trim it) before sending it.
			transformRequest: [(body: unknown) => body],
		}),
	});
}

/** The most bytes of one Heychat answer read (after decompression). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** A request's own headers (axios copies them into each request's headers: these are never changed). */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const JSON_HEADERS: Record<string, string> = Object.freeze({ 'Content-Type': 'application/json;charset=UTF-8' });

/** What an error of one call names: the operation, the URL, the item; the token, to redact it. */
interface FailureContext {
	context: HeychatContext;
	operation: string;
	url: string;
	itemIndex: number | undefined;
	token: string;
}

function fail(
	failure: FailureContext,
	kind: Parameters<typeof heychatError>[1],
	message: string,
	extra: Partial<FailureDetails> = {},
): Error {
	// n8n's getNode() copies the node with all its parameters: only done when there is an error
	const details: FailureDetails = { operation: failure.operation, url: failure.url, itemIndex: failure.itemIndex, ...extra };
	return heychatError(failure.context.getNode(), kind, message, details, failure.token);
}

/** The answer's headers as a plain object (axios hands over its AxiosHeaders). */
function plainHeaders(headers: unknown): HeaderBag {
	const raw = headers as { toJSON?: () => HeaderBag } | undefined;
	return (typeof raw?.toJSON === 'function' ? raw.toJSON() : (headers as HeaderBag)) ?? {};
}

function bodyText(body: unknown): string {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	return JSON.stringify(body);
}

function snippet(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/**
 * Errors of a request that was sent before its connection failed (reset, broken pipe): Heychat may
 * have carried it out. A refused connection or an unknown host never reached it.
 */
function isLostConnection(code: string | undefined, message: string): boolean {
	return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /socket hang up/i.test(message);
}

/** A request that ran out of time (axios: ECONNABORTED "timeout of N ms exceeded"; sockets: ETIMEDOUT). */
function isTimeout(code: string | undefined, message: string): boolean {
	return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout|timed out/i.test(message);
}

export { executionCancelSignal };

/** The error of a call not sent because the execution was stopped while it waited. */
export function stoppedError(context: HeychatContext, operation: string, itemIndex: number | undefined): NodeOperationError {
	return new NodeOperationError(context.getNode(), `The execution was stopped: Heychat ${operation} was not sent`, {
		itemIndex,
	});
}

/** Whether a wait was ended by a stopped execution (AbortedError); its other errors are passed on. */
export async function stoppedDuring(wait: Promise<unknown>): Promise<boolean> {
	return await wait.then(
		() => false,
		(error: unknown) => (error instanceof AbortedError ? true : Promise.reject(error as Error)),
	);
}

/** Heychat and the SDKs count these as success; everything else is a failure. */
export function isSuccessStatus(status: unknown): boolean {
	return status === undefined || status === 'ok' || status === true || status === 'true';
}

/**
 * Sends one Heychat call and returns its result. Adds the common query parameters, lets the
 * credential add the `token` header, keeps big ids as strings, waits out HTTP 429 as the
 * X-RateLimit-* headers say (the request, and so its heychat_ack_id, is sent unchanged), and maps
 * every failure to a NodeApiError without the token in it.
 */
export async function heychatRequest(
	this: HeychatContext,
	call: HeychatCall,
	options: CallOptions = {},
): Promise<HeychatResult> {
	const session = sessionOf(this);
	const credentials = (session.resolved ??= await session.credentials);
	const base = call.host === 'upload' ? credentials.uploadUrl : credentials.apiBaseUrl;
	// the URL of an endpoint, checked and with the common query string, once per execution
	const endpointKey = call.host + call.path;
	let endpoint = call.query === undefined ? session.endpoints.get(endpointKey) : undefined;
	if (!endpoint) {
		if (!/^https?:\/\//i.test(base)) {
			throw new NodeOperationError(
				this.getNode(),
				`The Heychat credential's ${call.host === 'upload' ? 'Upload URL' : 'API Base URL'} must start with http:// or https://`,
				{ itemIndex: options.itemIndex },
			);
		}
		const path = `${base}${call.path}`;
		endpoint = { url: path, requestUrl: `${path}?${queryString(call.query)}` };
		if (call.query === undefined) session.endpoints.set(endpointKey, endpoint);
	}
	const { url, requestUrl } = endpoint;
	// what an error of this call says (see fail): an object, not closures, for every request
	const failure: FailureContext = { context: this, operation: call.operation, url, itemIndex: options.itemIndex, token: credentials.token };

	const { pacing, client } = sharedSettings(session, credentials);
	// Accept and token are the client's own headers (see sharedSettings)
	let headers: Record<string, string> = NO_HEADERS;
	let data: string | undefined;
	// a file is streamed (a fresh stream for each attempt), with its exact length
	const multipart = call.file ? buildMultipart(call.file) : undefined;
	if (multipart) {
		headers = { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) };
	} else if (call.method !== 'GET') {
		data = call.bodyText ?? stringifyWithBigInt(call.body ?? {});
		headers = JSON_HEADERS;
	}
	const timeout = options.timeoutMs ?? 30_000;

	const maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
	const maxWaitMs = Math.max(0, options.maxWaitMs ?? DEFAULT_MAX_WAIT_SECONDS * 1000);

	// a stopped execution sends nothing more: its waits end at once and nothing is sent after them
	const signal = executionCancelSignal(this);

	// Heychat's documented request limit is waited for, never failed on (sends are paced by their callers).
	for (let attempt = 1; ; attempt++) {
		let response: AxiosResponse<Buffer>;
		// within the documented limits only (nothing to wait for otherwise)
		if (pacing.withinLimits && (await stoppedDuring(paceHeychatRequest(pacing, signal)))) {
			throw stoppedError(this, call.operation, options.itemIndex);
		}
		if (signal?.aborted) throw stoppedError(this, call.operation, options.itemIndex);
		const agents = session.agents;
		agents.begin();
		try {
			response = await client.request<Buffer>({
				method: call.method,
				url: requestUrl,
				headers,
				data: multipart ? multipart.open() : data,
				timeout,
				httpAgent: agents.httpAgent,
				httpsAgent: agents.httpsAgent,
			});
		} catch (error) {
			// n8n wraps the HTTP library's error in a NodeApiError: the code is then its httpCode
			// (ECONNABORTED for a timeout) and the original message is in `messages`
			const cause = error as {
				message?: string;
				code?: string;
				httpCode?: string | null;
				messages?: unknown;
				cause?: { code?: string; message?: string };
			};
			const code = cause.cause?.code ?? cause.code ?? (cause.httpCode && /^E[A-Z_]+$/.test(cause.httpCode) ? cause.httpCode : undefined);
			const texts = [cause.message, cause.cause?.message, ...(Array.isArray(cause.messages) ? cause.messages : [])];
			if (isAnswerOverMaxContentLength(cause.code ?? code, texts)) {
				// the call was carried out; only its answer was not read
				throw fail(failure, 'protocol', `Heychat's answer to ${call.operation} is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB; it was not read`, {
					description: 'Heychat answers are JSON pages far smaller than this: the API Base URL may point at something other than the Heychat API.',
					maybeDelivered: true,
				});
			}
			const text = texts.filter((t) => typeof t === 'string').join(' ');
			if (isTimeout(code, text)) {
				const seconds = timeout / 1000;
				throw fail(failure, 'timeout', `Heychat did not answer ${call.operation} within ${seconds} s`, {
					description: `No answer from ${base} within ${seconds} s. Heychat may be slow or unreachable; if it is only slow, raise Options › Timeout (Seconds).`,
					maybeDelivered: true,
				});
			}
			throw fail(failure, 'network', `Could not reach Heychat at ${base}${code ? ` (${code})` : ''}`, {
				description: cause.message,
				maybeDelivered: isLostConnection(code, text) || undefined,
			});
		} finally {
			agents.end();
		}

		const status = response.status;
		const text = bodyText(response.data);

		if (status === 429) {
			const info = readRateLimit(plainHeaders(response.headers));
			const where = describeRateLimit(info);
			if (info.waitMs > maxWaitMs) {
				throw fail(
					failure,
					'rateLimit',
					`Heychat rate limit reached: it asks to wait ${(info.waitMs / 1000).toFixed(1)} s, longer than the ${maxWaitMs / 1000} s allowed`,
					{ httpCode: 429, description: where || undefined },
				);
			}
			if (attempt > maxRetries) {
				throw fail(
					failure,
					'rateLimit',
					`Heychat rate limit reached: still limited after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'}`,
					{
						httpCode: 429,
						description: `Heychat allows 300 requests per minute by default${where ? ` (${where})` : ''}. Slow the workflow down or raise "Rate Limit Retries".`,
					},
				);
			}
			this.logger?.debug(
				`Heychat ${call.operation}: rate limited (HTTP 429${where ? `, ${where}` : ''}); retrying in ${info.waitMs} ms (retry ${attempt} of ${maxRetries})`,
			);
			if (await stoppedDuring(stoppableClock(signal).sleep(info.waitMs))) throw stoppedError(this, call.operation, options.itemIndex);
			continue;
		}

		let parsed: unknown;
		let parseError: string | undefined;
		try {
			parsed = text.trim() === '' ? undefined : parseJsonLossless(text);
		} catch (error) {
			parseError = (error as Error).message;
		}
		const envelope =
			parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as IDataObject) : undefined;
		const serverMessage = typeof envelope?.msg === 'string' ? envelope.msg : undefined;

		if (status === 401 || status === 403) {
			throw fail(
				failure,
				'credentials',
				`Heychat rejected the bot token (HTTP ${status})${serverMessage ? `: ${serverMessage}` : ''}`,
				{
					httpCode: status,
					serverMessage,
					description:
						'Check the token in the Heychat Bot API credential (copy it again from the bot developer platform, https://open.xiaoheihe.cn).',
				},
			);
		}
		if (status < 200 || status > 299) {
			throw fail(
				failure,
				'http',
				serverMessage
					? `Heychat answered HTTP ${status}: ${serverMessage}`
					: `Heychat answered HTTP ${status} to ${call.operation}`,
				// a server error: whether it took the request first is unknown
				{ httpCode: status, serverMessage, description: text ? snippet(text) : undefined, maybeDelivered: status >= 500 || undefined },
			);
		}
		if (!envelope) {
			throw fail(failure, 'protocol', `Heychat did not answer ${call.operation} with a JSON object`, {
				httpCode: status,
				description: parseError ? `${parseError}: ${snippet(text)}` : snippet(text) || 'empty body',
				maybeDelivered: true,
			});
		}
		if (!isSuccessStatus(envelope.status)) {
			const msg = serverMessage || `status "${String(envelope.status)}"`;
			if (serverMessage && isCredentialMessage(serverMessage)) {
				throw fail(failure, 'credentials', `Heychat rejected the bot token: ${serverMessage}`, {
					httpCode: status === 200 ? undefined : status,
					serverMessage,
					description: 'Check the token in the Heychat Bot API credential.',
				});
			}
			const ackId = call.body?.heychat_ack_id;
			throw fail(failure, 'failed', `Heychat ${call.operation} failed: ${msg}`, {
				httpCode: status === 200 ? undefined : status,
				serverMessage,
				description:
					serverMessage && ackId !== undefined && DUPLICATE_ACK_MESSAGE.test(serverMessage)
						? `Heychat already has a message with ack ID ${String(ackId)} from the last 60 seconds, so this one was not posted again. ` +
							'This happens when a send is retried after Heychat had already accepted it, or when the same Ack ID is reused.'
						: undefined,
			});
		}
		const result = envelope.result ?? envelope.data ?? envelope;
		return { result, envelope, attempts: attempt };
	}
}
