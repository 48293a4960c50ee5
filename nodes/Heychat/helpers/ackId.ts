import { createHash, randomInt } from 'crypto';

/**
 * heychat_ack_id: the client's id for a message. The server refuses a second message with the
 * same ack id within 60 seconds ("消息已发送，请勿重复发送"), which is what makes a retried send
 * safe: the retry carries the same ack id, so nothing is posted twice.
 *
 * Ids are decimal digit strings (the docs' examples are "0", "1"; they suggest a counter).
 */

const TEN_POW_18 = 10n ** 18n;

/** A fresh random ack id (18 digits). */
export function newAckId(): string {
	const high = BigInt(randomInt(1, 1_000_000_000));
	const low = BigInt(randomInt(0, 1_000_000_000));
	return (high * 1_000_000_000n + low).toString();
}

/**
 * A stable ack id for one send attempt: the same seed gives the same id, so when n8n retries the
 * node ("Retry On Fail") for the same execution, run and item, the server recognises the resend.
 */
export function ackIdFor(seed: string): string {
	const digest = createHash('sha256').update(seed).digest();
	const value = digest.readBigUInt64BE(0) % TEN_POW_18;
	return (value === 0n ? 1n : value).toString();
}

/** Odd and not a multiple of 5: stepping by it modulo 10^18 visits 10^18 different ids. */
const ITEM_STEP = 982_451_653n;

/**
 * Stable ack ids for the items of one send (one execution, node, run and operation): the seed is
 * hashed once, and item i gets that value plus i steps, modulo 10^18. The same seed and item
 * always give the same id (a "Retry On Fail" resend is recognised), and no two items of the seed
 * share one. One hash per execution instead of one per item.
 */
export function ackIdSequence(seed: string): (itemIndex: number) => string {
	const base = createHash('sha256').update(seed).digest().readBigUInt64BE(0) % TEN_POW_18;
	return (itemIndex: number) => {
		const value = (base + BigInt(itemIndex) * ITEM_STEP) % TEN_POW_18;
		return (value === 0n ? 1n : value).toString();
	};
}
