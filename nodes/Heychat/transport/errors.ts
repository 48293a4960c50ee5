import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { redact } from '../../shared/redact';

/** What kind of failure a Heychat call ended in (kept on the error as `context.heychatFailure`). */
export type HeychatFailure =
	/** HTTP 401/403, or a `failed` envelope whose msg is about the token */
	| 'credentials'
	/** `{status: "failed", msg}` */
	| 'failed'
	/** HTTP 429 still there after the allowed retries, or a wait longer than allowed */
	| 'rateLimit'
	/** any other non-2xx HTTP status */
	| 'http'
	/** the answer is not a Heychat envelope */
	| 'protocol'
	/** the server could not be reached */
	| 'network'
	/** no answer within the timeout */
	| 'timeout';

export interface FailureDetails {
	operation: string;
	/** The URL without the query string (the token is never in it; it travels in a header). */
	url: string;
	httpCode?: number;
	/** The server's `msg`. */
	serverMessage?: string;
	description?: string;
	itemIndex?: number;
	/**
	 * The request went out and its answer was lost or unreadable (no answer in time, the connection
	 * reset, HTTP 5xx, a 2xx that is not an envelope): Heychat may have carried it out.
	 */
	maybeDelivered?: boolean;
}

/** Heychat's answer to a message that was already sent with the same heychat_ack_id. */
export const DUPLICATE_ACK_MESSAGE = /请勿重复发送/;

/** A `failed` msg that is about the token rather than the request. */
const CREDENTIAL_MESSAGE = /token|鉴权|未登录|登录|认证|unauthori[sz]ed|forbidden/i;

export function isCredentialMessage(msg: string): boolean {
	return CREDENTIAL_MESSAGE.test(msg);
}

/**
 * Builds the NodeApiError for a failed call. Every text that could come from the server is passed
 * through `redact` with the token, and the error is built from a plain object (not from an HTTP
 * library error, which would carry the request headers and so the token).
 */
export function heychatError(
	node: INode,
	kind: HeychatFailure,
	message: string,
	details: FailureDetails,
	token: string | undefined,
): NodeApiError {
	const secrets = [token];
	const clean = (text: string | undefined) => (text === undefined ? undefined : redact(text, secrets));
	const response: JsonObject = {
		message: clean(message) ?? '',
		heychatFailure: kind,
		operation: details.operation,
		url: details.url,
	};
	if (details.httpCode !== undefined) response.httpCode = String(details.httpCode);
	if (details.serverMessage !== undefined) response.msg = clean(details.serverMessage) ?? '';
	const error = new NodeApiError(node, response, {
		message: clean(message),
		description: clean(details.description),
		httpCode: details.httpCode !== undefined ? String(details.httpCode) : undefined,
		itemIndex: details.itemIndex,
	});
	error.context.heychatFailure = kind;
	if (details.serverMessage !== undefined) error.context.serverMessage = clean(details.serverMessage);
	if (details.maybeDelivered === true) error.context.maybeDelivered = true;
	return error;
}

/** Whether a failed call may have been carried out by Heychat all the same (see FailureDetails.maybeDelivered). */
export function mayHaveBeenDelivered(error: unknown): boolean {
	return error instanceof NodeApiError && error.context.maybeDelivered === true;
}

/** Whether a failed call is Heychat's refusal of an ack ID it already has ("消息已发送，请勿重复发送"). */
export function isDuplicateAckRefusal(error: unknown): boolean {
	if (!(error instanceof NodeApiError) || error.context.heychatFailure !== 'failed') return false;
	const msg = error.context.serverMessage;
	return typeof msg === 'string' && DUPLICATE_ACK_MESSAGE.test(msg);
}
