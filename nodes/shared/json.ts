import { randomUUID } from 'node:crypto';

/*
 * JSON on the hot paths (every action call, every trigger event). Both directions have a fast path
 * that is plain JSON.stringify / JSON.parse, and do the int64 work only when the value or the text
 * can hold an integer beyond 2^53.
 */

/**
 * Marks a BigInt inside a string while stringifying. Chosen once per process (a random UUID, so
 * no user text can carry it by chance) and printable, because JSON.stringify escapes control
 * characters.
 */
const MARKER = `bigint-${randomUUID()}:`;
const MARKED_BIGINT = new RegExp(`"${MARKER}(-?\\d+)"`, 'g');

/** How deep hasBigInt looks before it hands the value to the slow path (which also handles cycles). */
const MAX_SCAN_DEPTH = 64;

/**
 * Whether `value` may hold a BigInt where JSON.stringify would write it. Conservative: an object
 * with its own `toJSON` (other than a Date), or nesting deeper than MAX_SCAN_DEPTH, answers true.
 */
function hasBigInt(value: unknown, depth: number): boolean {
	if (typeof value === 'bigint') return true;
	if (value === null || typeof value !== 'object') return false;
	if (depth > MAX_SCAN_DEPTH) return true;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) if (hasBigInt(value[i], depth + 1)) return true;
		return false;
	}
	if (value instanceof Date) return false;
	if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
	for (const key in value) {
		if (Object.prototype.hasOwnProperty.call(value, key) && hasBigInt((value as Record<string, unknown>)[key], depth + 1)) {
			return true;
		}
	}
	return false;
}

/**
 * JSON.stringify that writes BigInt values as bare JSON numbers, so int64 ids beyond 2^53 reach
 * the wire exactly as typed. Values without a BigInt (nearly every call) are plain JSON.stringify.
 *
 * The replacer reads the raw value from its holder (`this[key]`): n8n installs
 * `BigInt.prototype.toJSON` (→ a string), which runs before the replacer sees the value.
 */
export function stringifyWithBigInt(value: unknown): string {
	if (!hasBigInt(value, 0)) return JSON.stringify(value);
	const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
		const raw = this[key];
		return typeof raw === 'bigint' ? `${MARKER}${raw.toString()}` : v;
	});
	return text.replace(MARKED_BIGINT, '$1');
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

const isDigit = (code: number) => code >= 48 && code <= 57;

/** Characters that may stand right before an integer token in JSON: `:` `,` `[` and whitespace. */
function mayPrecedeNumber(code: number): boolean {
	return code === 58 || code === 44 || code === 91 || code === 32 || code === 10 || code === 13 || code === 9;
}

/** Characters that may stand right after an integer token: `,` `]` `}` and whitespace. */
function mayFollowInteger(code: number): boolean {
	return code === 44 || code === 93 || code === 125 || code === 32 || code === 10 || code === 13 || code === 9;
}

/**
 * The cheap scan: whether `text` may hold an integer literal of 16 or more digits outside a
 * string. Any run of 16+ digits covers a position ≡ 15 (mod 16), so only every 16th character is
 * looked at, and the run around a digit found there is measured. A run that touches a quote or a
 * letter sits inside a string (ids sent as strings, as Heychat does) and needs no work. Never
 * misses a real one (then it answers true); a false alarm only costs the exact scan.
 */
export function mayHoldUnsafeInteger(text: string): boolean {
	const length = text.length;
	for (let i = 15; i < length; i += 16) {
		if (!isDigit(text.charCodeAt(i))) continue;
		let end = i + 1;
		while (end < length && isDigit(text.charCodeAt(end))) end++;
		// Only a run followed by what may follow an integer is looked at further: most long runs
		// end at a quote (ids sent as strings), which settles them without finding their start.
		if (end >= length || mayFollowInteger(text.charCodeAt(end))) {
			let start = i;
			while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
			if (end - start >= 16) {
				let before = start - 1;
				if (before >= 0 && text.charCodeAt(before) === 45) before--; // a minus sign
				if (before < 0 || mayPrecedeNumber(text.charCodeAt(before))) return true;
			}
		}
		// go on at the first checked position after the run
		i = end + ((15 - (end % 16) + 16) % 16) - 16;
	}
	return false;
}

/**
 * mayHoldUnsafeInteger on a frame's UTF-8 bytes, with the same answer: digits, signs and the
 * characters around a number are ASCII, so the digit runs and their neighbours are the same in
 * the bytes as in the text (a multi-byte character is never a digit). Reading bytes costs about
 * half of reading a text's characters, most of all for a text with CJK characters (two-byte).
 */
export function mayHoldUnsafeIntegerBytes(bytes: Uint8Array): boolean {
	const length = bytes.length;
	for (let i = 15; i < length; i += 16) {
		let c = bytes[i];
		if (c < 48 || c > 57) continue;
		let end = i + 1;
		while (end < length && (c = bytes[end]) >= 48 && c <= 57) end++;
		if (end >= length || mayFollowInteger(bytes[end])) {
			let start = i;
			while (start > 0 && (c = bytes[start - 1]) >= 48 && c <= 57) start--;
			if (end - start >= 16) {
				let before = start - 1;
				if (before >= 0 && bytes[before] === 45) before--; // a minus sign
				if (before < 0 || mayPrecedeNumber(bytes[before])) return true;
			}
		}
		// go on at the first checked position after the run (the next i ≡ 15 mod 16)
		i = (end | 15) - 16;
	}
	return false;
}

/**
 * Rewrites every integer literal outside strings whose value is not a safe integer (beyond 2^53,
 * where JSON.parse would silently drop digits) with `wrap(digits)`. Strings, with their escapes,
 * floats and safe integers are copied untouched; text without such an integer is returned as is.
 */
function rewriteUnsafeIntegers(text: string, wrap: (digits: string) => string): string {
	if (!mayHoldUnsafeInteger(text)) return text;
	const length = text.length;
	let out = '';
	let copied = 0; // text[copied..i) is still to be copied
	let i = 0;
	while (i < length) {
		const code = text.charCodeAt(i);
		if (code === 34) {
			// a string: jump to its closing quote (one not escaped by an odd number of backslashes)
			let j = text.indexOf('"', i + 1);
			while (j !== -1) {
				let backslashes = 0;
				while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
				if (backslashes % 2 === 0) break;
				j = text.indexOf('"', j + 1);
			}
			i = j === -1 ? length : j + 1;
		} else if (code === 45 || isDigit(code)) {
			let j = i + 1;
			let integer = true;
			for (; j < length; j++) {
				const c = text.charCodeAt(j);
				if (isDigit(c)) continue;
				if (c === 46 || c === 101 || c === 69 || c === 43 || c === 45) integer = false;
				else break;
			}
			if (integer && j - i >= 16) {
				const token = text.slice(i, j);
				if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
					out += text.slice(copied, i) + wrap(token);
					copied = j;
				}
			}
			i = j;
		} else {
			i++;
		}
	}
	return copied === 0 ? text : out + text.slice(copied);
}

/** Quotes every integer literal beyond 2^53, so that JSON.parse keeps its exact digits as a string. */
export function quoteUnsafeIntegers(text: string): string {
	return rewriteUnsafeIntegers(text, (digits) => `"${digits}"`);
}

/**
 * JSON.parse for what servers send: integers beyond 2^53 become digit strings (ids stay exact and
 * output items stay plain JSON). Text without a 16-digit run outside strings (found by the cheap
 * scan) goes straight to JSON.parse. Throws SyntaxError like JSON.parse.
 */
export function parseJsonLossless(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text)) as unknown;
}

/**
 * parseJsonLossless for a frame that arrived as bytes: `text` is `bytes` decoded as UTF-8. The
 * cheap scan reads the bytes (mayHoldUnsafeIntegerBytes); a frame it flags is parsed like
 * parseJsonLossless.
 */
export function parseJsonLosslessFrame(bytes: Uint8Array, text: string): unknown {
	return JSON.parse(mayHoldUnsafeIntegerBytes(bytes) ? quoteUnsafeIntegers(text) : text) as unknown;
}

/**
 * JSON.parse for what users type: integers beyond 2^53 become BigInt, written back as bare numbers
 * by stringifyWithBigInt, so an int64 parameter reaches the wire as the number it was. Throws
 * SyntaxError like JSON.parse.
 */
export function parseJsonExact(text: string): unknown {
	const rewritten = rewriteUnsafeIntegers(text, (digits) => `"${MARKER}${digits}"`);
	if (rewritten === text) return JSON.parse(text) as unknown;
	return JSON.parse(rewritten, (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(MARKER) ? BigInt(value.slice(MARKER.length)) : value,
	) as unknown;
}

/**
 * `target[key] = value` as an own, enumerable property, also for the key `__proto__` (which
 * assignment would take as the object's prototype, losing the key): for keys that come from data
 * (JSON that users or backends send).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	else target[key] = value;
}
