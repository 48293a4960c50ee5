import { BoundedSet } from '../../shared/connection';

/** Default replay window: events whose `time` is more than 5 minutes off n8n's clock are refused. */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

/** How many recent signatures one webhook node remembers (exact re-sends inside the window are refused). */
export const SIGNATURE_MEMORY = 4096;

export type EventAge =
	| { ok: true }
	| { ok: false; reason: string };

/**
 * Whether an event's `time` (unix seconds, set by the backend) is within `windowSeconds` of `nowMs`,
 * in either direction (older: a captured request sent again later; newer: a clock far ahead, or a
 * forged time). A window of 0 turns the check off. An event without a numeric `time` is refused
 * while the check is on: every OneBot event carries one.
 */
export function checkEventAge(time: unknown, windowSeconds: number, nowMs: number = Date.now()): EventAge {
	if (!(windowSeconds > 0)) return { ok: true };
	const seconds = typeof time === 'string' && time.trim() !== '' ? Number(time) : time;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
		return { ok: false, reason: 'the event has no numeric "time"' };
	}
	const skew = nowMs / 1000 - seconds;
	if (skew > windowSeconds) {
		return { ok: false, reason: `the event's time is ${Math.round(skew)} s old, outside the ${windowSeconds}-s replay window` };
	}
	if (-skew > windowSeconds) {
		return {
			ok: false,
			reason: `the event's time is ${Math.round(-skew)} s in the future, outside the ${windowSeconds}-s replay window (check both clocks)`,
		};
	}
	return { ok: true };
}

/** Recent signatures per webhook node, for the life of the n8n process (bounded in nodes and entries). */
const signatureMemory = new Map<string, BoundedSet>();
const MAX_REMEMBERED_NODES = 200;

/**
 * Remembers a valid signature; returns false when the same signature (the same body, byte for
 * byte) was already seen by this node, i.e. the request is an exact re-send.
 */
export function rememberSignature(nodeKey: string, signature: string, capacity = SIGNATURE_MEMORY): boolean {
	let set = signatureMemory.get(nodeKey);
	if (!set) {
		set = new BoundedSet(capacity);
		signatureMemory.set(nodeKey, set);
		while (signatureMemory.size > MAX_REMEMBERED_NODES) {
			signatureMemory.delete(signatureMemory.keys().next().value as string);
		}
	}
	return set.add(signature.trim().toLowerCase());
}
