import type { IExecuteFunctions, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

/*
 * n8n's getNodeParameter does real work on every call (defaults, the property's display rules,
 * type validation against a description of hundreds of properties, expression resolution). A
 * parameter without an expression has the same value for every item, so it is read once per
 * execution; one with an expression (`={{ $json.x }}`, `$fromAI(...)`) is read per item as before.
 */

type Cache = Map<string, { value: unknown }>;

const caches = new WeakMap<object, Cache>();

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

/** A copy of a parameter value (plain JSON data, as n8n hands parameters out). */
function copy(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map(copy);
	if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key]);
	return out;
}

const wholeNode = new WeakMap<object, boolean>();

/*
 * The node's parameters as saved, for the expression checks: n8n's getNode() copies the whole node
 * on every call, so it is read once per execution (the saved parameters do not change in one).
 */
const savedParameters = new WeakMap<object, INodeParameters>();

function parametersOf(ctx: IExecuteFunctions): INodeParameters {
	let parameters = savedParameters.get(ctx);
	if (!parameters) {
		parameters = ctx.getNode().parameters;
		savedParameters.set(ctx, parameters);
	}
	return parameters;
}

/**
 * Whether any parameter of the node holds an expression. When none does, every parameter read
 * gives every item the same value (what a call is made of can then differ between items only
 * through the item's own data, e.g. its binary files).
 */
export function nodeHoldsExpression(ctx: IExecuteFunctions): boolean {
	let holds = wholeNode.get(ctx);
	if (holds === undefined) {
		holds = hasExpression(parametersOf(ctx));
		wholeNode.set(ctx, holds);
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
	let cache = caches.get(ctx);
	if (!cache) {
		cache = new Map();
		caches.set(ctx, cache);
	}
	const key = extractValue ? `${name}\u0000x` : name;
	let hit = cache.get(key);
	if (!hit) {
		const value = ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType, { extractValue });
		if (hasExpression(rawParameter(parametersOf(ctx), name))) return value;
		hit = { value };
		cache.set(key, hit);
	}
	return copy(hit.value);
}
