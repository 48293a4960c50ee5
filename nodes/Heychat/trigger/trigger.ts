import { NodeOperationError, type IDataObject, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import type { ConnectionTuning } from '../../shared/connection';
import { runListenerTrigger } from '../../shared/trigger/listenerTrigger';
import { readConnectTimeoutMs, readMaxEventBytes } from '../../shared/trigger/options';
import { getHeychatCredentials } from '../transport';
import type { HeychatFrame } from './events';
import { HeychatEventFilter, readHeychatFilterConfig, type HeychatFilterConfig } from './filters';
import { GatewayListener, redactToken } from './gateway';
import { HeychatPrefilter } from './prefilter';

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
 * The Heychat trigger's `trigger()`: the gateway listener (PING/PONG, reconnects, watchdog) under
 * the shared trigger life (runListenerTrigger); only a refused token calls `emitError`.
 */
export function createHeychatTrigger(tuning: HeychatTriggerTuning = {}) {
	return async function trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const read = (name: string, fallback: unknown) => this.getNodeParameter(name, fallback) as unknown;

		let filterConfig: HeychatFilterConfig;
		try {
			filterConfig = readHeychatFilterConfig(read);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
		const options = (read('options', {}) ?? {}) as IDataObject;

		const credentials = await getHeychatCredentials.call(this);
		const token = credentials.token;
		if (!token) {
			throw new NodeOperationError(node, 'The Heychat Bot API credential has no bot token', {
				description: 'Copy the token from the Heychat bot developer platform (https://open.xiaoheihe.cn).',
			});
		}
		const filter = new HeychatEventFilter(filterConfig);
		// Frames whose event the filter would drop anyway, recognised from their bytes (prefilter.ts).
		const prefilter = HeychatPrefilter.for(filterConfig);

		return await runListenerTrigger<HeychatFrame, number>(this, {
			platform: 'Heychat',
			redact: (text) => redactToken(text, token),
			hint: HINT,
			// The gateway listener parses every frame into a new object that nothing else holds: the item is built in place.
			filter: (frame, connection) => filter.apply(frame, connection, true),
			createListener: ({ onEvent, onFatal }) =>
				new GatewayListener({
					token,
					gatewayUrl: credentials.gatewayUrl,
					logger: this.logger,
					maxEventBytes: readMaxEventBytes(options),
					connectTimeoutMs: readConnectTimeoutMs(options),
					pingIntervalMs: tuning.pingIntervalMs,
					settleMs: tuning.settleMs,
					watchdog: options.heartbeatWatchdog !== false,
					tuning: tuning.connection,
					prefilter: prefilter ? (frame) => prefilter.drops(frame) : undefined,
					onEvent,
					onFatal,
				}),
		});
	};
}
