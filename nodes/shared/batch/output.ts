import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * Appends the output items of one input item: each result object as an item paired with that
 * input item. The same items as n8n's `constructExecutionMetaData(returnJsonArray(values), {
 * itemData: { item } })`, without the copies it makes of every item; a result that itself has a
 * `json` field (which returnJsonArray treats as an item) still goes through n8n's helpers.
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
			out.push({ json: value, pairedItem });
		}
	}
}
