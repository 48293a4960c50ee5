#!/usr/bin/env node
// Regenerates the OneBot action catalog, nodes/OneBot/catalog/actions.json, from the reference data
// in ../shared (five JSON action lists and the go-cqhttp API document the project started from)
// and the hand-edited curation in scripts/onebot-curation.json.
//
//   node scripts/generate-onebot-catalog.mjs
//   SHARED_DIR=/path/to/shared OUT=/tmp/actions.json node scripts/generate-onebot-catalog.mjs
//
// The package never reads ../shared at run time: actions.json is checked in. The output depends only
// on the inputs (no dates, no environment), so running the script twice gives the same bytes.
// Every gap (an action without curation, a parameter without an English description, a curation
// entry for an unknown action or parameter, duplicate display names) stops the script with an error.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { backendNote, buildBackends, buildSegments } from './onebot-backends.mjs';

/** The OneBot node's own top-level fields (nodes/OneBot/actions/properties.ts); no catalog field may take these names. */
const NODE_FIELD_NAMES = new Set(['resource', 'operation', 'options', 'additionalFields']);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = resolve(process.env.SHARED_DIR || join(ROOT, '..', 'shared'));
const OUT = resolve(process.env.OUT || join(ROOT, 'nodes', 'OneBot', 'catalog', 'actions.json'));
const CURATION_FILE = join(ROOT, 'scripts', 'onebot-curation.json');
const SEGMENT_SUPPORT_FILE = join(ROOT, 'scripts', 'onebot-segment-support.json');
/** Written beside actions.json: what each backend reads per action, and which segments it sends. */
const BACKENDS_OUT = join(dirname(OUT), 'backends.json');
const SEGMENTS_OUT = join(dirname(OUT), 'segments.json');

/** The action lists, in the order their parameter names and defaults take precedence. */
const SOURCES = [
	{ backend: 'gocqhttp', file: 'reference/onebot/gocqhttp-actions.json' },
	{ backend: 'onebot11', file: 'reference/onebot/onebot11-standard-actions.json' },
	{ backend: 'napcat', file: 'reference/onebot/napcat-actions.json' },
	{ backend: 'llonebot', file: 'reference/onebot/llonebot-actions.json' },
	{ backend: 'lagrange', file: 'reference/onebot/lagrange-actions.json' },
];
/** Which source decides whether a parameter is required (go-cqhttp's list does not say). */
const REQUIRED_PRECEDENCE = ['onebot11', 'napcat', 'llonebot', 'lagrange'];
/** Order of `backends` in the output. */
const BACKEND_ORDER = ['onebot11', 'gocqhttp', 'napcat', 'lagrange', 'llonebot'];
const SEED_FILE = 'seeds/000_2faf6e92d9fad6e9.txt';

const PARAM_TYPES = new Set([
	'string', 'number', 'integer', 'duration', 'boolean', 'id', 'stringId', 'idList', 'stringList', 'json', 'options', 'message',
]);
/** Parameters that hold a QQ number, group number, message ID or another integer ID, whatever a source declares. */
const INTEGER_ID_NAMES = new Set([
	'user_id', 'group_id', 'message_id', 'target_id', 'friend_id', 'guild_id', 'channel_id', 'role_id', 'bot_id', 'category_id',
]);
/** Numeric parameters that are a length of time. */
const DURATION_NAMES = new Set(['duration', 'delay', 'timeout', 'file_retention', 'autoDeleteFileSecond', 'msgCacheExpire']);
/** Words of a declared type that are types, not literal values. */
const TYPE_WORDS = new Set([
	'string', 'number', 'integer', 'boolean', 'object', 'array', 'any', 'message', 'null', 'transform', 'enum', 'ob11messagemixtypeschema',
]);

function fail(message) {
	throw new Error(`generate-onebot-catalog: ${message}`);
}

function readText(relative) {
	const path = join(SHARED_DIR, relative);
	if (!existsSync(path)) fail(`missing source file ${path} (set SHARED_DIR to the shared/ folder)`);
	return readFileSync(path, 'utf8');
}

function readJson(path, text) {
	try {
		return JSON.parse(text);
	} catch (error) {
		return fail(`${path} is not valid JSON: ${error.message}`);
	}
}

// ---------------------------------------------------------------------------------------------
// Sources → one normalized parameter shape

/** `{ name, rawType, required, default, aliases }`; `required` is undefined when the source does not say. */
function normalizeParam(backend, p) {
	switch (backend) {
		case 'gocqhttp':
			return { name: p.name, rawType: p.type, required: undefined, default: p.default, aliases: p.aliases ?? [] };
		case 'onebot11':
			return { name: p.name, rawType: p.type, required: p.optional === false, default: p.default, aliases: p.aliases ?? [] };
		case 'napcat':
		case 'llonebot':
			// A schema field with a default is filled in when absent, so only a field without one is required.
			return {
				name: p.name,
				rawType: p.type,
				required: p.optional === false && (p.default === null || p.default === undefined),
				default: p.default,
				aliases: [],
			};
		case 'lagrange': {
			// "string.Empty" / "\"\"" are C# field initializers (what an absent field becomes), not designed defaults.
			const initializer = p.default === 'string.Empty' || p.default === '""';
			return { name: p.name, rawType: p.type, required: p.required === true, default: initializer ? null : p.default, aliases: [] };
		}
		default:
			return fail(`unknown backend ${backend}`);
	}
}

function loadSources() {
	const actions = new Map(); // name → { [backend]: { params: normalized[] } }
	for (const { backend, file } of SOURCES) {
		const list = readJson(file, readText(file));
		if (!Array.isArray(list) || list.length === 0) fail(`${file} is not a non-empty array`);
		for (const entry of list) {
			if (typeof entry.action !== 'string' || !Array.isArray(entry.params)) fail(`${file}: malformed entry ${JSON.stringify(entry).slice(0, 80)}`);
			if (!actions.has(entry.action)) actions.set(entry.action, {});
			const bySource = actions.get(entry.action);
			if (bySource[backend]) fail(`${file}: duplicate action ${entry.action}`);
			bySource[backend] = { params: entry.params.map((p) => normalizeParam(backend, p)) };
		}
	}
	return actions;
}

/** Endpoint names of the seed document: "终结点：`/name`" (a few lines give two names joined by 或). */
function loadSeed() {
	const text = readText(SEED_FILE);
	const names = new Set();
	let sections = 0;
	for (const line of text.split('\n')) {
		if (!/终结点\s*[:：]/.test(line)) continue;
		sections += 1;
		for (const match of line.matchAll(/`\/?([^`/\s]+)`/g)) names.add(match[1]);
	}
	if (sections === 0) fail(`${SEED_FILE}: no endpoints found`);
	return { names, sections };
}

// ---------------------------------------------------------------------------------------------
// Types, defaults, options

/** Literal values of a declared union type ("literal:a|literal:b", "a|b"), or undefined. */
function literalValues(rawType) {
	if (typeof rawType !== 'string' || !rawType.includes('|')) return undefined;
	const parts = rawType.split('|').map((part) => part.replace(/^literal:/, '').trim());
	if (parts.some((part) => part === '' || TYPE_WORDS.has(part.toLowerCase()) || part.includes('<'))) return undefined;
	return parts;
}

function titleCase(value) {
	return String(value)
		.split(/[_\s]+/)
		.filter(Boolean)
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

function isIdName(name) {
	return name === 'id' || /_id$/.test(name) || /[a-z]Id$/.test(name);
}

/** The ParamType of one parameter from the types the sources declare for it. */
function inferType(name, rawTypes) {
	const declared = rawTypes.filter((t) => typeof t === 'string' && t !== 'any');
	const lower = declared.map((t) => t.toLowerCase());
	const has = (pred) => lower.some(pred);
	if (name === 'message' && (rawTypes.length === 0 || rawTypes.some((t) => ['any', 'message', 'OB11MessageMixTypeSchema'].includes(t)))) {
		return 'message';
	}
	if (declared.some((t) => literalValues(t))) return 'options';
	if (has((t) => t.includes('array'))) {
		const arrayType = lower.find((t) => t.includes('array')) ?? '';
		if (INTEGER_ID_NAMES.has(name) || /_ids$|uins$/.test(name) || /array<(number|integer)/.test(arrayType)) return 'idList';
		if (/array<string>/.test(arrayType)) return 'stringList';
		return 'json';
	}
	if (has((t) => t.includes('boolean'))) return 'boolean';
	if (has((t) => t === 'object' || t === 'message')) return 'json';
	if (declared.length === 0) return rawTypes.length > 0 ? 'json' : 'string';
	const numeric = has((t) => t.split('|').includes('number') || t.split('|').includes('integer'));
	if (INTEGER_ID_NAMES.has(name)) return 'id';
	if (isIdName(name)) return numeric ? 'id' : 'string';
	if (numeric) return DURATION_NAMES.has(name) ? 'duration' : 'integer';
	return 'string';
}

/** "5 * 60 * 1000" → 300000; other expressions → undefined. */
function evaluateArithmetic(text) {
	if (!/^[\d\s*+\-/().]+$/.test(text) || !/\d/.test(text)) return undefined;
	const tokens = text.match(/\d+(?:\.\d+)?|[*+\-/()]/g) ?? [];
	let pos = 0;
	const peek = () => tokens[pos];
	const factor = () => {
		const token = tokens[pos++];
		if (token === '(') {
			const value = expr();
			if (tokens[pos++] !== ')') throw new Error('unbalanced');
			return value;
		}
		if (token === '-') return -factor();
		const value = Number(token);
		if (!Number.isFinite(value)) throw new Error('bad number');
		return value;
	};
	const term = () => {
		let value = factor();
		while (peek() === '*' || peek() === '/') value = tokens[pos++] === '*' ? value * factor() : value / factor();
		return value;
	};
	const expr = () => {
		let value = term();
		while (peek() === '+' || peek() === '-') value = tokens[pos++] === '+' ? value + term() : value - term();
		return value;
	};
	try {
		const value = expr();
		return pos === tokens.length && Number.isFinite(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/** A source default as a literal of the parameter's type, or undefined when it is not one. */
function normalizeDefault(raw, type, options) {
	if (raw === null || raw === undefined) return undefined;
	let value = raw;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '""') value = '';
		else if (/^"(.*)"$/.test(text)) value = text.slice(1, -1);
	}
	switch (type) {
		case 'boolean':
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 'false') return value === 'true';
			return undefined;
		case 'integer':
		case 'duration':
		case 'number': {
			const number = typeof value === 'number' ? value : typeof value === 'string' ? evaluateArithmetic(value) : undefined;
			if (number === undefined || !Number.isFinite(number)) return undefined;
			if (type !== 'number' && !Number.isInteger(number)) return undefined;
			if (type === 'duration' && number < 0) return undefined;
			return number;
		}
		case 'string':
			return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
		case 'options': {
			const match = (options ?? []).find((o) => o.value === value || String(o.value) === String(value));
			return match ? match.value : undefined;
		}
		default:
			// ids, lists, JSON and messages get no default: the editor starts empty.
			return undefined;
	}
}

// ---------------------------------------------------------------------------------------------
// One operation

/** Parameter types a `bounds` entry (min/max) applies to. */
const BOUNDED_TYPES = new Set(['id', 'idList', 'integer', 'duration', 'number']);

/**
 * The curation's bounds for one parameter: `bounds.params[name]` (numeric parameters of that name
 * only; a string id of the same name keeps no bound) overridden by `bounds.operations[action][name]`.
 */
function boundsFor(bounds, actionName, name, type) {
	const own = bounds?.operations?.[actionName]?.[name];
	if (!own && !BOUNDED_TYPES.has(type)) return undefined;
	const merged = { ...(bounds?.params?.[name] ?? {}), ...(own ?? {}) };
	const keys = Object.keys(merged);
	if (keys.length === 0) return undefined;
	for (const key of keys) {
		if (key !== 'min' && key !== 'max') fail(`${actionName}.${name}: bounds may only have min and max, not "${key}"`);
		if (typeof merged[key] !== 'number' || !Number.isFinite(merged[key])) fail(`${actionName}.${name}: bounds.${key} must be a number`);
	}
	if (!BOUNDED_TYPES.has(type)) fail(`${actionName}.${name}: bounds on a parameter of type ${type}`);
	return merged;
}

function buildParams(actionName, bySource, curated, glossary, defaults, bounds) {
	const fold = curated.fold ?? {};
	const drop = new Set(curated.drop ?? []);
	const overrides = curated.params ?? {};
	const merged = new Map(); // name → { name, entries: [{backend, param}], aliases: Set }

	for (const { backend } of SOURCES) {
		const source = bySource[backend];
		if (!source) continue;
		for (const param of source.params) {
			if (drop.has(param.name)) continue;
			const name = fold[param.name] ?? param.name;
			if (!merged.has(name)) merged.set(name, { name, entries: [], aliases: new Set() });
			const target = merged.get(name);
			target.entries.push({ backend, param });
			if (name !== param.name) target.aliases.add(param.name);
			for (const alias of param.aliases) target.aliases.add(alias);
		}
	}
	// Every name the curation mentions must exist (typos would otherwise be ignored silently).
	const seen = new Set();
	for (const { backend } of SOURCES) for (const p of bySource[backend]?.params ?? []) seen.add(p.name);
	for (const name of [...drop, ...Object.keys(fold)]) if (!seen.has(name)) fail(`${actionName}: curation names unknown parameter "${name}"`);
	for (const target of Object.values(fold)) if (!merged.has(target)) fail(`${actionName}: fold target "${target}" is not a parameter`);
	for (const name of [
		...Object.keys(overrides),
		...(curated.required ?? []),
		...(curated.optional ?? []),
		...(curated.targets ?? []),
		...Object.keys(bounds?.operations?.[actionName] ?? {}),
	]) {
		if (!merged.has(name)) fail(`${actionName}: curation names unknown parameter "${name}"`);
	}

	const params = [];
	for (const { name, entries, aliases } of merged.values()) {
		const override = overrides[name] ?? {};
		const words = glossary[name] ?? {};

		let type = override.type ?? words.type ?? inferType(name, entries.map((e) => e.param.rawType));
		if (!PARAM_TYPES.has(type)) fail(`${actionName}.${name}: unknown type "${type}"`);

		let options = override.options ?? words.options;
		if (type === 'options' && !options) {
			const literal = entries.map((e) => literalValues(e.param.rawType)).find(Boolean);
			if (literal) options = literal.map((value) => ({ name: titleCase(value), value }));
		}
		if (type === 'options' && (!Array.isArray(options) || options.length === 0)) fail(`${actionName}.${name}: options type without options`);
		if (type !== 'options') options = undefined;

		let required;
		if (override.required !== undefined) required = override.required;
		else if ((curated.required ?? []).includes(name)) required = true;
		else if ((curated.optional ?? []).includes(name)) required = false;
		else {
			required = false;
			for (const backend of REQUIRED_PRECEDENCE) {
				const entry = entries.find((e) => e.backend === backend);
				if (entry) {
					required = entry.param.required === true;
					break;
				}
			}
		}

		let value;
		if ('default' in override) value = override.default === null ? undefined : override.default;
		else {
			for (const { param } of entries) {
				value = normalizeDefault(param.default, type, options);
				if (value !== undefined) break;
			}
		}

		let locator;
		if ('locator' in override) locator = override.locator ?? undefined;
		else if (type === 'id' && name === 'group_id') locator = 'group';
		else if (type === 'id' && name === 'user_id') {
			locator = 'userLocator' in curated ? (curated.userLocator ?? undefined) : defaults.userLocator;
		}

		// A required field needs a value anyway: an empty-string default says nothing.
		if (required && value === '') value = undefined;

		const description = override.description ?? words.description;
		if (!description) fail(`${actionName}.${name}: no English description (add it to paramGlossary or the operation's params)`);

		const aliasList = [...(override.aliases ?? aliases)].filter((a) => a !== name && !a.includes('.')).sort();

		const spec = { name };
		// A wire name that is also one of the node's own fields gets a field name of its own.
		if (NODE_FIELD_NAMES.has(name)) {
			spec.property = `${name}Parameter`;
			if (!override.displayName) fail(`${actionName}.${name}: shares its name with the node's own field: give it a displayName`);
		}
		if (override.displayName) spec.displayName = override.displayName;
		spec.type = type;
		if (required) spec.required = true;
		if (value !== undefined) spec.default = value;
		spec.description = description;
		if (options) spec.options = options;
		const range = boundsFor(bounds, actionName, name, type);
		if (range?.min !== undefined) spec.min = range.min;
		if (range?.max !== undefined) spec.max = range.max;
		if (locator) spec.locator = locator;
		if (aliasList.length > 0) spec.aliases = aliasList;
		if ((curated.targets ?? []).includes(name)) spec.target = true;
		// what a JSON value must be (an object, a list of objects), checked before sending
		const shape = override.shape ?? (type === 'json' ? words.shape : undefined);
		if (shape !== undefined) {
			if (type !== 'json' || (shape !== 'array' && shape !== 'object')) fail(`${actionName}.${name}: shape "${shape}" needs type json`);
			spec.shape = shape;
		}
		params.push(spec);
	}
	// "targets": where the operation acts, listed first in the curation's order (then the rest as found)
	const targets = curated.targets ?? [];
	const rank = (p) => (targets.includes(p.name) ? targets.indexOf(p.name) : targets.length);
	return params.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

function main() {
	const curation = readJson(CURATION_FILE, readFileSync(CURATION_FILE, 'utf8'));
	const actions = loadSources();
	const seed = loadSeed();

	for (const name of seed.names) if (!actions.has(name)) fail(`seed endpoint ${name} is in none of the action lists`);

	const resources = curation.resources;
	const resourceValues = new Set(resources.map((r) => r.value));
	const curatedOps = curation.operations;
	const missing = [...actions.keys()].filter((name) => !curatedOps[name]).sort();
	if (missing.length > 0) fail(`no curation for ${missing.length} action(s): ${missing.join(', ')}`);
	const unknown = [...Object.keys(curatedOps), ...Object.keys(curation.bounds?.operations ?? {})]
		.filter((name) => !actions.has(name))
		.sort();
	if (unknown.length > 0) fail(`curation for unknown action(s): ${unknown.join(', ')}`);

	const operations = [];
	for (const [value, bySource] of actions) {
		const curated = curatedOps[value];
		// "omit": the reason an action some backend registers is not offered (e.g. it does nothing yet)
		if (curated.omit) continue;
		for (const field of ['resource', 'name', 'action', 'summary']) {
			if (typeof curated[field] !== 'string' || curated[field] === '') fail(`${value}: curation lacks "${field}"`);
		}
		if (!resourceValues.has(curated.resource)) fail(`${value}: unknown resource "${curated.resource}"`);
		if (!/[.!?]$/.test(curated.summary)) fail(`${value}: summary must be a sentence ending with a period`);

		const backends = BACKEND_ORDER.filter((backend) => bySource[backend]);
		const labels = backends.map((backend) => {
			const label = curation.backendNames[backend];
			const qualifier = curated.backendQualifier?.[backend];
			return qualifier ? `${label} (${qualifier})` : label;
		});

		const op = {
			value,
			resource: curated.resource,
			name: curated.name,
			action: curated.action,
			description: `${curated.summary} Backends: ${labels.join(', ')}.`,
			params: buildParams(value, bySource, curated, curation.paramGlossary, curation.defaults, curation.bounds),
		};
		if (curated.handler) op.handler = curated.handler;
		if (curated.list !== undefined) {
			if (curated.list !== true && (typeof curated.list !== 'string' || curated.list === '')) fail(`${value}: list must be true or a path`);
			op.list = curated.list;
		}
		op.backends = backends;
		op.inSeed = seed.names.has(value);
		operations.push(op);
	}

	const names = new Map();
	for (const op of operations) {
		if (names.has(op.name)) fail(`display name "${op.name}" used by ${names.get(op.name)} and ${op.value}`);
		names.set(op.name, op.value);
	}
	for (const resource of resources) {
		if (!operations.some((op) => op.resource === resource.value)) fail(`resource ${resource.value} has no operations`);
	}

	const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
	operations.sort((a, b) => compare(a.resource, b.resource) || compare(a.name, b.name) || compare(a.value, b.value));
	const sortedResources = [...resources].sort((a, b) => compare(a.value, b.value));

	// Per backend: schemas, wire names, ignored parameters; their notes go into the descriptions.
	const backendData = buildBackends({ sharedDir: SHARED_DIR, operations, curation });
	const backendNames = Object.fromEntries(Object.entries(backendData.backends).map(([key, b]) => [key, b.name]));
	for (const op of operations) {
		for (const param of op.params) {
			const note = backendNote(backendData.paramNotes[op.value]?.[param.name], backendNames, param);
			if (note) param.description = `${param.description.replace(/[.!?]?$/, '.')} ${note}`;
		}
	}
	const segmentData = buildSegments(readJson(SEGMENT_SUPPORT_FILE, readFileSync(SEGMENT_SUPPORT_FILE, 'utf8')), backendData);

	const catalog = { resources: sortedResources, operations };
	mkdirSync(dirname(OUT), { recursive: true });
	writeFileSync(OUT, `${JSON.stringify(catalog, null, '\t')}\n`);
	const backendsJson = {
		$comment: 'Generated by scripts/generate-onebot-catalog.mjs from ../shared/reference/onebot/backends/*.json: per backend, what it reads of each action (params: wire name → JSON types, required), the wire name of a catalog parameter where it differs (send), other names it reads (alsoReads), and the catalog parameters it never reads (ignored: what to do instead). Do not edit.',
		backends: backendData.backends,
		dialects: backendData.dialects,
		actions: backendData.actions,
	};
	writeFileSync(BACKENDS_OUT, `${JSON.stringify(backendsJson, null, '\t')}\n`);
	const segmentsJson = {
		$comment: 'Generated by scripts/generate-onebot-catalog.mjs from scripts/onebot-segment-support.json (findings: SEGMENTS.md). Do not edit.',
		...segmentData,
	};
	writeFileSync(SEGMENTS_OUT, `${JSON.stringify(segmentsJson, null, '\t')}\n`);

	const perResource = sortedResources.map((r) => `${r.value} ${operations.filter((op) => op.resource === r.value).length}`);
	process.stderr.write(
		`generate-onebot-catalog: ${operations.length} operations, ${operations.filter((op) => op.inSeed).length} in the seed ` +
			`(${seed.sections} seed sections), ${sortedResources.length} resources → ${OUT}\n  ${perResource.join(', ')}\n`,
	);
}

main();
