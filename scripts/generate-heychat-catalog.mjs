#!/usr/bin/env node
// Generates nodes/Heychat/catalog/endpoints.json from the reference list of Heychat endpoints
// (SHARED_DIR/reference/heychat/heychat-endpoints.json, SHARED_DIR defaulting to <repo>/../shared)
// and the hand-edited curation in scripts/heychat-catalog-curation.mjs. Deterministic: the same
// inputs give the same bytes. The package itself never reads ../shared.
//
// Usage: node scripts/generate-heychat-catalog.mjs [--check]
//   --check  exit 1 when the checked-in catalog differs from what would be generated
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { defaultLocators, operations as curated, resources, userIdNames } from './heychat-catalog-curation.mjs';

const root = resolve(import.meta.dirname, '..');
const sharedDir = resolve(process.env.SHARED_DIR ?? join(root, '..', 'shared'));
const source = join(sharedDir, 'reference', 'heychat', 'heychat-endpoints.json');
const target = join(root, 'nodes', 'Heychat', 'catalog', 'endpoints.json');

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
	return param;
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
	const text = JSON.stringify(catalog, null, '\t') + '\n';
	if (process.argv.includes('--check')) {
		const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
		if (current !== text) fail('nodes/Heychat/catalog/endpoints.json is out of date: run this script');
		console.log(`heychat catalog up to date (${operations.length} operations)`);
		return;
	}
	writeFileSync(target, text);
	console.log(`wrote ${target} (${operations.length} operations)`);
}

main();
