import { paceSend, paceWindow, pacingKey, sendFinished, sendRateOf, stoppableClock } from '../../shared/batch';

/**
 * Heychat's documented limits (heychat-api §2.2): 300 requests per minute per bot, and 9 private
 * messages per minute. The node waits for a free slot instead of being refused.
 */
export const HEYCHAT_LIMITS = { requestsPerMinute: 300, privateMessagesPerMinute: 9, windowMs: 60_000 } as const;

/** The credential's Send Rate default: no pacing beyond the documented limits. */
export const HEYCHAT_DEFAULT_SEND_RATE = 0;

/** Calls that post a message: each waits for a slot of the credential's Send Rate. */
const SEND_OPERATIONS = new Set(['send_channel_message', 'send_private_message']);
const PRIVATE_OPERATIONS = new Set(['send_private_message']);

export interface HeychatPacing {
	key: string;
	/** The key of the 300 requests per minute window (made once, not per request). */
	allKey: string;
	sendRate: number;
	withinLimits: boolean;
}

export function heychatPacing(raw: { token: string; apiBaseUrl: string; sendRate?: unknown; withinLimits?: unknown }): HeychatPacing {
	const key = pacingKey('heychat', raw.apiBaseUrl, raw.token);
	return {
		key,
		allKey: `${key}:all`,
		sendRate: sendRateOf(raw.sendRate, HEYCHAT_DEFAULT_SEND_RATE),
		withinLimits: raw.withinLimits !== false,
	};
}

/** Whether a call of `operation` waits for a slot (a send with a Send Rate, or a private message within the limits). */
export function isPacedSend(pacing: HeychatPacing, operation: string): boolean {
	if (!SEND_OPERATIONS.has(operation)) return false;
	return pacing.sendRate > 0 || (pacing.withinLimits && PRIVATE_OPERATIONS.has(operation));
}

/**
 * Makes a send in its slots: the credential's Send Rate (the next slot counts from this send's end)
 * and, within the limits, the private-message budget. Anything else goes straight through. A
 * stopped execution (`signal`) ends the wait with AbortedError, and the send is not made.
 */
export async function pacedHeychatSend<T>(
	pacing: HeychatPacing,
	operation: string,
	send: () => Promise<T>,
	signal?: AbortSignal,
): Promise<T> {
	// no Send Rate, no private-message budget to keep: nothing to wait for, nothing to record
	if (!isPacedSend(pacing, operation)) return await send();
	const clock = { clock: stoppableClock(signal) };
	await paceSend(pacing.key, pacing.sendRate, undefined, clock);
	if (pacing.withinLimits && PRIVATE_OPERATIONS.has(operation)) {
		await paceWindow(`${pacing.key}:private`, HEYCHAT_LIMITS.privateMessagesPerMinute, HEYCHAT_LIMITS.windowMs, clock);
	}
	try {
		return await send();
	} finally {
		sendFinished(pacing.key, pacing.sendRate);
	}
}

/** Before each request sent (retries included): a slot of the 300 requests per minute (ended by a stopped execution). */
export async function paceHeychatRequest(pacing: HeychatPacing, signal?: AbortSignal): Promise<void> {
	if (pacing.withinLimits) {
		await paceWindow(pacing.allKey, HEYCHAT_LIMITS.requestsPerMinute, HEYCHAT_LIMITS.windowMs, { clock: stoppableClock(signal) });
	}
}
