import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { validateQuickOperationObject } from '../../trigger/quickOperation';
import { InputError } from '../../../shared/validation';
import { readCatalogParams, type OperationHandler, type PreparedCall } from './types';

/**
 * Checks beyond the catalog types, per action: the quick operation's fields like the webhook's;
 * Download File needs what to download, a URL or (NapCat, LLOneBot) base64 content.
 */
const EXTRA_CHECKS: Record<string, (params: IDataObject) => IDataObject> = {
	'.handle_quick_operation': (params) => ({ ...params, operation: validateQuickOperationObject('operation', params.operation) }),
	download_file: (params) => {
		const given = (key: string) => typeof params[key] === 'string' && (params[key] as string).trim() !== '';
		if (!given('url') && !given('base64')) {
			throw new InputError('url', 'Download File needs "url" (the file to download) or, on NapCat and LLOneBot, "base64" (its content)');
		}
		return params;
	},
};

/** Every catalog operation without a handler of its own: the catalog says what to send. */
export const genericHandler: OperationHandler = {
	ownParams: [],
	properties: () => [],
	readsParametersOnly: () => true,
	async prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall> {
		const params = readCatalogParams(this, itemIndex, op);
		const check = EXTRA_CHECKS[op.value];
		return { action: op.value, params: check ? check(params) : params };
	},
};
