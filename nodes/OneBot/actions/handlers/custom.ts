import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError, parseJson } from '../../../shared/validation';
import type { OperationHandler, PreparedCall } from './types';

const ACTION_NAME = /^[.\w-]+$/;

/** Any action by name with JSON parameters, for backends newer than the catalog. */
export const customHandler: OperationHandler = {
	ownParams: [],
	properties: (show): INodeProperties[] => [
		{
			displayName: 'Action Name',
			name: 'customAction',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. get_group_shut_list',
			description: 'The action as the backend names it; it is POSTed to {URL}/{action} or sent over WebSocket',
			displayOptions: { show },
		},
		{
			displayName: 'Parameters (JSON)',
			name: 'customParams',
			type: 'json',
			default: '{}',
			description: 'The action\'s parameters as a JSON object',
			displayOptions: { show },
		},
	],
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedCall> {
		const action = String(this.getNodeParameter('customAction', itemIndex, '')).trim();
		if (!ACTION_NAME.test(action)) {
			throw new InputError(
				'customAction',
				`"customAction" must be an action name of letters, digits, "_", "-" or "." (got "${action}")`,
			);
		}
		const params = parseJson('customParams', this.getNodeParameter('customParams', itemIndex, '{}'));
		if (params === null || typeof params !== 'object' || Array.isArray(params)) {
			throw new InputError('customParams', '"customParams" must be a JSON object, e.g. {"group_id": 123}');
		}
		return { action, params: params as PreparedCall['params'] };
	},
};
