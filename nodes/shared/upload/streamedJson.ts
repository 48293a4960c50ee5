import { randomUUID } from 'node:crypto';

import { setOwn, stringifyWithBigInt } from '../json';
import { base64Length, type BinarySource } from './binarySource';

/*
 * A JSON request body with a file inside it as a base64 string (OneBot's `"file": "base64://..."`),
 * produced in chunks: the file is never held as one base64 string, nor the body as one string or
 * Buffer. Its exact length is known up front (for Content-Length).
 */

/** A string value made of `prefix` and the base64 text of a file; stands in a params object. */
export class Base64Value {
	constructor(
		readonly prefix: string,
		readonly source: BinarySource,
	) {
		if (JSON.stringify(prefix) !== `"${prefix}"`) throw new Error('the prefix must not need JSON escaping');
	}

	/** Characters (= bytes: prefix and base64 are ASCII) of the value. */
	get length(): number {
		return this.prefix.length + base64Length(this.source.size);
	}

	/** Only for places that must have the whole text (never the request body). */
	toJSON(): string {
		return `${this.prefix}<${this.source.size} bytes>`;
	}
}

export interface StreamedBody {
	/** Bytes in total. */
	length: number;
	/** The body in order; every call starts again. */
	chunks(): AsyncIterable<string>;
}

function hasStreamedValue(value: unknown, depth = 0): boolean {
	if (value instanceof Base64Value) return true;
	if (depth > 4 || value === null || typeof value !== 'object') return false;
	if (Array.isArray(value)) {
		for (const v of value) if (hasStreamedValue(v, depth + 1)) return true;
		return false;
	}
	// for…in over own keys: no array of values and no closure per object (this runs for every call)
	const record = value as Record<string, unknown>;
	for (const key in record) if (Object.hasOwn(record, key) && hasStreamedValue(record[key], depth + 1)) return true;
	return false;
}

/** Replaces each Base64Value with a unique placeholder string; returns the copy and the values. */
function withPlaceholders(value: unknown, found: Map<string, Base64Value>, tag: string, depth = 0): unknown {
	if (value instanceof Base64Value) {
		const key = `${tag}${found.size}@@`;
		found.set(key, value);
		return key;
	}
	if (depth > 4 || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, found, tag, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) setOwn(out, k, withPlaceholders(v, found, tag, depth + 1));
	return out;
}

/**
 * `value` as JSON (big ids kept exact): a plain string when it holds no Base64Value, otherwise a
 * StreamedBody whose chunks are the JSON text with each file's base64 streamed in place.
 */
export function jsonBody(value: unknown): string | StreamedBody {
	if (!hasStreamedValue(value)) return stringifyWithBigInt(value);
	const found = new Map<string, Base64Value>();
	const tag = `@@stream-${randomUUID()}-`;
	const text = stringifyWithBigInt(withPlaceholders(value, found, tag));
	const parts: Array<string | Base64Value> = [];
	let rest = text;
	for (const [key, streamed] of found) {
		const at = rest.indexOf(key);
		parts.push(rest.slice(0, at), streamed);
		rest = rest.slice(at + key.length);
	}
	parts.push(rest);
	let length = 0;
	for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
	return {
		length,
		async *chunks() {
			for (const part of parts) {
				if (typeof part === 'string') {
					if (part !== '') yield part;
					continue;
				}
				yield part.prefix;
				for await (const chunk of part.source.base64()) yield chunk;
			}
		},
	};
}
