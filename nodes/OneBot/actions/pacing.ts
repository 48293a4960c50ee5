import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { paceSend, pacingKey, sendFinished, sendRateOf, stoppableClock } from '../../shared/batch';

/**
 * The OneBot credential's Send Rate: messages per minute, by default 20 (one every 3 to 3.6 s),
 * a pace QQ accounts are not risk-controlled for. 0 turns pacing off.
 */
export const ONEBOT_DEFAULT_SEND_RATE = 20;

/**
 * Actions that put something in front of other people (messages, forwards, pokes, likes, files,
 * album uploads, notices, shares, an emoji chain joined, and `.handle_quick_operation`, whose reply
 * is a message): each waits for a slot of the Send Rate. Reads, settings and `send_packet` style
 * developer actions do not.
 */
const SEND_ACTION =
	/^_?send_(?!packet$|pb$)|^forward_(friend|group)_single_msg$|^(group|friend)_poke$|^upload_(group|private)_file$|^upload_group_album$|^upload_image_to_qun_album$|^\.join_(friend|group)_emoji_chain$|^\.handle_quick_operation$/;

export function isSendAction(action: string): boolean {
	return SEND_ACTION.test(action);
}

export interface OneBotPacing {
	key: string;
	perMinute: number;
}

/** The pacing of a credential: its Send Rate, shared by every use of the same backend URLs and token. */
export function oneBotPacing(raw: ICredentialDataDecryptedObject): OneBotPacing {
	return {
		key: pacingKey('onebot', String(raw.httpUrl ?? ''), String(raw.wsUrl ?? ''), String(raw.accessToken ?? '')),
		perMinute: sendRateOf(raw.sendRate, ONEBOT_DEFAULT_SEND_RATE),
	};
}

/**
 * Makes `call` in its send slot when `action` sends (the next slot counts from its end). When the
 * execution is stopped (`signal`, n8n's execution cancel signal) the wait ends at once with
 * ExecutionStoppedError and the call is not made.
 */
export async function pacedOneBotCall<T>(
	pacing: OneBotPacing,
	action: string,
	call: () => Promise<T>,
	signal?: AbortSignal,
): Promise<T> {
	// Send Rate 0 (pacing off) or not a send: nothing to wait for, nothing to record.
	if (!(pacing.perMinute > 0) || !isSendAction(action)) return await call();
	await paceSend(pacing.key, pacing.perMinute, undefined, { clock: stoppableClock(signal) });
	try {
		return await call();
	} finally {
		sendFinished(pacing.key, pacing.perMinute);
	}
}
