import { NodeOperationError, type IDataObject, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import type { ConnectionTuning } from '../../shared/connection';
import { redact } from '../../shared/redact';
import { runListenerTrigger } from '../../shared/trigger/listenerTrigger';
import { readConnectTimeoutMs, readMaxEventBytes } from '../../shared/trigger/options';
import { ONEBOT_CREDENTIAL_TYPE, toOneBotCredentials } from '../transport/auth';
import type { OneBotEvent } from './derive';
import { EventFilter, type FilterConfig } from './filters';
import { ForwardListener } from './forward';
import { readFilterConfig } from './parameters';
import { ReverseServer, type ReverseClient } from './reverse';

/** Timing knobs; n8n uses the defaults, tests shorten them. */
export interface OneBotTriggerTuning {
	connection?: Partial<ConnectionTuning>;
	/** Forward WebSocket: wait for a first frame after the upgrade (ms, default 1000). */
	settleMs?: number;
}

export const DEFAULT_REVERSE_PORT = 8095;
export const DEFAULT_REVERSE_PATH = '/onebot/v11/ws';

/**
 * The OneBot trigger's `trigger()`: a forward-WebSocket client or a reverse-WebSocket server under
 * the shared trigger life (runListenerTrigger); the first connection (or the reverse server's
 * listen) must succeed, later drops are recovered inside.
 */
export function createOneBotTrigger(tuning: OneBotTriggerTuning = {}) {
	return async function trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const read = (name: string, fallback: unknown) => this.getNodeParameter(name, fallback) as unknown;

		let filterConfig: FilterConfig;
		try {
			filterConfig = readFilterConfig(read);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
		const options = (read('options', {}) ?? {}) as IDataObject;
		const maxEventBytes = readMaxEventBytes(options);
		const watchdog = options.heartbeatWatchdog !== false;
		const credentials = toOneBotCredentials(await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
		const filter = new EventFilter(filterConfig);
		const common = {
			platform: 'OneBot',
			redact: (text: string) => redact(text, [credentials.accessToken]),
			filter: (event: OneBotEvent) => filter.apply(event),
		};

		if (read('connection', 'forward') === 'reverse') {
			const port = Number(read('port', DEFAULT_REVERSE_PORT));
			if (!Number.isInteger(port) || port < 1 || port > 65535) {
				throw new NodeOperationError(node, `"Port" must be an integer between 1 and 65535, got ${String(port)}`);
			}
			return await runListenerTrigger<OneBotEvent, ReverseClient | undefined>(this, {
				...common,
				hint: 'Choose a free port, or stop the other program or workflow that listens on it.',
				describeSource: (client) => (client ? String(client.selfId ?? client.remote) : undefined),
				createListener: ({ onEvent, onFatal }) =>
					new ReverseServer({
						port,
						host: String(options.listenAddress ?? '0.0.0.0').trim() || '0.0.0.0',
						path: String(read('path', DEFAULT_REVERSE_PATH) || '/'),
						accessToken: credentials.accessToken,
						logger: this.logger,
						maxEventBytes,
						watchdog,
						watchdogFactor: tuning.connection?.watchdogFactor,
						closeTimeoutMs: tuning.connection?.closeTimeoutMs,
						onEvent,
						onFatal,
					}),
			});
		}

		if (!credentials.wsUrl) {
			throw new NodeOperationError(node, 'The OneBot credential has no WebSocket URL', {
				description: "Set the credential's WebSocket URL to the backend's WebSocket server, e.g. ws://127.0.0.1:3001",
			});
		}
		const pingSeconds = Number(options.pingInterval ?? 30);
		return await runListenerTrigger<OneBotEvent, undefined>(this, {
			...common,
			hint: "Check that the backend is running, that its WebSocket server (NapCat/LLOneBot: 'WebSocket server', go-cqhttp: 'ws' server, Lagrange: 'ForwardWebSocket') listens on this URL, and the access token.",
			createListener: ({ onEvent, onFatal }) =>
				new ForwardListener({
					credentials,
					logger: this.logger,
					maxEventBytes,
					connectTimeoutMs: readConnectTimeoutMs(options),
					pingIntervalMs: Number.isFinite(pingSeconds) && pingSeconds >= 0 ? pingSeconds * 1000 : 30_000,
					settleMs: tuning.settleMs,
					watchdog,
					tuning: tuning.connection,
					onEvent: (event) => onEvent(event, undefined),
					onFatal,
				}),
		});
	};
}
