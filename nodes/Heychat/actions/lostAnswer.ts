import type { IExecuteFunctions } from 'n8n-workflow';

import { earlierLostAnswer, noteLostAnswer, tryMemory } from '../../shared/batch/retry';
import { isDuplicateAckRefusal, mayHaveBeenDelivered } from '../transport/errors';

/*
 * Retry On Fail after a send whose answer was lost. The retry carries the same heychat_ack_id
 * (helpers/ackId.ts), so Heychat refuses it ("消息已发送，请勿重复发送") when the earlier try was
 * delivered after all. That refusal confirms the delivery only when an earlier try of this run
 * sent this item with this ack id and lost its answer: the item then succeeds, saying how it
 * knows. Any other duplicate refusal (an Ack ID used before, on the first try) stays an error.
 */

/** A send an earlier try of the run delivered, as the retry's duplicate refusal shows. */
export interface ConfirmedDelivery {
	ackId: string;
	/** What the earlier try failed with (its answer lost). */
	earlierError: string;
}

/**
 * For a failed send of `itemIndex` with `ackId`: the delivery its duplicate refusal confirms, or
 * undefined (the error stands; one after which the message may have arrived is noted for the
 * later tries of the run).
 */
export function deliveryConfirmedBy(
	ctx: IExecuteFunctions,
	itemIndex: number,
	ackId: string,
	error: unknown,
): ConfirmedDelivery | undefined {
	const memory = tryMemory(ctx);
	if (!memory) return undefined;
	const key = `item ${itemIndex} ack ${ackId}`;
	const earlier = earlierLostAnswer(memory, key);
	if (earlier && isDuplicateAckRefusal(error)) {
		return { ackId, earlierError: earlier.error instanceof Error ? earlier.error.message : String(earlier.error) };
	}
	if (mayHaveBeenDelivered(error)) noteLostAnswer(memory, key, error);
	return undefined;
}
