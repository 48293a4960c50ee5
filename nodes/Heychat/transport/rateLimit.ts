import { FALLBACK_WAIT_MS } from './constants';

/** The rate-limit headers Heychat documents (300 requests per minute by default). */
export interface RateLimitInfo {
	limit?: number;
	remaining?: number;
	/** Unix seconds when the bucket resets. */
	reset?: number;
	/** Seconds until the bucket resets. */
	resetAfter?: number;
	/** Which bucket was hit; empty means the global one. */
	bucket?: string;
	/** How long to wait before the next try, from the headers (or the fallback). */
	waitMs: number;
}

export type HeaderBag = Record<string, unknown>;

function header(headers: HeaderBag, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		const first = Array.isArray(value) ? value[0] : value;
		if (first === undefined || first === null) return undefined;
		return String(first).trim();
	}
	return undefined;
}

function numberHeader(headers: HeaderBag, name: string): number | undefined {
	const text = header(headers, name);
	if (text === undefined || text === '') return undefined;
	const value = Number(text);
	return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads X-RateLimit-* (and Retry-After) and works out how long to wait:
 * X-RateLimit-Reset-After first, then Retry-After, then X-RateLimit-Reset minus now.
 */
export function readRateLimit(headers: HeaderBag, nowMs: number = Date.now()): RateLimitInfo {
	const info: RateLimitInfo = {
		limit: numberHeader(headers, 'x-ratelimit-limit'),
		remaining: numberHeader(headers, 'x-ratelimit-remaining'),
		reset: numberHeader(headers, 'x-ratelimit-reset'),
		resetAfter: numberHeader(headers, 'x-ratelimit-reset-after'),
		bucket: header(headers, 'x-ratelimit-bucket'),
		waitMs: FALLBACK_WAIT_MS,
	};
	const retryAfter = header(headers, 'retry-after');
	if (info.resetAfter !== undefined && info.resetAfter >= 0) {
		info.waitMs = Math.ceil(info.resetAfter * 1000);
	} else if (retryAfter !== undefined && retryAfter !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) info.waitMs = Math.max(0, Math.ceil(seconds * 1000));
		else {
			const date = Date.parse(retryAfter);
			if (!Number.isNaN(date)) info.waitMs = Math.max(0, date - nowMs);
		}
	} else if (info.reset !== undefined) {
		// Unix seconds per the docs; accept milliseconds too.
		const resetMs = info.reset > 1e12 ? info.reset : info.reset * 1000;
		info.waitMs = Math.max(0, Math.ceil(resetMs - nowMs));
	}
	return info;
}

/** "bucket /user, 0 of 300 left" for error messages. */
export function describeRateLimit(info: RateLimitInfo): string {
	const parts: string[] = [];
	if (info.bucket !== undefined) parts.push(info.bucket === '' ? 'global bucket' : `bucket ${info.bucket}`);
	if (info.limit !== undefined) parts.push(`${info.remaining ?? 0} of ${info.limit} requests left`);
	return parts.join(', ');
}
