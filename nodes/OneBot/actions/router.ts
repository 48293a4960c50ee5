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
import type { OneBotResponse, OneBotTransport } from '../transport/types';
import {
	executionCancelSignal,
	ExecutionStoppedError,
	readBatching,
	rememberedTarget,
	tryMemory,
	type BatchSettings,
	type TryMemory,
} from '../../shared/batch';
import { sendToTargets } from '../../shared/targets';
import { errorItemJson, toNodeError } from './errors';
import { handlerFor } from './handlers';
import type { OperationHandler, PreparedCall } from './handlers/types';
import { responseToItems, streamedResult } from './output';
import { isSendAction, oneBotPacing, pacedOneBotCall, type OneBotPacing } from './pacing';
import { fanOutSpec, resolveTargets } from './targets';
import { nodeHoldsExpression } from '../../shared/itemParameters';
import { sameCallFor } from './sameCall';
import { DEFAULT_MAX_ANSWER_MIB, MAX_ANSWER_OPTION } from '../transport/answerSize';
import { mebibytes } from '../../shared/upload/binarySource';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** What one execution of the node shares across its items: one transport, one operation, one pace. */
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
	/** The backend once resolved: later items fit their calls without waiting for it again. */
	resolved?: DetectedBackend;
	pacing: OneBotPacing;
	/** n8n's execution cancel signal: a stopped execution's waits end and nothing more is sent. */
	stopped: AbortSignal | undefined;
	batching: BatchSettings;
	/** What earlier tries of this run (Retry On Fail) already sent: not sent again (see tryMemory). */
	memory: TryMemory | undefined;
	/**
	 * Whether every item makes the same call: the handler reads only node parameters and none of
	 * them holds an expression. Then the first item's call, once prepared, checked and fitted, is
	 * kept (frozen) and sent for every item (see sameCallFor).
	 */
	callsAlike: boolean;
	sameCall?: PreparedCall;
	/** The catalog operation of sameCall's action. */
	sameOp?: OneBotOperationSpec;
}

/** node → router → handler → transport. Opens the transport once per execution. */
export async function startRun(this: IExecuteFunctions): Promise<OneBotRun> {
	const data = await this.getCredentials(ONEBOT_CREDENTIAL_TYPE);
	const credentials = toOneBotCredentials(data);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject & {
		transport?: TransportKind;
		timeout?: number;
		maxAnswerSize?: number;
	};
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = findOperation(operation);
	const transport = createTransport(options.transport ?? 'http', credentials, {
		timeoutMs: Math.max(1, options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
		maxAnswerBytes: mebibytes(options.maxAnswerSize, DEFAULT_MAX_ANSWER_MIB),
	});
	if (!op) {
		await transport.close();
		throw new Error(`Unknown operation "${operation}"`);
	}
	const setting = backendSetting(data.backend);
	let detected: Promise<DetectedBackend> | undefined;
	const backend = async () => (detected ??= resolveBackend(setting, credentials, transport, this.logger));
	const handler = handlerFor(op);
	return {
		op,
		handler,
		transport,
		secrets: [credentials.accessToken],
		credentials,
		backend,
		pacing: oneBotPacing(data),
		stopped: executionCancelSignal(this),
		batching: readBatching(options),
		memory: tryMemory(this),
		callsAlike: !nodeHoldsExpression(this) && handler.readsParametersOnly?.call(this, op) === true,
	};
}

/** The call as `backend` reads it (names, types), or a refusal before anything is sent. */
function fitTo(run: OneBotRun, backend: DetectedBackend, call: PreparedCall, op: OneBotOperationSpec): PreparedCall {
	const params = fitCallToBackend(backend.backend, op, call.params, { handlerParams: run.handler.ownParams });
	return { action: call.action, params };
}

/** The call as the run's backend reads it (names, types), or a refusal before anything is sent. */
async function fitted(run: OneBotRun, call: PreparedCall): Promise<PreparedCall> {
	const backend = (run.resolved ??= await run.backend());
	return fitTo(run, backend, call, findOperation(call.action) ?? run.op);
}

/** True when the operation makes one call for all items (forward message from input items). */
export function isBatch(this: IExecuteFunctions, run: OneBotRun): boolean {
	return Boolean(run.handler.prepareBatch && run.handler.isBatch?.call(this, run.op));
}

/** One call; a send first waits for its slot of the credential's Send Rate. A stopped execution makes no more calls. */
function send(run: OneBotRun, action: string, params: IDataObject): Promise<OneBotResponse> {
	if (run.stopped?.aborted) return Promise.reject(new ExecutionStoppedError());
	// Pacing off (Send Rate 0): the transport's own promise, without a closure or an async frame per item.
	if (!(run.pacing.perMinute > 0)) return run.transport.call(action, params);
	return pacedOneBotCall(run.pacing, action, async () => await run.transport.call(action, params), run.stopped);
}

function outputId(id: number | bigint): number | string {
	return typeof id === 'bigint' ? id.toString() : id;
}

/**
 * Retry On Fail: a send whose answer was lost (no answer in time, or the connection closed while it
 * waited) or not read (over Max Answer Size) may have been delivered (OneBot has no id that would
 * let the backend recognise it), so a later try does not send it again but fails, saying so.
 */
export function notSentAgain(error: unknown): Error | undefined {
	if (!(error instanceof OneBotCallError) || !isSendAction(error.details.action)) return undefined;
	const timedOut = error.kind === 'timeout';
	if (!timedOut && error.details.maybeDelivered !== true) return undefined;
	const lost = timedOut
		? 'got no answer in time'
		: error.kind === 'tooLarge'
			? `got an answer larger than "${MAX_ANSWER_OPTION}"`
			: 'lost its answer when the connection closed or was reset';
	return new OneBotCallError(
		error.kind,
		`${error.details.action} was not sent again: an earlier try ${lost}, so it may have been delivered`,
		{ ...error.details, cause: `Retry On Fail does not repeat a send that may have arrived. The earlier try: ${error.message}` },
	);
}

/**
 * Send to many chats: one call per target, in target order, each with its result or its error.
 * Fails as a whole only when no target got the message; a Retry On Fail sends only to the targets
 * that did not get it.
 */
async function runFanOut(
	this: IExecuteFunctions,
	run: OneBotRun,
	itemIndex: number,
	call: PreparedCall & { fanOut: NonNullable<PreparedCall['fanOut']> },
): Promise<IDataObject[]> {
	const spec = fanOutSpec(call.fanOut.operation)!;
	const targets = await resolveTargets(this, itemIndex, spec, call.fanOut.mode, run.transport);
	const outcomes = await sendToTargets(
		targets,
		(id) => ({ [spec.param]: outputId(id) }),
		// a chat that got the message in an earlier try of a Retry On Fail is not sent to again
		async (id) =>
			await rememberedTarget(
				run.memory,
				itemIndex,
				String(id),
				async () => {
					const target = await fitted(run, {
						action: call.action,
						params: { ...call.params, [spec.param]: id as unknown as IDataObject[string] },
					});
					const response = await send(run, target.action, target.params);
					const [first] = responseToItems(findOperation(call.action) ?? run.op, call.action, response);
					return { success: true, ...first };
				},
				notSentAgain,
			),
		(caught) => {
			const error = toNodeError(this.getNode(), caught, itemIndex, run.secrets);
			return { error, json: { success: false, ...errorItemJson(error) } };
		},
	);
	if (outcomes.length > 0 && outcomes.every((o) => !o.ok) && !this.continueOnFail()) throw outcomes[0].error;
	return outcomes.map((o) => o.json);
}

/**
 * The items of an answer (responseToItems); a NapCat stream answer (transport/stream.ts) gives one
 * item, its file put together from the chunks as the item's binary `data`.
 */
function itemsOf(
	ctx: IExecuteFunctions,
	op: OneBotOperationSpec | undefined,
	action: string,
	response: OneBotResponse,
): IDataObject[] | Promise<IDataObject[]> {
	const streamed = streamedResult(response);
	if (!streamed) return responseToItems(op, action, response);
	const { json, file } = streamed;
	if (!file) return [json];
	return ctx.helpers
		.prepareBinaryData(file.data, file.fileName)
		.then((binary) => [{ json, binary: { data: binary } } as unknown as IDataObject]);
}

/** Prepares, sends and shapes the call of one item (or its calls, one per target). */
export function runItem(this: IExecuteFunctions, run: OneBotRun, itemIndex: number): Promise<IDataObject[]> {
	const same = run.sameCall;
	// the call every item makes alike: straight to the wire
	if (same) return send(run, same.action, same.params).then((response) => itemsOf(this, run.sameOp, same.action, response));
	const backend = run.resolved;
	const prepareNow = run.handler.prepareNow;
	if (backend && prepareNow) {
		// a call that needs nothing asynchronous (no file) once the backend is known: without a promise of its own
		try {
			const prepared = prepareNow.call(this, itemIndex, run.op);
			if (prepared) return sendPrepared.call(this, run, itemIndex, prepared, backend);
		} catch (error) {
			return Promise.reject(error as Error);
		}
	}
	return prepareAndRunItem.call(this, run, itemIndex);
}

async function prepareAndRunItem(this: IExecuteFunctions, run: OneBotRun, itemIndex: number): Promise<IDataObject[]> {
	const prepared = await run.handler.prepare.call(this, itemIndex, run.op);
	// many chats: the targets are listed before the backend is asked for
	if (prepared.fanOut) return await sendPrepared.call(this, run, itemIndex, prepared, undefined);
	const backend = (run.resolved ??= await run.backend());
	return await sendPrepared.call(this, run, itemIndex, prepared, backend);
}

/** Fits a prepared call to the backend, sends it and shapes its answer (or sends to each target). */
function sendPrepared(
	this: IExecuteFunctions,
	run: OneBotRun,
	itemIndex: number,
	prepared: PreparedCall,
	backend: DetectedBackend | undefined,
): Promise<IDataObject[]> {
	if (prepared.fanOut) return runFanOut.call(this, run, itemIndex, { ...prepared, fanOut: prepared.fanOut });
	const op = findOperation(prepared.action) ?? run.op;
	const call = fitTo(run, backend!, prepared, op);
	// Only a call that was prepared and checked without error is kept: a refused one is refused per item.
	if (run.callsAlike && !run.sameCall) {
		run.sameCall = sameCallFor(call);
		run.sameOp = op;
	}
	return send(run, call.action, call.params).then((response) => itemsOf(this, op, call.action, response));
}

/** The single call of a batch operation. */
export async function runBatch(this: IExecuteFunctions, run: OneBotRun, itemCount: number): Promise<IDataObject[]> {
	const call = await fitted(run, await run.handler.prepareBatch!.call(this, run.op, itemCount));
	const response = await send(run, call.action, call.params);
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
