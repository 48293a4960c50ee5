/**
 * Every segment type the segment builder offers, as data. Facts from the OneBot 11 standard
 * (`message/segment.md`), go-cqhttp, NapCat, LLOneBot and Lagrange.OneBot segment definitions
 * (see shared/reference/onebot/*segments.json). properties.ts generates the n8n UI from this list
 * and segmentBuilder.ts validates and builds segments from it. Which backend sends which segment,
 * and which fields it ignores, is data too: catalog/segments.json (checked against each backend's
 * converter, see catalog/SEGMENTS.md); the descriptions below are completed from it.
 */
import { KNOWN_BACKENDS as DETECTABLE, backendName, segmentSupport, sendsSegment } from '../backend/data';

export type Backend = 'onebot11' | 'gocqhttp' | 'napcat' | 'llonebot' | 'lagrange';

export const BACKEND_NAMES: Record<Backend, string> = {
	onebot11: 'OneBot 11 standard',
	gocqhttp: 'go-cqhttp',
	napcat: 'NapCat',
	llonebot: 'LLOneBot',
	lagrange: 'Lagrange.OneBot',
};

/** The input control (n8n parameter type) of a field. */
export type SegmentFieldType = 'string' | 'number' | 'boolean' | 'options' | 'json';

/**
 * Extra checks on a (trimmed) string value:
 * - `digits`: unsigned integer; `integer`: signed integer (message ids can be negative)
 * - `qq`: a QQ number (positive integer); `qqOrAll`: a QQ number or `all`
 * - `decimal`: a decimal number such as `39.9`; `httpUrl`: an http(s) URL
 */
export type FieldFormat = 'digits' | 'integer' | 'qq' | 'qqOrAll' | 'decimal' | 'httpUrl';

/**
 * How the value is written into `data`:
 * - `string` (default): OneBot 11 data values are strings, so numbers are sent as text
 * - `number`: a JSON number (extension fields that the backends declare numeric)
 * - `boolean`: a JSON boolean
 * - `jsonText`: JSON validated and sent as a string (an object is JSON-encoded)
 * - `jsonValue`: JSON parsed and sent as an object/array
 * - `message`: a message (CQ-code text, or a JSON array of segments that is sent as segments)
 */
export type WireType = 'string' | 'number' | 'boolean' | 'jsonText' | 'jsonValue' | 'message';

export interface SegmentFieldOption {
	name: string;
	value: string;
	description?: string;
}

export interface SegmentFieldSpec {
	/** Label in the n8n UI (Title Case). */
	displayName: string;
	/** Key in the segment's `data`. */
	name: string;
	type: SegmentFieldType;
	/** Must be set when the field applies (see showWhen). Absent means optional. */
	required?: boolean;
	/**
	 * The UI default; also used when the input leaves the field out. For options fields an empty
	 * value means "not set" (the key is not sent). For optional number fields 0 means "not set".
	 */
	default?: string | number | boolean;
	options?: SegmentFieldOption[];
	description: string;
	format?: FieldFormat;
	wire?: WireType;
	/** The field only applies when the sibling field (by data key) has one of these values. */
	showWhen?: { field: string; values: string[] };
	/** Whitespace is content (not trimmed; a value of only spaces counts as set). */
	keepWhitespace?: boolean;
	placeholder?: string;
	/** Multi-line input with this many rows. */
	rows?: number;
}

export interface SegmentTypeSpec {
	/** The segment type on the wire. */
	type: string;
	/** Display name in the type picker. */
	name: string;
	/** What it is, and which backends support sending it. */
	description: string;
	backends: Backend[];
	fields: SegmentFieldSpec[];
	/**
	 * Takes a `file` that comes from a URL, a path on the backend, base64 text or an n8n binary
	 * property (the builder adds the source picker and writes `data.file` first).
	 */
	media?: boolean;
	/** At least one of these groups of fields must be fully set (e.g. node: an id, or a custom node). */
	requireOneOf?: string[][];
}

const ALL: Backend[] = ['onebot11', 'gocqhttp', 'napcat', 'llonebot', 'lagrange'];

function describeBackends(backends: Backend[]): string {
	if (backends.length === ALL.length) return 'All backends.';
	if (backends.length === 0) return 'No known backend sends it (refused unless the Backend is Other).';
	return `Backends: ${backends.map((b) => BACKEND_NAMES[b]).join(', ')}.`;
}

/** The backends that send a segment type (catalog/segments.json), the standard first. */
function backendsSending(type: string): Backend[] {
	return (['onebot11', ...DETECTABLE] as const).filter((b) => sendsSegment(type, b));
}

/**
 * What the backends do with a field, from catalog/segments.json: "Ignored by NapCat, LLOneBot.",
 * "NapCat: not flash, show." (values it does not honour), "NapCat needs it when type is custom."
 */
function ignoredNote(type: string, field: string): string {
	const limited = DETECTABLE.flatMap((b) => {
		const support = segmentSupport(type, b);
		return support !== undefined && support !== true && support.drops === undefined ? [{ backend: b, support }] : [];
	});
	const notes: string[] = [];
	const ignoring = limited.filter(({ support }) => support.ignores?.includes(field)).map(({ backend }) => backendName(backend));
	if (ignoring.length > 0) notes.push(`Ignored by ${ignoring.join(', ')}.`);
	for (const { backend, support } of limited) {
		const values = (support.refuse ?? []).filter((r) => r.field === field).flatMap((r) => r.values);
		if (values.length > 0) notes.push(`${backendName(backend)}: not ${values.join(', ')}.`);
		for (const rule of support.requires ?? []) {
			if (!rule.fields.includes(field)) continue;
			const when = rule.when ? ` when ${rule.when.field} is ${rule.when.values.join(' or ')}` : '';
			notes.push(`${backendName(backend)} needs it${when}.`);
		}
	}
	return notes.length > 0 ? ` ${notes.join(' ')}` : '';
}

function segment(spec: Omit<SegmentTypeSpec, 'backends'>): SegmentTypeSpec {
	const backends = backendsSending(spec.type);
	return {
		...spec,
		backends,
		description: `${spec.description} ${describeBackends(backends)}`,
		fields: spec.fields.map((field) => {
			const note = ignoredNote(spec.type, field.name);
			return note ? { ...field, description: `${field.description.replace(/[.]?$/, '.')}${note}` } : field;
		}),
	};
}

const DEFAULT_YES_NO: SegmentFieldOption[] = [
	{ name: 'Backend Default', value: '' },
	{ name: 'No', value: '0' },
	{ name: 'Yes', value: '1' },
];

/** `cache`, `proxy`, `timeout`: only used when the file is downloaded from a URL (standard, go-cqhttp). */
const DOWNLOAD_FIELDS: SegmentFieldSpec[] = [
	{
		displayName: 'Use Cache',
		name: 'cache',
		type: 'options',
		default: '',
		options: DEFAULT_YES_NO,
		description: 'URL files only: whether to reuse an already downloaded copy (standard default: yes)',
		showWhen: { field: 'source', values: ['url'] },
	},
	{
		displayName: 'Use Proxy',
		name: 'proxy',
		type: 'options',
		default: '',
		options: DEFAULT_YES_NO,
		description: "URL files only: whether to download through the backend's proxy (standard default: yes)",
		showWhen: { field: 'source', values: ['url'] },
	},
	{
		displayName: 'Download Timeout',
		name: 'timeout',
		type: 'number',
		default: 0,
		description: 'URL files only: download timeout in seconds; 0 means no timeout (backend default)',
		showWhen: { field: 'source', values: ['url'] },
	},
];

const MUSIC_PLATFORMS: SegmentFieldOption[] = [
	{ name: 'Custom', value: 'custom', description: 'Your own card: jump URL, audio URL, title' },
	{ name: 'Kugou', value: 'kugou', description: 'NapCat only' },
	{ name: 'Kuwo', value: 'kuwo', description: 'NapCat only' },
	{ name: 'Migu', value: 'migu', description: 'NapCat only' },
	{ name: 'NetEase Cloud Music', value: '163' },
	{ name: 'QQ Music', value: 'qq' },
	{ name: 'Xiami', value: 'xm', description: 'OneBot 11 standard; not go-cqhttp or NapCat' },
];

const PLATFORM_VALUES = MUSIC_PLATFORMS.map((o) => o.value).filter((v) => v !== 'custom');

export const SEGMENT_TYPES: readonly SegmentTypeSpec[] = [
	segment({
		type: 'text',
		name: 'Text',
		description: 'Plain text (sent as is, no CQ codes parsed).',
		fields: [
			{
				displayName: 'Text',
				name: 'text',
				type: 'string',
				required: true,
				default: '',
				description: 'The text to send',
				keepWhitespace: true,
				rows: 2,
			},
		],
	}),
	segment({
		type: 'face',
		name: 'Face (QQ Emoji)',
		description: 'A built-in QQ face by its ID.',
		fields: [
			{
				displayName: 'Face ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				format: 'digits',
				placeholder: 'e.g. 178',
				description: 'QQ face ID (see the QQ face ID table)',
			},
		],
	}),
	segment({
		type: 'at',
		name: 'At (Mention)',
		description: 'Mentions a group member, or everyone with "all".',
		fields: [
			{
				displayName: 'QQ',
				name: 'qq',
				type: 'string',
				required: true,
				default: '',
				format: 'qqOrAll',
				placeholder: 'e.g. 123456789 or all',
				description: 'QQ number of the member to mention, or "all" for everyone',
			},
			{
				displayName: 'Display Name',
				name: 'name',
				type: 'string',
				default: '',
				description:
					'Name shown if the member is not found (go-cqhttp, NapCat, Lagrange.OneBot; ignored elsewhere)',
			},
		],
	}),
	segment({
		type: 'reply',
		name: 'Reply',
		description: 'Quotes an earlier message; put it first in the message.',
		fields: [
			{
				displayName: 'Message ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				format: 'integer',
				placeholder: 'e.g. -2147483000',
				description: 'ID of the message to reply to (may be negative)',
			},
		],
	}),
	segment({
		type: 'image',
		name: 'Image',
		description: 'An image from a URL, a path on the backend, base64 or an n8n binary field.',
		media: true,
		fields: [
			{
				displayName: 'Image Type',
				name: 'type',
				type: 'options',
				default: '',
				options: [
					{ name: 'Flash', value: 'flash', description: 'Flash image, disappears after viewing' },
					{ name: 'Normal', value: '' },
					{ name: 'Show', value: 'show', description: 'Show image with an effect (go-cqhttp only)' },
				],
				description: 'Normal, flash or show image',
			},
			{
				displayName: 'Summary',
				name: 'summary',
				type: 'string',
				default: '',
				description: 'Text shown in previews, e.g. [图片] (NapCat, Lagrange.OneBot)',
			},
			...DOWNLOAD_FIELDS,
		],
	}),
	segment({
		type: 'record',
		name: 'Voice Record',
		description: 'A voice message (audio file; the backend converts it to SILK).',
		media: true,
		fields: [
			{
				displayName: 'Voice Changer',
				name: 'magic',
				type: 'options',
				default: '',
				options: DEFAULT_YES_NO,
				description: 'Whether to change the voice (standard only)',
			},
			...DOWNLOAD_FIELDS,
		],
	}),
	segment({
		type: 'video',
		name: 'Video',
		description: 'A short video (MP4 is safest).',
		media: true,
		fields: [...DOWNLOAD_FIELDS],
	}),
	segment({
		type: 'file',
		name: 'File',
		description:
			'A file inside a message (not part of the OneBot 11 standard; use the upload file actions elsewhere).',
		media: true,
		fields: [
			{
				displayName: 'File Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'report.pdf',
				description: "Name shown in the chat. Empty: the binary field's file name when the source is Binary.",
			},
		],
	}),
	segment({
		type: 'json',
		name: 'JSON Card',
		description: 'A JSON (light app) card message.',
		fields: [
			{
				displayName: 'JSON',
				name: 'data',
				type: 'json',
				required: true,
				default: '',
				wire: 'jsonText',
				description: 'The card JSON; sent as a string',
			},
		],
	}),
	segment({
		type: 'xml',
		name: 'XML Card',
		description: 'An XML card message.',
		fields: [
			{
				displayName: 'XML',
				name: 'data',
				type: 'string',
				required: true,
				default: '',
				keepWhitespace: true,
				rows: 4,
				description: 'The card XML',
			},
		],
	}),
	segment({
		type: 'poke',
		name: 'Poke',
		description:
			'A poke. Standard/NapCat/Lagrange.OneBot use Type and ID (1 and -1 is the usual poke); go-cqhttp pokes the member in QQ instead.',
		fields: [
			{
				displayName: 'Poke Type',
				name: 'type',
				type: 'string',
				required: true,
				default: '1',
				format: 'integer',
				description: 'Poke type (Mirai PokeMessage type; 1 is the ordinary poke)',
			},
			{
				displayName: 'Poke ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '-1',
				format: 'integer',
				description: 'Poke ID (Mirai PokeMessage ID; -1 for the ordinary poke)',
			},
			{
				displayName: 'QQ',
				name: 'qq',
				type: 'string',
				default: '',
				format: 'qq',
				description: 'Go-cqhttp only: QQ number of the group member to poke',
			},
		],
	}),
	segment({
		type: 'music',
		name: 'Music Share',
		description:
			'A music card: a song on a platform by ID, or a custom card. go-cqhttp reads the custom audio URL from "voice" (send raw JSON for it).',
		fields: [
			{
				displayName: 'Platform',
				name: 'type',
				type: 'options',
				required: true,
				default: 'qq',
				options: MUSIC_PLATFORMS,
				description: 'Music platform, or Custom for your own card',
			},
			{
				displayName: 'Song ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				description: 'The song ID on the platform',
				showWhen: { field: 'type', values: PLATFORM_VALUES },
			},
			{
				displayName: 'Jump URL',
				name: 'url',
				type: 'string',
				required: true,
				default: '',
				format: 'httpUrl',
				description: 'Page opened when the card is clicked',
				showWhen: { field: 'type', values: ['custom'] },
			},
			{
				displayName: 'Audio URL',
				name: 'audio',
				type: 'string',
				required: true,
				default: '',
				format: 'httpUrl',
				description: 'URL of the audio to play',
				showWhen: { field: 'type', values: ['custom'] },
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				required: true,
				default: '',
				description: 'Card title',
				showWhen: { field: 'type', values: ['custom'] },
			},
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				default: '',
				description: 'Card description',
				showWhen: { field: 'type', values: ['custom'] },
			},
			{
				displayName: 'Image URL',
				name: 'image',
				type: 'string',
				default: '',
				format: 'httpUrl',
				description: 'Cover image URL (NapCat requires it for custom cards)',
				showWhen: { field: 'type', values: ['custom'] },
			},
		],
	}),
	segment({
		type: 'share',
		name: 'Link Share',
		description: 'A link card.',
		fields: [
			{
				displayName: 'URL',
				name: 'url',
				type: 'string',
				required: true,
				default: '',
				format: 'httpUrl',
				description: 'The shared link',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				required: true,
				default: '',
				description: 'Card title',
			},
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				default: '',
				description: 'Card description',
			},
			{
				displayName: 'Image URL',
				name: 'image',
				type: 'string',
				default: '',
				format: 'httpUrl',
				description: 'Card image URL',
			},
		],
	}),
	segment({
		type: 'location',
		name: 'Location',
		description: 'A map location.',
		fields: [
			{
				displayName: 'Latitude',
				name: 'lat',
				type: 'string',
				required: true,
				default: '',
				format: 'decimal',
				placeholder: 'e.g. 39.9087',
				description: 'Latitude in degrees',
			},
			{
				displayName: 'Longitude',
				name: 'lon',
				type: 'string',
				required: true,
				default: '',
				format: 'decimal',
				placeholder: 'e.g. 116.3975',
				description: 'Longitude in degrees',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				description: 'Place name',
			},
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				default: '',
				description: 'Place description',
			},
		],
	}),
	segment({
		type: 'contact',
		name: 'Contact Card',
		description: 'Recommends a friend or a group.',
		fields: [
			{
				displayName: 'Contact Type',
				name: 'type',
				type: 'options',
				required: true,
				default: 'qq',
				options: [
					{ name: 'Friend', value: 'qq' },
					{ name: 'Group', value: 'group' },
				],
				description: 'Recommend a user or a group',
			},
			{
				displayName: 'Contact ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				format: 'qq',
				description: 'QQ number of the user, or the group number',
			},
		],
	}),
	segment({
		type: 'dice',
		name: 'Dice',
		description: 'The dice magic face (random result).',
		fields: [],
	}),
	segment({
		type: 'rps',
		name: 'Rock Paper Scissors',
		description: 'The rock-paper-scissors magic face (random result).',
		fields: [],
	}),
	segment({
		type: 'shake',
		name: 'Shake',
		description: 'Window shake (private chats).',
		fields: [],
	}),
	segment({
		type: 'anonymous',
		name: 'Anonymous',
		description: 'Sends the group message anonymously; put it first in the message.',
		fields: [
			{
				displayName: 'Send If Anonymous Fails',
				name: 'ignore',
				type: 'options',
				default: '',
				options: DEFAULT_YES_NO,
				description: 'Whether to send normally when anonymous sending is not possible',
			},
		],
	}),
	segment({
		type: 'forward',
		name: 'Forward (By ID)',
		description:
			'A merged-forward message by its forward ID (receive-only in the standard; backends that send it re-send the forward).',
		fields: [
			{
				displayName: 'Forward ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				description: 'The forward (res) ID, e.g. from a received forward segment',
			},
		],
	}),
	segment({
		type: 'node',
		name: 'Forward Node',
		description:
			'One node of a merged-forward message (for the send forward message actions): an existing message by ID, or a custom node with sender and content.',
		requireOneOf: [['id'], ['user_id', 'nickname', 'content']],
		fields: [
			{
				displayName: 'Message ID',
				name: 'id',
				type: 'string',
				default: '',
				format: 'integer',
				description: 'Forward an existing message by its ID (leave the custom fields empty)',
			},
			{
				displayName: 'Sender QQ',
				name: 'user_id',
				type: 'string',
				default: '',
				format: 'qq',
				description: 'Custom node: QQ number shown as the sender',
			},
			{
				displayName: 'Sender Name',
				name: 'nickname',
				type: 'string',
				default: '',
				description: 'Custom node: name shown as the sender',
			},
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				default: '',
				wire: 'message',
				keepWhitespace: true,
				rows: 2,
				description:
					'Custom node: the message, as text with CQ codes or a JSON array of segments',
			},
		],
	}),
	segment({
		type: 'markdown',
		name: 'Markdown',
		description: 'A Markdown message (needs an account allowed to send it).',
		fields: [
			{
				displayName: 'Markdown',
				name: 'content',
				type: 'string',
				required: true,
				default: '',
				keepWhitespace: true,
				rows: 4,
				description: 'The Markdown text',
			},
		],
	}),
	segment({
		type: 'mface',
		name: 'Market Face (Sticker)',
		description: 'A sticker from a QQ sticker pack.',
		fields: [
			{
				displayName: 'Emoji Package ID',
				name: 'emoji_package_id',
				type: 'string',
				required: true,
				default: '',
				format: 'digits',
				wire: 'number',
				description: 'Sticker pack ID (sent as a number)',
			},
			{
				displayName: 'Emoji ID',
				name: 'emoji_id',
				type: 'string',
				required: true,
				default: '',
				description: 'Sticker ID within the pack',
			},
			{
				displayName: 'Key',
				name: 'key',
				type: 'string',
				required: true,
				default: '',
				description: 'Sticker key',
			},
			{
				displayName: 'Summary',
				name: 'summary',
				type: 'string',
				default: '',
				description: 'Preview text such as [微笑] (required by NapCat)',
			},
		],
	}),
	segment({
		type: 'miniapp',
		name: 'Mini App',
		description: 'A mini program card.',
		fields: [
			{
				displayName: 'Mini App Data',
				name: 'data',
				type: 'json',
				required: true,
				default: '',
				wire: 'jsonText',
				description: 'The mini app card JSON; sent as a string',
			},
		],
	}),
	segment({
		type: 'keyboard',
		name: 'Keyboard',
		description: 'A button keyboard attached to the message (bot accounts).',
		fields: [
			{
				displayName: 'Keyboard',
				name: 'content',
				type: 'json',
				required: true,
				default: '',
				wire: 'jsonValue',
				description: 'Keyboard JSON object (rows of buttons); sent as an object',
			},
		],
	}),
	segment({
		type: 'longmsg',
		name: 'Long Message',
		description: 'A long message by its ID.',
		fields: [
			{
				displayName: 'Long Message ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				description: 'The long message (res) ID',
			},
		],
	}),
	segment({
		type: 'onlinefile',
		name: 'Online File',
		description: 'Re-sends an online file from a received message.',
		fields: [
			{
				displayName: 'Message ID',
				name: 'msgId',
				type: 'string',
				required: true,
				default: '',
				description: 'ID of the message that holds the file',
			},
			{
				displayName: 'Element ID',
				name: 'elementId',
				type: 'string',
				required: true,
				default: '',
				description: 'ID of the file element in that message',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				required: true,
				default: '',
				description: 'Name of the file',
			},
			{
				displayName: 'File Size',
				name: 'fileSize',
				type: 'string',
				required: true,
				default: '',
				format: 'digits',
				description: 'Size in bytes',
			},
			{
				displayName: 'Is Folder',
				name: 'isDir',
				type: 'boolean',
				required: true,
				default: false,
				wire: 'boolean',
				description: 'Whether the entry is a folder',
			},
		],
	}),
	segment({
		type: 'flashtransfer',
		name: 'Flash Transfer',
		description: 'A flash-transfer file set by its ID.',
		fields: [
			{
				displayName: 'File Set ID',
				name: 'fileSetId',
				type: 'string',
				required: true,
				default: '',
				description: 'The flash-transfer file set ID',
			},
		],
	}),
	segment({
		type: 'cardimage',
		name: 'Card Image',
		description: 'A large image shown as a card.',
		media: true,
		fields: [
			{
				displayName: 'Min Width',
				name: 'minwidth',
				type: 'number',
				default: 0,
				description: 'Minimum width in pixels; 0 means the backend default (200)',
			},
			{
				displayName: 'Min Height',
				name: 'minheight',
				type: 'number',
				default: 0,
				description: 'Minimum height in pixels; 0 means the backend default (200)',
			},
			{
				displayName: 'Max Width',
				name: 'maxwidth',
				type: 'number',
				default: 0,
				description: 'Maximum width in pixels; 0 means the backend default (500)',
			},
			{
				displayName: 'Max Height',
				name: 'maxheight',
				type: 'number',
				default: 0,
				description: 'Maximum height in pixels; 0 means the backend default (1000)',
			},
			{
				displayName: 'Source Name',
				name: 'source',
				type: 'string',
				default: '',
				description: 'Source name shown on the card',
			},
			{
				displayName: 'Source Icon URL',
				name: 'icon',
				type: 'string',
				default: '',
				description: 'Source icon shown on the card',
			},
		],
	}),
	segment({
		type: 'tts',
		name: 'Text to Speech',
		description: 'Text read out as a voice message (group chats).',
		fields: [
			{
				displayName: 'Text',
				name: 'text',
				type: 'string',
				required: true,
				default: '',
				keepWhitespace: true,
				description: 'The text to read out',
			},
		],
	}),
];

const BY_TYPE = new Map(SEGMENT_TYPES.map((spec) => [spec.type, spec]));

export function getSegmentType(type: string): SegmentTypeSpec | undefined {
	return BY_TYPE.get(type);
}

/** Types whose `file` comes from a media source. */
export const MEDIA_SEGMENT_TYPES: readonly string[] = SEGMENT_TYPES.filter((s) => s.media).map(
	(s) => s.type,
);

/** Input keys of a media source (shared by every media type in the segment builder). */
export const MEDIA_SOURCE_KEYS = ['source', 'url', 'path', 'base64', 'binaryProperty'] as const;

export type MediaSource = 'url' | 'path' | 'base64' | 'binary';

/**
 * The n8n parameter name of a field in a segment-builder entry: the segment type plus the data key
 * in camelCase (`at` + `qq` → `atQq`, `music` + `type` → `musicType`, `mface` +
 * `emoji_package_id` → `mfaceEmojiPackageId`). Prefixing keeps names unique across types and
 * clear of the entry's own `type` and media source keys.
 */
export function fieldParameterName(segmentType: string, fieldName: string): string {
	const words = `${segmentType}_${fieldName}`.split(/[_\-.]+/).filter(Boolean);
	return words
		.map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
		.join('');
}
