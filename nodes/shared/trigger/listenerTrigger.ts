import {
	NodeOperationError,
	type IDataObject,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { AbortedError } from '../connection';

/** A long-lived source of events: a client connection with reconnects, or a server backends connect to. */
export interface TriggerListener {
	/** Resolves once listening (the first connection is up); rejects with the cause otherwise. */
	start(): Promise<void>;
	/** Stops everything (reconnects, timers, sockets, servers); bounded in time. */
	close(): Promise<void>;
}

export type TriggerFilterResult = { pass: true; item: IDataObject } | { pass: false; reason: string };

export interface ListenerTriggerSetup<E, S> {
	/** "OneBot" / "Heychat", for log lines. */
	platform: string;
	/** Strips secrets (tokens) from any text that reaches an error or a log line. */
	redact: (text: string) => string;
	/** Shown under an activation or a fatal error: what to check. */
	hint: string;
	/** Whether an event (from `source`) starts an execution, and with which item. */
	filter: (event: E, source: S) => TriggerFilterResult;
	/** Builds the listener; it reports events and unrecoverable states through the callbacks. */
	createListener: (callbacks: { onEvent: (event: E, source: S) => void; onFatal: (error: Error) => void }) => TriggerListener;
	/** A debug line after an event was emitted (e.g. which reverse-WebSocket client sent it). */
	describeSource?: (source: S) => string | undefined;
}

/**
 * The `trigger()` life both platforms share. Trigger mode: the first connection must succeed or
 * the activation fails with the cause and the hint; later drops are recovered by the listener, and
 * only an unrecoverable state calls `emitError`. Manual mode ("Listen for test event"): connects in
 * `manualTriggerFunction`, emits the first event that passes the filter, then closes.
 * `closeFunction` stops everything.
 */
export async function runListenerTrigger<E, S>(
	context: ITriggerFunctions,
	setup: ListenerTriggerSetup<E, S>,
): Promise<ITriggerResponse> {
	// `context.emit` is looked up at each call: in manual mode n8n replaces `emit` on the context
	// after trigger() returns.
	const node = context.getNode();
	const logger = context.logger;
	const manual = context.getMode() === 'manual';
	const message = (error: unknown) => setup.redact(error instanceof Error ? error.message : String(error));
	const nodeError = (error: unknown) => new NodeOperationError(node, message(error), { description: setup.hint });
	let finished = false;
	let listener: TriggerListener;

	const onEvent = (event: E, source: S) => {
		if (finished) return;
		const result = setup.filter(event, source);
		if (!result.pass) {
			logger.debug(`${setup.platform} event not emitted: ${result.reason}`);
			return;
		}
		if (manual) finished = true;
		try {
			context.emit([context.helpers.returnJsonArray([result.item])]);
		} catch (error) {
			logger.error(`Could not start an execution for a ${setup.platform} event: ${message(error)}`);
		}
		if (manual) void listener.close();
		const from = setup.describeSource?.(source);
		if (from) logger.debug(`${setup.platform} event from ${from} emitted`);
	};

	const onFatal = (error: Error) => {
		if (finished) return;
		finished = true;
		void listener.close();
		context.emitError(nodeError(error));
	};

	try {
		listener = setup.createListener({ onEvent, onFatal });
	} catch (error) {
		throw nodeError(error);
	}

	const start = async () => {
		try {
			await listener.start();
		} catch (error) {
			// Manual mode can emit (and so stop) before start() returns: not a failure.
			if (finished && error instanceof AbortedError) return;
			finished = true;
			await listener.close();
			throw nodeError(error);
		}
	};
	const closeFunction = async () => {
		finished = true;
		await listener.close();
	};

	if (manual) return { closeFunction, manualTriggerFunction: start };
	await start();
	return { closeFunction };
}
