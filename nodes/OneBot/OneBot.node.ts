import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { catalogSubtitle } from '../shared/catalog/subtitle';
import { errorItemJson } from './actions/errors';
import { oneBotProperties } from './actions/properties';
import { isBatch, itemError, notSentAgain, runBatch, runItem, startRun, type OneBotRun } from './actions/router';
import { executionCancelSignal, rememberedCall, rememberedItem, runOrdered, stoppableClock } from '../shared/batch';
import { errorItem, pushPairedResults } from '../shared/batch/output';
import { testOneBotCredential } from './methods/credentialTest';
import { searchFriends, searchGroups, searchMembers } from './methods/listSearch';
import { oneBotCatalog } from './catalog';

export class OneBot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OneBot',
		name: 'oneBot',
		icon: { light: 'file:onebot.svg', dark: 'file:onebot.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: catalogSubtitle(oneBotCatalog),
		description: 'Call any OneBot v11 action on a QQ bot backend (NapCat, LLOneBot, Lagrange.OneBot, go-cqhttp)',
		defaults: { name: 'OneBot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'oneBotV11Api', required: true, testedBy: 'oneBotApiTest' }],
		properties: oneBotProperties,
	};

	methods = {
		credentialTest: { oneBotApiTest: testOneBotCredential },
		listSearch: { searchGroups, searchFriends, searchMembers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		let run: OneBotRun | undefined;
		try {
			run = await startRun.call(this);
			if (isBatch.call(this, run)) {
				// One call for all items: its result is paired with every input item.
				const pairedItem = items.map((_, item) => ({ item }));
				try {
					const active = run;
					// Retry On Fail: a call that may have been delivered is not made again
					const results = await rememberedCall(run.memory, () => runBatch.call(this, active, items.length), notSentAgain);
					for (const json of results) returnData.push({ json, pairedItem });
				} catch (error) {
					const nodeError = itemError.call(this, run, error, 0);
					if (!this.continueOnFail()) throw nodeError;
					returnData.push(errorItem(this, errorItemJson(nodeError), pairedItem));
				}
				return [returnData];
			}
			// Batching: several items in flight, outputs in input order, each paired to its item.
			const continueOnFail = this.continueOnFail();
			const active = run;
			const memory = run.memory;
			// Retry On Fail: an item an earlier try sent is not sent again (its earlier results are output)
			const task = memory
				? (itemIndex: number) => rememberedItem(memory, itemIndex, () => runItem.call(this, active, itemIndex), notSentAgain)
				: (itemIndex: number) => runItem.call(this, active, itemIndex);
			const outcomes = await runOrdered(items.length, run.batching, task, {
				stopOnError: !continueOnFail,
				// a stopped execution ends the wait between batches: the items after it are not sent
				clock: stoppableClock(executionCancelSignal(this)),
			});
			for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
				const outcome = outcomes[itemIndex];
				if (outcome.status === 'ok') {
					pushPairedResults(this, returnData, outcome.value, itemIndex);
				} else if (outcome.status === 'error') {
					const nodeError = itemError.call(this, run, outcome.error, itemIndex);
					if (!continueOnFail) throw nodeError;
					returnData.push(errorItem(this, errorItemJson(nodeError), { item: itemIndex }));
				}
			}
		} catch (error) {
			const nodeError = itemError.call(this, run, error, 0);
			// Without a run (e.g. the credential's URL is unusable) no item got its own error item.
			if (run || !this.continueOnFail()) throw nodeError;
			return [items.map((_, item) => errorItem(this, errorItemJson(nodeError), { item }))];
		} finally {
			await run?.transport.close();
		}
		return [returnData];
	}
}
