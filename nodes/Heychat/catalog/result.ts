import type { HeychatOperationSpec } from './index';

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The object an operation answers, whichever of the shapes the sources describe the server used:
 * `result[key]` (e.g. `result.role`) or the object as `result` itself. Fields some servers name
 * differently are filled from their other name (catalog `result.aliases`).
 */
export function answerObject(op: HeychatOperationSpec, result: unknown): unknown {
	const spec = op.result;
	if (!spec || !isPlainObject(result)) return result;
	const inner = result[spec.key];
	const object = isPlainObject(inner) ? { ...inner } : { ...result };
	for (const [name, other] of Object.entries(spec.aliases ?? {})) {
		if (object[name] === undefined && object[other] !== undefined) object[name] = object[other];
	}
	return object;
}
