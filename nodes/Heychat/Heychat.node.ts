import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	errorItem,
	executionCancelSignal,
	pushPairedResults,
	readBatching,
	rememberedItem,
	runOrdered,
	stoppableClock,
	tryMemory,
} from '../shared/batch';
import { heychatProperties } from './actions/properties';
import { errorJson, itemError, runOperation } from './actions/router';
import { testHeychatCredential } from './methods/credentialTest';
import { searchChannels, searchRoles, searchRoomMembers, searchRooms } from './methods/listSearch';
import { heychatCatalog } from './catalog';
import { catalogSubtitle } from '../shared/catalog/subtitle';

export class Heychat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Heychat',
		name: 'heychat',
		icon: { light: 'file:heychat.svg', dark: 'file:heychat.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: catalogSubtitle(heychatCatalog),
		description: 'Call the Heychat (黑盒语音) bot API: messages, media, roles, rooms, channels and emojis',
		defaults: { name: 'Heychat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heychatBotApi', required: true, testedBy: 'heychatApiTest' }],
		properties: heychatProperties,
	};

	methods = {
		credentialTest: { heychatApiTest: testHeychatCredential },
		listSearch: { searchRooms, searchChannels, searchRoles, searchRoomMembers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		const continueOnFail = this.continueOnFail();
		// Batching: several items in flight, outputs in input order, each paired to its item.
		const batching = readBatching(this.getNodeParameter('options', 0, {}) as IDataObject);
		// Retry On Fail: an item an earlier try sent is not sent again (its earlier results are output)
		const memory = tryMemory(this);
		const task = memory
			? (itemIndex: number) => rememberedItem(memory, itemIndex, () => runOperation.call(this, itemIndex))
			: (itemIndex: number) => runOperation.call(this, itemIndex);
		const outcomes = await runOrdered(items.length, batching, task, {
			stopOnError: !continueOnFail,
			// a stopped execution ends the wait between batches: the items after it are not sent
			clock: stoppableClock(executionCancelSignal(this)),
		});
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const outcome = outcomes[itemIndex];
			if (outcome.status === 'ok') {
				pushPairedResults(this, returnData, outcome.value, itemIndex);
			} else if (outcome.status === 'error') {
				const nodeError = await itemError.call(this, outcome.error, itemIndex);
				if (!continueOnFail) throw nodeError;
				returnData.push(errorItem(this, errorJson(nodeError), { item: itemIndex }));
			}
		}
		return [returnData];
	}
}
