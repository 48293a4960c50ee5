import type { BatchSettings } from './options';
import { realClock, type Clock } from './clock';

/** What happened to one item: its value, its error, or nothing (not started after an earlier failure). */
export type ItemOutcome<T> =
	| { status: 'ok'; value: T }
	| { status: 'error'; error: unknown }
	| { status: 'skipped' };

export interface RunOrderedOptions {
	/** After a failure, start no more items (those not started are `skipped`). */
	stopOnError?: boolean;
	clock?: Clock;
}

/**
 * Runs `task` for items 0..count-1 in batches of `batchSize` (0 = one batch), at most
 * `concurrency` at once, waiting `batchInterval` ms between batches, and returns each item's
 * outcome in input order (whatever order they finished in). A wait between batches that fails
 * (its clock's sleep rejects: the execution was stopped) fails every item not started with that error.
 */
export async function runOrdered<T>(
	count: number,
	settings: BatchSettings,
	task: (index: number) => Promise<T>,
	options: RunOrderedOptions = {},
): Promise<Array<ItemOutcome<T>>> {
	const clock = options.clock ?? realClock;
	const outcomes: Array<ItemOutcome<T>> = new Array<ItemOutcome<T>>(count);
	for (let i = 0; i < count; i++) outcomes[i] = { status: 'skipped' };
	const batchSize = settings.batchSize > 0 ? settings.batchSize : Math.max(1, count);
	const concurrency = Math.max(1, settings.concurrency);
	let failed = false;

	for (let start = 0; start < count; start += batchSize) {
		if (failed && options.stopOnError) break;
		if (start > 0 && settings.batchInterval > 0) {
			try {
				await clock.sleep(settings.batchInterval);
			} catch (error) {
				// the wait ended early (a stopped execution, see stoppableClock): the items not started get its error
				for (let i = start; i < count; i++) outcomes[i] = { status: 'error', error };
				break;
			}
		}
		const end = Math.min(count, start + batchSize);
		let next = start;
		const worker = async (): Promise<void> => {
			while (next < end && !(failed && options.stopOnError)) {
				const index = next++;
				try {
					outcomes[index] = { status: 'ok', value: await task(index) };
				} catch (error) {
					failed = true;
					outcomes[index] = { status: 'error', error };
				}
			}
		};
		const workers: Array<Promise<void>> = [];
		for (let w = 0; w < Math.min(concurrency, end - start); w++) workers.push(worker());
		await Promise.all(workers);
	}
	return outcomes;
}
