/**
 * The n8n parameters for composing a OneBot message, generated from segmentTypes.ts, and
 * readMessage, which turns their values into the `message` (and `auto_escape`) of a send action.
 */

import type {
	IDisplayOptions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { parseJsonExact } from '../../shared/json';
import { normalizeMessage, type Segment } from './cqcode';
import { describeValue, MessageInputError } from './errors';
import { buildMessageFromSegments, type ResolveBinary, type SegmentInput } from './segmentBuilder';
import {
	fieldParameterName,
	MEDIA_SEGMENT_TYPES,
	SEGMENT_TYPES,
	type SegmentFieldSpec,
	type SegmentTypeSpec,
} from './segmentTypes';

/** Parameter names used by messageProperties (the node must not reuse them for other things). */
export const MESSAGE_PARAMETERS = {
	format: 'messageFormat',
	text: 'text',
	cqString: 'cqString',
	segments: 'segments',
	segmentsJson: 'segmentsJson',
} as const;

/** The fixedCollection option holding the segment entries: `segments.segment[]`. */
export const SEGMENT_ENTRY = 'segment';

export type MessageFormat = 'text' | 'cqCode' | 'segments' | 'json';

function byName<T extends { name: string }>(a: T, b: T): number {
	return a.name.localeCompare(b.name);
}

function withShow(
	displayOptions: IDisplayOptions | undefined,
	extra: NonNullable<IDisplayOptions['show']>,
): IDisplayOptions {
	return { ...(displayOptions ?? {}), show: { ...(displayOptions?.show ?? {}), ...extra } };
}

/** The entry key a showWhen rule points at: the media `source` picker, or a sibling field. */
function showWhenKey(spec: SegmentTypeSpec, field: string): string {
	return spec.media === true && field === 'source' ? 'source' : fieldParameterName(spec.type, field);
}

function fieldProperty(spec: SegmentTypeSpec, field: SegmentFieldSpec): INodeProperties {
	const show: NonNullable<IDisplayOptions['show']> = { type: [spec.type] };
	if (field.showWhen) show[showWhenKey(spec, field.showWhen.field)] = field.showWhen.values;
	const head = { displayName: field.displayName, name: fieldParameterName(spec.type, field.name) };
	const tail = {
		required: field.required ? true : undefined,
		placeholder: field.placeholder,
		description: field.description,
		displayOptions: { show },
	};
	let property: INodeProperties;
	switch (field.type) {
		case 'number':
			property = { ...head, type: 'number', default: typeof field.default === 'number' ? field.default : 0, ...tail };
			break;
		case 'boolean':
			property = { ...head, type: 'boolean', default: field.default === true, ...tail };
			break;
		case 'options': {
			const options: INodePropertyOptions[] = [...(field.options ?? [])].sort(byName);
			const fallback = options[0]?.value ?? '';
			property = {
				...head,
				type: 'options',
				options,
				default: typeof field.default === 'string' ? field.default : fallback,
				...tail,
			};
			break;
		}
		case 'json':
			property = { ...head, type: 'json', default: typeof field.default === 'string' ? field.default : '', ...tail };
			break;
		default:
			property = {
				...head,
				type: 'string',
				default: field.default === undefined ? '' : String(field.default),
				typeOptions: field.rows ? { rows: field.rows } : undefined,
				...tail,
			};
	}
	return JSON.parse(JSON.stringify(property)) as INodeProperties; // drop undefined keys
}

function mediaSourceProperties(): INodeProperties[] {
	const media = [...MEDIA_SEGMENT_TYPES];
	return [
		{
			displayName: 'File Source',
			name: 'source',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Base64 Text', value: 'base64', description: 'Base64-encoded file content (a data: URL prefix is removed)' },
				{ name: 'Binary Field', value: 'binary', description: 'A binary field of the input item, sent as base64' },
				{ name: 'Path on Backend', value: 'path', description: 'A file path on the machine the OneBot backend runs on' },
				{ name: 'URL', value: 'url', description: 'An http(s) URL the backend downloads' },
			],
			default: 'url',
			description: 'Where the file comes from',
			displayOptions: { show: { type: media } },
		},
		{
			displayName: 'File URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/picture.png',
			description: 'An http(s) URL the backend downloads',
			displayOptions: { show: { type: media, source: ['url'] } },
		},
		{
			displayName: 'File Path',
			name: 'path',
			type: 'string',
			default: '',
			required: true,
			placeholder: '/data/images/picture.png',
			description:
				'Absolute path on the machine the OneBot backend runs on (/dir/file, C:\\dir\\file or file:///...)',
			displayOptions: { show: { type: media, source: ['path'] } },
		},
		{
			displayName: 'Base64 Content',
			name: 'base64',
			type: 'string',
			default: '',
			required: true,
			typeOptions: { rows: 2 },
			description: 'The file as base64 text; a data:...;base64, prefix is removed',
			displayOptions: { show: { type: media, source: ['base64'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryProperty',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field containing the file',
			description: 'The file is sent to the backend as base64',
			displayOptions: { show: { type: media, source: ['binary'] } },
		},
	];
}

/** The values of one segment-builder entry: type picker, media source inputs, every type's fields. */
export function segmentEntryProperties(): INodeProperties[] {
	const typeOptions: INodePropertyOptions[] = SEGMENT_TYPES.map((spec) => ({
		name: spec.name,
		value: spec.type,
		description: spec.description,
	})).sort(byName);
	return [
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			noDataExpression: true,
			options: typeOptions,
			default: 'text',
			description: 'The kind of segment',
		},
		...mediaSourceProperties(),
		...SEGMENT_TYPES.flatMap((spec) => spec.fields.map((field) => fieldProperty(spec, field))),
	];
}

/**
 * The message parameters (format picker, and one input per format), shown under `displayOptions`.
 * Place them once per group of message operations: `messageProperties({ show: { resource: [...],
 * operation: [...] } })`.
 */
export function messageProperties(displayOptions?: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Message Format',
			name: MESSAGE_PARAMETERS.format,
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'CQ Code String',
					value: 'cqCode',
					description: 'Text with CQ codes such as [CQ:at,qq=123456] or [CQ:image,file=https://example.com/a.png]',
				},
				{
					name: 'Plain Text',
					value: 'text',
					description: 'Literal text; brackets and CQ codes are not interpreted (auto_escape)',
				},
				{
					name: 'Raw JSON Segments',
					value: 'json',
					description: 'A JSON array of segments, e.g. [{"type": "text", "data": {"text": "Hi"}}]',
				},
				{
					name: 'Segment Builder',
					value: 'segments',
					description: 'Compose text, mentions, images, files and more, one segment at a time',
				},
			],
			default: 'text',
			description: 'How the message is entered',
			displayOptions: displayOptions ? { ...displayOptions } : undefined,
		},
		{
			displayName: 'Text',
			name: MESSAGE_PARAMETERS.text,
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			description: 'The message, sent as literal text',
			displayOptions: withShow(displayOptions, { [MESSAGE_PARAMETERS.format]: ['text'] }),
		},
		{
			displayName: 'CQ Code String',
			name: MESSAGE_PARAMETERS.cqString,
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: '[CQ:at,qq=123456789] Hello [CQ:image,file=https://example.com/a.png]',
			description:
				'Text with CQ codes such as [CQ:at,qq=123456789]. A literal &, [ or ] must be escaped as a CQ entity; use Plain Text when you need no CQ codes.',
			displayOptions: withShow(displayOptions, { [MESSAGE_PARAMETERS.format]: ['cqCode'] }),
		},
		{
			displayName: 'Segments',
			name: MESSAGE_PARAMETERS.segments,
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Segment',
			default: {},
			description: 'The message segments, in order',
			options: [
				{
					displayName: 'Segment',
					name: SEGMENT_ENTRY,
					values: segmentEntryProperties(),
				},
			],
			displayOptions: withShow(displayOptions, { [MESSAGE_PARAMETERS.format]: ['segments'] }),
		},
		{
			displayName: 'Segments (JSON)',
			name: MESSAGE_PARAMETERS.segmentsJson,
			type: 'json',
			default: '[\n  {\n    "type": "text",\n    "data": {\n      "text": ""\n    }\n  }\n]',
			required: true,
			description:
				'A JSON array of OneBot segments ({"type": ..., "data": {...}}), or a single segment object. Sent as is.',
			displayOptions: withShow(displayOptions, { [MESSAGE_PARAMETERS.format]: ['json'] }),
		},
	].map((p) => JSON.parse(JSON.stringify(p)) as INodeProperties);
}

export interface ReadMessageResult {
	/** CQ-code/plain string, or segments; goes into the action's `message` parameter. */
	message: string | Segment[];
	/** Set for string messages: `auto_escape` (true for Plain Text, false for CQ Code String). */
	autoEscape?: boolean;
}

/** Reads a node parameter of the current item (e.g. `(name) => this.getNodeParameter(name, i)`). */
export type ParameterGetter = (name: string) => unknown;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readString(field: string, value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	throw new MessageInputError(field, `"${field}" must be text, got ${describeValue(value)}`);
}

function emptyError(field: string): MessageInputError {
	return new MessageInputError(field, `"${field}": message must not be empty`);
}

function readEntries(value: unknown): SegmentInput[] {
	const field = MESSAGE_PARAMETERS.segments;
	let entries: unknown = value;
	if (isPlainObject(value)) entries = value[SEGMENT_ENTRY];
	if (entries === undefined || entries === null) return [];
	if (!Array.isArray(entries)) {
		throw new MessageInputError(field, `"${field}" must be a list of segments, got ${describeValue(value)}`);
	}
	return entries.map((entry, i) => {
		if (!isPlainObject(entry)) {
			throw new MessageInputError(field, `"${field}": entry ${i + 1} is not an object`, i);
		}
		// n8n may leave out values equal to their default: the type picker defaults to text.
		return { ...entry, type: typeof entry.type === 'string' && entry.type !== '' ? entry.type : 'text' };
	});
}

/** No segments, or only text segments without text. */
export function isEmptyMessage(segments: readonly Segment[]): boolean {
	return segments.every((s) => s.type === 'text' && (s.data.text === undefined || s.data.text === null || s.data.text === ''));
}

function parseSegmentsJson(value: unknown): Segment[] {
	const field = MESSAGE_PARAMETERS.segmentsJson;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') throw emptyError(field);
		let problem: string | undefined;
		try {
			parsed = parseJsonExact(value);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem !== undefined) {
			throw new MessageInputError(field, `"${field}" must be valid JSON: ${problem}`);
		}
	}
	if (!Array.isArray(parsed) && !isPlainObject(parsed)) {
		throw new MessageInputError(
			field,
			`"${field}" must be a JSON array of segments (or one segment object), got ${describeValue(parsed)}`,
		);
	}
	const segments = normalizeMessage(parsed, { field });
	if (isEmptyMessage(segments)) throw emptyError(field);
	return segments;
}

/**
 * Reads the message parameters of one item and returns what the send action needs.
 * Only the parameter of the chosen format is read (hidden parameters are never requested).
 * Throws MessageInputError naming the field (`text`, `cqString`, `segments` or a segment field,
 * `segmentsJson`).
 */
export async function readMessage(
	get: ParameterGetter,
	resolveBinary?: ResolveBinary,
): Promise<ReadMessageResult> {
	const now = readMessageNow(get);
	if (now) return now;
	const entries = readEntries(get(MESSAGE_PARAMETERS.segments));
	return { message: await buildMessageFromSegments(entries, resolveBinary, MESSAGE_PARAMETERS.segments) };
}

/**
 * readMessage for the formats that need no file (text, CQ code, JSON segments), without a
 * promise; undefined for segments (which may read the item's binary files: use readMessage).
 */
export function readMessageNow(get: ParameterGetter): ReadMessageResult | undefined {
	const format = (get(MESSAGE_PARAMETERS.format) ?? 'text') as MessageFormat;
	switch (format) {
		case 'text': {
			const text = readString(MESSAGE_PARAMETERS.text, get(MESSAGE_PARAMETERS.text));
			if (text.trim() === '') throw emptyError(MESSAGE_PARAMETERS.text);
			return { message: text, autoEscape: true };
		}
		case 'cqCode': {
			const text = readString(MESSAGE_PARAMETERS.cqString, get(MESSAGE_PARAMETERS.cqString));
			if (text.trim() === '') throw emptyError(MESSAGE_PARAMETERS.cqString);
			return { message: text, autoEscape: false };
		}
		case 'segments':
			return undefined;
		case 'json':
			return { message: parseSegmentsJson(get(MESSAGE_PARAMETERS.segmentsJson)) };
		default:
			throw new MessageInputError(
				MESSAGE_PARAMETERS.format,
				`"${MESSAGE_PARAMETERS.format}" must be one of text, cqCode, segments, json, got ${describeValue(format)}`,
			);
	}
}
