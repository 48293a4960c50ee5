import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

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
		const node = ctx.getNode();
		const run = node.retryOnFail === true ? ctx.getExecuteData?.() : undefined;
		// As an AI agent's tool the node runs with the agent's execution data, and each call (each
		// try too) is a run of its own: nothing is kept there, or a call would get an earlier one's result.
		if (run && typeof run === 'object' && run.node?.name === node.name) {
			memory = byRun.get(run) ?? new Map<string, unknown>();
			byRun.set(run, memory);
		}
		byContext.set(ctx, memory);
	}
	return memory ?? undefined;
}

/**
 * An item's results: an earlier try's, when that try's call for the item succeeded (nothing in it
 * failed), or else `run()`'s, kept for the tries after this one when nothing in them failed.
 */
export function rememberedItem(
	memory: TryMemory | undefined,
	itemIndex: number,
	run: () => Promise<IDataObject[]>,
): Promise<IDataObject[]> {
	if (!memory) return run();
	const key = `item ${itemIndex}`;
	const done = memory.get(key) as IDataObject[] | undefined;
	if (done) return Promise.resolve(done);
	return run().then((results) => {
		if (!results.some(isFailure)) memory.set(key, results);
		return results;
	});
}

/** One chat's result of a send to many chats: an earlier try's, or else `send()`'s, then kept. */
export async function rememberedTarget(
	memory: TryMemory | undefined,
	itemIndex: number,
	target: string,
	send: () => Promise<IDataObject>,
): Promise<IDataObject> {
	if (!memory) return await send();
	const key = `item ${itemIndex} → ${target}`;
	const done = memory.get(key) as IDataObject | undefined;
	if (done) return done;
	const result = await send();
	memory.set(key, result);
	return result;
}
