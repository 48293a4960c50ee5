import { incompleteStream } from './stream';
import type { OneBotResponse } from './types';

export type OneBotFailureKind =
	/** HTTP 401/403, or a WebSocket handshake refused for the token */
	| 'auth'
	/** HTTP 404, retcode 404/1404: the backend has no such action */
	| 'unsupported'
	/** status "failed" / retcode != 0 */
	| 'failed'
	/** the backend could not be reached (refused, DNS, TLS, closed) */
	| 'network'
	| 'timeout'
	/** any other HTTP status, or a body that is not an envelope */
	| 'protocol'
	/** the answer was larger than Options › Max Answer Size: not read (the call itself was carried out) */
	| 'tooLarge';

/**
 * A failed call, described without any n8n types so the transports stay testable on their own.
 * The node turns it into a NodeApiError (see actions/errors.ts). Never carries the access token.
 */
export class OneBotCallError extends Error {
	constructor(
		readonly kind: OneBotFailureKind,
		message: string,
		readonly details: {
			action: string;
			url: string;
			httpCode?: number;
			response?: OneBotResponse;
			cause?: string;
			/**
			 * The call went out and its answer was lost (the connection closed while it waited) or not
			 * read (too large): the backend may have carried it out.
			 */
			maybeDelivered?: boolean;
		},
	) {
		super(message);
		this.name = 'OneBotCallError';
	}
}

/**
 * The envelope → success or OneBotCallError. `status: "async"` counts as accepted (the action was
 * queued); the caller reports it as such.
 */
export function checkEnvelope(action: string, url: string, body: unknown): OneBotResponse {
	if (body === null || typeof body !== 'object' || !('retcode' in body || 'status' in body)) {
		throw new OneBotCallError('protocol', `The backend at ${url} did not answer ${action} with a OneBot response`, {
			action,
			url,
		});
	}
	const response = body as OneBotResponse;
	const retcode = Number(response.retcode ?? 0);
	// async: status "async" (retcode 1); retcode 1 alone only without a status ("failed" with 1 is a failure)
	if (response.status === 'async' || (retcode === 1 && response.status === undefined)) return { ...response, status: 'async' };
	if (retcode === 404 || retcode === 1404 || isNapCatUnsupported(response)) {
		throw new OneBotCallError('unsupported', `This backend does not support action "${action}"`, {
			action,
			url,
			response,
		});
	}
	if (retcode === 1401 || retcode === 1403) {
		throw new OneBotCallError('auth', authMessage(retcode === 1401 ? 401 : 403), { action, url, response });
	}
	if (response.status === 'failed' || retcode !== 0) {
		const reason = [response.wording || response.message, response.msg].filter(Boolean).join(' / ');
		throw new OneBotCallError(
			'failed',
			`${action} failed (retcode ${retcode})${reason ? `: ${reason}` : ''}`,
			{ action, url, response },
		);
	}
	// a NapCat stream answer whose file chunks do not add up to what its final envelope counts
	const missing = incompleteStream(response);
	if (missing) {
		throw new OneBotCallError('protocol', `The backend's stream answer to ${action} is incomplete: ${missing}`, {
			action,
			url,
			cause: 'A file chunk was lost on the way: the file is not given out. Run the download again.',
		});
	}
	return response;
}

/** NapCat answers an unknown action with retcode 200 and the wording "不支持的Api". */
function isNapCatUnsupported(response: OneBotResponse): boolean {
	if (!response.message && !response.wording && !response.msg) return false;
	const text = `${response.message ?? ''} ${response.wording ?? ''} ${response.msg ?? ''}`;
	return /不支持的\s*api|API_NOT_FOUND|API不存在/i.test(text);
}

/**
 * NapCat and LLOneBot accept a forward WebSocket upgrade whatever the token, then refuse a wrong
 * (or missing) one with `{"status":"failed","retcode":1403|1401}` with no echo (NapCat: `"echo": null`)
 * and close. The HTTP status that refusal stands for, or undefined for any other frame (an answer,
 * an event). The action transport and the trigger both read refusals with it.
 */
export function tokenRefusal(frame: object): 401 | 403 | undefined {
	if ('post_type' in frame) return undefined;
	// NapCat writes the refusal with `"echo": null` (no call of ours has an empty echo)
	const { status, retcode, echo } = frame as { status?: unknown; retcode?: unknown; echo?: unknown };
	if (echo !== undefined && echo !== null && echo !== '') return undefined;
	if (status !== undefined && status !== 'failed') return undefined;
	const code = Number(retcode);
	return code === 1401 ? 401 : code === 1403 ? 403 : undefined;
}

export function authMessage(httpCode: number): string {
	return httpCode === 401
		? 'Access token missing: the backend requires an access token (HTTP 401). Set it in the OneBot credential.'
		: 'Access token wrong: the backend rejected the access token (HTTP 403). Check the OneBot credential.';
}
