import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

import { nonPublicReason } from './address';

/*
 * The one way this package fetches a URL it was given (an image URL in a message, an image to
 * re-upload) from the n8n host. Nothing is sent with it but the caller's plain headers: no
 * credential, no cookie.
 *
 * - http and https only;
 * - the host name is resolved here and the connection goes to exactly the address that was
 *   checked (a custom `lookup`), so a name cannot resolve to a public address for the check and
 *   to a private one for the connection; an address that is not on the public internet is refused
 *   unless `allowPrivateNetwork` is set;
 * - redirects are followed here, each one checked the same way, at most `maxRedirects`;
 * - at most `maxBytes` are read: the transfer is aborted there (an error, or the bytes read so far
 *   for a probe that only needs the start of the file), and `until` can stop it earlier;
 * - one deadline for the whole fetch, redirects included.
 */

export type FetchFailure =
	/** not http(s), or not a URL */
	| 'url'
	/** the address is not public and private addresses are not allowed */
	| 'refused'
	/** more than maxBytes */
	| 'tooLarge'
	| 'timeout'
	/** more redirects than allowed, or a redirect without a usable Location */
	| 'redirects'
	/** a non-2xx answer */
	| 'http'
	/** DNS, connection, TLS */
	| 'network';

export class FetchError extends Error {
	constructor(
		readonly kind: FetchFailure,
		message: string,
		readonly url: string,
		readonly httpCode?: number,
	) {
		super(message);
		this.name = 'FetchError';
	}
}

export interface ResolvedAddress {
	address: string;
	family: number;
}

export interface GuardedFetchOptions {
	/** Let the fetch reach loopback, private, link-local and other non-public addresses. */
	allowPrivateNetwork: boolean;
	/** The most bytes read from the body. */
	maxBytes: number;
	/** Past maxBytes: 'fail' throws a tooLarge FetchError; 'truncate' returns the first maxBytes. */
	overflow: 'fail' | 'truncate';
	/** One deadline for the whole fetch, redirects included. */
	timeoutMs: number;
	/** Default 5. */
	maxRedirects?: number;
	headers?: Record<string, string>;
	/**
	 * Stop reading (and return what came) as soon as this says the bytes so far are enough. Asked
	 * after each chunk while the first UNTIL_WINDOW bytes arrive (a decision on the start of a file).
	 */
	until?: (received: Buffer) => boolean;
	/**
	 * Addresses treated as public although they are not (tests use it to stand a "public" host up on
	 * this machine); empty by default.
	 */
	treatAsPublic?: readonly string[];
	/** How host names are resolved (default: the system resolver, every address). */
	resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface FetchedBody {
	/** The URL the body came from (after redirects). */
	url: string;
	status: number;
	headers: IncomingHttpHeaders;
	body: Buffer;
	/** True when the transfer was stopped before its end (byte cap in 'truncate' mode, or `until`). */
	truncated: boolean;
	redirects: number;
}

export const DEFAULT_MAX_REDIRECTS = 5;

/** How far into a body `until` is asked. */
export const UNTIL_WINDOW = 1024 * 1024;

const REDIRECT = new Set([301, 302, 303, 307, 308]);

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
	return await dnsLookup(hostname, { all: true, verbatim: true });
}

function describeTarget(url: URL): string {
	return `${url.protocol}//${url.host}`;
}

function parseUrl(text: string, base?: URL): URL {
	const url = URL.canParse(text, base?.href) ? new URL(text, base) : undefined;
	if (!url) throw new FetchError('url', `"${text}" is not a URL`, text);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new FetchError('url', `Only http and https URLs are fetched, not ${url.protocol.replace(/:$/, '')}`, url.href);
	}
	if (url.username || url.password) {
		throw new FetchError('url', 'URLs with a user name or password are not fetched', describeTarget(url));
	}
	return url;
}

function refusal(url: URL, address: string, reason: string): FetchError {
	return new FetchError(
		'refused',
		`Refused to fetch ${describeTarget(url)}: it is a ${reason} address (${address}), not a public one. ` +
			'Switch on "Allow Private Network Addresses" in the node\'s options to fetch from the local network.',
		url.href,
	);
}

/** One request, no redirects followed: resolves with the response (body not yet read). */
function openOnce(
	url: URL,
	options: GuardedFetchOptions,
	track: (request: ClientRequest) => void,
): Promise<IncomingMessage> {
	const resolve = options.resolve ?? systemResolve;
	const hostname = url.hostname.replace(/^\[|\]$/g, '');
	const reasonFor = (address: string) =>
		options.treatAsPublic?.includes(address) ? undefined : nonPublicReason(address);
	if (isIP(hostname) !== 0 && !options.allowPrivateNetwork) {
		const reason = reasonFor(hostname);
		if (reason) return Promise.reject(refusal(url, hostname, reason));
	}
	let refused: FetchError | undefined;
	// net.connect calls this for host names (not for IP literals, checked above). It connects to
	// the address given to the callback: the address checked here.
	const guardedLookup = ((host: string, lookupOptions: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
		resolve(host).then(
			(found) => {
				const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
				const addresses = found.filter((a) => wanted === undefined || a.family === wanted);
				if (addresses.length === 0) {
					callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }));
					return;
				}
				if (!options.allowPrivateNetwork) {
					for (const { address } of addresses) {
						const reason = reasonFor(address);
						if (reason) {
							refused = refusal(url, address, reason);
							callback(refused);
							return;
						}
					}
				}
				if (lookupOptions.all) callback(null, addresses);
				else callback(null, addresses[0].address, addresses[0].family);
			},
			(error: unknown) => callback(error),
		);
	}) as unknown as LookupFunction;

	return new Promise<IncomingMessage>((done, fail) => {
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		const request = send(url, {
			method: 'GET',
			headers: { Accept: '*/*', ...options.headers },
			lookup: guardedLookup,
			agent: false,
		});
		track(request);
		request.once('response', done);
		request.once('error', (error: Error & { code?: string }) => {
			if (error instanceof FetchError) fail(error);
			else if (refused) fail(refused);
			else {
				fail(
					new FetchError(
						'network',
						`Could not fetch ${describeTarget(url)}: ${error.code ?? error.message}`,
						url.href,
					),
				);
			}
		});
		request.end();
	});
}

/** Reads a response body up to the cap. */
function readBody(
	url: URL,
	response: IncomingMessage,
	options: GuardedFetchOptions,
): Promise<{ body: Buffer; truncated: boolean }> {
	const declared = Number(response.headers['content-length']);
	if (options.overflow === 'fail' && Number.isFinite(declared) && declared > options.maxBytes) {
		response.destroy();
		return Promise.reject(tooLarge(url, options.maxBytes));
	}
	return new Promise((done, fail) => {
		const chunks: Buffer[] = [];
		let received = 0;
		let settled = false;
		const finish = (truncated: boolean) => {
			if (settled) return;
			settled = true;
			if (truncated) response.destroy();
			done({ body: Buffer.concat(chunks, Math.min(received, options.maxBytes)), truncated });
		};
		response.on('data', (chunk: Buffer) => {
			if (settled) return;
			const room = options.maxBytes - received;
			if (chunk.length > room) {
				if (options.overflow === 'fail') {
					settled = true;
					response.destroy();
					fail(tooLarge(url, options.maxBytes));
					return;
				}
				chunks.push(chunk.subarray(0, room));
				received += room;
				finish(true);
				return;
			}
			const before = received;
			chunks.push(chunk);
			received += chunk.length;
			if (options.until && before < UNTIL_WINDOW && options.until(Buffer.concat(chunks, received))) finish(true);
		});
		response.once('end', () => finish(false));
		response.once('error', (error) => {
			if (settled) return;
			settled = true;
			fail(error instanceof FetchError ? error : new FetchError('network', `The download from ${describeTarget(url)} broke off: ${error.message}`, url.href));
		});
		response.once('close', () => {
			if (!settled && !response.complete) {
				settled = true;
				fail(new FetchError('network', `The download from ${describeTarget(url)} broke off`, url.href));
			}
		});
	});
}

function tooLarge(url: URL, maxBytes: number): FetchError {
	return new FetchError('tooLarge', `The file at ${describeTarget(url)} is larger than ${formatBytes(maxBytes)}`, url.href);
}

/** 20971520 → "20 MiB", 262144 → "256 KiB". */
export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
	if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
	if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
	return `${bytes} bytes`;
}

/** GETs a URL with the guards described at the top of this file. */
export async function guardedFetch(target: string, options: GuardedFetchOptions): Promise<FetchedBody> {
	let url = parseUrl(target);
	const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
	let current: ClientRequest | undefined;
	let timedOut: FetchError | undefined;
	const timer = setTimeout(() => {
		timedOut = new FetchError(
			'timeout',
			`${describeTarget(url)} did not send the file within ${Math.round(options.timeoutMs / 100) / 10} s`,
			url.href,
		);
		current?.destroy(timedOut);
	}, options.timeoutMs);
	try {
		for (let redirects = 0; ; redirects++) {
			let response: IncomingMessage;
			try {
				response = await openOnce(url, options, (request) => {
					current = request;
					if (timedOut) request.destroy(timedOut);
				});
			} catch (error) {
				throw timedOut ?? error;
			}
			const status = response.statusCode ?? 0;
			if (REDIRECT.has(status)) {
				// its body is not wanted: the connection is closed, not drained (which would go on in
				// the background, as long as the server sends, after the fetch is over)
				response.destroy();
				const location = response.headers.location;
				if (!location) {
					throw new FetchError('redirects', `${describeTarget(url)} redirected (HTTP ${status}) without a Location`, url.href, status);
				}
				if (redirects >= maxRedirects) {
					throw new FetchError('redirects', `More than ${maxRedirects} redirects from ${target}`, url.href, status);
				}
				url = parseUrl(location, url);
				continue;
			}
			if (status < 200 || status > 299) {
				response.destroy();
				throw new FetchError('http', `${describeTarget(url)} answered HTTP ${status}`, url.href, status);
			}
			try {
				const { body, truncated } = await readBody(url, response, options);
				return { url: url.href, status, headers: response.headers, body, truncated, redirects };
			} catch (error) {
				throw timedOut ?? error;
			}
		}
	} finally {
		clearTimeout(timer);
		current?.destroy();
	}
}
