import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { redact } from '../../shared/redact';
import { InputError } from '../../shared/validation';
import { findOperation, type HeychatOperationSpec } from '../catalog';
import { callCatalogOperation } from './generic';
import { upload } from './media';
import { sendMessage } from './message';

type Handler = (this: IExecuteFunctions, op: HeychatOperationSpec, itemIndex: number) => Promise<IDataObject[]>;

/** The hand-written operations, by `OperationSpec.handler`; every other one is the generic call. */
const handlers: Record<string, Handler> = {
	sendChannelMessage: sendMessage,
	updateChannelMessage: sendMessage,
	sendPrivateMessage: sendMessage,
	uploadMedia: upload,
};

/** Runs the picked operation for one item: its handler, or the generic catalog call. */
export async function runOperation(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const resource = this.getNodeParameter('resource', itemIndex) as string;
	const operation = this.getNodeParameter('operation', itemIndex) as string;
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
		return await handler.call(this, op, itemIndex);
	}
	return await callCatalogOperation.call(this, op, itemIndex);
}

/** Any error of an item as an n8n error of that item, without the token in it. */
function toNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	token: string | undefined,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	if (error instanceof InputError) {
		return new NodeOperationError(this.getNode(), error.message, {
			itemIndex,
			description: `Check the field "${error.field}".`,
		});
	}
	const message = redact(error instanceof Error ? error.message : String(error), [token]);
	return new NodeOperationError(this.getNode(), message, { itemIndex });
}

async function tokenForRedaction(this: IExecuteFunctions): Promise<string | undefined> {
	try {
		const credentials = await this.getCredentials('heychatBotApi');
		return typeof credentials.token === 'string' ? credentials.token : undefined;
	} catch {
		return undefined;
	}
}

/** The error of an item as an n8n error (InputError → NodeOperationError naming the field). */
export async function itemError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): Promise<NodeApiError | NodeOperationError> {
	return toNodeError.call(this, error, itemIndex, await tokenForRedaction.call(this));
}

/** The json of the error item `continueOnFail` outputs. */
export function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	if (typeof error.context.heychatFailure === 'string') json.heychatFailure = error.context.heychatFailure;
	if (typeof error.context.serverMessage === 'string') json.serverMessage = error.context.serverMessage;
	return json;
}
