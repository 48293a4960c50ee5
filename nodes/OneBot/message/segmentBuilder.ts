/**
 * Builds OneBot segments from the flat objects a segment-builder entry produces, validating each
 * field against segmentTypes.ts. Pure: binary data comes in through a resolver callback.
 */

import { normalizeMessage, type Segment } from './cqcode';
import { describeValue, MessageInputError } from './errors';
import { MissingBinaryError, SizeLimitError } from '../../shared/upload/binarySource';
import {
	fieldParameterName,
	getSegmentType,
	MEDIA_SOURCE_KEYS,
	type MediaSource,
	type SegmentFieldSpec,
	type SegmentTypeSpec,
} from './segmentTypes';

export interface ResolvedBinary {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

/** Reads an n8n binary property of the current item by name. */
export type ResolveBinary = (propertyName: string) => Promise<ResolvedBinary>;

/**
 * One segment-builder entry. Field values are read by their parameter name
 * (`fieldParameterName(type, key)`, e.g. `atQq`), falling back to the plain data key (`qq`)
 * unless that key is `type` or, for media types, a media source key. Media types (`file` source):
 * `source` (default `url`) with `url`, `path`, `base64` or `binaryProperty`; an explicit `file`
 * without a `source` is passed through as is (e.g. a file name from a received message).
 */
export interface SegmentInput {
	type: string;
	source?: MediaSource;
	url?: string;
	path?: string;
	base64?: string;
	binaryProperty?: string;
	file?: string;
	[key: string]: unknown;
}

const MEDIA_SOURCES: readonly MediaSource[] = ['url', 'path', 'base64', 'binary'];

class FieldContext {
	constructor(
		readonly index: number,
		readonly type: string,
		/** Outside a segment (an upload action): the caller's own field names, used bare in messages. */
		private readonly fieldNames?: Record<string, string>,
	) {}

	/** An error about another field met while reading this segment's input (e.g. a size limit option). */
	about(field: string, message: string): MessageInputError {
		if (this.fieldNames) return new MessageInputError(field, message);
		return new MessageInputError(field, `Segment ${this.index + 1} (${this.type}): ${message}`, this.index);
	}

	error(field: string, expectation: string): MessageInputError {
		if (this.fieldNames) {
			const name = this.fieldNames[field] ?? field;
			return new MessageInputError(name, `"${name}" ${expectation}`);
		}
		return new MessageInputError(
			field,
			`Segment ${this.index + 1} (${this.type}): "${field}" ${expectation}`,
			this.index,
		);
	}
}

function isBlank(value: unknown, keepWhitespace = false): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return keepWhitespace ? value === '' : value.trim() === '';
	return false;
}

/** The raw input value of a field (parameter name first, then the plain key), or its default. */
function rawFieldValue(spec: SegmentTypeSpec, field: SegmentFieldSpec, input: SegmentInput): unknown {
	const paramName = fieldParameterName(spec.type, field.name);
	if (input[paramName] !== undefined) return input[paramName];
	const reserved =
		field.name === 'type' ||
		(spec.media === true && (MEDIA_SOURCE_KEYS as readonly string[]).includes(field.name));
	if (!reserved && input[field.name] !== undefined) return input[field.name];
	return field.default;
}

/**
 * The media source: `source` when given; otherwise guessed from the one input that is set
 * (url, path, base64, binaryProperty), defaulting to `url` as the UI does.
 */
function mediaSource(input: SegmentInput): unknown {
	if (!isBlank(input.source)) return input.source;
	if (!isBlank(input.url)) return 'url';
	if (!isBlank(input.path)) return 'path';
	if (!isBlank(input.base64)) return 'base64';
	if (!isBlank(input.binaryProperty)) return 'binary';
	return 'url';
}

function applies(spec: SegmentTypeSpec, field: SegmentFieldSpec, input: SegmentInput): boolean {
	const rule = field.showWhen;
	if (!rule) return true;
	let current: unknown;
	if (spec.media === true && rule.field === 'source') current = mediaSource(input);
	else {
		const other = spec.fields.find((f) => f.name === rule.field);
		current = other ? rawFieldValue(spec, other, input) : undefined;
	}
	return rule.values.includes(String(current ?? ''));
}

/** Text of a scalar value; objects are rejected. */
function scalarText(ctx: FieldContext, field: SegmentFieldSpec, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw ctx.error(field.name, `must be a finite number, got ${value}`);
		if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
			throw ctx.error(field.name, `lost precision as a number (${value}); pass it as a string`);
		}
		return String(value);
	}
	if (typeof value === 'boolean') return String(value);
	throw ctx.error(field.name, `must be text, got ${describeValue(value)}`);
}

function checkFormat(ctx: FieldContext, field: SegmentFieldSpec, text: string): void {
	switch (field.format) {
		case 'digits':
			if (!/^\d+$/.test(text)) throw ctx.error(field.name, `must be a non-negative integer, got ${describeValue(text)}`);
			return;
		case 'integer':
			if (!/^-?\d+$/.test(text)) throw ctx.error(field.name, `must be an integer, got ${describeValue(text)}`);
			return;
		case 'qq':
			if (!/^[1-9]\d*$/.test(text)) throw ctx.error(field.name, `must be a QQ number, got ${describeValue(text)}`);
			return;
		case 'qqOrAll':
			if (text !== 'all' && !/^[1-9]\d*$/.test(text)) {
				throw ctx.error(field.name, `must be a QQ number or "all", got ${describeValue(text)}`);
			}
			return;
		case 'decimal':
			if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) {
				throw ctx.error(field.name, `must be a decimal number (e.g. 39.9087), got ${describeValue(text)}`);
			}
			return;
		case 'httpUrl':
			if (!isHttpUrl(text)) throw ctx.error(field.name, `must be an http(s) URL, got ${describeValue(text)}`);
			return;
		default:
			return;
	}
}

function isHttpUrl(text: string): boolean {
	try {
		const url = new URL(text);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

function parseJsonField(ctx: FieldContext, field: SegmentFieldSpec, text: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw ctx.error(field.name, `must be valid JSON: ${(error as Error).message}`);
	}
}

/** A node's content: segments when it is (JSON for) segment objects, otherwise CQ-code text. */
function messageValue(ctx: FieldContext, field: SegmentFieldSpec, value: unknown): unknown {
	let candidate: unknown = value;
	if (typeof value === 'string') {
		const trimmed = value.trim();
		if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
		try {
			candidate = JSON.parse(trimmed);
		} catch {
			return value; // e.g. "[CQ:face,id=1] hi": CQ-code text
		}
		const looksLikeSegments = Array.isArray(candidate)
			? candidate.length > 0 && candidate.every((x) => typeof x === 'object' && x !== null)
			: typeof candidate === 'object' && candidate !== null && 'type' in candidate;
		if (!looksLikeSegments) return value;
	}
	try {
		return normalizeMessage(candidate, { field: field.name });
	} catch (error) {
		throw ctx.error(field.name, `must be text or segments: ${(error as Error).message}`);
	}
}

/** Converts one present value to what goes into `data`. */
function wireValue(ctx: FieldContext, field: SegmentFieldSpec, value: unknown): unknown {
	const wire = field.wire ?? (field.type === 'boolean' ? 'boolean' : 'string');
	switch (wire) {
		case 'boolean': {
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 1 || value === '1') return true;
			if (value === 'false' || value === 0 || value === '0') return false;
			throw ctx.error(field.name, `must be true or false, got ${describeValue(value)}`);
		}
		case 'jsonText': {
			if (typeof value === 'string') {
				const text = value.trim();
				parseJsonField(ctx, field, text);
				return text;
			}
			if (typeof value === 'object') return JSON.stringify(value);
			throw ctx.error(field.name, `must be JSON, got ${describeValue(value)}`);
		}
		case 'jsonValue': {
			const parsed = typeof value === 'string' ? parseJsonField(ctx, field, value.trim()) : value;
			if (typeof parsed !== 'object' || parsed === null) {
				throw ctx.error(field.name, `must be a JSON object or array, got ${describeValue(value)}`);
			}
			return parsed;
		}
		case 'message':
			return messageValue(ctx, field, value);
		case 'number':
		case 'string': {
			let text = scalarText(ctx, field, value);
			if (!field.keepWhitespace) text = text.trim();
			checkFormat(ctx, field, text);
			if (wire === 'string') return text;
			const n = Number(text);
			if (!Number.isFinite(n) || (field.format !== 'decimal' && !Number.isSafeInteger(n))) {
				throw ctx.error(field.name, `must be a number that fits exactly, got ${describeValue(text)}`);
			}
			return n;
		}
	}
}

/** Whether a field left at an "unset" value should be left out of `data`. */
function isUnset(field: SegmentFieldSpec, value: unknown): boolean {
	if (isBlank(value, field.keepWhitespace)) return true;
	// Optional number inputs use 0 for "backend default".
	if (field.type === 'number' && !field.required && (value === 0 || value === '0')) return true;
	return false;
}

/** `file:///...` for a path on the backend's machine (POSIX, Windows drive or UNC), or a file:// URI as is. */
export function pathToFileUri(path: string): string | undefined {
	const p = path.trim();
	if (/^file:\/\//i.test(p)) return p;
	if (/^[A-Za-z]:[\\/]/.test(p)) return `file:///${p.replace(/\\/g, '/')}`;
	if (/^\\\\[^\\]+\\/.test(p)) return `file:${p.replace(/\\/g, '/')}`;
	if (p.startsWith('/')) return `file://${p}`;
	return undefined;
}

/**
 * The plain path of a path on the backend's machine: a `file://` URI (as pathToFileUri writes it,
 * percent-encoding decoded) becomes `/dir/file`, `C:/dir/file` or `\\server\share\file`; any
 * other path is returned trimmed, as it is.
 */
export function fileUriToPath(path: string): string {
	const p = path.trim();
	const match = /^file:\/\/([^/]*)(\/.*)?$/i.exec(p);
	if (!match) return p;
	const [, host, rest = ''] = match;
	let decoded = rest;
	try {
		decoded = decodeURIComponent(rest);
	} catch {
		// not percent-encoded text: kept as written
	}
	if (host !== '' && host.toLowerCase() !== 'localhost') return `\\\\${host}${decoded.replace(/\//g, '\\')}`;
	return /^\/[A-Za-z]:([\\/]|$)/.test(decoded) ? decoded.slice(1) : decoded;
}

/**
 * Cleans base64 text: strips a `data:...;base64,` or `base64://` prefix and whitespace, accepts the
 * URL-safe alphabet and missing padding, and returns standard padded base64 (or undefined).
 */
export function normalizeBase64(text: string): string | undefined {
	let body = text.trim();
	const dataUrl = /^data:[^,]*;base64,/i.exec(body);
	if (dataUrl) body = body.slice(dataUrl[0].length);
	else if (/^base64:\/\//i.test(body)) body = body.slice('base64://'.length);
	body = body.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
	if (body === '') return undefined;
	const unpadded = body.replace(/=+$/, '');
	if (!/^[A-Za-z0-9+/]+$/.test(unpadded) || body.length - unpadded.length > 2) return undefined;
	const rest = unpadded.length % 4;
	if (rest === 1) return undefined;
	return rest === 0 ? unpadded : unpadded + '='.repeat(4 - rest);
}

async function mediaFile(
	ctx: FieldContext,
	input: SegmentInput,
	resolveBinary: ResolveBinary | undefined,
): Promise<{ file: string; fileName?: string }> {
	if (isBlank(input.source) && !isBlank(input.file)) {
		return { file: String(input.file).trim() };
	}
	const source = mediaSource(input);
	switch (source) {
		case 'url': {
			if (isBlank(input.url)) throw ctx.error('url', 'is required: the http(s) URL of the file');
			const url = String(input.url).trim();
			if (!isHttpUrl(url)) throw ctx.error('url', `must be an http(s) URL, got ${describeValue(url)}`);
			return { file: url };
		}
		case 'path': {
			if (isBlank(input.path)) throw ctx.error('path', "is required: an absolute path on the backend's machine");
			const uri = pathToFileUri(String(input.path));
			if (!uri) {
				throw ctx.error(
					'path',
					`must be an absolute path on the backend's machine (/dir/file, C:\\dir\\file or file:///...), got ${describeValue(input.path)}`,
				);
			}
			return { file: uri };
		}
		case 'base64': {
			if (isBlank(input.base64)) throw ctx.error('base64', 'is required: the base64-encoded file');
			const data = normalizeBase64(String(input.base64));
			if (!data) throw ctx.error('base64', 'must be base64 text (optionally a data: URL), got invalid characters or length');
			return { file: `base64://${data}` };
		}
		case 'binary': {
			// n8n may leave out a value equal to its default ("data"); an emptied field stays an error.
			if (input.binaryProperty === undefined) input = { ...input, binaryProperty: 'data' };
			if (isBlank(input.binaryProperty)) {
				throw ctx.error('binaryProperty', 'is required: the name of the input binary field');
			}
			const property = String(input.binaryProperty).trim();
			if (!resolveBinary) throw ctx.error('binaryProperty', 'cannot be read here: no binary input is available');
			let binary: ResolvedBinary;
			try {
				binary = await resolveBinary(property);
			} catch (error) {
				// a file over Options › Max Upload Size: the option is at fault, not the binary field
				if (error instanceof SizeLimitError) throw ctx.about(error.field, error.message);
				// a field the item does not have: said for this segment's own field, with the item's binary fields
				if (error instanceof MissingBinaryError) throw ctx.error('binaryProperty', error.requirement);
				throw ctx.error('binaryProperty', `could not be read: ${(error as Error).message}`);
			}
			if (!binary || !Buffer.isBuffer(binary.data) || binary.data.length === 0) {
				throw ctx.error('binaryProperty', `must hold file data, but binary field "${property}" is empty`);
			}
			return { file: `base64://${binary.data.toString('base64')}`, fileName: binary.fileName };
		}
		default:
			throw ctx.error('source', `must be one of ${MEDIA_SOURCES.join(', ')}, got ${describeValue(source)}`);
	}
}

/**
 * A media file from a URL, a backend path, base64 or a binary field, checked like a segment's, for
 * a caller with fields of its own (e.g. an upload action): `fieldNames` maps the segment inputs
 * (source, url, path, base64, binaryProperty) to the caller's field names, which errors then name.
 */
export async function resolveMediaFile(
	input: Omit<SegmentInput, 'type'>,
	resolveBinary: ResolveBinary | undefined,
	fieldNames: Record<string, string>,
): Promise<{ file: string; fileName?: string }> {
	return await mediaFile(new FieldContext(0, 'file', fieldNames), { ...input, type: 'file' }, resolveBinary);
}

/**
 * Builds one segment. `index` (0-based) is its position, used in error messages
 * (`Segment 2 (at): "qq" must be a QQ number or "all", got "abc"`). Throws MessageInputError.
 */
export async function buildSegment(
	input: SegmentInput,
	resolveBinary?: ResolveBinary,
	index = 0,
): Promise<Segment> {
	if (typeof input !== 'object' || input === null) {
		throw new MessageInputError('type', `Segment ${index + 1}: must be an object, got ${describeValue(input)}`, index);
	}
	const type = typeof input.type === 'string' ? input.type.trim() : input.type;
	const spec = typeof type === 'string' ? getSegmentType(type) : undefined;
	if (!spec) {
		throw new MessageInputError(
			'type',
			`Segment ${index + 1}: "type" must be a known segment type, got ${describeValue(type)}`,
			index,
		);
	}
	const ctx = new FieldContext(index, spec.type);
	const data: Record<string, unknown> = {};
	let binaryFileName: string | undefined;
	if (spec.media) {
		const media = await mediaFile(ctx, input, resolveBinary);
		data.file = media.file;
		binaryFileName = media.fileName;
	}
	for (const field of spec.fields) {
		if (!applies(spec, field, input)) continue;
		const value = rawFieldValue(spec, field, input);
		if (isUnset(field, value)) {
			if (field.required) throw ctx.error(field.name, 'is required');
			continue;
		}
		data[field.name] = wireValue(ctx, field, value);
	}
	if (spec.type === 'file' && data.name === undefined && binaryFileName) data.name = binaryFileName;
	if (spec.requireOneOf && !spec.requireOneOf.some((group) => group.every((key) => data[key] !== undefined))) {
		const groups = spec.requireOneOf.map((g) => g.map((k) => `"${k}"`).join(' + ')).join(', or ');
		const firstMissing = spec.requireOneOf[0].find((key) => data[key] === undefined) ?? spec.requireOneOf[0][0];
		throw new MessageInputError(
			firstMissing,
			`Segment ${index + 1} (${spec.type}): set ${groups}`,
			index,
		);
	}
	return { type: spec.type, data };
}

/** Builds every entry in order; an empty list is an error (`message must not be empty`). */
export async function buildMessageFromSegments(
	inputs: readonly SegmentInput[],
	resolveBinary?: ResolveBinary,
	field = 'segments',
): Promise<Segment[]> {
	if (!Array.isArray(inputs) || inputs.length === 0) {
		throw new MessageInputError(field, `"${field}": message must not be empty, add at least one segment`);
	}
	const segments: Segment[] = [];
	for (let i = 0; i < inputs.length; i++) {
		segments.push(await buildSegment(inputs[i], resolveBinary, i));
	}
	return segments;
}
