import type { PreparedCall } from './handlers/types';

/*
 * When every item of an execution makes the same call (no expression among the parameters, a
 * handler that reads nothing else), the first item's call is prepared, checked and fitted once
 * and sent for every item. It is frozen: nothing can change it between items, and a transport
 * may keep its JSON text (see transport/bodyText.ts) instead of writing it again per item.
 */

/** Whether a value is plain JSON data (BigInt ids included): no class instance, stream or function. */
function isPlainData(value: unknown, depth: number): boolean {
	if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
	if (depth > 32) return false;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) if (!isPlainData(value[i], depth + 1)) return false;
		return true;
	}
	const proto = Object.getPrototypeOf(value) as unknown;
	if (proto !== Object.prototype && proto !== null) return false; // a file stream, a Date, a class instance
	for (const key in value) {
		if (Object.hasOwn(value, key) && !isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false;
	}
	return true;
}

function deepFreeze(value: unknown): void {
	if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
	Object.freeze(value);
	for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}

/**
 * The call to keep for every item: a frozen copy of `call` when its parameters are plain data,
 * undefined otherwise (e.g. a file streamed into the call: then each item prepares its own).
 */
export function sameCallFor(call: PreparedCall): PreparedCall | undefined {
	if (call.fanOut || !isPlainData(call.params, 0)) return undefined;
	const kept: PreparedCall = { action: call.action, params: structuredClone(call.params) };
	deepFreeze(kept);
	return kept;
}
