import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

/** The errors the nodes report per item. */
export type ItemError = NodeApiError | NodeOperationError;

/**
 * An error item for `json` (the error's fields, `error` holding its message). With the node's
 * "On Error" set to "Continue (using error output)", n8n sends an item to the error output only
 * when its json has no key but `error` (and `message`), or when it carries an `error` instance,
 * whose message then replaces the whole json. So there the fields go under `error`: `{ error:
 * { message, ...fields } }`, the item's only key (n8n adds the input item's fields beside it).
 * Otherwise the item is `json` as it is.
 */
export function errorItem(ctx: IExecuteFunctions, json: IDataObject, pairedItem: INodeExecutionData['pairedItem']): INodeExecutionData {
	if (ctx.getNode().onError !== 'continueErrorOutput') return { json, pairedItem };
	const { error, ...fields } = json;
	return { json: { error: { message: error, ...fields } }, pairedItem };
}

/** Result objects that stand for a failure (one target of a send to many chats). */
const failures = new WeakSet<IDataObject>();

/** Whether a result object stands for a failure (markFailure). */
export function isFailure(json: IDataObject): boolean {
	return failures.has(json);
}

/** Marks a result object as a failure: pushPairedResults makes it an error item (errorItem). */
export function markFailure(json: IDataObject): IDataObject {
	failures.add(json);
	return json;
}

/**
 * Appends the output items of one input item: each result object as an item paired with that
 * input item. The same items as n8n's `constructExecutionMetaData(returnJsonArray(values), {
 * itemData: { item } })`, without the copies it makes of every item; a result that itself has a
 * `json` field (which returnJsonArray treats as an item) still goes through n8n's helpers. A
 * result marked with markFailure becomes an error item.
 */
export function pushPairedResults(
	ctx: IExecuteFunctions,
	out: INodeExecutionData[],
	values: IDataObject[],
	itemIndex: number,
): void {
	const pairedItem = { item: itemIndex };
	for (const value of values) {
		if (value?.json) {
			out.push(...ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(value), { itemData: pairedItem }));
		} else {
			out.push(failures.has(value) ? errorItem(ctx, value, pairedItem) : { json: value, pairedItem });
		}
	}
}
