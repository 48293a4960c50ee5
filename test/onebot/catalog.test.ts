// The checked-in OneBot catalog (nodes/OneBot/catalog/actions.json): its invariants, and that it is
// exactly what scripts/generate-onebot-catalog.mjs produces from ../shared today.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

import type { OperationSpec, ParamSpec, ParamType, ResourceSpec } from '../../nodes/shared/catalog/types';

const ROOT = resolve(__dirname, '..', '..');
const CATALOG_FILE = join(ROOT, 'nodes', 'OneBot', 'catalog', 'actions.json');
const SCRIPT = join(ROOT, 'scripts', 'generate-onebot-catalog.mjs');
const SHARED_DIR = resolve(process.env.SHARED_DIR || join(ROOT, '..', 'shared'));
const SHARED_PRESENT = existsSync(join(SHARED_DIR, 'reference', 'onebot'));

const BACKENDS = ['onebot11', 'gocqhttp', 'napcat', 'lagrange', 'llonebot'] as const;
type Backend = (typeof BACKENDS)[number];
interface OneBotOperation extends OperationSpec {
	backends: Backend[];
	inSeed: boolean;
}

/** Every member of the ParamType union; the type below fails to compile if one is missing. */
const PARAM_TYPES = [
	'string', 'number', 'integer', 'duration', 'boolean', 'id', 'stringId', 'idList', 'stringList', 'json', 'options', 'message',
] as const satisfies readonly ParamType[];
type MissingParamType = Exclude<ParamType, (typeof PARAM_TYPES)[number]>;
const allParamTypesListed: [MissingParamType] extends [never] ? true : false = true;

const LOCATORS = new Set(['group', 'friend', 'member']);
const HANDLERS = new Set(['message', 'forward', 'upload']);
/** Every action the five reference lists name (233), less those the curation omits (send_message: OneBot 12, does nothing). */
const TOTAL_ACTIONS = 232;
const OMITTED = ['send_message'];
const SEED_ENDPOINTS = 73;

const catalog = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as {
	resources: ResourceSpec[];
	operations: OneBotOperation[];
};
const { resources, operations } = catalog;

/** Endpoint names of the seed document, one section per "终结点" line. */
function seedEndpoints(): { sections: number; names: Set<string> } {
	const text = readFileSync(join(SHARED_DIR, 'seeds', '000_2faf6e92d9fad6e9.txt'), 'utf8');
	const lines = text.split('\n').filter((line) => /终结点\s*[:：]/.test(line));
	const names = new Set<string>();
	for (const line of lines) for (const m of line.matchAll(/`\/?([^`/\s]+)`/g)) names.add(m[1]);
	return { sections: lines.length, names };
}

/** The union of action names over the five reference action lists. */
function sourceActionNames(): Set<string> {
	const names = new Set<string>();
	for (const file of ['gocqhttp', 'onebot11-standard', 'napcat', 'lagrange', 'llonebot']) {
		const list = JSON.parse(readFileSync(join(SHARED_DIR, 'reference', 'onebot', `${file}-actions.json`), 'utf8')) as Array<{
			action: string;
		}>;
		for (const entry of list) names.add(entry.action);
	}
	return names;
}

test('actions.json is what the generator produces from ../shared', (t) => {
	if (!SHARED_PRESENT) {
		t.skip(`${SHARED_DIR} is absent`);
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'onebot-catalog-'));
	try {
		const out = join(dir, 'actions.json');
		const result = spawnSync(process.execPath, [SCRIPT], {
			cwd: ROOT,
			env: { ...process.env, SHARED_DIR, OUT: out },
			encoding: 'utf8',
		});
		assert.equal(result.status, 0, `generator failed:\n${result.stderr}`);
		assert.equal(
			readFileSync(out, 'utf8'),
			readFileSync(CATALOG_FILE, 'utf8'),
			'actions.json is stale: run `node scripts/generate-onebot-catalog.mjs` and commit the result',
		);
		// Beside it, the per-backend data (backends.json) and segment support (segments.json).
		for (const file of ['backends.json', 'segments.json']) {
			assert.equal(
				readFileSync(join(dir, file), 'utf8'),
				readFileSync(join(ROOT, 'nodes', 'OneBot', 'catalog', file), 'utf8'),
				`${file} is stale: run \`npm run catalog\` and commit the result`,
			);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('the generator fails loudly when a source file is missing', () => {
	const dir = mkdtempSync(join(tmpdir(), 'onebot-catalog-'));
	try {
		const out = join(dir, 'actions.json');
		const result = spawnSync(process.execPath, [SCRIPT], {
			cwd: ROOT,
			env: { ...process.env, SHARED_DIR: join(dir, 'no-shared'), OUT: out },
			encoding: 'utf8',
		});
		assert.notEqual(result.status, 0);
		assert.match(result.stderr, /missing source file/);
		assert.equal(existsSync(out), false);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('one operation per action name, all 232 offered', () => {
	assert.equal(operations.length, TOTAL_ACTIONS);
	const values = operations.map((op) => op.value);
	assert.equal(new Set(values).size, values.length, 'duplicate action names');
	for (const name of ['send_group_msg', '.handle_quick_operation', '.get_word_slices', '_get_group_notice', 'ArkSharePeer']) {
		assert.ok(values.includes(name), `${name} missing`);
	}
});

test('the action names are exactly the union of the five reference lists, less the omitted ones', (t) => {
	if (!SHARED_PRESENT) {
		t.skip(`${SHARED_DIR} is absent`);
		return;
	}
	const expected = sourceActionNames();
	assert.equal(expected.size, TOTAL_ACTIONS + OMITTED.length);
	for (const name of OMITTED) expected.delete(name);
	assert.deepEqual(new Set(operations.map((op) => op.value)), expected);
});

test("the seed's 73 endpoints are all present with inSeed true", (t) => {
	const flagged = operations.filter((op) => op.inSeed).map((op) => op.value);
	assert.ok(flagged.length >= SEED_ENDPOINTS, `only ${flagged.length} operations have inSeed`);
	for (const name of ['send_private_msg', 'get_group_msg_history', 'get_cookies', 'clean_cache', '.get_word_slices', 'ocr_image']) {
		assert.ok(flagged.includes(name), `${name} should have inSeed`);
	}
	if (!SHARED_PRESENT) {
		t.diagnostic('../shared absent: seed document not re-read');
		return;
	}
	const seed = seedEndpoints();
	assert.equal(seed.sections, SEED_ENDPOINTS);
	const byValue = new Map(operations.map((op) => [op.value, op]));
	for (const name of seed.names) {
		assert.equal(byValue.get(name)?.inSeed, true, `seed endpoint ${name} missing or not inSeed`);
	}
	assert.deepEqual(new Set(flagged), seed.names);
});

test('display names are unique, Title Case, with an action label and a backend list', () => {
	const names = new Set<string>();
	for (const op of operations) {
		assert.ok(!names.has(op.name), `duplicate display name "${op.name}"`);
		names.add(op.name);
		assert.match(op.name, /^[A-Z0-9@.]/, `${op.value}: name "${op.name}"`);
		assert.ok(op.action.length > 0 && op.action[0] === op.action[0].toUpperCase(), `${op.value}: action "${op.action}"`);
		assert.match(op.description, /\. Backends: [^.]+\.$/, `${op.value}: description "${op.description}"`);
	}
});

test("every operation's resource exists, and every resource has operations", () => {
	const values = new Set(resources.map((r) => r.value));
	assert.equal(values.size, resources.length, 'duplicate resources');
	for (const resource of resources) {
		assert.ok(resource.name.length > 0 && /^[A-Z]/.test(resource.name), `resource ${resource.value} name`);
		assert.ok(operations.some((op) => op.resource === resource.value), `resource ${resource.value} is empty`);
	}
	for (const op of operations) assert.ok(values.has(op.resource), `${op.value}: unknown resource ${op.resource}`);
});

test('operations are sorted by resource, then name', () => {
	const keys = operations.map((op) => `${op.resource}\u0000${op.name}`);
	const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	assert.deepEqual(keys, sorted);
});

test('every operation has at least one known backend', () => {
	for (const op of operations) {
		assert.ok(op.backends.length >= 1, `${op.value}: no backend`);
		for (const backend of op.backends) assert.ok(BACKENDS.includes(backend), `${op.value}: unknown backend ${backend}`);
		assert.equal(new Set(op.backends).size, op.backends.length, `${op.value}: duplicate backend`);
		assert.equal(typeof op.inSeed, 'boolean');
	}
});

test('every parameter is well-formed', () => {
	assert.ok(allParamTypesListed);
	const types = new Set<string>(PARAM_TYPES);
	for (const op of operations) {
		const names = new Set<string>();
		for (const param of op.params as ParamSpec[]) {
			const where = `${op.value}.${param.name}`;
			assert.ok(!names.has(param.name), `${where}: duplicate parameter`);
			names.add(param.name);
			assert.ok(types.has(param.type), `${where}: invalid type ${param.type}`);
			assert.ok(param.description && param.description.length > 0, `${where}: no description`);
			assert.ok(!/[\u4e00-\u9fff]/.test(param.description.replace(/\([^)]*\)/g, '')), `${where}: description is not English`);
			if (param.required !== undefined) assert.equal(param.required, true, `${where}: required is only ever true`);
			if (param.type === 'options') {
				assert.ok(param.options && param.options.length > 0, `${where}: options without options`);
				if (param.default !== undefined) {
					assert.ok(param.options.some((o) => o.value === param.default), `${where}: default not an option`);
				}
			} else {
				assert.equal(param.options, undefined, `${where}: options on a ${param.type}`);
			}
			if (param.default !== undefined && param.default !== null) {
				const expected = { boolean: 'boolean', integer: 'number', duration: 'number', number: 'number', string: 'string' }[
					param.type as string
				];
				if (expected) assert.equal(typeof param.default, expected, `${where}: default ${JSON.stringify(param.default)}`);
				if (param.type === 'duration') assert.ok((param.default as number) >= 0, `${where}: negative duration`);
			}
			if (param.locator !== undefined) {
				assert.ok(LOCATORS.has(param.locator), `${where}: unknown locator ${param.locator}`);
				assert.equal(param.type, 'id', `${where}: locator on a ${param.type}`);
			}
		}
	}
});

test('handlers, lists and locators of the well-known actions', () => {
	const byValue = new Map(operations.map((op) => [op.value, op]));
	const op = (value: string) => {
		const found = byValue.get(value);
		assert.ok(found, `${value} missing`);
		return found;
	};
	const param = (value: string, name: string) => {
		const found = op(value).params.find((p) => p.name === name);
		assert.ok(found, `${value}.${name} missing`);
		return found;
	};
	for (const o of operations) {
		if (o.handler !== undefined) assert.ok(HANDLERS.has(o.handler), `${o.value}: unknown handler ${o.handler}`);
		if (o.list !== undefined) assert.ok(o.list === true || (typeof o.list === 'string' && o.list.length > 0), `${o.value}: list`);
	}
	for (const v of ['send_private_msg', 'send_group_msg', 'send_msg']) assert.equal(op(v).handler, 'message');
	for (const v of ['send_group_forward_msg', 'send_private_forward_msg', 'send_forward_msg']) assert.equal(op(v).handler, 'forward');
	for (const v of ['upload_group_file', 'upload_private_file', 'set_group_portrait', 'set_qq_avatar']) assert.equal(op(v).handler, 'upload');
	for (const v of ['get_group_list', 'get_friend_list', 'get_group_member_list', 'get_essence_msg_list']) assert.equal(op(v).list, true);
	assert.equal(op('get_group_msg_history').list, 'messages');
	assert.equal(op('get_group_root_files').list, 'files');
	assert.equal(op('get_group_files_by_folder').list, 'files');
	assert.equal(op('get_group_honor_info').list, undefined);

	assert.equal(param('send_group_msg', 'group_id').locator, 'group');
	assert.equal(param('send_private_msg', 'user_id').locator, 'friend');
	assert.equal(param('set_group_kick', 'user_id').locator, 'member');
	assert.equal(param('set_group_ban', 'user_id').locator, 'member');
	assert.equal(param('get_group_member_info', 'user_id').locator, 'member');

	assert.equal(param('send_group_msg', 'message').type, 'message');
	assert.equal(param('send_group_forward_msg', 'messages').type, 'json');
	assert.equal(param('set_group_ban', 'duration').type, 'duration');
	assert.equal(param('get_forward_msg', 'id').type, 'string');
	assert.equal(param('delete_group_file', 'file_id').type, 'string');
	assert.equal(param('delete_group_file', 'busid').type, 'integer');
	assert.equal(param('set_friend_add_request', 'flag').type, 'string');
	assert.equal(param('get_group_honor_info', 'type').type, 'options');
	assert.equal(param('send_group_msg', 'group_id').required, true);
	assert.equal(param('send_group_msg', 'auto_escape').required, undefined);
	assert.deepEqual(param('delete_group_file', 'busid').aliases, ['bus_id']);
});
