import type { IDataObject } from 'n8n-workflow';

import { parseJsonExact } from '../json';
import { ADDITIONAL_FIELDS } from './properties';
import type { OperationSpec, ParamSpec } from './types';
import {
	checkBounds,
	InputError,
	parseJson,
	requirePresent,
	toBoolean,
	toInt64,
	toList,
	toNonNegativeInteger,
	toNumber,
	toStringId,
} from '../validation';

/** Reads one node parameter by name (with resourceLocator values extracted). */
export type ParameterGetter = (name: string, fallback: unknown) => unknown;

/** A resourceLocator value as stored inside a collection: `{ __rl, mode, value }`. */
function unwrapLocator(value: unknown): unknown {
	if (value !== null && typeof value === 'object' && '__rl' in value) {
		return (value as { __rl: unknown; value?: unknown }).value;
	}
	return value;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Converts an editor value to the wire value of its catalog type, or throws an InputError that
 * names the field and what was expected.
 */
export function coerceParam(param: ParamSpec, raw: unknown): unknown {
	const field = param.name;
	const value = unwrapLocator(raw);
	const bounds =
		param.min !== undefined || param.max !== undefined
			? { min: param.min, max: param.max, seconds: param.type === 'duration' }
			: undefined;
	switch (param.type) {
		case 'id':
			return checkBounds(field, toInt64(field, value), bounds, value);
		case 'stringId':
			return toStringId(field, value);
		case 'idList':
			return toList(field, value).map((v, i) => checkBounds(`${field}[${i}]`, toInt64(`${field}[${i}]`, v), bounds, v));
		case 'stringList':
			return toList(field, value).map((v) => String(v));
		case 'integer':
			return checkBounds(field, toInt64(field, value), bounds, value);
		case 'duration':
			return checkBounds(field, toNonNegativeInteger(field, value), bounds, value);
		case 'number':
			return checkBounds(field, toNumber(field, value), bounds, value);
		case 'boolean':
			return toBoolean(field, value);
		case 'json':
			return checkJsonShape(field, parseJson(field, value), param.shape);
		case 'message': {
			if (typeof value !== 'string') return value;
			const text = value.trim();
			if (text.startsWith('[') || text.startsWith('{')) {
				try {
					return parseJsonExact(text);
				} catch {
					return value;
				}
			}
			return value;
		}
		case 'options':
			return value;
		default: {
			const text =
				typeof value === 'object' && value !== null
					? JSON.stringify(value)
					: param.shape === 'digits'
						? checkDigits(field, value)
						: String(value);
			if (param.maxLength !== undefined) {
				const length = [...text].length;
				if (length > param.maxLength) {
					throw new InputError(field, `"${field}" must be at most ${param.maxLength} characters, got ${length}`);
				}
			}
			return text;
		}
	}
}

const DIGITS = /^\d+$/;

/** A decimal number kept as text (permission bits beyond 2^53): digits only, sent trimmed. */
function checkDigits(field: string, value: unknown): string {
	const text = String(value).trim();
	if (!DIGITS.test(text)) {
		throw new InputError(field, `"${field}" must be permission bits: a decimal number in digits (e.g. 16384 or 0), got ${JSON.stringify(String(value))}`);
	}
	return text;
}

function isPlainObject(value: unknown): boolean {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A parsed JSON value of the shape the catalog asks for (a list of objects, or one object). */
function checkJsonShape(field: string, value: unknown, shape: ParamSpec['shape']): unknown {
	if (shape === 'array' && !(Array.isArray(value) && value.every(isPlainObject))) {
		throw new InputError(field, `"${field}" must be a JSON array of objects (e.g. [{"key": "value"}] or []), got ${describeJson(value)}`);
	}
	if (shape === 'object' && !isPlainObject(value)) {
		throw new InputError(field, `"${field}" must be a JSON object (e.g. {"key": "value"}), got ${describeJson(value)}`);
	}
	return value;
}

function describeJson(value: unknown): string {
	let text: string;
	try {
		text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
	} catch {
		text = String(value);
	}
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Reads and checks every parameter of an operation: required ones from their own fields,
 * optional ones from "Additional Fields" (only those the user added are sent).
 */
export function readOperationParams(
	get: ParameterGetter,
	operation: OperationSpec,
	skipParam?: (operation: OperationSpec, param: ParamSpec) => boolean,
): IDataObject {
	return readPlannedParams(get, planOperationParams(operation, skipParam));
}

/** Which of an operation's parameters are read from where: worked out once, used for every item. */
export interface ParamReadPlan {
	readonly required: readonly ParamSpec[];
	readonly targets: readonly ParamSpec[];
	readonly optional: readonly ParamSpec[];
}

/** Splits an operation's wanted parameters into required, optional targets and "Additional Fields". */
export function planOperationParams(
	operation: OperationSpec,
	skipParam?: (operation: OperationSpec, param: ParamSpec) => boolean,
): ParamReadPlan {
	const wanted = operation.params.filter((p) => !skipParam?.(operation, p));
	return {
		required: wanted.filter((p) => p.required),
		targets: wanted.filter((p) => !p.required && p.target === true),
		optional: wanted.filter((p) => !p.required && p.target !== true),
	};
}

/** Reads and checks the parameters of a plan (see readOperationParams). */
export function readPlannedParams(get: ParameterGetter, plan: ParamReadPlan): IDataObject {
	const params: IDataObject = {};
	for (const param of plan.required) {
		const value = unwrapLocator(get(param.property ?? param.name, undefined));
		if (param.type !== 'boolean') requirePresent(param.name, value);
		params[param.name] = coerceParam(param, value) as IDataObject[string];
	}
	// optional targets are fields of their own (listed first); left empty, they are not sent
	for (const param of plan.targets) {
		const value = unwrapLocator(get(param.property ?? param.name, undefined));
		if (isBlank(value)) continue;
		params[param.name] = coerceParam(param, value) as IDataObject[string];
	}
	if (plan.optional.length > 0) {
		const extra = (get(ADDITIONAL_FIELDS, {}) ?? {}) as IDataObject;
		for (const param of plan.optional) {
			const key = param.property ?? param.name;
			if (!(key in extra)) continue;
			const value = unwrapLocator(extra[key]);
			if (isBlank(value) && param.type !== 'string') continue;
			params[param.name] = coerceParam(param, value) as IDataObject[string];
		}
	}
	return params;
}

export { InputError };
