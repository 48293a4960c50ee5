import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { redact } from '../../shared/redact';
import { InputError } from '../../shared/validation';

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
