import { randomBytes } from 'crypto';
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { itemParameter } from '../../shared/itemParameters';
import { ADDITIONAL_FIELDS } from '../../shared/catalog/properties';
import { readOperationParams, type ParameterGetter } from '../../shared/catalog/readParams';
import { getPath, parseJsonLossless } from '../../shared/json';
import { InputError } from '../../shared/validation';
import { findOperation, isHandledParam, type HeychatOperationSpec, type HeychatParamSpec } from '../catalog';
import { answerObject } from '../catalog/result';
import { toWireValues } from '../catalog/wire';
import { heychatRequest, type CallOptions, type HeychatContext } from '../transport';
import { callOptions } from './common';

/** JSON fields are parsed here, losslessly, so ids typed as bare numbers keep every digit. */
function parseJsonField(field: string, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return value;
	let problem: string;
	try {
		return parseJsonLossless(value);
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new InputError(field, `"${field}" must be valid JSON: ${problem}`);
}

/** Reads node parameters for an operation; json-typed ones come back parsed. */
export function parameterGetter(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	itemIndex: number,
): ParameterGetter {
	const jsonParams = new Set(op.params.filter((p) => p.type === 'json').map((p) => p.name));
	return (name, fallback) => {
		const value = itemParameter(this, name, itemIndex, fallback, true);
		if (jsonParams.has(name)) return parseJsonField(name, value);
		if (name === ADDITIONAL_FIELDS && value && typeof value === 'object') {
			const fields = { ...(value as IDataObject) };
			for (const key of Object.keys(fields)) {
				if (jsonParams.has(key)) fields[key] = parseJsonField(key, fields[key]) as IDataObject[string];
			}
			return fields;
		}
		return value;
	};
}

/** The values of an operation's fields, with defaults and generated values filled in. */
export function readWireParams(this: IExecuteFunctions, op: HeychatOperationSpec, itemIndex: number): IDataObject {
	const values = readOperationParams(parameterGetter.call(this, op, itemIndex), op, isHandledParam);
	for (const param of op.params) {
		if (param.handled || param.name in values) continue;
		if (param.generate === 'nonce') values[param.name] = randomBytes(8).toString('hex');
		else if (param.wireDefault !== undefined) values[param.name] = param.wireDefault as IDataObject[string];
	}
	return toWireValues(op, values);
}

/** Splits values into the query and the JSON body, as the catalog says. */
export function splitParams(
	op: HeychatOperationSpec,
	values: IDataObject,
): { query: IDataObject; body: IDataObject | undefined } {
	const query: IDataObject = {};
	const body: IDataObject = {};
	const byName = new Map<string, HeychatParamSpec>(op.params.map((p) => [p.name, p]));
	for (const [name, value] of Object.entries(values)) {
		const where = op.method === 'GET' ? 'query' : (byName.get(name)?.in ?? 'body');
		if (where === 'query') query[name] = value;
		else body[name] = value;
	}
	return { query, body: op.method === 'GET' ? undefined : body };
}

function isPlainObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The list an operation returns, wherever the answer put it. `op.list` is a dotted path in the
 * result; when the value there is an object holding the same key as a list (Heychat's
 * `rooms.rooms` shape of the joined-rooms answer), that list is used.
 */
export function findList(result: unknown, path: string): unknown[] | undefined {
	let value = getPath(result, path);
	const last = path.split('.').pop() ?? path;
	if (isPlainObject(value) && Array.isArray(value[last])) value = value[last];
	return Array.isArray(value) ? value : undefined;
}

/** The output items for a result. */
export function resultItems(op: HeychatOperationSpec, result: unknown): IDataObject[] {
	if (op.list) {
		const list = typeof op.list === 'string' ? findList(result, op.list) : Array.isArray(result) ? result : undefined;
		if (list) return list.map((entry) => (isPlainObject(entry) ? entry : { value: entry as IDataObject[string] }));
	}
	if (Array.isArray(result)) return result.map((entry) => (isPlainObject(entry) ? entry : { value: entry as IDataObject[string] }));
	if (isPlainObject(result)) return Object.keys(result).length === 0 ? [{ success: true }] : [result];
	if (result === undefined || result === null) return [{ success: true }];
	return [{ result: result as IDataObject[string] }];
}

/** Every operation without a handler: the catalog says how its fields reach the wire. */
export async function callCatalogOperation(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	itemIndex: number,
): Promise<IDataObject[]> {
	const values = readWireParams.call(this, op, itemIndex);
	const { query, body } = splitParams(op, values);
	const response = await heychatRequest.call(
		this,
		{ operation: op.value, method: op.method, host: op.host, path: op.path, query, body },
		callOptions.call(this, itemIndex),
	);
	return resultItems(op, answerObject(op, response.result));
}

/**
 * The result of a catalog GET made by the node itself (the room list, a room's channel tree, the
 * searchable lists), by operation name.
 */
export async function catalogGet(
	this: HeychatContext,
	operation: string,
	query: IDataObject,
	options?: CallOptions,
): Promise<unknown> {
	const op = findOperation(operation);
	if (!op) throw new NodeOperationError(this.getNode(), `Unknown Heychat operation ${operation}`);
	const response = await heychatRequest.call(this, { operation, method: op.method, host: op.host, path: op.path, query }, options);
	return response.result;
}
