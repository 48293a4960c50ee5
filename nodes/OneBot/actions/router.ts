import type { IDataObject, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { findOperation, type OneBotOperationSpec } from '../catalog';
import { createTransport, toOneBotCredentials, ONEBOT_CREDENTIAL_TYPE, type TransportKind } from '../transport';
import type { OneBotTransport } from '../transport/types';
import { toNodeError } from './errors';
import { handlerFor } from './handlers';
import type { OperationHandler } from './handlers/types';
import { responseToItems } from './output';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** What one execution of the node shares across its items: one transport, one operation. */
export interface OneBotRun {
	op: OneBotOperationSpec;
	handler: OperationHandler;
	transport: OneBotTransport;
	secrets: string[];
}

/** node → router → handler → transport. Opens the transport once per execution. */
export async function startRun(this: IExecuteFunctions): Promise<OneBotRun> {
	const credentials = toOneBotCredentials(await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
	const options = this.getNodeParameter('options', 0, {}) as { transport?: TransportKind; timeout?: number };
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = findOperation(operation);
	const transport = createTransport(options.transport ?? 'http', credentials, {
		timeoutMs: Math.max(1, options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
	});
	if (!op) {
		await transport.close();
		throw new Error(`Unknown operation "${operation}"`);
	}
	return { op, handler: handlerFor(op), transport, secrets: [credentials.accessToken] };
}

/** True when the operation makes one call for all items (forward message from input items). */
export function isBatch(this: IExecuteFunctions, run: OneBotRun): boolean {
	return Boolean(run.handler.prepareBatch && run.handler.isBatch?.call(this, run.op));
}

/** Prepares, sends and shapes the call of one item. */
export async function runItem(this: IExecuteFunctions, run: OneBotRun, itemIndex: number): Promise<IDataObject[]> {
	const call = await run.handler.prepare.call(this, itemIndex, run.op);
	const response = await run.transport.call(call.action, call.params);
	return responseToItems(findOperation(call.action) ?? run.op, call.action, response);
}

/** The single call of a batch operation. */
export async function runBatch(this: IExecuteFunctions, run: OneBotRun, itemCount: number): Promise<IDataObject[]> {
	const call = await run.handler.prepareBatch!.call(this, run.op, itemCount);
	const response = await run.transport.call(call.action, call.params);
	return responseToItems(run.op, call.action, response);
}

export function itemError(
	this: IExecuteFunctions,
	run: OneBotRun | undefined,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	return toNodeError(this.getNode(), error, itemIndex, run?.secrets ?? []);
}
