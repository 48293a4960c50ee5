import type { IExecuteFunctions, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import { setOwn } from './json';

/*
 * n8n's getNodeParameter does real work on every call (defaults, the property's display rules,
 * type validation against a description of hundreds of properties, expression resolution). A
 * parameter without an expression has the same value for every item, so it is read once per
 * execution; one with an expression (`={{ $json.x }}`, `$fromAI(...)`) is read per item as before.
 */

/** What one execution (one node context) knows about its parameters. */
interface ExecutionParameters {
	/** The node's parameters as saved (n8n's getNode() copies the whole node on every call: read once). */
	saved: INodeParameters;
	/** Values of parameters that hold no expression, by name (and extractValue). */
	values: Map<string, { value: unknown }>;
	/** Whether the parameter at a path holds an expression, by path. */
	holds: Map<string, boolean>;
	/** Whether any parameter of the node holds one. */
	anywhere?: boolean;
}

const executions = new WeakMap<object, ExecutionParameters>();

function executionOf(ctx: IExecuteFunctions): ExecutionParameters {
	let state = executions.get(ctx);
	if (!state) {
		state = { saved: ctx.getNode().parameters, values: new Map(), holds: new Map() };
		executions.set(ctx, state);
	}
	return state;
}

/** Whether a raw parameter value (as saved in the workflow) holds an expression anywhere. */
function hasExpression(value: unknown, depth = 0): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (value === null || typeof value !== 'object') return false;
	if (depth > 32) return true;
	if (Array.isArray(value)) return value.some((v) => hasExpression(v, depth + 1));
	for (const key of Object.keys(value)) if (hasExpression((value as Record<string, unknown>)[key], depth + 1)) return true;
	return false;
}

function rawParameter(parameters: INodeParameters, path: string): unknown {
	let current: unknown = parameters;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** A copy of a parameter value (plain JSON data, as n8n hands parameters out; BigInt ids kept). */
export function copyParameterValue(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map(copyParameterValue);
	if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
	const out: Record<string, unknown> = {};
	// setOwn: a key named __proto__ (from a JSON value) stays a key of the copy
	for (const key of Object.keys(value)) setOwn(out, key, copyParameterValue((value as Record<string, unknown>)[key]));
	return out;
}

/**
 * Whether any parameter of the node holds an expression. When none does, every parameter read
 * gives every item the same value (what a call is made of can then differ between items only
 * through the item's own data, e.g. its binary files).
 */
export function nodeHoldsExpression(ctx: IExecuteFunctions): boolean {
	const state = executionOf(ctx);
	return (state.anywhere ??= hasExpression(state.saved));
}

/**
 * Whether the parameter at `path` (a name, or a dotted path into a collection) holds an
 * expression anywhere in its saved value: then its value may differ from item to item. Worked
 * out once per execution and path.
 */
export function parameterHoldsExpression(ctx: IExecuteFunctions, path: string): boolean {
	const state = executionOf(ctx);
	let holds = state.holds.get(path);
	if (holds === undefined) {
		holds = hasExpression(rawParameter(state.saved, path));
		state.holds.set(path, holds);
	}
	return holds;
}

/**
 * `ctx.getNodeParameter(name, itemIndex, fallback, { extractValue })`, read once per execution
 * when the parameter holds no expression. Objects are handed out as copies, so a caller that
 * changes its value does not change the next item's.
 */
export function itemParameter(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	extractValue = false,
): unknown {
	const state = executionOf(ctx);
	const key = extractValue ? `${name}\u0000x` : name;
	const hit = state.values.get(key);
	if (hit) return copyParameterValue(hit.value);
	const value = ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType, { extractValue });
	// an expression: n8n evaluates it for this item, every time
	if (parameterHoldsExpression(ctx, name)) return value;
	state.values.set(key, { value });
	return copyParameterValue(value);
}
