import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** How the items of one execution are sent: in batches, with a pause between batches, some in flight at once. */
export interface BatchSettings {
	/** Items per batch; 0 = all items in one batch. */
	batchSize: number;
	/** Milliseconds to wait between two batches. */
	batchInterval: number;
	/** Calls in flight at once (at least 1). */
	concurrency: number;
}

/** Without the option: one item after the other, as n8n nodes usually run. */
export const NO_BATCHING: BatchSettings = { batchSize: 0, batchInterval: 0, concurrency: 1 };

/**
 * The "Batching" entry of a node's Options: `options.batching.batch.{batchSize, batchInterval,
 * concurrency}` (the names of n8n's HTTP Request node, plus Concurrency).
 */
export const batchingOption: INodeProperties = {
	displayName: 'Batching',
	name: 'batching',
	placeholder: 'Add Batching',
	type: 'fixedCollection',
	typeOptions: { multipleValues: false },
	default: { batch: {} },
	description: 'Send the input items in batches, several at once, with a pause between batches',
	options: [
		{
			displayName: 'Batching',
			name: 'batch',
			values: [
				{
					displayName: 'Items per Batch',
					name: 'batchSize',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 0 },
					default: 50,
					description: 'Input items in each batch; 0 sends all items as one batch',
				},
				{
					displayName: 'Batch Interval (Ms)',
					name: 'batchInterval',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 0 },
					default: 1000,
					description: 'Time (in milliseconds) between two batches; 0 for none',
				},
				{
					displayName: 'Concurrency',
					name: 'concurrency',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
					default: 1,
					description:
						'How many calls are in flight at once. Outputs keep the input order. The credential\'s Send Rate still paces every message.',
				},
			],
		},
	],
};

function wholeNumber(value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(n)));
}

/** The batching settings from the node's Options (`options.batching.batch`); none → one by one. */
export function readBatching(options: IDataObject | undefined): BatchSettings {
	const batching = options?.batching as IDataObject | undefined;
	const batch = batching?.batch as IDataObject | undefined;
	if (!batch || typeof batch !== 'object') return NO_BATCHING;
	return {
		batchSize: wholeNumber(batch.batchSize, 50, 0),
		batchInterval: wholeNumber(batch.batchInterval, 1000, 0),
		concurrency: wholeNumber(batch.concurrency, 1, 1, 64),
	};
}
