import type { IExecuteFunctions } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { readCatalogParams, type OperationHandler, type PreparedCall } from './types';

/** Every catalog operation without a handler of its own: the catalog says what to send. */
export const genericHandler: OperationHandler = {
	ownParams: [],
	properties: () => [],
	async prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall> {
		return { action: op.value, params: readCatalogParams(this, itemIndex, op) };
	},
};
