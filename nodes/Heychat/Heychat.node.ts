import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

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
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const results = await runOperation.call(this, itemIndex);
				returnData.push(
					...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(results), {
						itemData: { item: itemIndex },
					}),
				);
			} catch (error) {
				const nodeError = await itemError.call(this, error, itemIndex);
				if (this.continueOnFail()) {
					returnData.push({ json: errorJson(nodeError), pairedItem: { item: itemIndex } });
					continue;
				}
				throw nodeError;
			}
		}
		return [returnData];
	}
}
