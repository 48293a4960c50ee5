/*
 * Reading a few fields of a JSON frame from its bytes, without JSON.parse: what lets a trigger drop
 * an event its filters do not select for less than the parse costs (see prefilter.ts of each
 * trigger). Exact or silent: a value is reported only when JSON.parse of the same (valid) frame
 * would give the same value at the same place; whenever the bytes hold anything the scanner does
 * not fully understand (an escape in a key or a wanted value, a structure it cannot follow), it
 * answers "unknown" and the caller takes the full path.
 *
 * Why bytes can be scanned this way: in UTF-8 every byte of a multi-byte character is ≥ 0x80, so
 * it never equals `"`, `\`, `{`, `}`, `[`, `]`, `,`, `:` or white space; and inside a JSON string a
 * `"` is always escaped, so a quote preceded by an even number of backslashes closes the string.
 */

/** Which fields to read: a key maps to `true` (its value) or to the fields of the object it holds. */
export interface ScanSchema {
	readonly [key: string]: true | ScanSchema;
}

/**
 * A wanted key that is present with a value reported neither as a string nor as a number (an
 * object where a value was wanted, an array, true/false/null, a number that is not a plain integer
 * of at most 15 digits).
 */
export const NOT_STRING: unique symbol = Symbol('not a string');

/**
 * What was found: a string or an integer (as JSON.parse gives it; integers of at most 15 digits,
 * which JSON.parse and the lossless parser read alike), NOT_STRING, or a nested result.
 */
export interface ScanResult {
	[key: string]: string | number | typeof NOT_STRING | ScanResult;
}

/** Returned by FrameScanner.scan when the frame cannot be read exactly (the caller parses it instead). */
export const UNKNOWN = undefined;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
	return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(buf: Buffer, i: number): number {
	while (i < buf.length && isSpace(buf[i])) i++;
	return i;
}

/**
 * Index of the quote closing the string whose content starts at `from`, or -1. A byte loop: the
 * strings of an event are short, and a call into Buffer#indexOf per string costs more.
 */
function stringEnd(buf: Buffer, from: number): number {
	const length = buf.length;
	for (let j = from; j < length; j++) {
		const byte = buf[j];
		if (byte === QUOTE) return j;
		if (byte === BACKSLASH) j++; // the escaped byte is never the closing quote
	}
	return -1;
}

/**
 * Index right after the object or array that encloses position `i` at `depth` levels (depth 0:
 * `i` is at its opening bracket), strings inside skipped; -1 when it does not end.
 */
function skipNested(buf: Buffer, i: number, depth = 0): number {
	const length = buf.length;
	for (let k = i; k < length; k++) {
		const byte = buf[k];
		if (byte === QUOTE) {
			k = stringEnd(buf, k + 1);
			if (k === -1) return -1;
		} else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
			depth++;
		} else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
			depth--;
			if (depth === 0) return k + 1;
		}
	}
	return -1;
}

/** Index right after a scalar (number, true, false, null) starting at `i`. */
function skipScalar(buf: Buffer, i: number): number {
	let k = i;
	while (k < buf.length) {
		const byte = buf[k];
		if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte)) break;
		k++;
	}
	return k;
}

/**
 * Whether a backslash followed by `u` occurs (an escaped backslash before a `u` counts too:
 * harmless, the caller then takes the full path). A byte search finds the rare backslashes fast.
 */
export function hasUnicodeEscape(buf: Buffer): boolean {
	for (let at = buf.indexOf(BACKSLASH); at !== -1; at = buf.indexOf(BACKSLASH, at + 1)) {
		if (buf[at + 1] === 0x75) return true;
	}
	return false;
}

/** A plain integer literal of 1–15 digits (optional minus) as a number; NOT_STRING otherwise. */
function smallInteger(buf: Buffer, from: number, to: number): number | typeof NOT_STRING {
	const start = buf[from] === 0x2d ? from + 1 : from;
	const digits = to - start;
	if (digits < 1 || digits > 15) return NOT_STRING;
	for (let k = start; k < to; k++) if (buf[k] < 0x30 || buf[k] > 0x39) return NOT_STRING;
	return Number(buf.toString('latin1', from, to));
}

/** The key (ASCII bytes) at buf[from, to) when it is one of `keys`, without making a string for others. */
function wantedKey(buf: Buffer, from: number, to: number, keys: readonly string[]): string | undefined {
	const length = to - from;
	for (let n = 0; n < keys.length; n++) {
		const key = keys[n];
		if (key.length !== length) continue;
		let same = true;
		for (let k = 0; k < length; k++) {
			if (buf[from + k] !== key.charCodeAt(k)) {
				same = false;
				break;
			}
		}
		if (same) return key;
	}
	return undefined;
}

interface Scanned {
	result: ScanResult;
	/** Index right after the object; -1 when reading stopped early, at `at` (inside the object). */
	end: number;
	at?: number;
}

/**
 * Whether no wanted key occurs in the frame from `from` on (as `"key"`; with no \u escape in the
 * frame a key cannot be spelled otherwise): then no later member of the object being read can set
 * or replace a wanted value, and what was found (or not) is final.
 */
function settled(buf: Buffer, from: number, level: Level, last: Int32Array): boolean {
	for (let n = 0; n < level.quoted.length; n++) {
		const id = level.ids[n];
		// where the key last occurs in the frame: looked up once per frame and key
		if (last[id] === NOT_LOOKED_UP) last[id] = buf.lastIndexOf(level.quoted[n]);
		if (last[id] >= from) return false;
	}
	return true;
}

const NOT_LOOKED_UP = -2;

/** A schema level with its keys listed once (scanning allocates nothing for keys it does not want). */
interface Level {
	keys: readonly string[];
	/** Each key in quotes, as bytes (what settled() looks for). */
	quoted: readonly Buffer[];
	/** Each key's number among all keys of the schema (an index into settled()'s `last`). */
	ids: readonly number[];
	want: Readonly<Record<string, true | Level>>;
}

function compile(schema: ScanSchema, allKeys: string[]): Level {
	const want: Record<string, true | Level> = {};
	for (const [key, value] of Object.entries(schema)) want[key] = value === true ? true : compile(value, allKeys);
	const keys = Object.keys(want);
	const ids = keys.map((key) => {
		if (!allKeys.includes(key)) allKeys.push(key);
		return allKeys.indexOf(key);
	});
	return { keys, quoted: keys.map((key) => Buffer.from(`"${key}"`, 'latin1')), ids, want };
}

/**
 * Reads the object starting at `i`: every member's key (a key with an escape makes the whole frame
 * unknown: it could spell a wanted key), and the wanted members' values. Duplicate keys: the last
 * one wins, as in JSON.parse.
 */
function scanObject(buf: Buffer, i: number, level: Level, last: Int32Array): Scanned | undefined {
	const result: ScanResult = {};
	if (settled(buf, i + 1, level, last)) return { result, end: -1, at: i + 1 };
	i = skipSpace(buf, i + 1);
	if (buf[i] === CLOSE_BRACE) return { result, end: i + 1 };
	for (;;) {
		if (buf[i] !== QUOTE) return UNKNOWN;
		const keyEnd = stringEnd(buf, i + 1);
		if (keyEnd === -1) return UNKNOWN;
		const keySlash = buf.indexOf(BACKSLASH, i + 1);
		if (keySlash !== -1 && keySlash < keyEnd) return UNKNOWN;
		const key = wantedKey(buf, i + 1, keyEnd, level.keys);
		i = skipSpace(buf, keyEnd + 1);
		if (buf[i] !== COLON) return UNKNOWN;
		i = skipSpace(buf, i + 1);
		const byte = buf[i];
		const want = key === undefined ? undefined : level.want[key];
		if (byte === QUOTE) {
			const end = stringEnd(buf, i + 1);
			if (end === -1) return UNKNOWN;
			if (key !== undefined) {
				if (want !== true) result[key] = NOT_STRING;
				else {
					const slash = buf.indexOf(BACKSLASH, i + 1);
					if (slash !== -1 && slash < end) return UNKNOWN; // an escaped wanted value: not decoded here
					result[key] = buf.toString('utf8', i + 1, end);
				}
			}
			i = end + 1;
		} else if (byte === OPEN_BRACE && want !== undefined && want !== true) {
			const inner = scanObject(buf, i, want, last);
			if (!inner) return UNKNOWN;
			result[key as string] = inner.result;
			if (inner.end === -1) {
				// it stopped early: so does this object if its keys are settled there too; otherwise
				// the rest of the inner object (one level deep) is skipped
				const at = inner.at ?? i;
				if (settled(buf, at, level, last)) return { result, end: -1, at };
				i = skipNested(buf, at, 1);
			} else {
				i = inner.end;
			}
			if (i === -1) return UNKNOWN;
		} else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
			const end = skipNested(buf, i);
			if (end === -1) return UNKNOWN;
			if (key !== undefined) result[key] = NOT_STRING;
			i = end;
		} else {
			const end = skipScalar(buf, i);
			if (end === i) return UNKNOWN;
			if (key !== undefined) result[key] = want === true ? smallInteger(buf, i, end) : NOT_STRING;
			i = end;
		}
		if (key !== undefined && settled(buf, i, level, last)) {
			// no wanted key occurs anywhere after: no later member can set or replace a value, so the
			// rest of this object need not be read
			return { result, end: -1, at: i };
		}
		i = skipSpace(buf, i);
		if (buf[i] === COMMA) {
			i = skipSpace(buf, i + 1);
			continue;
		}
		if (buf[i] === CLOSE_BRACE) return { result, end: i + 1 };
		return UNKNOWN;
	}
}

/**
 * Reads the wanted fields of the JSON object in a frame (nested ones through objects only): `scan`
 * returns UNKNOWN when the frame is not an object or holds something the scanner does not read exactly;
 * otherwise the fields found (absent keys are absent). For a frame JSON.parse accepts, every
 * string reported equals JSON.parse's value at that path.
 */
/** Where the value of the first member named `key` starts, in the object whose members start at `i`; -1 if none. */
function peekMember(buf: Buffer, i: number, key: string): number {
	const keys = [key];
	while (buf[i] === QUOTE) {
		const keyEnd = stringEnd(buf, i + 1);
		if (keyEnd === -1) return -1;
		const wanted = wantedKey(buf, i + 1, keyEnd, keys) !== undefined;
		i = skipSpace(buf, keyEnd + 1);
		if (buf[i] !== COLON) return -1;
		i = skipSpace(buf, i + 1);
		if (wanted) return i;
		if (buf[i] === QUOTE) {
			const end = stringEnd(buf, i + 1);
			if (end === -1) return -1;
			i = end + 1;
		} else if (buf[i] === OPEN_BRACE || buf[i] === OPEN_BRACKET) {
			i = skipNested(buf, i);
			if (i === -1) return -1;
		} else {
			const end = skipScalar(buf, i);
			if (end === i) return -1;
			i = end;
		}
		i = skipSpace(buf, i);
		if (buf[i] !== COMMA) return -1;
		i = skipSpace(buf, i + 1);
	}
	return -1;
}

/** Where the value of the first member along `path` starts (objects only), or -1. */
function peekValue(buf: Buffer, path: readonly string[]): number {
	let i = skipSpace(buf, 0);
	for (let depth = 0; depth < path.length; depth++) {
		if (buf[i] !== OPEN_BRACE) return -1;
		i = peekMember(buf, skipSpace(buf, i + 1), path[depth]);
		if (i === -1) return -1;
	}
	return i;
}

export class FrameScanner {
	private readonly level: Level;

	/** Per key of the schema, where it last occurs in the frame being scanned (see settled()). */
	private readonly last: Int32Array;

	constructor(schema: ScanSchema) {
		const allKeys: string[] = [];
		this.level = compile(schema, allKeys);
		this.last = new Int32Array(allKeys.length);
	}

	/**
	 * A quick look, for the common case where the frame is kept: the value (a string, or an integer
	 * as in ScanResult) of the first member named path[0] at the top level, of the first named
	 * path[1] in it, and so on; undefined when not found. Not exact (a later duplicate key, or an
	 * escaped spelling of a key, would win in JSON.parse): use it only to decide that a frame is
	 * NOT dropped, and `scan` before dropping one.
	 */
	peek(buf: Buffer, path: readonly string[]): string | number | undefined {
		const i = peekValue(buf, path);
		if (i === -1) return undefined;
		if (buf[i] === QUOTE) {
			const end = stringEnd(buf, i + 1);
			return end === -1 ? undefined : buf.toString('utf8', i + 1, end);
		}
		const value = smallInteger(buf, i, skipScalar(buf, i));
		return value === NOT_STRING ? undefined : value;
	}

	/**
	 * Whether `peek(buf, path)` would give a string whose UTF-8 bytes are one of `candidates`,
	 * without making the string (the same quick look, for the same use: deciding to keep a frame).
	 */
	peekIs(buf: Buffer, path: readonly string[], candidates: readonly Buffer[]): boolean {
		const i = peekValue(buf, path);
		if (i === -1 || buf[i] !== QUOTE) return false;
		const end = stringEnd(buf, i + 1);
		if (end === -1) return false;
		for (const candidate of candidates) {
			if (candidate.length === end - i - 1 && buf.compare(candidate, 0, candidate.length, i + 1, end) === 0) return true;
		}
		return false;
	}

	/** Whether `key` is one of the top-level keys this scanner reads. */
	reads(key: string): boolean {
		return this.level.keys.includes(key);
	}

	scan(buf: Buffer): ScanResult | undefined {
		// a \u escape could spell a wanted key anywhere (and reading stops early, see settled())
		if (hasUnicodeEscape(buf)) return UNKNOWN;
		const i = skipSpace(buf, 0);
		if (buf[i] !== OPEN_BRACE) return UNKNOWN;
		this.last.fill(NOT_LOOKED_UP);
		const scanned = scanObject(buf, i, this.level, this.last);
		if (!scanned) return UNKNOWN;
		if (scanned.end === -1) return scanned.result;
		// anything but white space after the object: not JSON, let the full path say so
		return skipSpace(buf, scanned.end) === buf.length ? scanned.result : UNKNOWN;
	}
}

/** A string found by FrameScanner, or undefined (absent, a number, not a string, or a nested result). */
export function scannedString(value: ScanResult[string] | undefined): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** A nested result found by FrameScanner, or undefined. */
export function scannedObject(value: ScanResult[string] | undefined): ScanResult | undefined {
	return typeof value === 'object' ? value : undefined;
}
