import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CUSTOM_ACTION, findOperation, type OneBotOperationSpec } from '../catalog';
import { createTransport, toOneBotCredentials, ONEBOT_CREDENTIAL_TYPE, type TransportKind } from '../transport';
import type { OneBotTransport } from '../transport/types';
import { errorItemJson, toNodeError } from './errors';
import { handlerFor } from './handlers';
import { responseToItems } from './output';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** node → router → handler → transport: every OneBot operation runs through here. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const credentials = toOneBotCredentials(await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
	const secrets = [credentials.accessToken];
	const options = this.getNodeParameter('options', 0, {}) as { transport?: TransportKind; timeout?: number };
	const transport: OneBotTransport = createTransport(options.transport ?? 'http', credentials, {
		timeoutMs: Math.max(1, options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
	});
	const returnData: INodeExecutionData[] = [];

	const fail = (error: unknown, itemIndex: number, pairedItems: number[]) => {
		const nodeError = toNodeError(this.getNode(), error, itemIndex, secrets);
		if (!this.continueOnFail()) throw nodeError;
		for (const item of pairedItems) {
			returnData.push({ json: errorItemJson(nodeError), pairedItem: { item } });
		}
	};

	try {
		const operation = this.getNodeParameter('operation', 0) as string;
		const op: OneBotOperationSpec | undefined =
			operation === CUSTOM_ACTION.value ? CUSTOM_ACTION : findOperation(operation);
		if (!op) {
			fail(new Error(`Unknown operation "${operation}"`), 0, items.map((_, i) => i));
			return [returnData];
		}
		const handler = handlerFor(op);

		if (handler.isBatch?.call(this, op) && handler.prepareBatch) {
			const all = items.map((_, i) => i);
			try {
				const call = await handler.prepareBatch.call(this, op, items.length);
				const response = await transport.call(call.action, call.params);
				for (const json of responseToItems(op, call.action, response)) {
					returnData.push({ json, pairedItem: all.map((item) => ({ item })) });
				}
			} catch (error) {
				fail(error, 0, all);
			}
			return [returnData];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				const call = await handler.prepare.call(this, i, op);
				const response = await transport.call(call.action, call.params);
				const executionData = this.helpers.constructExecutionMetaData(
					this.helpers.returnJsonArray(responseToItems(findOperation(call.action) ?? op, call.action, response)),
					{ itemData: { item: i } },
				);
				returnData.push(...executionData);
			} catch (error) {
				fail(error, i, [i]);
			}
		}
	} finally {
		await transport.close();
	}
	return [returnData];
}
