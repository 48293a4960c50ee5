// For every operation of the catalog: run the node through n8n-core against the fake backend and
// check the action name and the parameters the backend received, byte-exact for big ids. The
// expected wire values are worked out here from the catalog entry, independently of the node.
import { BIG_ID, byId, detectBackendOnce, node, run, wireParams } from './setup';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import backendsJson from '../../nodes/OneBot/catalog/backends.json';
import catalogJson from '../../nodes/OneBot/catalog/actions.json';
import { FakeOneBot } from '../fakes/onebot';
import { oneBotProperties } from '../../nodes/OneBot/actions/properties';

interface Param {
	name: string;
	type: string;
	required?: boolean;
	target?: boolean;
	locator?: string;
	options?: Array<{ value: string | number | boolean }>;
	shape?: 'digits' | 'array' | 'object';
}
interface Op {
	value: string;
	resource: string;
	handler?: string;
	list?: true | string;
	params: Param[];
}

const operations = (catalogJson as unknown as { operations: Op[] }).operations;
/**
 * One value that the backends read under different names (move_group_file's folders,
 * fetch_emoji_like's emoji id): the fake here is no backend the node knows (Backend: Other), so
 * the value goes out under every one of those names.
 */
const dialects = (backendsJson as unknown as { dialects: Record<string, Record<string, string[]>> }).dialects;

/** Catalog parameters each kind of handler builds itself (they have no generated field). */
const HANDLER_OWN: Record<string, string[]> = {
	message: ['message', 'auto_escape'],
	forward: ['messages'],
	upload: ['file', 'name'],
};

/**
 * The node field of a parameter: its wire name, except where that name is one of the node's own
 * top-level fields (`.handle_quick_operation` has a parameter called `operation`).
 */
function fieldName(p: Param): string {
	return ['resource', 'operation', 'options', 'additionalFields'].includes(p.name) ? `${p.name}Parameter` : p.name;
}

interface Sample {
	editor: unknown;
	wire: unknown;
}

/**
 * The editor value and the wire value of a sample for a parameter. The first id of each operation
 * is a 19-digit int64 (it must arrive as that exact JSON number); other ids are digit strings that
 * must arrive as JSON numbers.
 */
function sample(op: Op, p: Param, index: number, firstId: boolean, variant: boolean): Sample {
	switch (p.type) {
		case 'id': {
			// other ids: a digit string, or (variant) a number from an expression
			const n = 200000 + index * 11;
			const editor = firstId ? BIG_ID : variant ? `={{ ${n} }}` : String(n);
			return { editor: p.locator ? byId(editor) : editor, wire: firstId ? BigInt(BIG_ID) : n };
		}
		case 'stringId':
			return { editor: '3349562745675483136', wire: '3349562745675483136' };
		case 'integer':
			// a number field, or (variant) a digit string from an expression
			return { editor: variant ? `={{ "${40 + index}" }}` : 40 + index, wire: 40 + index };
		case 'duration':
			return { editor: variant ? `={{ "${600 + index}" }}` : 600 + index, wire: 600 + index };
		case 'number':
			return { editor: variant ? '={{ "-2.25" }}' : 1.5, wire: variant ? -2.25 : 1.5 };
		case 'boolean':
			return { editor: !variant, wire: !variant };
		case 'options': {
			const value = p.options![p.options!.length - 1].value;
			return { editor: value, wire: value };
		}
		case 'idList':
			return variant
				? { editor: `[111, "${BIG_ID}", ${BIG_ID}]`, wire: [111, BigInt(BIG_ID), BigInt(BIG_ID)] }
				: { editor: `111, ${BIG_ID} ,222`, wire: [111, BigInt(BIG_ID), 222] };
		case 'stringList':
			return variant
				? { editor: '["alpha", "beta, gamma", 7]', wire: ['alpha', 'beta, gamma', '7'] }
				: { editor: 'alpha, beta gamma', wire: ['alpha', 'beta gamma'] };
		case 'json': {
			const object = {
				editor: `{"key": "value", "id": ${BIG_ID}, "list": [1, "two", null, -0.5], "nested": {"ok": true}}`,
				wire: { key: 'value', id: BigInt(BIG_ID), list: [1, 'two', null, -0.5], nested: { ok: true } },
			};
			// a list of objects where the catalog asks for one
			return p.shape === 'array' ? { editor: `[${object.editor}]`, wire: [object.wire] } : object;
		}
		case 'message':
			return { editor: 'hello [CQ:face,id=14]', wire: 'hello [CQ:face,id=14]' };
		default:
			return { editor: `${op.value}:${p.name}`, wire: `${op.value}:${p.name}` };
	}
}

interface Expectation {
	parameters: INodeParameters;
	wire: Record<string, unknown>;
}

/** The handler's own inputs for the operation, and what they put on the wire. */
function handlerInputs(op: Op): Expectation {
	const has = (name: string) => op.params.some((p) => p.name === name);
	switch (op.handler) {
		case 'message':
			return { parameters: { messageFormat: 'text', text: 'Hello [not a CQ code]' }, wire: { message: 'Hello [not a CQ code]', auto_escape: true } };
		case 'forward':
			return {
				parameters: {
					forwardSource: 'list',
					forwardNodes: {
						node: [
							{ name: 'Alice', uin: '20001', content: 'hi [CQ:face,id=14]' },
							{ messageId: '-2147483000' },
						],
					},
				},
				wire: {
					messages: [
						{
							type: 'node',
							data: { name: 'Alice', uin: '20001', content: [{ type: 'text', data: { text: 'hi ' } }, { type: 'face', data: { id: '14' } }] },
						},
						{ type: 'node', data: { id: '-2147483000' } },
					],
				},
			};
		case 'upload':
			return {
				parameters: { fileSource: 'url', fileUrl: 'https://example.com/files/report%20Q1.pdf?x=1' },
				wire: { file: 'https://example.com/files/report%20Q1.pdf?x=1', ...(has('name') ? { name: 'report Q1.pdf' } : {}) },
			};
		default:
			return { parameters: {}, wire: {} };
	}
}

function expectationFor(op: Op, withOptional: boolean): Expectation {
	const own = HANDLER_OWN[op.handler ?? ''] ?? [];
	const handler = handlerInputs(op);
	const parameters: INodeParameters = { resource: op.resource, operation: op.value, ...handler.parameters };
	const additional: INodeParameters = {};
	const wire: Record<string, unknown> = {};
	let firstId = true;
	op.params.forEach((p, index) => {
		if (own.includes(p.name)) return;
		if (!p.required && !withOptional) return;
		const { editor, wire: value } = sample(op, p, index, p.type === 'id' && firstId, withOptional);
		if (p.type === 'id') firstId = false;
		// required fields and targets are fields of their own; the rest go under Additional Fields
		if (p.required || p.target) parameters[fieldName(p)] = editor as never;
		else additional[fieldName(p)] = editor as never;
		wire[p.name] = value;
	});
	if (Object.keys(additional).length > 0) parameters.additionalFields = additional;
	for (const [name, others] of Object.entries(dialects[op.value] ?? {})) {
		if (name in wire) for (const other of others) wire[other] = wire[name];
	}
	return { parameters, wire: { ...wire, ...handler.wire } };
}

/** What the fake answers for each action: a list where the catalog says the result is one. */
function answerFor(op: Op): { data: unknown; items: IDataObject[] } {
	const elements = [
		{ n: 1, name: `${op.value} first` },
		{ n: 2, name: `${op.value} second` },
	];
	if (op.list === true) return { data: elements, items: elements };
	if (typeof op.list === 'string') {
		const data: Record<string, unknown> = { other: 'ignored' };
		let target = data;
		const keys = op.list.split('.');
		keys.forEach((key, i) => {
			if (i === keys.length - 1) target[key] = elements;
			else target = target[key] = {} as Record<string, unknown>;
		});
		return { data, items: elements };
	}
	const data = { action: op.value, result: { nested: [1, 2] } };
	return { data, items: [data] };
}

const SENDS_NOTHING_WITHOUT_OPTIONAL = new Set(['send_msg', 'send_forward_msg', 'download_file']);

let fake: FakeOneBot;
before(async () => {
	const handlers: Record<string, () => unknown> = {};
	for (const op of operations) handlers[op.value] = () => answerFor(op).data;
	fake = await FakeOneBot.start({ handlers });
	await detectBackendOnce(fake);
});
after(async () => {
	await fake.close();
});

describe('every catalog operation reaches the backend as the catalog says', () => {
	test('the catalog has 232 operations, each action once', () => {
		assert.equal(operations.length, 232);
		assert.equal(new Set(operations.map((o) => o.value)).size, 232);
	});

	for (const op of operations) {
		for (const withOptional of [false, true]) {
			const hasOptional = op.params.some((p) => !p.required && !(HANDLER_OWN[op.handler ?? ''] ?? []).includes(p.name));
			if (withOptional && !hasOptional) continue;
			// send_msg and send_forward_msg have no required target but need one (user or group,
			// optional each), and download_file a url or base64: their "nothing optional" forms are
			// refused before sending
			// (test/onebot/messages.test.ts, test/onebot/backends.test.ts).
			if (!withOptional && SENDS_NOTHING_WITHOUT_OPTIONAL.has(op.value)) continue;
			const label = `${op.resource} › ${op.value}${op.handler ? ` [${op.handler}]` : ''} (${withOptional ? 'with Additional Fields' : 'required fields'})`;
			test(label, async () => {
				fake.reset();
				const expected = expectationFor(op, withOptional);
				const result = await run(fake, expected.parameters);
				assert.equal(result.error, undefined, String(result.error?.message));
				assert.equal(fake.calls.length, 1, 'one call');
				const call = fake.calls[0];
				assert.equal(call.method, 'POST');
				assert.equal(call.action, op.value);
				assert.match(String(call.contentType), /^application\/json/);
				assert.deepEqual(wireParams(call), expected.wire);
				for (const [name, value] of Object.entries(expected.wire)) {
					if (typeof value === 'bigint') {
						assert.ok(call.rawBody.includes(`"${name}":${value}`), `${name} travels as the bare number ${value}: ${call.rawBody}`);
					}
				}
				const answer = answerFor(op);
				assert.deepEqual(
					result.output.map((item) => item.json),
					answer.items,
					op.list ? 'one item per list element' : 'the data object',
				);
				for (const item of result.output) assert.deepEqual(item.pairedItem, { item: 0 });
			});
		}
	}
});

describe('generated fields', () => {
	test('no catalog parameter shadows the node\'s own Resource, Operation, Options or Additional Fields', () => {
		const own = new Map([
			['resource', 'options'],
			['operation', 'options'],
			['options', 'collection'],
			['additionalFields', 'collection'],
		]);
		for (const property of node.description.properties) {
			const type = own.get(property.name);
			if (type) assert.equal(property.type, type, `${property.name} (${property.displayName}) is ${property.type}`);
		}
		const quick = node.description.properties.filter((p) => p.displayOptions?.show?.operation?.includes('.handle_quick_operation'));
		assert.deepEqual(
			quick.filter((p) => p.name !== 'options').map((p) => [p.name, p.displayName, p.type, p.required]),
			[
				['context', 'Context', 'json', true],
				['operationParameter', 'Operation (Parameter)', 'json', true],
			],
		);
	});

	test('every catalog operation is in the operation picker of its resource', () => {
		const pickers = node.description.properties.filter((p) => p.name === 'operation');
		for (const op of operations) {
			const picker = pickers.find((p) => p.displayOptions?.show?.resource?.includes(op.resource));
			assert.ok(picker?.options?.some((o) => 'value' in o && o.value === op.value), `${op.resource} › ${op.value}`);
		}
	});
});

describe('one way to call an action by name', () => {
	test("the node offers no Custom Action resource of its own (n8n adds Custom API Call), nor the do-nothing OneBot 12 Send Message", () => {
		const resource = oneBotProperties.find((p) => p.name === 'resource');
		const values = (resource?.options ?? []).map((o) => ('value' in o ? o.value : undefined));
		assert.ok(!values.includes('custom'), values.join(', '));
		const operations = oneBotProperties.filter((p) => p.name === 'operation').flatMap((p) => p.options ?? []);
		const names = operations.map((o) => ('name' in o ? String(o.name) : ''));
		assert.ok(!names.includes('Call Any Action') && !names.includes('Send Message (OneBot 12)'), names.join(', '));
		assert.ok(!operations.some((o) => 'value' in o && (o.value === 'customAction' || o.value === 'send_message')));
	});
});
