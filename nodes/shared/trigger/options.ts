import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_EVENT_BYTES } from '../connection';

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** The triggers' "Max Event Size (KB)" option: larger frames are skipped. */
export const maxEventSizeOption: INodeProperties = {
	displayName: 'Max Event Size (KB)',
	name: 'maxEventSizeKb',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 4096, // DEFAULT_MAX_EVENT_BYTES in KB
	description: 'Larger frames are skipped with a warning in the n8n log',
};

/** The triggers' "Connect Timeout (Seconds)" option, worded for where it applies. */
export function connectTimeoutOption(description: string, extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Connect Timeout (Seconds)',
		name: 'connectTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_CONNECT_TIMEOUT_SECONDS,
		description,
		...extra,
	};
}

/** Size bound for one event, from the Options collection. */
export function readMaxEventBytes(options: IDataObject): number {
	const kb = Number(options.maxEventSizeKb);
	return Number.isFinite(kb) && kb > 0 ? Math.floor(kb * 1024) : DEFAULT_MAX_EVENT_BYTES;
}

/** One connection attempt's time limit in ms (at least 1 s), from the Options collection. */
export function readConnectTimeoutMs(options: IDataObject): number {
	const seconds = Number(options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_SECONDS);
	return Number.isFinite(seconds) && seconds > 0 ? Math.max(1000, seconds * 1000) : DEFAULT_CONNECT_TIMEOUT_SECONDS * 1000;
}
