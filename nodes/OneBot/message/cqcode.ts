/**
 * OneBot v11 message formats: CQ-code strings and segment arrays (protocol.md §7).
 *
 * CQ code: `[CQ:<type>,<k1>=<v1>,<k2>=<v2>]`, no extra spaces. Text outside codes escapes
 * `&`, `[`, `]`; parameter values additionally escape `,`.
 */

import { describeValue, MessageInputError } from './errors';

/** One message segment as OneBot sends and receives it in array form. */
export type Segment = { type: string; data: Record<string, unknown> };

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '[': '&#91;', ']': '&#93;' };
const VALUE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, ',': '&#44;' };
const TEXT_UNESCAPES: Record<string, string> = { '&amp;': '&', '&#91;': '[', '&#93;': ']' };
const VALUE_UNESCAPES: Record<string, string> = { ...TEXT_UNESCAPES, '&#44;': ',' };

/** `&` → `&amp;`, `[` → `&#91;`, `]` → `&#93;`, in one pass (an `&` is never escaped twice). */
export function escapeText(text: string): string {
	return text.replace(/[&[\]]/g, (c) => TEXT_ESCAPES[c]);
}

/** escapeText plus `,` → `&#44;`: for CQ-code parameter values. */
export function escapeValue(value: string): string {
	return value.replace(/[&[\],]/g, (c) => VALUE_ESCAPES[c]);
}

/**
 * Reverses escapeText. One left-to-right pass, which is the same as replacing `&#91;`/`&#93;`
 * first and `&amp;` last: `&amp;#91;` becomes `&#91;`, never `[`. `&#44;` stays as it is in text.
 */
export function unescapeText(text: string): string {
	return text.replace(/&amp;|&#91;|&#93;/g, (e) => TEXT_UNESCAPES[e]);
}

/** Reverses escapeValue (`&#44;` → `,` as well), same single-pass rule as unescapeText. */
export function unescapeValue(value: string): string {
	return value.replace(/&amp;|&#91;|&#93;|&#44;/g, (e) => VALUE_UNESCAPES[e]);
}

/** Segment types allowed inside `[CQ:...]`: letters, digits, `_`, `-`, `.`. */
const CQ_TYPE = /^[A-Za-z0-9_.-]+$/;

function pushText(out: Segment[], text: string): void {
	if (text === '') return;
	const last = out[out.length - 1];
	if (last && last.type === 'text' && typeof last.data.text === 'string') {
		last.data.text += text;
	} else {
		out.push({ type: 'text', data: { text } });
	}
}

/** The inside of `[CQ:...]` (without the brackets and prefix), or undefined when malformed. */
function parseCode(body: string): Segment | undefined {
	// A literal `[` is always escaped in a well-formed code, so one here means the `]` we
	// found belongs to something else.
	if (body.includes('[')) return undefined;
	const parts = body.split(',');
	const type = parts[0];
	if (!CQ_TYPE.test(type)) return undefined;
	const data: Record<string, unknown> = {};
	for (const part of parts.slice(1)) {
		const eq = part.indexOf('=');
		if (eq <= 0) return undefined; // no `=` or empty key (also catches a trailing comma)
		data[unescapeValue(part.slice(0, eq))] = unescapeValue(part.slice(eq + 1));
	}
	return { type, data };
}

/**
 * Parses a CQ-code string into segments.
 *
 * - Text outside codes becomes `{type: 'text', data: {text}}`, unescaped; adjacent text is merged
 *   and empty text is not emitted.
 * - `[CQ:type,k=v,...]`: parameters split on `,`, each at its first `=` (values may contain `=`);
 *   keys and values are unescaped. Values are always strings.
 * - Malformed codes are kept as literal text (unescaped like any other text), never dropped:
 *   `[CQ:` without a closing `]`, an empty or invalid type (`[CQ:]`, `[CQ:a b]`), a parameter
 *   without `=` or with an empty key, or a raw `[` inside the code. Keeping them means nothing the
 *   user typed silently disappears; go-cqhttp likewise re-sends invalid codes as text (it only
 *   drops a malformed code at the very end of the string).
 */
export function parseCQString(input: string): Segment[] {
	const out: Segment[] = [];
	let textStart = 0;
	let pos = 0;
	for (;;) {
		const open = input.indexOf('[CQ:', pos);
		if (open === -1) break;
		const close = input.indexOf(']', open);
		if (close === -1) break;
		const segment = parseCode(input.slice(open + 4, close));
		if (!segment) {
			pos = open + 1; // this `[` is literal text; look for the next code after it
			continue;
		}
		pushText(out, unescapeText(input.slice(textStart, open)));
		out.push(segment);
		textStart = pos = close + 1;
	}
	pushText(out, unescapeText(input.slice(textStart)));
	return out;
}

/** A data value as CQ-code text: strings as they are, numbers/booleans stringified, objects as JSON. */
export function stringifyDataValue(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	return JSON.stringify(value) ?? '';
}

/**
 * Serialises segments as a CQ-code string. Text segments are escaped with escapeText; every other
 * segment becomes `[CQ:type,k=v,...]` with keys and values escaped with escapeValue. `undefined`
 * and `null` values are left out; numbers/booleans are stringified, objects/arrays JSON-encoded.
 * Throws a MessageInputError for a type or key that cannot be written as a CQ code.
 */
export function toCQString(segments: readonly Segment[]): string {
	let out = '';
	segments.forEach((segment, index) => {
		const data = segment.data ?? {};
		if (segment.type === 'text') {
			const text = data.text;
			out += escapeText(text === undefined || text === null ? '' : stringifyDataValue(text));
			return;
		}
		if (typeof segment.type !== 'string' || !CQ_TYPE.test(segment.type)) {
			throw new MessageInputError(
				'message',
				`Segment ${index + 1}: type ${describeValue(segment.type)} cannot be written as a CQ code (letters, digits, "_", "-", "." only)`,
				index,
			);
		}
		out += `[CQ:${segment.type}`;
		for (const [key, value] of Object.entries(data)) {
			if (value === undefined || value === null) continue;
			if (key === '' || key.includes('=')) {
				throw new MessageInputError(
					'message',
					`Segment ${index + 1} (${segment.type}): data key ${describeValue(key)} cannot be written as a CQ code (empty or contains "=")`,
					index,
				);
			}
			out += `,${escapeValue(key)}=${escapeValue(stringifyDataValue(value))}`;
		}
		out += ']';
	});
	return out;
}

export interface NormalizeMessageOptions {
	/** A string is one literal text segment instead of being parsed as CQ code (OneBot `auto_escape`). */
	autoEscape?: boolean;
	/** The input name used in error messages (default `message`). */
	field?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SEGMENT_EXAMPLE = '{"type": "text", "data": {"text": "Hello"}}';

function toSegment(value: unknown, field: string, label: string): Segment {
	if (!isPlainObject(value)) {
		throw new MessageInputError(
			field,
			`"${field}": ${label} must be a segment object like ${SEGMENT_EXAMPLE}, got ${describeValue(value)}`,
		);
	}
	const { type, data } = value;
	if (typeof type !== 'string' || type.trim() === '') {
		throw new MessageInputError(
			field,
			`"${field}": ${label} needs a "type" string, like ${SEGMENT_EXAMPLE}`,
		);
	}
	if (data !== undefined && data !== null && !isPlainObject(data)) {
		throw new MessageInputError(
			field,
			`"${field}": ${label} (${type}) has "data" that is not an object: ${describeValue(data)}`,
		);
	}
	return { type: type.trim(), data: { ...(data ?? {}) } };
}

/**
 * Any OneBot `message` value as a segment array: a string is parsed as CQ code (or taken as
 * literal text with `autoEscape`), a single segment object becomes a one-element array, an array
 * is checked item by item. `data: null` or a missing `data` becomes `{}`.
 */
export function normalizeMessage(
	message: string | Segment | readonly Segment[] | unknown,
	options: NormalizeMessageOptions = {},
): Segment[] {
	const field = options.field ?? 'message';
	if (typeof message === 'string') {
		if (options.autoEscape) return message === '' ? [] : [{ type: 'text', data: { text: message } }];
		return parseCQString(message);
	}
	if (Array.isArray(message)) {
		return message.map((item, i) => toSegment(item, field, `item ${i + 1}`));
	}
	if (isPlainObject(message)) return [toSegment(message, field, 'the segment')];
	throw new MessageInputError(
		field,
		`"${field}" must be a CQ-code string, a segment object or an array of segments, got ${describeValue(message)}`,
	);
}
