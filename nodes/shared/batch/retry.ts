import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { runsAsTool } from '../toolMode';
import { isFailure } from './output';

/*
 * n8n's "Retry On Fail" runs the whole node again, in the same execution and with the same run
 * index, when the node threw or its first output item has an `error` (workflow-execute.js). Every
 * try gets a new context, but the same execution data (getExecuteData()). What the earlier tries
 * of a run already did is kept here, by that object: a retry sends only what failed. An item whose
 * call succeeded, or a chat of a send to many chats that got the message, gives its earlier result
 * instead of being sent again. A new run of the node (a loop) has new execution data, so nothing
 * carries over from one run to the next, and it all goes with the run's data.
 */

/** Results of the earlier tries of one run, by item (`item 3`) or by item and chat (`item 3 → …`). */
export type TryMemory = Map<string, unknown>;

const byRun = new WeakMap<object, TryMemory>();
const byContext = new WeakMap<IExecuteFunctions, TryMemory | null>();

/** The run's memory of earlier tries; undefined when the node does not retry (nothing is kept). */
export function tryMemory(ctx: IExecuteFunctions): TryMemory | undefined {
	let memory = byContext.get(ctx);
	if (memory === undefined) {
		memory = null;
		const run = ctx.getNode().retryOnFail === true ? ctx.getExecuteData?.() : undefined;
		// As an AI agent's tool the node runs with the agent's execution data, and each call (each
		// try too) is a run of its own: nothing is kept there, or a call would get an earlier one's result.
		if (run && typeof run === 'object' && !runsAsTool(ctx)) {
			memory = byRun.get(run) ?? new Map<string, unknown>();
			byRun.set(run, memory);
		}
		byContext.set(ctx, memory);
	}
	return memory ?? undefined;
}

/**
 * What a later try gets instead of sending again: a call whose outcome is unknown (no answer in
 * time: the message may have arrived) is not made again; the later try fails with `error`.
 */
class NotSentAgain {
	constructor(readonly error: unknown) {}
}

/**
 * For a failed call, the error a later try gives instead of making the call again (its outcome is
 * unknown: it may have been delivered), or undefined to let a later try make it again.
 */
export type NotAgain = (error: unknown) => Error | undefined;

/** Keeps `run()`'s outcome under `key`: a success when `keep` says so, an unknown outcome (notAgain). */
function remember<T>(memory: TryMemory, key: string, run: () => Promise<T>, keep: (value: T) => boolean, notAgain: NotAgain | undefined): Promise<T> {
	const done = memory.get(key);
	if (done instanceof NotSentAgain) return Promise.reject(done.error as Error);
	if (done !== undefined) return Promise.resolve(done as T);
	return run().then(
		(value) => {
			if (keep(value)) memory.set(key, value);
			return value;
		},
		(error: unknown) => {
			const refusal = notAgain?.(error);
			if (refusal) memory.set(key, new NotSentAgain(refusal));
			throw error;
		},
	);
}

const always = (): boolean => true;
const nothingFailed = (results: IDataObject[]): boolean => !results.some(isFailure);

/**
 * An item's results: an earlier try's, when that try's call for the item succeeded (nothing in it
 * failed), or else `run()`'s, kept for the tries after this one when nothing in them failed. A
 * call `notAgain` names (its outcome unknown) is not made again by a later try, which fails instead.
 */
export function rememberedItem(
	memory: TryMemory | undefined,
	itemIndex: number,
	run: () => Promise<IDataObject[]>,
	notAgain?: NotAgain,
): Promise<IDataObject[]> {
	if (!memory) return run();
	return remember(memory, `item ${itemIndex}`, run, nothingFailed, notAgain);
}

/** The results of the one call a node makes for all its items (see rememberedItem). */
export function rememberedCall(
	memory: TryMemory | undefined,
	run: () => Promise<IDataObject[]>,
	notAgain?: NotAgain,
): Promise<IDataObject[]> {
	if (!memory) return run();
	return remember(memory, 'all items', run, nothingFailed, notAgain);
}

/** One chat's result of a send to many chats: an earlier try's, or else `send()`'s, then kept (see rememberedItem). */
export async function rememberedTarget(
	memory: TryMemory | undefined,
	itemIndex: number,
	target: string,
	send: () => Promise<IDataObject>,
	notAgain?: NotAgain,
): Promise<IDataObject> {
	if (!memory) return await send();
	return await remember(memory, `item ${itemIndex} → ${target}`, send, always, notAgain);
}

/**
 * A call of an earlier try whose answer was lost (no answer in time, the connection reset): it may
 * have been delivered. Kept so that a later try of the same run that learns it was (Heychat
 * refuses the resend's ack id as a duplicate) can say so instead of failing.
 */
class LostAnswer {
	constructor(readonly error: unknown) {}
}

const lostAnswerKey = (key: string): string => `lost answer: ${key}`;

/** Notes that the call `key` (one item's, e.g. by its ack id) lost its answer in this try; the first such error is kept. */
export function noteLostAnswer(memory: TryMemory | undefined, key: string, error: unknown): void {
	if (memory && !memory.has(lostAnswerKey(key))) memory.set(lostAnswerKey(key), new LostAnswer(error));
}

/** The error of an earlier try of this run whose call `key` lost its answer (see noteLostAnswer), or undefined. */
export function earlierLostAnswer(memory: TryMemory | undefined, key: string): { error: unknown } | undefined {
	const kept = memory?.get(lostAnswerKey(key));
	return kept instanceof LostAnswer ? kept : undefined;
}
