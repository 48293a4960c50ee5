import { NodeOperationError, type IDataObject, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import type { ConnectionTuning } from '../../shared/connection';
import { redact } from '../../shared/redact';
import { runListenerTrigger } from '../../shared/trigger/listenerTrigger';
import { readConnectTimeoutMs, readMaxEventBytes, readPingIntervalMs } from '../../shared/trigger/options';
import { ONEBOT_CREDENTIAL_TYPE, toOneBotCredentials } from '../transport/auth';
import type { OneBotEvent } from './derive';
import { EventFilter, type FilterConfig } from './filters';
import { ForwardListener } from './forward';
import { OneBotPrefilter } from './prefilter';
import { readFilterConfig } from './parameters';
import {
	DEFAULT_MAX_REVERSE_CONNECTIONS,
	DEFAULT_REVERSE_PING_MS,
	hostPort,
	isLoopbackAddress,
	ReverseServer,
	type ReverseClient,
} from './reverse';

/** Timing knobs; n8n uses the defaults, tests shorten them. */
export interface OneBotTriggerTuning {
	connection?: Partial<ConnectionTuning>;
	/** Forward WebSocket: wait for a first frame after the upgrade (ms, default 1000). */
	settleMs?: number;
}

export const DEFAULT_REVERSE_PORT = 8095;
export const DEFAULT_REVERSE_PATH = '/onebot/v11/ws';
/** Every interface, as before: backends in Docker or on another host can connect (a token is then required). */
export const DEFAULT_LISTEN_ADDRESS = '0.0.0.0';

/** A positive integer option, or its default when unset; throws naming the option otherwise. */
function positiveInteger(name: string, value: unknown, fallback: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new Error(`"${name}" must be a whole number of 1 or more, got ${JSON.stringify(value)}`);
	return n;
}

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
		const options = (read('options', {}) ?? {}) as IDataObject;
		let maxEventBytes: number;
		try {
			filterConfig = readFilterConfig(read);
			maxEventBytes = readMaxEventBytes(options);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
		const watchdog = options.heartbeatWatchdog !== false;
		const credentials = toOneBotCredentials(await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
		const filter = new EventFilter(filterConfig);
		// Frames whose event the filter would drop anyway, recognised from their bytes (prefilter.ts).
		const prefilter = OneBotPrefilter.for(filterConfig);
		const drops = prefilter ? (frame: Buffer) => prefilter.drops(frame) : undefined;
		const common = {
			platform: 'OneBot',
			redact: (text: string) => redact(text, [credentials.accessToken]),
			// Both listeners parse every frame into a new object that nothing else holds: the item is built in place.
			filter: (event: OneBotEvent) => filter.apply(event, true),
		};

		if (read('connection', 'forward') === 'reverse') {
			const port = Number(read('port', DEFAULT_REVERSE_PORT));
			if (!Number.isInteger(port) || port < 1 || port > 65535) {
				throw new NodeOperationError(node, `"Port" must be an integer between 1 and 65535, got ${String(port)}`);
			}
			// An IPv6 address may be written as in a URL ([::1]); the socket wants it bare.
			const host = String(options.listenAddress ?? DEFAULT_LISTEN_ADDRESS).trim().replace(/^\[(.*)\]$/, '$1').trim() || DEFAULT_LISTEN_ADDRESS;
			if (!credentials.accessToken && !isLoopbackAddress(host) && options.allowNoToken !== true) {
				throw new NodeOperationError(
					node,
					`The reverse WebSocket would listen on ${hostPort(host, port)}, reachable from other machines, but the OneBot credential has no Access Token: anyone reaching the port could connect and inject events`,
					{
						description:
							'Set an Access Token in the OneBot credential and the same token in the backend, or set Options → Listen Address to 127.0.0.1 (backend on the same machine), or switch on Options → Allow Connections Without Token if the port is reachable only by trusted hosts.',
					},
				);
			}
			let maxConnections: number;
			try {
				maxConnections = positiveInteger('Max Connections', options.maxConnections, DEFAULT_MAX_REVERSE_CONNECTIONS);
			} catch (error) {
				throw new NodeOperationError(node, (error as Error).message);
			}
			return await runListenerTrigger<OneBotEvent, ReverseClient | undefined>(this, {
				...common,
				hint:
					this.getMode() === 'manual'
						? 'If this workflow is active, its trigger is the one listening on this port: deactivate the workflow to listen for a test event, or test with another port. Otherwise choose a free port, or stop the other program or workflow that listens on it.'
						: 'Choose a free port, or stop the other program or workflow that listens on it.',
				describeSource: (client) => (client ? String(client.selfId ?? client.remote) : undefined),
				createListener: ({ onEvent, onFatal }) =>
					new ReverseServer({
						port,
						host,
						path: String(read('path', DEFAULT_REVERSE_PATH) || '/'),
						accessToken: credentials.accessToken,
						logger: this.logger,
						maxEventBytes,
						watchdog,
						pingIntervalMs: readPingIntervalMs(options, DEFAULT_REVERSE_PING_MS),
						maxConnections,
						// A connection that has not upgraded within the Connect Timeout is closed (10 s by default).
						handshakeTimeoutMs: readConnectTimeoutMs(options),
						watchdogFactor: tuning.connection?.watchdogFactor,
						closeTimeoutMs: tuning.connection?.closeTimeoutMs,
						prefilter: drops,
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
		return await runListenerTrigger<OneBotEvent, undefined>(this, {
			...common,
			hint: "Check that the backend is running, that its WebSocket server (NapCat/LLOneBot: 'WebSocket server', go-cqhttp: 'ws' server, Lagrange: 'ForwardWebSocket') listens on this URL, and the access token.",
			createListener: ({ onEvent, onFatal }) =>
				new ForwardListener({
					credentials,
					logger: this.logger,
					maxEventBytes,
					connectTimeoutMs: readConnectTimeoutMs(options),
					pingIntervalMs: readPingIntervalMs(options, 30_000),
					settleMs: tuning.settleMs,
					watchdog,
					tuning: tuning.connection,
					prefilter: drops,
					onEvent: (event) => onEvent(event, undefined),
					onFatal,
				}),
		});
	};
}
