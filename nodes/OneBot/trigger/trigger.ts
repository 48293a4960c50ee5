import { NodeOperationError, type IDataObject, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import { AbortedError, DEFAULT_MAX_EVENT_BYTES, type ConnectionTuning } from '../../shared/connection';
import { redact } from '../../shared/redact';
import { ONEBOT_CREDENTIAL_TYPE, toOneBotCredentials } from '../transport/auth';
import type { OneBotEvent } from './derive';
import { EventFilter, type FilterConfig } from './filters';
import { ForwardListener } from './forward';
import { readFilterConfig, readMaxEventBytes } from './parameters';
import { ReverseServer, type ReverseClient } from './reverse';

/** Timing knobs; n8n uses the defaults, tests shorten them. */
export interface OneBotTriggerTuning {
	connection?: Partial<ConnectionTuning>;
	/** Forward WebSocket: wait for a first frame after the upgrade (ms, default 1000). */
	settleMs?: number;
}

export const DEFAULT_REVERSE_PORT = 8095;
export const DEFAULT_REVERSE_PATH = '/onebot/v11/ws';

interface Listener {
	start(): Promise<void>;
	close(): Promise<void>;
}

function message(error: unknown, secrets: string[]): string {
	return redact(error instanceof Error ? error.message : String(error), secrets);
}

/**
 * The OneBot trigger's `trigger()`. Trigger mode: the first connection (or the reverse server's
 * listen) must succeed or the activation fails with the cause; later drops are recovered inside.
 * Manual mode ("Listen for test event"): connects in `manualTriggerFunction`, emits the first event
 * that passes the filters, then closes. `closeFunction` stops everything, bounded in time.
 */
export function createOneBotTrigger(tuning: OneBotTriggerTuning = {}) {
	return async function trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Arrow functions below keep `this`, and `this.emit` is looked up at each call: in manual
		// mode n8n replaces `emit` on the context after trigger() returns.
		const node = this.getNode();
		const read = (name: string, fallback: unknown) => this.getNodeParameter(name, fallback) as unknown;

		let filterConfig: FilterConfig;
		try {
			filterConfig = readFilterConfig(read);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
		const options = (read('options', {}) ?? {}) as IDataObject;
		const maxEventBytes = readMaxEventBytes(read, DEFAULT_MAX_EVENT_BYTES);
		const watchdog = options.heartbeatWatchdog !== false;
		const credentials = toOneBotCredentials(await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
		const secrets = [credentials.accessToken];
		const manual = this.getMode() === 'manual';
		const filter = new EventFilter(filterConfig);
		const logger = this.logger;
		let finished = false;

		const onEvent = (event: OneBotEvent, client?: ReverseClient) => {
			if (finished) return;
			const result = filter.apply(event);
			if (!result.pass) {
				logger.debug(`OneBot event not emitted: ${result.reason}`);
				return;
			}
			if (manual) finished = true;
			try {
				this.emit([this.helpers.returnJsonArray([result.item])]);
			} catch (error) {
				logger.error(`Could not start an execution for a OneBot event: ${message(error, secrets)}`);
			}
			if (manual) void listener.close();
			if (client) logger.debug(`OneBot event from ${client.selfId ?? client.remote} emitted`);
		};

		const onFatal = (error: Error) => {
			if (finished) return;
			finished = true;
			void listener.close();
			this.emitError(new NodeOperationError(node, message(error, secrets)));
		};

		const connectionMode = read('connection', 'forward');
		let listener: Listener;
		let hint: string;
		if (connectionMode === 'reverse') {
			const port = Number(read('port', DEFAULT_REVERSE_PORT));
			if (!Number.isInteger(port) || port < 1 || port > 65535) {
				throw new NodeOperationError(node, `"Port" must be an integer between 1 and 65535, got ${String(port)}`);
			}
			listener = new ReverseServer({
				port,
				host: String(options.listenAddress ?? '0.0.0.0').trim() || '0.0.0.0',
				path: String(read('path', DEFAULT_REVERSE_PATH) || '/'),
				accessToken: credentials.accessToken,
				logger,
				maxEventBytes,
				watchdog,
				watchdogFactor: tuning.connection?.watchdogFactor,
				closeTimeoutMs: tuning.connection?.closeTimeoutMs,
				onEvent,
				onFatal,
			});
			hint = 'Choose a free port, or stop the other program or workflow that listens on it.';
		} else {
			if (!credentials.wsUrl) {
				throw new NodeOperationError(node, 'The OneBot credential has no WebSocket URL', {
					description: "Set the credential's WebSocket URL to the backend's WebSocket server, e.g. ws://127.0.0.1:3001",
				});
			}
			const seconds = (name: string, fallback: number) => {
				const n = Number(options[name] ?? fallback);
				return Number.isFinite(n) && n >= 0 ? n * 1000 : fallback * 1000;
			};
			listener = new ForwardListener({
				credentials,
				logger,
				maxEventBytes,
				connectTimeoutMs: Math.max(1000, seconds('connectTimeout', 10)),
				pingIntervalMs: seconds('pingInterval', 30),
				settleMs: tuning.settleMs,
				watchdog,
				tuning: tuning.connection,
				onEvent,
				onFatal,
			});
			hint =
				"Check that the backend is running, that its WebSocket server (NapCat/LLOneBot: 'WebSocket server', go-cqhttp: 'ws' server, Lagrange: 'ForwardWebSocket') listens on this URL, and the access token.";
		}

		const start = async () => {
			try {
				await listener.start();
			} catch (error) {
				// Manual mode can emit (and so stop) before start() returns: not a failure.
				if (finished && error instanceof AbortedError) return;
				finished = true;
				await listener.close();
				throw new NodeOperationError(node, message(error, secrets), { description: hint });
			}
		};
		const closeFunction = async () => {
			finished = true;
			await listener.close();
		};

		if (manual) return { closeFunction, manualTriggerFunction: start };
		await start();
		return { closeFunction };
	};
}
