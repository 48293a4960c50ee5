// The per-backend half of the OneBot catalog: from what NapCat, LLOneBot, Lagrange.OneBot and
// go-cqhttp really accept (../shared/reference/onebot/backends/*.json, each read from the backend's
// source at a named commit) and the hand-checked segment support (scripts/onebot-segment-support.json),
// builds nodes/OneBot/catalog/backends.json and segments.json, and the per-backend notes that go
// into the catalog's parameter descriptions. Used by scripts/generate-onebot-catalog.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The backends the node can detect, in display order. */
export const KNOWN_BACKENDS = ['napcat', 'llonebot', 'lagrange', 'gocqhttp'];

/** get_version_info's app_name of each backend (from each one's GetVersionInfo source). */
const APP_NAMES = {
	napcat: ['NapCat.Onebot'],
	llonebot: ['LLOneBot'],
	lagrange: ['Lagrange.OneBot'],
	gocqhttp: ['go-cqhttp'],
};

const JSON_TYPES = new Set(['string', 'number', 'boolean', 'array', 'object', 'null', 'any', 'message']);

function fail(message) {
	throw new Error(`generate-onebot-catalog (backends): ${message}`);
}

function readJsonFile(path) {
	if (!existsSync(path)) fail(`missing ${path} (set SHARED_DIR to the shared/ folder)`);
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		return fail(`${path} is not valid JSON: ${error.message}`);
	}
}

/** A backend's declared types as JSON types ("numberFromString": Lagrange reads numeric text as a number). */
function jsonTypes(action, name, types) {
	const out = [];
	for (const type of types ?? []) {
		const t = type === 'numberFromString' ? 'number' : type;
		if (!JSON_TYPES.has(t)) fail(`${action}.${name}: unknown type "${type}"`);
		if (!out.includes(t)) out.push(t);
	}
	return out.length > 0 ? out.sort() : ['any'];
}

/** One backend's schema of one action: wire name → { types, required? }, plus the other names it reads. */
function schemaOf(backend, action, entry) {
	const params = {};
	const alsoReads = {}; // another name → the schema name it fills
	for (const [name, param] of Object.entries(entry.params ?? {})) {
		const spec = { types: jsonTypes(action, name, param.types) };
		if (param.required === true) spec.required = true;
		params[name] = spec;
		for (const alias of param.aliases ?? []) if (!alias.includes('.')) alsoReads[alias] = name;
	}
	// NapCat declares whole-action aliases ({ messages: "message" }): `messages` fills `message`.
	for (const [alias, target] of Object.entries(entry.aliases ?? {})) alsoReads[alias] = target;
	return { params, alsoReads };
}

/**
 * backends.json: per backend its name, detection names, source and coercion; per action and backend
 * the schema, the wire name of each catalog parameter where it differs (`send`), and the catalog
 * parameters it never reads (`ignored`, with what to do instead where the curation says).
 */
export function buildBackends({ sharedDir, operations, curation }) {
	const displayNames = curation.backendNames;
	const notes = curation.backendNotes ?? {};
	const backends = {};
	const schemas = {};
	for (const backend of KNOWN_BACKENDS) {
		const file = join(sharedDir, 'reference', 'onebot', 'backends', `${backend}.json`);
		const data = readJsonFile(file);
		if (data.backend !== backend || typeof data.actions !== 'object') fail(`${file}: not the ${backend} data`);
		backends[backend] = {
			name: displayNames[backend] ?? fail(`backendNames lacks ${backend}`),
			appNames: APP_NAMES[backend],
			repo: data.repo,
			commit: data.commit,
			coercion: data.coercion,
		};
		schemas[backend] = data.actions;
	}

	const actions = {};
	const paramNotes = {}; // action → param → { required: [...], ignored: [...], wire: {backend: name} }
	for (const op of operations) {
		const perBackend = {};
		const opNotes = {};
		const note = (param, key, backend, value = backend) => {
			opNotes[param] ??= {};
			if (key === 'wire') (opNotes[param].wire ??= {})[backend] = value;
			else (opNotes[param][key] ??= []).push(backend);
		};
		for (const backend of KNOWN_BACKENDS) {
			const entry = schemas[backend][op.value];
			if (!entry) {
				if (op.backends.includes(backend)) fail(`${op.value}: the catalog lists ${backend}, its data has no such action`);
				continue;
			}
			if (!op.backends.includes(backend)) fail(`${op.value}: ${backend} has the action, the catalog does not list it`);
			const { params, alsoReads } = schemaOf(backend, op.value, entry);
			const send = {};
			const ignored = {};
			const extraIgnored = notes[op.value]?.[backend]?.ignored ?? {};
			for (const name of Object.keys(extraIgnored)) {
				if (!op.params.some((p) => p.name === name)) fail(`backendNotes ${op.value}.${backend}: unknown parameter "${name}"`);
			}
			for (const param of op.params) {
				const names = [param.name, ...(param.aliases ?? [])];
				const wire = names.find((n) => n in params) ?? names.find((n) => n in alsoReads);
				if (wire !== undefined && !(param.name in extraIgnored)) {
					if (wire !== param.name && !(param.name in alsoReads)) {
						send[param.name] = wire;
						note(param.name, 'wire', backend, wire);
					}
					const target = params[wire] ?? params[alsoReads[wire]];
					if (target?.required) note(param.name, 'required', backend);
					continue;
				}
				const instead = extraIgnored[param.name] ?? notes[op.value]?.instead?.[param.name] ?? '';
				ignored[param.name] = instead;
				note(param.name, 'ignored', backend);
			}
			const spec = { params };
			const stub = notes[op.value]?.[backend]?.stub;
			if (stub !== undefined) {
				if (typeof stub !== 'string' || stub === '') fail(`backendNotes ${op.value}.${backend}.stub: a sentence`);
				spec.stub = stub;
			}
			if (Object.keys(alsoReads).length > 0) spec.alsoReads = Object.fromEntries(Object.entries(alsoReads).sort());
			if (Object.keys(send).length > 0) spec.send = send;
			if (Object.keys(ignored).length > 0) spec.ignored = ignored;
			perBackend[backend] = spec;
		}
		for (const name of Object.keys(notes[op.value]?.instead ?? {})) {
			if (!op.params.some((p) => p.name === name)) fail(`backendNotes ${op.value}.instead: unknown parameter "${name}"`);
		}
		if (Object.keys(perBackend).length > 0) actions[op.value] = perBackend;
		paramNotes[op.value] = opNotes;
	}
	for (const action of Object.keys(notes)) {
		if (!operations.some((op) => op.value === action)) fail(`backendNotes: unknown action "${action}"`);
	}
	// Operations whose folded parameters are one value under each backend's own name: with an
	// unknown backend ("Other") the node sends it under every one of those names.
	const dialects = {};
	for (const op of operations) {
		if (curation.operations[op.value]?.dialect !== true) continue;
		const perParam = {};
		for (const spec of Object.values(actions[op.value] ?? {})) {
			for (const [param, wire] of Object.entries(spec.send ?? {})) {
				perParam[param] ??= [];
				if (!perParam[param].includes(wire)) perParam[param].push(wire);
			}
		}
		if (Object.keys(perParam).length === 0) fail(`${op.value}: marked dialect, but every backend reads the shown names`);
		dialects[op.value] = perParam;
	}
	return { backends, actions, paramNotes, dialects };
}

function list(backends, names) {
	return backends.map((b) => names[b]).join(', ');
}

/**
 * The sentence appended to a parameter's description: which known backends require it, which
 * never read it, and under which name a backend reads it.
 */
export function backendNote(notes, names, param) {
	if (!notes) return '';
	const parts = [];
	// A field the editor requires anyway needs no "required by".
	if (notes.required?.length && !param.required) parts.push(`Required by ${list(notes.required, names)}.`);
	if (notes.ignored?.length) {
		parts.push(
			param.required
				? `Not sent to ${list(notes.ignored, names)}, which ignore it.`
				: `Ignored by ${list(notes.ignored, names)}: refused there when set.`,
		);
	}
	return parts.join(' ');
}

const ENTRY_KEYS = new Set(['drops', 'instead', 'ignores', 'rename', 'refuse', 'requires']);

/** segments.json from the curated segment support: checked, with the sources' repo and commit. */
export function buildSegments(curated, backendsData) {
	if (typeof curated.segments !== 'object') fail('onebot-segment-support.json: no segments');
	for (const backend of KNOWN_BACKENDS) {
		const source = curated.sources?.[backend];
		if (!source?.repo || !source?.path) fail(`onebot-segment-support.json: no source for ${backend}`);
		if (source.commit !== backendsData.backends[backend].commit) {
			fail(`onebot-segment-support.json: ${backend} was read at ${source.commit}, the action data at ${backendsData.backends[backend].commit}`);
		}
	}
	const segments = {};
	for (const [type, perBackend] of Object.entries(curated.segments)) {
		const out = {};
		for (const [backend, entry] of Object.entries(perBackend)) {
			if (backend !== 'onebot11' && !KNOWN_BACKENDS.includes(backend)) fail(`segment ${type}: unknown backend ${backend}`);
			if (entry === true) {
				out[backend] = true;
				continue;
			}
			if (backend === 'onebot11') fail(`segment ${type}: onebot11 is true or absent`);
			if (typeof entry !== 'object' || entry === null) fail(`segment ${type}.${backend}: true or an object`);
			for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) fail(`segment ${type}.${backend}: unknown key ${key}`);
			if (entry.drops !== undefined && (typeof entry.drops !== 'string' || typeof entry.instead !== 'string')) {
				fail(`segment ${type}.${backend}: drops and instead are sentences`);
			}
			for (const rule of entry.refuse ?? []) {
				if (!rule.field || !Array.isArray(rule.values) || !rule.reason || !rule.instead) fail(`segment ${type}.${backend}: refuse needs field, values, reason, instead`);
			}
			for (const rule of entry.requires ?? []) {
				if (!Array.isArray(rule.fields) || !rule.reason) fail(`segment ${type}.${backend}: requires needs fields and reason`);
			}
			out[backend] = entry;
		}
		// A backend left out does not send the segment either.
		for (const backend of KNOWN_BACKENDS) {
			if (!(backend in out)) out[backend] = { drops: `has no ${type} segment`, instead: 'another segment type' };
		}
		segments[type] = out;
	}
	return { sources: curated.sources, segments };
}
