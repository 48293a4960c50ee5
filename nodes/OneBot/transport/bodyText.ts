import { jsonBody, type StreamedBody } from '../../shared/upload/streamedJson';

/*
 * The JSON text of a call's parameters. A frozen params object cannot change, so its text is
 * written once and kept with it: the call every item of an execution makes alike (see
 * actions/sameCall.ts) is not stringified again for each item. Params made for one item (an
 * expression among the parameters) that are nothing but strings, numbers, booleans and null in
 * plain objects and arrays are JSON.stringify'd after one look at them, instead of the two of
 * jsonBody (for a streamed file, then for a BigInt).
 */
const texts = new WeakMap<object, string>();

/** Whether JSON.stringify writes `value` as jsonBody does: plain data without BigInt, file or toJSON, not too deep. */
function isPlainJson(value: unknown, depth: number): boolean {
	const type = typeof value;
	if (type === 'string' || type === 'number' || type === 'boolean' || value === null) return true;
	if (type !== 'object' || depth > 4) return false;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
		return true;
	}
	if (Object.getPrototypeOf(value) !== Object.prototype) return false;
	const record = value as Record<string, unknown>;
	for (const key in record) if (Object.hasOwn(record, key) && !isPlainJson(record[key], depth + 1)) return false;
	return true;
}

/** `jsonBody(params)`, kept for a frozen params object. */
export function paramsBody(params: Record<string, unknown>): string | StreamedBody {
	if (params === null || typeof params !== 'object') return jsonBody(params);
	if (!Object.isFrozen(params)) return isPlainJson(params, 0) ? JSON.stringify(params) : jsonBody(params);
	let text = texts.get(params);
	if (text === undefined) {
		const body = jsonBody(params);
		if (typeof body !== 'string') return body;
		texts.set(params, body);
		text = body;
	}
	return text;
}
