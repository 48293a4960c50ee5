import type { IDataObject, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	backendSetting,
	fitCallToBackend,
	forgetBackend,
	resolveBackend,
	type DetectedBackend,
} from '../backend';
import { findOperation, type OneBotOperationSpec } from '../catalog';
import {
	createTransport,
	OneBotCallError,
	toOneBotCredentials,
	ONEBOT_CREDENTIAL_TYPE,
	type OneBotCredentials,
	type TransportKind,
} from '../transport';
import type { OneBotTransport } from '../transport/types';
import { toNodeError } from './errors';
import { handlerFor } from './handlers';
import type { OperationHandler, PreparedCall } from './handlers/types';
import { responseToItems } from './output';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** What one execution of the node shares across its items: one transport, one operation. */
export interface OneBotRun {
	op: OneBotOperationSpec;
	handler: OperationHandler;
	transport: OneBotTransport;
	secrets: string[];
	credentials: OneBotCredentials;
	/**
	 * The backend the calls go to (credential's Backend field, or detected). Resolved when the first
	 * call is ready to go, so that input refused while preparing it sends nothing at all.
	 */
	backend: () => Promise<DetectedBackend>;
}

/** node → router → handler → transport. Opens the transport once per execution. */
export async function startRun(this: IExecuteFunctions): Promise<OneBotRun> {
	const data = await this.getCredentials(ONEBOT_CREDENTIAL_TYPE);
	const credentials = toOneBotCredentials(data);
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
	const setting = backendSetting(data.backend);
	let detected: Promise<DetectedBackend> | undefined;
	const backend = async () => (detected ??= resolveBackend(setting, credentials, transport, this.logger));
	return { op, handler: handlerFor(op), transport, secrets: [credentials.accessToken], credentials, backend };
}

/** The call as the run's backend reads it (names, types), or a refusal before anything is sent. */
async function fitted(run: OneBotRun, call: PreparedCall): Promise<PreparedCall> {
	const op = findOperation(call.action) ?? run.op;
	const { backend } = await run.backend();
	const params = fitCallToBackend(backend, op, call.params, { handlerParams: run.handler.ownParams });
	return { action: call.action, params };
}

/** True when the operation makes one call for all items (forward message from input items). */
export function isBatch(this: IExecuteFunctions, run: OneBotRun): boolean {
	return Boolean(run.handler.prepareBatch && run.handler.isBatch?.call(this, run.op));
}

/** Prepares, sends and shapes the call of one item. */
export async function runItem(this: IExecuteFunctions, run: OneBotRun, itemIndex: number): Promise<IDataObject[]> {
	const call = await fitted(run, await run.handler.prepare.call(this, itemIndex, run.op));
	const response = await run.transport.call(call.action, call.params);
	return responseToItems(findOperation(call.action) ?? run.op, call.action, response);
}

/** The single call of a batch operation. */
export async function runBatch(this: IExecuteFunctions, run: OneBotRun, itemCount: number): Promise<IDataObject[]> {
	const call = await fitted(run, await run.handler.prepareBatch!.call(this, run.op, itemCount));
	const response = await run.transport.call(call.action, call.params);
	return responseToItems(run.op, call.action, response);
}

export function itemError(
	this: IExecuteFunctions,
	run: OneBotRun | undefined,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	// Not reached: the backend behind the URL may be another one next time; detect it again.
	if (run && error instanceof OneBotCallError && error.kind === 'network') forgetBackend(run.credentials);
	return toNodeError(this.getNode(), error, itemIndex, run?.secrets ?? []);
}
