import { NodeOperationError, type IDataObject, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import { AbortedError, DEFAULT_MAX_EVENT_BYTES, type ConnectionTuning } from '../../shared/connection';
import { DEFAULT_GATEWAY_URL } from '../transport/constants';
import { getHeychatCredentials } from '../transport';
import type { HeychatFrame } from './events';
import { HeychatEventFilter, readHeychatFilterConfig, type HeychatFilterConfig } from './filters';
import { GatewayListener, redactToken } from './gateway';

/** Timing knobs; n8n uses the defaults, tests shorten them. */
export interface HeychatTriggerTuning {
	connection?: Partial<ConnectionTuning>;
	/** `PING` interval (ms, default 30 000); the watchdog fires after 2.5 × this without a frame. */
	pingIntervalMs?: number;
	/** After the upgrade, the longest wait for the first PONG before counting the connection as up (ms, default 1000). */
	settleMs?: number;
}

const HINT =
	"Check the credential's WebSocket Gateway URL (default wss://chat.xiaoheihe.cn/chatroom/ws/connect), that n8n can reach it, and the bot token.";

/**
 * The Heychat trigger's `trigger()`. Trigger mode: the first gateway connection must succeed or the
 * activation fails with the URL and the cause; later drops are recovered inside (backoff, watchdog)
 * and only a refused token calls `emitError`. Manual mode ("Listen for test event"): connects in
 * `manualTriggerFunction`, emits the first event that passes the filters, then closes.
 * `closeFunction` stops everything, bounded in time.
 */
export function createHeychatTrigger(tuning: HeychatTriggerTuning = {}) {
	return async function trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Arrow functions below keep `this`, and `this.emit` is looked up at each call: in manual
		// mode n8n replaces `emit` on the context after trigger() returns.
		const node = this.getNode();
		const read = (name: string, fallback: unknown) => this.getNodeParameter(name, fallback) as unknown;

		let filterConfig: HeychatFilterConfig;
		try {
			filterConfig = readHeychatFilterConfig(read);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
		const options = (read('options', {}) ?? {}) as IDataObject;
		const kb = Number(options.maxEventSizeKb);
		const maxEventBytes = Number.isFinite(kb) && kb > 0 ? Math.floor(kb * 1024) : DEFAULT_MAX_EVENT_BYTES;
		const timeoutSeconds = Number(options.connectTimeout ?? 10);
		const connectTimeoutMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? Math.max(1000, timeoutSeconds * 1000) : 10_000;

		const credentials = await getHeychatCredentials.call(this);
		const token = credentials.token;
		if (!token) {
			throw new NodeOperationError(node, 'The Heychat Bot API credential has no bot token', {
				description: 'Copy the token from the Heychat bot developer platform (https://open.xiaoheihe.cn).',
			});
		}
		const message = (error: unknown) => redactToken(error instanceof Error ? error.message : String(error), token);
		const manual = this.getMode() === 'manual';
		const filter = new HeychatEventFilter(filterConfig);
		const logger = this.logger;
		let finished = false;

		const onEvent = (frame: HeychatFrame, connection: number) => {
			if (finished) return;
			const result = filter.apply(frame, connection);
			if (!result.pass) {
				logger.debug(`Heychat event not emitted: ${result.reason}`);
				return;
			}
			if (manual) finished = true;
			try {
				this.emit([this.helpers.returnJsonArray([result.item])]);
			} catch (error) {
				logger.error(`Could not start an execution for a Heychat event: ${message(error)}`);
			}
			if (manual) void listener.close();
		};

		const onFatal = (error: Error) => {
			if (finished) return;
			finished = true;
			void listener.close();
			this.emitError(new NodeOperationError(node, message(error), { description: HINT }));
		};

		let listener: GatewayListener;
		try {
			listener = new GatewayListener({
				token,
				gatewayUrl: credentials.gatewayUrl?.trim() || DEFAULT_GATEWAY_URL,
				logger,
				maxEventBytes,
				connectTimeoutMs,
				pingIntervalMs: tuning.pingIntervalMs,
				settleMs: tuning.settleMs,
				watchdog: options.heartbeatWatchdog !== false,
				tuning: tuning.connection,
				onEvent,
				onFatal,
			});
		} catch (error) {
			throw new NodeOperationError(node, message(error), { description: HINT });
		}

		const start = async () => {
			try {
				await listener.start();
			} catch (error) {
				// Manual mode can emit (and so stop) before start() returns: not a failure.
				if (finished && error instanceof AbortedError) return;
				finished = true;
				await listener.close();
				throw new NodeOperationError(node, message(error), { description: HINT });
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
