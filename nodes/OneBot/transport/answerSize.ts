import { constants } from 'node:buffer';

import { formatBytes } from '../../shared/fetch/guardedFetch';
import { OneBotCallError } from './errors';
import type { TransportOptions } from './types';

/**
 * Default of Options › Max Answer Size (MiB). The largest answers are NapCat's stream downloads: a
 * file travels as base64 (a third larger), so 128 MiB carries a file of about 95 MiB, twice the
 * default Max Upload Size's 64 MiB. Lists and histories are a few MiB. A bigger download is a choice
 * (raise the option, up to JavaScript's longest string, 512 MiB, for an HTTP answer), not what a
 * misbehaving backend gets to fill n8n's memory with.
 */
export const DEFAULT_MAX_ANSWER_MIB = 128;

export const MAX_ANSWER_OPTION = 'Options › Max Answer Size (MiB)';

/** The most bytes read for one call's answer. */
export function answerLimitBytes(options: TransportOptions): number {
	const bytes = options.maxAnswerBytes;
	return typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0 ? bytes : DEFAULT_MAX_ANSWER_MIB * 1024 * 1024;
}

/**
 * The most bytes an HTTP answer can have and still be read: the limit, or JavaScript's longest
 * string when the limit is above it (a UTF-8 body of n bytes is at most n characters).
 */
export function httpAnswerCap(limitBytes: number): number {
	return Math.min(limitBytes, constants.MAX_STRING_LENGTH);
}

/**
 * An answer over the limit: it was not read (an HTTP body stops being read there, a WebSocket
 * call's packets are dropped). The backend has carried the call out, so it is marked
 * maybeDelivered: Retry On Fail does not send it again.
 */
export function answerTooLarge(action: string, url: string, limitBytes: number, capBytes = limitBytes): OneBotCallError {
	const message =
		capBytes < limitBytes
			? `The backend's answer to ${action} is larger than ${formatBytes(capBytes)}, the most an HTTP answer can hold (JavaScript's longest string), whatever "${MAX_ANSWER_OPTION}" allows; it was not read`
			: `The backend's answer to ${action} is larger than the ${formatBytes(limitBytes)} allowed by "${MAX_ANSWER_OPTION}"; it was not read`;
	const cause =
		capBytes < limitBytes
			? 'Use Options › Transport: WebSocket, which reads a NapCat stream download packet by packet, or ask for less (a smaller file, fewer items). The backend has carried the call out.'
			: 'Raise that option if an answer this large is expected (a NapCat stream download of a big file), or ask for less (a smaller file, fewer items). The backend has carried the call out.';
	return new OneBotCallError('tooLarge', message, { action, url, cause, maybeDelivered: true });
}
