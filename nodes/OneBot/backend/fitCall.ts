/**
 * Fits a prepared call to the backend it goes to, before anything is sent: the parameter names
 * that backend reads (dialects), the JSON types its schema takes, what it requires, and a refusal
 * for what it would drop or ignore. With an unknown backend (Other) the call goes out as entered,
 * with a dialect parameter under every name some backend reads it by.
 */
import type { IDataObject } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../catalog';
import { toDisplayName } from '../../shared/catalog/properties';
import { InputError } from '../../shared/validation';
import {
	backendAction,
	backendName,
	backendsWithAction,
	dialectNames,
	type Backend,
	type BackendActionSpec,
	type JsonType,
	type KnownBackend,
} from './data';
import { fitMessage } from './segments';

/** A call the detected backend cannot take as it is; says the backend, the field and what to do. */
export class BackendSupportError extends InputError {
	constructor(
		field: string,
		message: string,
		readonly backend: KnownBackend,
	) {
		super(field, message);
		this.name = 'BackendSupportError';
	}
}

export interface FitOptions {
	/** Parameters the handler always sets (not chosen by the user): not sent when ignored, never refused. */
	handlerParams?: readonly string[];
}

function label(op: OneBotOperationSpec, name: string): string {
	const param = op.params.find((p) => p.name === name);
	return `"${param?.displayName ?? toDisplayName(name)}" (${name})`;
}

function jsonTypeOf(value: unknown): JsonType {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'bigint' || typeof value === 'number') return 'number';
	if (typeof value === 'string') return 'string';
	if (typeof value === 'boolean') return 'boolean';
	return 'object';
}

function accepts(types: readonly JsonType[], value: unknown): boolean {
	if (types.includes('any')) return true;
	const type = jsonTypeOf(value);
	if (types.includes('message') && (type === 'string' || type === 'array' || type === 'object')) return true;
	return types.includes(type);
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** The value as one of the JSON types the backend's schema takes, or undefined when it has none. */
export function convertToTypes(value: unknown, types: readonly JsonType[]): unknown {
	if (accepts(types, value)) return value;
	const type = jsonTypeOf(value);
	if (types.includes('string') && (type === 'number' || type === 'boolean')) return String(value);
	if (types.includes('string') && type === 'array' && (value as unknown[]).every((v) => typeof v !== 'object' || v === null)) {
		return (value as unknown[]).map(String).join(',');
	}
	if (types.includes('string') && type === 'object') return JSON.stringify(value);
	if (types.includes('number') && type === 'string' && NUMBER.test((value as string).trim())) {
		const text = (value as string).trim();
		if (text.includes('.')) return Number(text);
		const big = BigInt(text);
		return Number.isSafeInteger(Number(big)) ? Number(big) : big;
	}
	if (types.includes('number') && type === 'boolean') return value ? 1 : 0;
	if (types.includes('boolean') && type === 'string' && /^(true|false)$/i.test(value as string)) {
		return (value as string).toLowerCase() === 'true';
	}
	if (types.includes('array') && type !== 'array' && type !== 'object' && type !== 'null') return [value];
	return undefined;
}

function unsupportedAction(op: OneBotOperationSpec, backend: KnownBackend): BackendSupportError {
	const others = backendsWithAction(op.value).map(backendName);
	const where = others.length > 0 ? `Backends that have it: ${others.join(', ')}.` : 'None of the known backends has it.';
	return new BackendSupportError(
		'operation',
		`${backendName(backend)} has no "${op.name}" action (${op.value}): it would not run. ${where} Set the credential's Backend to Other to send it anyway.`,
		backend,
	);
}

/** Other: as entered, plus every name a dialect parameter is read under. */
function fitForOther(op: OneBotOperationSpec, params: IDataObject): IDataObject {
	const dialects = dialectNames(op.value);
	if (!dialects) return params;
	const out: IDataObject = { ...params };
	for (const [name, wireNames] of Object.entries(dialects)) {
		if (!(name in params)) continue;
		for (const wire of wireNames) if (!(wire in out)) out[wire] = params[name];
	}
	return out;
}

/**
 * The parameters as `backend` reads them. Throws a BackendSupportError (before anything is sent)
 * for an action the backend lacks, a parameter the user set that it ignores, a value its schema
 * cannot take, a parameter it requires that is missing, or a message segment it would drop.
 */
export function fitCallToBackend(
	backend: Backend,
	op: OneBotOperationSpec,
	params: IDataObject,
	options: FitOptions = {},
): IDataObject {
	if (backend === 'other') return fitForOther(op, params);
	const spec = backendAction(op.value, backend);
	if (!spec) throw unsupportedAction(op, backend);
	if (spec.stub) {
		throw new BackendSupportError('operation', `${spec.stub}: "${op.name}" would report success and change nothing.`, backend);
	}
	const name = backendName(backend);
	const out: IDataObject = {};
	const sentAs = new Map<string, string>(); // schema name → catalog name
	for (const [key, value] of Object.entries(params)) {
		if (spec.ignored && key in spec.ignored) {
			const param = op.params.find((p) => p.name === key);
			if (param?.required || options.handlerParams?.includes(key)) continue; // not the user's choice: just not sent
			const instead = spec.ignored[key] || 'leave it out';
			throw new BackendSupportError(
				key,
				`${name} ignores ${label(op, key)} of "${op.name}": it would have no effect. ${capitalize(instead)}.`,
				backend,
			);
		}
		const wire = spec.send?.[key] ?? key;
		const schemaName = spec.params[wire] ? wire : spec.alsoReads?.[wire];
		const schema = schemaName ? spec.params[schemaName] : undefined;
		let sent: unknown = value;
		if (schema) {
			const isMessage = op.handler === 'message' || op.handler === 'forward' ? key === 'message' || key === 'messages' : false;
			if (schema.types.includes('message') || isMessage) {
				sent = fitMessage(backend, value, key, params.auto_escape === true);
			}
			const converted = convertToTypes(sent, schema.types);
			if (converted === undefined) {
				throw new BackendSupportError(
					key,
					`${name} reads ${label(op, key)} of "${op.name}" as ${schema.types.join(' or ')}, got ${jsonTypeOf(sent)}`,
					backend,
				);
			}
			sent = converted;
			sentAs.set(schemaName!, key);
		}
		out[wire] = sent as IDataObject[string];
	}
	checkRequired(spec, op, backend, sentAs);
	return out;
}

function checkRequired(spec: BackendActionSpec, op: OneBotOperationSpec, backend: KnownBackend, sentAs: Map<string, string>): void {
	for (const [wire, schema] of Object.entries(spec.params)) {
		if (!schema.required || sentAs.has(wire)) continue;
		const catalogName =
			op.params.find((p) => (spec.send?.[p.name] ?? p.name) === wire || spec.alsoReads?.[p.name] === wire)?.name ?? wire;
		throw new BackendSupportError(
			catalogName,
			`${backendName(backend)} requires ${label(op, catalogName)} for "${op.name}"${catalogName !== wire ? ` (it reads it as ${wire})` : ''}: set it under Additional Fields`,
			backend,
		);
	}
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
