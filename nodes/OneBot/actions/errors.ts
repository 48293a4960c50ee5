import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { backendList, findOperation } from '../catalog';
import { OneBotCallError } from '../transport/errors';
import { redact } from '../../shared/redact';

/** An error that names the input field at fault (InputError, MessageInputError). */
function fieldOf(error: unknown): string | undefined {
	if (error instanceof Error && 'field' in error && typeof (error as { field: unknown }).field === 'string') {
		return (error as { field: string }).field;
	}
	return undefined;
}

/**
 * Any error raised while preparing or making a call → the n8n error shown for the item.
 * Bad input → NodeOperationError naming the field; a failed call → NodeApiError carrying retcode,
 * msg and wording. The access token is scrubbed from every text.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: string[],
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const clean = (text: string | undefined) => (text === undefined ? undefined : redact(text, secrets));

	if (error instanceof OneBotCallError) {
		const { details } = error;
		const response = details.response;
		let description: string | undefined;
		if (error.kind === 'unsupported') {
			const op = findOperation(details.action);
			description = op
				? `Backends that support "${details.action}": ${backendList(op)}.`
				: 'Check the action name and the backend version.';
		} else if (error.kind === 'failed' && response) {
			description = [
				`retcode: ${response.retcode}`,
				response.msg ? `msg: ${response.msg}` : undefined,
				response.wording ? `wording: ${response.wording}` : undefined,
			]
				.filter(Boolean)
				.join(', ');
		} else if (details.cause) {
			description = details.cause;
		}
		const body: JsonObject = {
			kind: error.kind,
			action: details.action,
			url: clean(details.url) ?? '',
		};
		if (response) {
			body.retcode = response.retcode;
			if (response.msg !== undefined) body.msg = clean(response.msg) ?? '';
			if (response.wording !== undefined) body.wording = clean(response.wording) ?? '';
			// Not `status`: NodeApiError takes a `status` key of its error body for the HTTP code.
			if (response.status !== undefined) body.onebotStatus = response.status;
		}
		return new NodeApiError(node, body, {
			message: clean(error.message),
			description: clean(description),
			httpCode: details.httpCode ? String(details.httpCode) : undefined,
			itemIndex,
		});
	}

	const message = clean(error instanceof Error ? error.message : String(error)) ?? 'Unknown error';
	const field = fieldOf(error);
	return new NodeOperationError(node, message, {
		itemIndex,
		description: field ? `Check the "${field}" field.` : undefined,
	});
}

/** The JSON of an error item when "Continue On Fail" is on. */
export function errorItemJson(error: NodeApiError | NodeOperationError): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError) {
		const cause = (error as unknown as { errorResponse?: JsonObject }).errorResponse;
		for (const key of ['retcode', 'msg', 'wording', 'action', 'kind'] as const) {
			if (cause && cause[key] !== undefined) json[key] = cause[key];
		}
		if (error.httpCode) json.httpCode = error.httpCode;
	}
	return json;
}
