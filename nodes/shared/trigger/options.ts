import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_EVENT_BYTES } from '../connection';
import { InputError } from '../validation';

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** Connect Timeout's default in ms (the reverse server's handshake limit when none is given). */
export const DEFAULT_CONNECT_TIMEOUT_MS = DEFAULT_CONNECT_TIMEOUT_SECONDS * 1000;

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

/**
 * A number option (an expression may give it as text) that `accepts` takes; undefined when it is
 * not set. Anything else is an error naming the option and saying what is `expected`, not a silent
 * fallback to the default.
 */
function numberOption(options: IDataObject, name: string, label: string, accepts: (n: number) => boolean, expected: string): number | undefined {
	const value = options[name];
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
	if (!Number.isFinite(n) || !accepts(n)) throw new InputError(name, `"${label}" must be ${expected}, got ${JSON.stringify(value)}`);
	return n;
}

function positiveOption(options: IDataObject, name: string, label: string): number | undefined {
	return numberOption(options, name, label, (n) => n > 0, 'a number above 0');
}

/** The triggers' Ping Interval (Seconds) in ms (0: never), `fallbackMs` when not set; throws InputError for an invalid value. */
export function readPingIntervalMs(options: IDataObject, fallbackMs: number): number {
	const seconds = numberOption(options, 'pingInterval', 'Ping Interval (Seconds)', (n) => n >= 0, 'a number of 0 or more (0: never)');
	return seconds === undefined ? fallbackMs : seconds * 1000;
}

/** Size bound for one event, from the Options collection; throws InputError for an invalid value. */
export function readMaxEventBytes(options: IDataObject): number {
	const kb = positiveOption(options, 'maxEventSizeKb', 'Max Event Size (KB)');
	return kb === undefined ? DEFAULT_MAX_EVENT_BYTES : Math.max(1, Math.floor(kb * 1024));
}

/** One connection attempt's time limit in ms (at least 1 s), from the Options collection; throws InputError for an invalid value. */
export function readConnectTimeoutMs(options: IDataObject): number {
	const seconds = positiveOption(options, 'connectTimeout', 'Connect Timeout (Seconds)') ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
	return Math.max(1000, seconds * 1000);
}
