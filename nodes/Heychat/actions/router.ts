import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { findOperation, type HeychatOperationSpec } from '../catalog';
import { itemParameter } from '../../shared/itemParameters';
import { callCatalogOperation } from './generic';
import { upload } from './media';
import { sendMessage } from './message';
import { replyMessage } from './reply';

type Handler = (this: IExecuteFunctions, op: HeychatOperationSpec, itemIndex: number) => Promise<IDataObject[]>;

/** The hand-written operations, by `OperationSpec.handler`; every other one is the generic call. */
const handlers: Record<string, Handler> = {
	sendChannelMessage: sendMessage,
	updateChannelMessage: sendMessage,
	sendPrivateMessage: sendMessage,
	uploadMedia: upload,
	reply: replyMessage,
};

/** Runs the picked operation for one item: its handler, or the generic catalog call. */
export function runOperation(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	// the handler's own promise, without an async layer of its own per item
	try {
		return operationFor.call(this, itemIndex);
	} catch (error) {
		return Promise.reject(error as Error);
	}
}

function operationFor(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	// read once per execution unless they hold an expression (n8n's own read validates every time)
	const resource = itemParameter(this, 'resource', itemIndex) as string;
	const operation = itemParameter(this, 'operation', itemIndex) as string;
	const op = findOperation(operation);
	if (!op || op.resource !== resource) {
		throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}" for resource "${resource}"`, {
			itemIndex,
		});
	}
	if (op.handler) {
		const handler = handlers[op.handler];
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `No handler "${op.handler}" for ${op.value}`, { itemIndex });
		}
		return handler.call(this, op, itemIndex);
	}
	return callCatalogOperation.call(this, op, itemIndex);
}

export { errorJson, itemError } from './errors';
