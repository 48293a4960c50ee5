#!/usr/bin/env node
// Generates nodes/Heychat/catalog/endpoints.json from the reference list of Heychat endpoints
// (SHARED_DIR/reference/heychat/heychat-endpoints.json, SHARED_DIR defaulting to <repo>/../shared)
// and the hand-edited curation in scripts/heychat-catalog-curation.mjs. Deterministic: the same
// inputs give the same bytes. The package itself never reads ../shared.
//
// It also checks the catalog against what the HeyBox.Net SDK sends
// (SHARED_DIR/reference/heychat/heyboxnet-sdk.json): for every endpoint the SDK calls, the same
// parameter names, in the query or the body, with compatible JSON types, and everything the SDK
// always sends sent by the node too; anything else the node sends must be listed in the curation's
// `sdkExtras` with its source. The SDK's view is written to test/heychat/sdk-wire.json, from which
// test/heychat/sdk-wire.test.ts checks what the fake server received.
//
// Usage: node scripts/generate-heychat-catalog.mjs [--check]
//   --check  exit 1 when a checked-in file differs from what would be generated
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { defaultLocators, operations as curated, resources, sdkExtras, userIdNames } from './heychat-catalog-curation.mjs';

const root = resolve(import.meta.dirname, '..');
const sharedDir = resolve(process.env.SHARED_DIR ?? join(root, '..', 'shared'));
const source = join(sharedDir, 'reference', 'heychat', 'heychat-endpoints.json');
const sdkSource = join(sharedDir, 'reference', 'heychat', 'heyboxnet-sdk.json');
const target = join(root, 'nodes', 'Heychat', 'catalog', 'endpoints.json');
const sdkTarget = join(root, 'test', 'heychat', 'sdk-wire.json');

const LOCATOR_NAMES = { room: 'Room', channel: 'Channel', role: 'Role', roomMember: 'User' };
const PARAM_KEYS = [
	'type',
	'required',
	'locator',
	'description',
	'displayName',
	'default',
	'options',
	'handled',
	'generate',
	'wireDefault',
	'wire',
	'min',
	'max',
	'maxLength',
	'shape',
];

function fail(message) {
	console.error(`generate-heychat-catalog: ${message}`);
	process.exit(1);
}

/** The catalog type for a reference type. */
function catalogType(param) {
	const t = param.type;
	if (t === 'string(id)') return 'stringId';
	if (t === 'integer') return userIdNames.includes(param.name) ? 'id' : 'integer';
	if (t === 'integer[]') return 'idList';
	if (t === 'boolean') return 'boolean';
	if (t === 'array' || t.startsWith('array<')) return 'json';
	if (t.startsWith('string')) return 'string';
	if (t.startsWith('file')) return 'string';
	fail(`no catalog type for reference type "${t}" (${param.name})`);
}

/** Host key: which credential URL the endpoint lives on. */
function hostKey(entry) {
	if (entry.host === 'https://chat.xiaoheihe.cn') return 'api';
	if (entry.host === 'https://chat-upload.xiaoheihe.cn') return 'upload';
	fail(`unknown host ${entry.host} for ${entry.name}`);
}

/** Bot endpoints: HTTP(S), common query parameters and the `token` header. */
function isBotEndpoint(entry) {
	return entry.common_query === true && entry.auth_header === 'token' && entry.host.startsWith('https://');
}

function buildParam(entry, raw, where, curation) {
	const extra = curation ?? {};
	for (const key of Object.keys(extra)) {
		if (!PARAM_KEYS.includes(key) && key !== 'why') fail(`${entry.name}.${raw.name}: unknown curation key "${key}"`);
	}
	const type = extra.type ?? catalogType(raw);
	const isId = type === 'id' || type === 'stringId';
	const locator = 'locator' in extra ? extra.locator : isId ? defaultLocators[raw.name] : undefined;
	const param = { name: raw.name };
	const displayName = extra.displayName ?? (locator ? LOCATOR_NAMES[locator] : undefined);
	if (displayName) param.displayName = displayName;
	param.type = type;
	param.required = extra.required ?? raw.required === true;
	if (extra.default !== undefined) param.default = extra.default;
	const description = extra.description ?? raw.description;
	if (description) param.description = description;
	if (extra.options) param.options = extra.options;
	if (locator) param.locator = locator;
	param.in = where;
	if (extra.handled) param.handled = true;
	if (extra.generate) param.generate = extra.generate;
	if (extra.wireDefault !== undefined) param.wireDefault = extra.wireDefault;
	if (extra.min !== undefined) param.min = extra.min;
	if (extra.max !== undefined) param.max = extra.max;
	if (extra.maxLength !== undefined) param.maxLength = extra.maxLength;
	if (extra.shape !== undefined) {
		const fits = extra.shape === 'digits' ? type === 'string' : (extra.shape === 'array' || extra.shape === 'object') && type === 'json';
		if (!fits) fail(`${entry.name}.${raw.name}: shape "${extra.shape}" does not fit type ${type}`);
		param.shape = extra.shape;
	}
	if (extra.wire !== undefined) {
		if (extra.wire !== 'string' || type !== 'id') fail(`${entry.name}.${raw.name}: wire "${extra.wire}" needs type id`);
		param.wire = extra.wire;
	}
	return param;
}

/** The JSON types a catalog parameter can reach the wire as (body parameters). */
function wireTypes(param) {
	if (param.wire === 'string') return ['string'];
	switch (param.type) {
		case 'stringId':
		case 'string':
			return ['string'];
		case 'id':
		case 'integer':
		case 'duration':
		case 'number':
			return ['number'];
		case 'boolean':
			return ['boolean'];
		case 'idList':
		case 'stringList':
			return ['array'];
		case 'json':
			return ['array', 'object'];
		case 'options':
			return [...new Set((param.options ?? []).map((o) => typeof o.value))];
		default:
			return [];
	}
}

/** Whether the node sends a parameter on every call (required, defaulted, generated or built). */
function alwaysSent(param) {
	return param.required || param.wireDefault !== undefined || param.generate !== undefined || param.handled === true;
}

/**
 * Checks the generated operations against the SDK and returns the SDK's view for the tests.
 * Handled parameters are built by code, so only their presence is checked here; the tests check
 * what they become on the wire.
 */
function checkAgainstSdk(operations, sdk) {
	const problems = [];
	const endpoints = [];
	for (const [key, action] of Object.entries(sdk.actions)) {
		const op = operations.find((o) => o.method === action.method && o.path === action.path);
		if (!op) {
			problems.push(`${key}: no catalog operation`);
			continue;
		}
		const extras = sdkExtras[op.value] ?? {};
		const params = {};
		for (const [name, p] of Object.entries(action.params)) {
			params[name] = { in: p.in, types: p.types, required: p.required === true };
			const param = op.params.find((c) => c.name === name);
			if (!param) {
				problems.push(`${op.value}: the SDK sends "${name}", the catalog has no such parameter`);
				continue;
			}
			const where = op.method === 'GET' ? 'query' : param.in;
			if (p.in !== where && !(p.in === 'body' && param.handled)) {
				problems.push(`${op.value}.${name}: the SDK sends it in the ${p.in}, the catalog in the ${where}`);
			}
			if (where === 'body' && !param.handled) {
				const types = wireTypes(param);
				if (!types.every((t) => p.types.includes(t))) {
					problems.push(`${op.value}.${name}: the SDK sends JSON ${p.types.join('|')}, the catalog ${types.join('|') || '?'}`);
				}
			}
			if (p.required && !alwaysSent(param)) {
				problems.push(`${op.value}.${name}: the SDK always sends it, the catalog only when the user gives it`);
			}
		}
		for (const param of op.params) {
			if (param.name in action.params) continue;
			if (!extras[param.name]) {
				problems.push(`${op.value}.${param.name}: sent by the node, never by the SDK, and not in sdkExtras`);
			}
		}
		for (const name of Object.keys(extras)) {
			if (!op.params.some((c) => c.name === name)) problems.push(`${op.value}: sdkExtras names unknown "${name}"`);
		}
		endpoints.push({ operation: op.value, method: action.method, path: action.path, sdkMethod: action.sdkMethod, params, extras });
	}
	if (problems.length > 0) fail(`the catalog differs from the HeyBox.Net SDK:\n  ${problems.join('\n  ')}`);
	endpoints.sort((a, b) => a.operation.localeCompare(b.operation));
	return {
		$comment:
			'Generated by scripts/generate-heychat-catalog.mjs from ../shared/reference/heychat/heyboxnet-sdk.json: what the HeyBox.Net SDK sends per endpoint (JSON types of body fields; query values are text). `extras`: names the node sends beyond the SDK, with their source. Do not edit by hand.',
		source: { repo: sdk.repo, commit: sdk.commit, file: sdk.source },
		endpoints,
	};
}

function writeOrCheck(file, text, label) {
	if (process.argv.includes('--check')) {
		const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
		if (current !== text) fail(`${label} is out of date: run this script`);
		return;
	}
	writeFileSync(file, text);
}

function main() {
	if (!existsSync(source)) fail(`reference not found: ${source} (set SHARED_DIR)`);
	const reference = JSON.parse(readFileSync(source, 'utf8'));
	const bot = reference.filter(isBotEndpoint);

	const names = new Set(bot.map((e) => e.name));
	for (const name of Object.keys(curated)) {
		if (!names.has(name)) fail(`curation names "${name}", which is not a bot endpoint of the reference`);
	}
	for (const name of names) {
		if (!curated[name]) fail(`reference endpoint "${name}" has no curation entry`);
	}

	const resourceOrder = resources.map((r) => r.value);
	const operations = [];
	for (const entry of bot) {
		const c = curated[entry.name];
		if (!resourceOrder.includes(c.resource)) fail(`${entry.name}: unknown resource ${c.resource}`);
		const rawParams = [
			...(entry.query ?? []).map((p) => ({ raw: p, where: 'query' })),
			...(entry.body ?? []).map((p) => ({ raw: p, where: entry.method === 'GET' ? 'query' : 'body' })),
		];
		for (const key of Object.keys(c.params)) {
			if (!rawParams.some((p) => p.raw.name === key)) fail(`${entry.name}: curation names unknown parameter "${key}"`);
		}
		const op = {
			value: entry.name,
			resource: c.resource,
			name: c.name,
			action: c.action,
			description: c.description,
			method: entry.method,
			host: hostKey(entry),
			path: entry.path,
			certainty: entry.certainty,
		};
		if (c.handler) op.handler = c.handler;
		if (c.list) op.list = c.list;
		if (c.result) {
			const { why: _why, ...result } = c.result;
			if (typeof result.key !== 'string') fail(`${entry.name}: result needs a key`);
			op.result = result;
		}
		if (entry.content_type) op.contentType = entry.content_type;
		op.response = entry.response;
		// Where the ids come first in the editor: the room, then the channel(s), because the lists of
		// channels, roles and members depend on the room. Otherwise the reference's order.
		const rank = (name) => ['room_id', 'origin_channel_id', 'channel_id'].indexOf(name) + 1 || 99;
		op.params = rawParams
			.map(({ raw, where }, index) => ({ param: buildParam(entry, raw, where, c.params[raw.name]), index }))
			.sort((a, b) => rank(a.param.name) - rank(b.param.name) || a.index - b.index)
			.map(({ param }) => param);
		operations.push(op);
	}
	operations.sort(
		(a, b) => resourceOrder.indexOf(a.resource) - resourceOrder.indexOf(b.resource) || a.value.localeCompare(b.value),
	);

	const catalog = {
		$comment:
			'Generated by scripts/generate-heychat-catalog.mjs from ../shared/reference/heychat/heychat-endpoints.json and scripts/heychat-catalog-curation.mjs. Do not edit by hand.',
		resources,
		operations,
	};
	if (!existsSync(sdkSource)) fail(`SDK reference not found: ${sdkSource} (set SHARED_DIR)`);
	const sdkWire = checkAgainstSdk(operations, JSON.parse(readFileSync(sdkSource, 'utf8')));
	writeOrCheck(target, JSON.stringify(catalog, null, '\t') + '\n', 'nodes/Heychat/catalog/endpoints.json');
	writeOrCheck(sdkTarget, JSON.stringify(sdkWire, null, '\t') + '\n', 'test/heychat/sdk-wire.json');
	const verb = process.argv.includes('--check') ? 'up to date' : 'written';
	console.log(`heychat catalog ${verb} (${operations.length} operations; ${sdkWire.endpoints.length} checked against HeyBox.Net)`);
}

main();
