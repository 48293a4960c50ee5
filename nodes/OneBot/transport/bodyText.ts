import { jsonBody, type StreamedBody } from '../../shared/upload/streamedJson';

/*
 * The JSON text of a call's parameters. A frozen params object cannot change, so its text is
 * written once and kept with it: the call every item of an execution makes alike (see
 * actions/sameCall.ts) is not stringified again for each item.
 */
const texts = new WeakMap<object, string>();

/** `jsonBody(params)`, kept for a frozen params object. */
export function paramsBody(params: Record<string, unknown>): string | StreamedBody {
	if (params === null || typeof params !== 'object' || !Object.isFrozen(params)) return jsonBody(params);
	let text = texts.get(params);
	if (text === undefined) {
		const body = jsonBody(params);
		if (typeof body !== 'string') return body;
		texts.set(params, body);
		text = body;
	}
	return text;
}
