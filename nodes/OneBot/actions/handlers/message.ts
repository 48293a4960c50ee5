import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { messageProperties, readMessage } from '../../message/properties';
import { binaryResolver } from './binary';
import { readCatalogParams, type OperationHandler, type PreparedCall } from './types';

const OWN: readonly string[] = ['message', 'auto_escape'];

/**
 * send_private_msg / send_group_msg / send_msg: the target comes from the catalog fields, the
 * message from the message builder (plain text, CQ code, segments, or raw JSON segments).
 */
export const messageHandler: OperationHandler = {
	ownParams: OWN,
	properties: (show): INodeProperties[] => messageProperties({ show }),
	async prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall> {
		const params = readCatalogParams(this, itemIndex, op, OWN);
		const { message, autoEscape } = await readMessage(
			(name: string) => this.getNodeParameter(name, itemIndex, undefined as never),
			binaryResolver(this, itemIndex),
		);
		params.message = message as never;
		if (autoEscape !== undefined) params.auto_escape = autoEscape;
		return { action: op.value, params };
	},
};
