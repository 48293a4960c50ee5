import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { route } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { searchFriends, searchGroups, searchMembers } from './methods/listSearch';

export class OneBot implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = {
		listSearch: { searchGroups, searchFriends, searchMembers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
