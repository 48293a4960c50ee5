import { randomUUID } from 'node:crypto';

/**
 * JSON.stringify that writes BigInt values as bare JSON numbers, so int64 ids beyond 2^53 reach
 * the wire exactly as typed.
 *
 * The replacer reads the raw value from its holder (`this[key]`): n8n installs
 * `BigInt.prototype.toJSON` (→ a string), which runs before the replacer sees the value. The
 * marker is printable (JSON.stringify escapes control characters) and unique per call.
 */
export function stringifyWithBigInt(value: unknown): string {
	const marker = `bigint-${randomUUID()}:`;
	const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
		const raw = this[key];
		return typeof raw === 'bigint' ? `${marker}${raw.toString()}` : v;
	});
	return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

/** Reads a dotted path (`a.b.c`) inside a JSON value. */
export function getPath(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * Rewrites every integer literal outside strings whose value is not a safe integer (beyond 2^53,
 * where JSON.parse would silently drop digits) with `wrap(digits)`. Strings, with their escapes,
 * floats and safe integers are copied untouched.
 */
function rewriteUnsafeIntegers(text: string, wrap: (digits: string) => string): string {
	if (!/\d{16,}/.test(text)) return text;
	let out = '';
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (ch === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
		} else if (ch === '-' || (ch >= '0' && ch <= '9')) {
			let j = i + 1;
			while (j < text.length && /[\d.eE+-]/.test(text[j])) j++;
			const token = text.slice(i, j);
			out += /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? wrap(token) : token;
			i = j;
		} else {
			out += ch;
			i++;
		}
	}
	return out;
}

/** Quotes every integer literal beyond 2^53, so that JSON.parse keeps its exact digits as a string. */
export function quoteUnsafeIntegers(text: string): string {
	return rewriteUnsafeIntegers(text, (digits) => `"${digits}"`);
}

/**
 * JSON.parse for what servers send: integers beyond 2^53 become digit strings (ids stay exact and
 * output items stay plain JSON). Throws SyntaxError like JSON.parse.
 */
export function parseJsonLossless(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text)) as unknown;
}

/**
 * JSON.parse for what users type: integers beyond 2^53 become BigInt, written back as bare numbers
 * by stringifyWithBigInt, so an int64 parameter reaches the wire as the number it was. Throws
 * SyntaxError like JSON.parse.
 */
export function parseJsonExact(text: string): unknown {
	const marker = `bigint-${randomUUID()}:`;
	const rewritten = rewriteUnsafeIntegers(text, (digits) => `"${marker}${digits}"`);
	if (rewritten === text) return JSON.parse(text) as unknown;
	return JSON.parse(rewritten, (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value,
	) as unknown;
}
