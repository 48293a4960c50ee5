// For every operation, with each of the four backends detected (a fake with that backend's
// personality answering get_version_info): run the node with every parameter the backend reads set,
// and check the call that arrives carries only names that backend's schema reads, each as a JSON
// type it takes, with nothing it requires missing, and that the backend (which checks the payload
// its own way) accepts it. The cases come from the backend data, not from a hand-written list.
import { byId, run, wireParams } from './setup';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import actionsJson from '../../nodes/OneBot/catalog/actions.json';
import backendsJson from '../../nodes/OneBot/catalog/backends.json';
import { PERSONALITIES, startPersonality, type Personality, type PersonalityName } from '../fakes/onebotPersonalities';

interface Param {
	name: string;
	type: string;
	required?: boolean;
	target?: boolean;
	locator?: string;
	options?: Array<{ value: string | number | boolean }>;
}
interface Op {
	value: string;
	resource: string;
	handler?: string;
	params: Param[];
}
interface WireParam {
	types: string[];
	required?: boolean;
}
interface BackendAction {
	params: Record<string, WireParam>;
	alsoReads?: Record<string, string>;
	send?: Record<string, string>;
	ignored?: Record<string, string>;
	stub?: string;
}

const operations = (actionsJson as unknown as { operations: Op[] }).operations;
const backendActions = (backendsJson as unknown as { actions: Record<string, Partial<Record<PersonalityName, BackendAction>>> }).actions;

const HANDLER_OWN: Record<string, string[]> = {
	message: ['message', 'auto_escape'],
	forward: ['messages'],
	upload: ['file', 'name'],
};

function fieldName(p: Param): string {
	return ['resource', 'operation', 'options', 'additionalFields'].includes(p.name) ? `${p.name}Parameter` : p.name;
}

/** The editor value of a sample for a parameter, shaped by what the backend's schema takes. */
function sample(p: Param, schema: WireParam | undefined, index: number): unknown {
	const types = schema?.types ?? ['any'];
	switch (p.type) {
		case 'id': {
			const id = String(200000 + index * 11);
			return p.locator ? byId(id) : id;
		}
		case 'stringId':
			return '3349562745675483136';
		case 'integer':
			return 40 + index;
		case 'duration':
			return 600 + index;
		case 'number':
			return 1.5;
		case 'boolean':
			return true;
		case 'options':
			return p.options![p.options!.length - 1].value;
		case 'idList':
			return '111, 222';
		case 'stringList':
			return 'alpha, beta';
		case 'json':
			if (!types.includes('object') && !types.includes('any') && types.includes('array')) return '[{"text": "line"}]';
			return '{"key": "value"}';
		case 'message':
			return 'hello';
		default:
			return `${p.name}-${index}`;
	}
}

function handlerInputs(op: Op): INodeParameters {
	switch (op.handler) {
		case 'message':
			return { messageFormat: 'text', text: 'Hello' };
		case 'forward':
			return { forwardSource: 'list', forwardNodes: { node: [{ name: 'Alice', uin: '20001', content: 'hi' }] } };
		case 'upload':
			return { fileSource: 'url', fileUrl: 'https://example.com/files/report.pdf' };
		default:
			return {};
	}
}

/** Node parameters with every catalog parameter the backend reads set (ignored ones left out). */
function parametersFor(op: Op, spec: BackendAction): INodeParameters {
	const own = HANDLER_OWN[op.handler ?? ''] ?? [];
	const parameters: INodeParameters = { resource: op.resource, operation: op.value, ...handlerInputs(op) };
	const additional: INodeParameters = {};
	op.params.forEach((p, index) => {
		if (own.includes(p.name)) return;
		if (!p.required && spec.ignored && p.name in spec.ignored) return;
		const wire = spec.send?.[p.name] ?? p.name;
		const schema = spec.params[wire] ?? spec.params[spec.alsoReads?.[wire] ?? ''];
		const value = sample(p, schema, index) as never;
		// required fields and targets are fields of their own; the rest go under Additional Fields
		if (p.required || p.target) parameters[fieldName(p)] = value;
		else additional[fieldName(p)] = value;
	});
	if (Object.keys(additional).length > 0) parameters.additionalFields = additional;
	return parameters;
}

function jsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'bigint') return 'number';
	return typeof value;
}

function takes(types: string[], value: unknown): boolean {
	if (types.includes('any')) return true;
	const type = jsonType(value);
	if (types.includes('message') && ['string', 'array', 'object'].includes(type)) return true;
	return types.includes(type);
}

for (const name of PERSONALITIES) {
	describe(`every operation as ${name} reads it (detected)`, () => {
		let backend: Personality;
		before(async () => {
			backend = await startPersonality(name);
		});
		after(async () => {
			await backend.fake.close();
		});

		const ops = operations.filter((op) => backendActions[op.value]?.[name]);
		test(`${name} has ${ops.length} of the catalog's operations`, () => {
			assert.ok(ops.length > 50);
		});
		for (const op of ops) {
			const spec = backendActions[op.value]![name]!;
			test(`${op.resource} › ${op.value}`, async () => {
				backend.fake.reset();
				const result = await run(backend.fake, parametersFor(op, spec));
				if (spec.stub) {
					// Registered, but it does nothing there: refused, nothing sent.
					assert.match(String(result.error?.message), /would report success and change nothing/);
					assert.equal(backend.fake.callsTo(op.value).length, 0);
					return;
				}
				assert.equal(result.error, undefined, String(result.error?.message));
				// The operation's call, after at most one get_version_info (detection, once per credential).
				const calls = backend.fake.calls.filter((c) => c.action === op.value).slice(-1);
				assert.equal(calls.length, 1, 'one call');
				assert.ok(backend.fake.calls.length <= 2 && backend.fake.calls.every((c, i) => i === backend.fake.calls.length - 1 || c.action === 'get_version_info'));
				assert.equal(calls[0].response?.status, 'ok', `${name} accepts it: ${JSON.stringify(calls[0].response)}`);
				const params = wireParams(calls[0]);
				for (const [key, value] of Object.entries(params)) {
					const schemaName = key in spec.params ? key : spec.alsoReads?.[key];
					assert.ok(schemaName, `${key} is a name ${name} reads (${Object.keys(spec.params).join(', ')})`);
					const schema = spec.params[schemaName];
					assert.ok(takes(schema.types, value), `${key}: ${jsonType(value)} is one of ${schema.types.join(', ')}`);
				}
				for (const [key, schema] of Object.entries(spec.params)) {
					if (!schema.required) continue;
					const names = [key, ...Object.entries(spec.alsoReads ?? {}).filter(([, t]) => t === key).map(([a]) => a)];
					assert.ok(names.some((n) => n in params), `${name} requires ${key}`);
				}
			});
		}
	});
}
