import type { OneBotCredentials } from './auth';
import { HttpTransport } from './http';
import type { OneBotTransport, TransportOptions } from './types';
import { WebSocketTransport } from './websocket';

export type TransportKind = 'http' | 'websocket';

export function createTransport(
	kind: TransportKind,
	credentials: OneBotCredentials,
	options: TransportOptions,
): OneBotTransport {
	return kind === 'websocket'
		? new WebSocketTransport(credentials, options)
		: new HttpTransport(credentials, options);
}

export * from './auth';
export * from './errors';
export * from './types';
