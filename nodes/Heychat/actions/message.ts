import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemParameter, nodeHoldsExpression } from '../../shared/itemParameters';
import { splitNames } from '../../shared/listParameters';
import { readOperationParams } from '../../shared/catalog/readParams';
import { InputError, parseJson } from '../../shared/validation';
import { isHandledParam, type HeychatOperationSpec } from '../catalog';
import { toWireValues } from '../catalog/wire';
import { cardMessage } from '../helpers/card';
import { imageFormatOf, imageSize, type ImageInfo } from '../helpers/imageSize';
import { FetchError, formatBytes, guardedFetch } from '../../shared/fetch';
import { bufferSource, mebibytes } from '../../shared/upload/binarySource';
import { escapeMarkdown } from '../helpers/markdown';
import { applyMentions, type MentionPlacement } from '../helpers/mentions';
import { allowPrivateNetwork, callOptions, readBinary, uploadFile, type BinaryFile } from './common';
import { MSG_TYPE, type BuiltMessage, type ImageFileInfo } from './builtMessage';
import { checkPostOptions, postMessage, preparePost, sendPost, type MessageDestination, type PreparedPost } from './post';
import { errorJson, itemError } from './errors';
import { rememberedTarget, tryMemory } from '../../shared/batch';
import {
	TARGET_LIST,
	TARGET_MODE,
	readTargetMode,
	sendToTargets,
	targetModeProperties,
	type TargetFailure,
	type TargetMode,
	type TargetModeSpec,
} from '../../shared/targets';
import { EVERY_ROOM, everyRoomProperties, readEveryRoomParams, sendToEveryRoom } from './everyRoom';

/*
 * Send, update and private messages: the user picks a message type and the node builds the body
 * (msg, msg_type, heychat_ack_id, addition, mentions, reply, image upload).
 */

/** Reply (actions/reply.ts) builds a channel message too, sent where the input item's event happened. */
export const CHANNEL_MESSAGE_OPS = ['send_channel_message', 'update_channel_message', 'reply'];
export const PRIVATE_MESSAGE_OPS = ['send_private_message'];
const ALL_MESSAGE_OPS = [...CHANNEL_MESSAGE_OPS, ...PRIVATE_MESSAGE_OPS];


type MessageType = 'text' | 'markdown' | 'markdownMentions' | 'image' | 'card';

const EXAMPLE_CARD = JSON.stringify(
	{
		data: [
			{
				type: 'card',
				modules: [
					{ type: 'header', content: { type: 'plain-text', text: 'Hello' } },
					{ type: 'section', paragraph: [{ type: 'markdown', text: '**Sent from n8n**' }] },
				],
			},
		],
	},
	null,
	2,
);

const show = (operation: string[], extra: IDataObject = {}) => ({
	show: { resource: ['message'], operation, ...extra },
});

/** Default of Message Options › Max File Size (MiB): the largest image "Upload URL Image First" downloads. */
export const DEFAULT_REUPLOAD_MAX_MIB = 20;

/** The most bytes read to measure an image by URL (a Range request; servers that ignore it are cut here). */
export const MEASURE_MAX_BYTES = 256 * 1024;

/** A message option shared by channel and private messages. */
const ACK_ID_OPTION: INodeProperties = {
	displayName: 'Ack ID',
	name: 'ackId',
	type: 'string',
	default: '',
	description:
		'The heychat_ack_id, one per item (an expression that differs per item): Heychat takes only the first message with an ack ID. By default one is derived from the execution, run and item, so a retried send is recognised by Heychat and not posted twice.',
};

/** A message option shared by channel and private messages. */
const IMAGE_HEIGHT_OPTION: INodeProperties = {
	displayName: 'Image Height',
	name: 'imageHeight',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description:
		'Image from a URL: its height in pixels. Without width and height the node reads the start of the image (at most 256 KiB, from the n8n host) to measure it.',
};

/** A message option shared by channel and private messages. */
const IMAGE_WIDTH_OPTION: INodeProperties = {
	displayName: 'Image Width',
	name: 'imageWidth',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description:
		'Image from a URL: its width in pixels. Without width and height the node reads the start of the image (at most 256 KiB, from the n8n host) to measure it.',
};

/** A message option shared by channel and private messages. */
const REUPLOAD_URL_OPTION: INodeProperties = {
	displayName: 'Upload URL Image First',
	name: 'reuploadUrl',
	type: 'boolean',
	default: false,
	description:
		'Whether the node downloads the image URL itself (from the n8n host, public addresses only unless Options › Allow Private Network Addresses is on) and uploads it to the Heychat CDN before sending, for images hosted elsewhere',
};

/** A message option shared by channel and private messages. */
const MAX_FILE_SIZE_OPTION: INodeProperties = {
	displayName: 'Max File Size (MiB)',
	name: 'maxFileSize',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_REUPLOAD_MAX_MIB,
	description: 'Upload URL Image First: the largest image downloaded; the download stops there and the item fails',
};

/**
 * Send Channel Message to many channels: a list of room/channel pairs, or one channel (by name) in
 * every room the bot is in (actions/everyRoom.ts).
 */
export const CHANNEL_FAN_OUT: TargetModeSpec & { operation: string; params: string[] } = {
	operation: 'send_channel_message',
	params: ['room_id', 'channel_id'],
	noun: 'channel',
	plural: 'channels',
	all: true,
	every: EVERY_ROOM,
	listHint: 'room ID/channel ID pairs separated by commas or new lines, or a JSON array of {"room_id", "channel_id"} objects',
	listPlaceholder: 'e.g. 3663316788315193344/3665944781964836864',
};

/** Hides the room and channel fields when Send Channel Message goes to a list or to every room. */
export function hideFanOutParam(op: { value: string }, param: { name: string }): Record<string, string[]> | undefined {
	return op.value === CHANNEL_FAN_OUT.operation && CHANNEL_FAN_OUT.params.includes(param.name)
		? { [TARGET_MODE]: ['list', 'all'] }
		: undefined;
}

export interface ChannelTarget {
	room_id: string;
	channel_id: string;
}

/** The channels of a list: "room/channel" (or "room:channel") entries, or a JSON array of objects or such strings. */
export function parseChannelTargets(value: unknown): ChannelTarget[] {
	const field = TARGET_LIST;
	const text = typeof value === 'string' ? value.trim() : '';
	const json = Array.isArray(value) ? value : text.startsWith('[') ? parseJson(field, text) : undefined;
	const entries: unknown[] = Array.isArray(json)
		? json
		: splitNames(text);
	const seen = new Set<string>();
	const targets: ChannelTarget[] = [];
	entries.forEach((entry, i) => {
		let room: unknown;
		let channel: unknown;
		if (entry !== null && typeof entry === 'object') {
			room = (entry as IDataObject).room_id ?? (entry as IDataObject).roomId;
			channel = (entry as IDataObject).channel_id ?? (entry as IDataObject).channelId;
		} else {
			[room, channel] = String(entry).split(/[/:]/).map((part) => part.trim());
		}
		// a number beyond 2^53 has already lost its last digits: sending its text would address another id
		if ([room, channel].some((id) => typeof id === 'number' && !Number.isSafeInteger(id))) {
			throw new InputError(field, `"${field}" entry ${i + 1} holds an ID as a number beyond 2^53, which lost precision (${String(room)}/${String(channel)}); pass room and channel IDs as strings`);
		}
		const ids = [room, channel].map((id) => (typeof id === 'number' || typeof id === 'bigint' ? String(id) : id));
		if (!ids.every((id) => typeof id === 'string' && /^\d+$/.test(id))) {
			throw new InputError(field, `"${field}" entry ${i + 1} must be a room ID and a channel ID, e.g. 3663316788315193344/3665944781964836864, got ${JSON.stringify(entry)}`);
		}
		const key = `${String(ids[0])}/${String(ids[1])}`;
		if (seen.has(key)) return;
		seen.add(key);
		targets.push({ room_id: String(ids[0]), channel_id: String(ids[1]) });
	});
	if (targets.length === 0) throw new InputError(field, `"${field}": list at least one channel`);
	return targets;
}

export const messageProperties: INodeProperties[] = [
	...targetModeProperties(CHANNEL_FAN_OUT, { resource: ['message'], operation: [CHANNEL_FAN_OUT.operation] }),
	...everyRoomProperties({ resource: ['message'], operation: [CHANNEL_FAN_OUT.operation] }),
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		noDataExpression: true,
		displayOptions: show(CHANNEL_MESSAGE_OPS),
		options: [
			{ name: 'Card', value: 'card', description: 'Interactive card from JSON (msg_type 20)' },
			{ name: 'Image', value: 'image', description: 'One image from a binary field or a URL (msg_type 3)' },
			{ name: 'Markdown', value: 'markdown', description: 'Markdown text (msg_type 4)' },
			{
				name: 'Markdown With Mentions',
				value: 'markdownMentions',
				description: 'Markdown that mentions users, roles, channels, everyone or online members (msg_type 10)',
			},
			{ name: 'Text', value: 'text', description: 'Text shown as typed: sent as markdown with markdown characters escaped' },
		],
		default: 'text',
	},
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		noDataExpression: true,
		displayOptions: show(PRIVATE_MESSAGE_OPS),
		options: [
			{ name: 'Image', value: 'image', description: 'One image from a binary field or a URL (msg_type 3)' },
			{ name: 'Markdown', value: 'markdown', description: 'Markdown text (msg_type 4)' },
			{ name: 'Text', value: 'text', description: 'Text shown as typed: sent as markdown with markdown characters escaped' },
		],
		default: 'text',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: show(ALL_MESSAGE_OPS, { messageType: ['text', 'markdown', 'markdownMentions'] }),
		description: 'The message. Markdown may also contain mention tokens and channel links in Heychat syntax (see the Heychat section of the README).',
	},
	{
		displayName: 'Card JSON',
		name: 'card',
		type: 'json',
		default: EXAMPLE_CARD,
		required: true,
		displayOptions: show(CHANNEL_MESSAGE_OPS, { messageType: ['card'] }),
		description:
			'{"data": [cards]}, an array of cards, or one card. At most 3 cards with 1 to 10 modules each. Card images must be Heychat CDN URLs.',
	},
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		displayOptions: show(ALL_MESSAGE_OPS, { messageType: ['image'] }),
		options: [
			{ name: 'Binary File', value: 'binary', description: 'Upload an image from a binary field of the input item' },
			{ name: 'URL', value: 'url', description: 'An image that is already online' },
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: show(ALL_MESSAGE_OPS, { messageType: ['image'], imageSource: ['binary'] }),
		hint: 'The name of the input binary field with the image (PNG, JPEG, GIF or WebP)',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://chat.max-c.com/attachments/...',
		displayOptions: show(ALL_MESSAGE_OPS, { messageType: ['image'], imageSource: ['url'] }),
		description:
			'Heychat shows images from its own CDN; use "Upload URL Image First" for other hosts. Unless Image Width and Image Height are set, the node reads the start of this URL from the n8n host to measure the image (public addresses only, unless Options › Allow Private Network Addresses is on).',
	},
	{
		displayName: 'Mentions',
		name: 'mentions',
		type: 'collection',
		placeholder: 'Add Mention',
		default: {},
		displayOptions: show(CHANNEL_MESSAGE_OPS, { messageType: ['markdownMentions'] }),
		options: [
			{
				displayName: 'Channel IDs',
				name: 'channels',
				type: 'string',
				default: '',
				description: 'Channel IDs to link, comma-separated. Channel links already in the text are listed too.',
			},
			{
				displayName: 'Insert Mentions',
				name: 'placement',
				type: 'options',
				options: [
					{ name: 'At the End', value: 'end' },
					{ name: 'At the Start', value: 'start' },
					{ name: 'No (Already in the Text)', value: 'none' },
				],
				default: 'start',
				description: 'Where the mention tokens go in the text',
			},
			{
				displayName: 'Mention Everyone',
				name: 'everyone',
				type: 'boolean',
				default: false,
				description: 'Whether to mention every member of the room with @{all} (needs the mention-everyone permission)',
			},
			{
				displayName: 'Mention Online Members',
				name: 'here',
				type: 'boolean',
				default: false,
				description: 'Whether to mention the members who are online with @{here}',
			},
			{
				displayName: 'Role IDs',
				name: 'roles',
				type: 'string',
				default: '',
				description: 'Role IDs to mention, comma-separated',
			},
			{
				displayName: 'User IDs',
				name: 'users',
				type: 'string',
				default: '',
				description: 'Heybox user IDs to mention, comma-separated',
			},
		],
	},
	{
		displayName: 'Message Options',
		name: 'messageOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(CHANNEL_MESSAGE_OPS),
		options: [
			ACK_ID_OPTION,
			{
				displayName: 'Append Images (Binary Fields)',
				name: 'inlineImages',
				type: 'string',
				default: '',
				placeholder: 'data, chart',
				description:
					'Text and markdown only: binary fields to upload and show below the text, separated by commas (, or ，), 、 or new lines',
				// an image or card message has no text to add them below
				displayOptions: { show: { '/messageType': ['text', 'markdown', 'markdownMentions'] } },
			},
			{
				displayName: 'Channel Type',
				name: 'channelType',
				type: 'number',
				typeOptions: { numberPrecision: 0 },
				default: 1,
				description: 'Send only: the channel_type field (1 = text channel)',
				// Update Channel Message has no channel_type
				displayOptions: { show: { '/operation': ['send_channel_message', 'reply'] } },
			},
			IMAGE_HEIGHT_OPTION,
			IMAGE_WIDTH_OPTION,
			MAX_FILE_SIZE_OPTION,
			{
				displayName: 'Reply To Message ID',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'The msg_id of the message to reply to (quote). Channel messages only: a Reply that goes private with this set is an error.',
			},
			REUPLOAD_URL_OPTION,
		],
	},
	{
		displayName: 'Message Options',
		name: 'messageOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(PRIVATE_MESSAGE_OPS),
		options: [
			ACK_ID_OPTION,
			IMAGE_HEIGHT_OPTION,
			IMAGE_WIDTH_OPTION,
			MAX_FILE_SIZE_OPTION,
			REUPLOAD_URL_OPTION,
		],
	},
];

function additionWith(images: ImageFileInfo[]): string {
	return images.length === 0 ? '{"img_files_info":[]}' : JSON.stringify({ img_files_info: images });
}

function positiveInt(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/** The guarded fetch settings for this item (Options › Allow Private Network Addresses, timeout). */
function fetchSettings(this: IExecuteFunctions, itemIndex: number): { allowPrivateNetwork: boolean; timeoutMs: number } {
	return {
		allowPrivateNetwork: allowPrivateNetwork.call(this, itemIndex),
		timeoutMs: callOptions.call(this, itemIndex).timeoutMs ?? 30_000,
	};
}

/** A fetch refused for its address: an error naming the field and the option that allows it. */
function refusedError(error: FetchError, field: string, label: string): InputError {
	return new InputError(field, `"${label}": ${error.message}`);
}

/**
 * Reads only as much of an image URL as it takes to learn its size (at most 256 KiB, asked for
 * with Range; a server that ignores Range is cut off there). Undefined when it cannot be read or
 * is not an image; an error when the address is refused.
 */
async function measureUrl(this: IExecuteFunctions, itemIndex: number, url: string): Promise<ImageInfo | undefined> {
	try {
		const fetched = await guardedFetch(url, {
			...fetchSettings.call(this, itemIndex),
			maxBytes: MEASURE_MAX_BYTES,
			overflow: 'truncate',
			headers: { Range: `bytes=0-${MEASURE_MAX_BYTES - 1}` },
			until: (head) => imageSize(head) !== undefined,
		});
		return imageSize(fetched.body);
	} catch (error) {
		if (error instanceof FetchError && (error.kind === 'refused' || error.kind === 'url')) {
			throw refusedError(error, 'imageUrl', 'Image URL');
		}
		this.logger?.debug(`Heychat: could not measure the image URL: ${(error as Error).message}`);
		return undefined;
	}
}

/** Why a re-upload download failed, as the error for the item (naming the field at fault). */
function downloadFailure(error: unknown, url: string, maxBytes: number): Error {
	if (!(error instanceof FetchError)) return error instanceof Error ? error : new Error(String(error));
	if (error.kind === 'refused' || error.kind === 'url') return refusedError(error, 'imageUrl', 'Image URL');
	if (error.kind === 'tooLarge') {
		return new InputError(
			'maxFileSize',
			`The image at "${url}" is larger than ${formatBytes(maxBytes)}, the "Max File Size (MiB)" of Message Options (Upload URL Image First). Raise it to re-upload larger images.`,
		);
	}
	return new InputError('imageUrl', `Could not download the image at "${url}" to re-upload it: ${error.message}`);
}

/** Downloads an image URL to re-upload it, at most Message Options › Max File Size. */
async function downloadImage(
	this: IExecuteFunctions,
	itemIndex: number,
	url: string,
	options: IDataObject,
): Promise<{ data: Buffer; image: ImageInfo }> {
	const maxBytes = mebibytes(options.maxFileSize, DEFAULT_REUPLOAD_MAX_MIB);
	let data: Buffer;
	try {
		const fetched = await guardedFetch(url, {
			...fetchSettings.call(this, itemIndex),
			maxBytes,
			overflow: 'fail',
			// stop at the first bytes when they are not an image's
			until: (head) => head.length >= 12 && imageFormatOf(head) === undefined,
		});
		data = fetched.body;
	} catch (error) {
		throw downloadFailure(error, url, maxBytes);
	}
	const image = imageSize(data);
	if (!image) throw new InputError('imageUrl', `"${url}" is not a PNG, JPEG, GIF or WebP image`);
	return { data, image };
}

/** The image of an image message: uploaded from binary data or taken from a URL. */
async function messageImage(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): Promise<ImageFileInfo> {
	const source = itemParameter(this, 'imageSource', itemIndex, 'binary') as string;
	if (source === 'binary') {
		const property = itemParameter(this, 'binaryPropertyName', itemIndex, 'data') as string;
		const file = await readBinary.call(this, itemIndex, property, 'binaryPropertyName');
		if (!file.image) {
			throw new InputError(
				'binaryPropertyName',
				`Binary field "${property.trim()}" is not a PNG, JPEG, GIF or WebP image (${file.mimeType})`,
			);
		}
		const url = await uploadFile.call(this, itemIndex, file);
		return { url, width: file.image.width, height: file.image.height };
	}

	const url = String(itemParameter(this, 'imageUrl', itemIndex, '')).trim();
	if (url === '') throw new InputError('imageUrl', '"Image URL" is required');
	if (!isHttpUrl(url)) throw new InputError('imageUrl', `"Image URL" must be an http(s) URL, got "${url}"`);
	const width = positiveInt(options.imageWidth);
	const height = positiveInt(options.imageHeight);

	if (options.reuploadUrl === true) {
		const { data, image } = await downloadImage.call(this, itemIndex, url, options);
		const fileName = lastPathPart(url) || `image.${image.format}`;
		const uploaded = await uploadFile.call(this, itemIndex, {
			source: bufferSource(data),
			fileName,
			mimeType: image.mimeType,
			image,
		});
		return { url: uploaded, width: image.width, height: image.height };
	}
	if (width && height) return { url, width, height };
	// best effort: read the size from the image itself
	const image = await measureUrl.call(this, itemIndex, url);
	return image ? { url, width: width ?? image.width, height: height ?? image.height } : { url, width, height };
}

function lastPathPart(url: string): string {
	const part = new URL(url).pathname.split('/').pop() || '';
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}

/** Uploads the "Append Images" binary fields; each becomes ![](url) below the text. */
async function inlineImages(this: IExecuteFunctions, itemIndex: number, names: unknown): Promise<ImageFileInfo[]> {
	if (typeof names !== 'string' || names.trim() === '') return [];
	// every field is read and checked first: one that is missing or not an image fails the item
	// before any of them is uploaded
	const files: Array<BinaryFile & { image: ImageInfo }> = [];
	for (const name of splitNames(names)) {
		const file = await readBinary.call(this, itemIndex, name, 'inlineImages');
		if (!file.image) {
			throw new InputError('inlineImages', `Binary field "${name}" is not a PNG, JPEG, GIF or WebP image (${file.mimeType})`);
		}
		files.push(file as BinaryFile & { image: ImageInfo });
	}
	const images: ImageFileInfo[] = [];
	for (const file of files) {
		const url = await uploadFile.call(this, itemIndex, file);
		images.push({ url, width: file.image.width, height: file.image.height });
	}
	return images;
}

/** Builds msg, msg_type, addition (and mentions) from the editor fields. */
export async function buildMessage(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	privateMessage: boolean,
): Promise<BuiltMessage> {
	const type = itemParameter(this, 'messageType', itemIndex, 'text') as MessageType;

	if (type === 'image') {
		const image = await messageImage.call(this, itemIndex, options);
		// msg carries the URL too, as HeyBox.Net sends image messages; img is the documented field.
		return { msg_type: MSG_TYPE.image, msg: image.url, img: image.url, addition: additionWith([image]), images: [image] };
	}
	if (type === 'card') {
		if (privateMessage) throw new InputError('messageType', 'Private messages can only be text, markdown or an image');
		const msg = cardMessage('card', itemParameter(this, 'card', itemIndex, ''));
		return { msg_type: MSG_TYPE.card, msg, addition: '{}', images: [] };
	}
	if (!['text', 'markdown', 'markdownMentions'].includes(type)) {
		throw new InputError('messageType', `Unknown message type "${String(type)}"`);
	}
	// private messages take msg_type 3 and 4 only (heychat-api §5.1): no mentions (a Reply to a member event)
	if (privateMessage && type === 'markdownMentions') {
		throw new InputError('messageType', 'Private messages can only be text, markdown or an image (no mentions)');
	}

	const raw = itemParameter(this, 'text', itemIndex, '');
	const text = typeof raw === 'string' ? raw : String(raw ?? '');
	let msg = type === 'text' ? escapeMarkdown(text) : text;
	let mentions: Pick<BuiltMessage, 'at_user_id' | 'at_role_id' | 'mention_channel_id'> = {};
	if (type === 'markdownMentions') {
		const input = itemParameter(this, 'mentions', itemIndex, {}) as IDataObject;
		const placement = (['start', 'end', 'none'].includes(String(input.placement)) ? input.placement : 'start') as MentionPlacement;
		const built = applyMentions(msg, input, placement);
		msg = built.msg;
		mentions = { at_user_id: built.at_user_id, at_role_id: built.at_role_id, mention_channel_id: built.mention_channel_id };
	}
	// only Reply reaches here with the option (answering an event privately): failing beats sending without the images
	if (privateMessage && typeof options.inlineImages === 'string' && options.inlineImages.trim() !== '') {
		throw new InputError(
			'inlineImages',
			'"Append Images (Binary Fields)" cannot be sent in a private message (Reply answers an event without a channel privately): send the image as its own Image message',
		);
	}
	const images = privateMessage ? [] : await inlineImages.call(this, itemIndex, options.inlineImages);
	for (const image of images) msg += `${msg === '' ? '' : '\n\n'}![](${image.url})`;
	if (msg.trim() === '') throw new InputError('text', '"Text" is required: the message is empty');

	return {
		msg_type: type === 'markdownMentions' ? MSG_TYPE.markdownMentions : MSG_TYPE.markdown,
		msg,
		addition: privateMessage ? '{}' : additionWith(images),
		...mentions,
		images,
	};
}

/**
 * What a send to one chat is made of (the ids, Options, the built message) is the same for every
 * item when no parameter holds an expression and the message takes nothing from the item (no
 * image, no inline images): it is then read, checked and built for the first item only. Each item
 * still gets its own ack ID and request.
 */
interface SameMessage {
	ids: IDataObject;
	options: IDataObject;
	built: BuiltMessage;
	/** The post to the one destination, prepared for the first item that got this far (each item adds its ack ID). */
	post?: PreparedPost;
}

const sameMessages = new WeakMap<object, Map<string, SameMessage>>();

function sameMessageOf(context: IExecuteFunctions, operation: string): SameMessage | undefined {
	return sameMessages.get(context)?.get(operation);
}

function keepSameMessage(context: IExecuteFunctions, operation: string, message: SameMessage): void {
	if (nodeHoldsExpression(context)) return;
	const inline = message.options.inlineImages;
	if (message.built.images.length > 0 || (typeof inline === 'string' && inline.trim() !== '')) return;
	if (itemParameter(context, 'messageType', 0, 'text') === 'image') return;
	let byOperation = sameMessages.get(context);
	if (!byOperation) {
		byOperation = new Map();
		sameMessages.set(context, byOperation);
	}
	byOperation.set(operation, message);
}

/**
 * Send, update and private message: one request with the built body; Send Channel Message to a
 * list of channels or to every room: one request per channel, one output item each (a failing
 * channel does not stop the others; the node fails only when none got the message).
 */
export function sendMessage(this: IExecuteFunctions, op: HeychatOperationSpec, itemIndex: number): Promise<IDataObject[]> {
	let mode: TargetMode;
	try {
		mode = op.value === CHANNEL_FAN_OUT.operation ? readTargetMode(itemParameter(this, TARGET_MODE, itemIndex, 'one')) : 'one';
	} catch (error) {
		return Promise.reject(error as Error);
	}
	// the same message to the same chat as the items before: only this item's ack ID is new
	const post = mode === 'one' ? sameMessageOf(this, op.value)?.post : undefined;
	if (post) return sendPost.call(this, op, itemIndex, post).then(asItems);
	return readAndSendMessage.call(this, op, itemIndex, mode);
}

function asItems(output: IDataObject): IDataObject[] {
	return [output];
}

async function readAndSendMessage(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	itemIndex: number,
	mode: TargetMode,
): Promise<IDataObject[]> {
	const privateMessage = op.value === 'send_private_message';
	const toList = mode !== 'one';
	const same = toList ? undefined : sameMessageOf(this, op.value);
	const ids =
		same?.ids ??
		toWireValues(
			op,
			readOperationParams(
				(name, fallback) => itemParameter(this, name, itemIndex, fallback, true),
				op,
				(o, p) => isHandledParam(o, p) || (toList && CHANNEL_FAN_OUT.params.includes(p.name)),
			),
		);
	const targets = mode === 'list' ? parseChannelTargets(itemParameter(this, TARGET_LIST, itemIndex, '')) : [];
	const everyRoom = mode === 'all' ? readEveryRoomParams.call(this, itemIndex) : undefined;
	const options = same?.options ?? (itemParameter(this, 'messageOptions', itemIndex, {}) as IDataObject);
	// the options a post refuses: checked before buildMessage uploads any image
	if (!same) checkPostOptions(this, options, privateMessage ? 'private' : 'channel');
	const built = same?.built ?? (await buildMessage.call(this, itemIndex, options, privateMessage));
	if (!same && !toList) keepSameMessage(this, op.value, { ids, options, built });

	if (!toList) {
		const kept = same ?? sameMessageOf(this, op.value);
		if (kept?.post) return [await sendPost.call(this, op, itemIndex, kept.post)];
		const destination: MessageDestination = privateMessage
			? { kind: 'private', to_user_id: ids.to_user_id }
			: { kind: 'channel', room_id: ids.room_id, channel_id: ids.channel_id, msg_id: ids.msg_id };
		const post = await preparePost.call(this, op, built, options, destination);
		// the same message to the same chat for every item: its body is written once
		if (kept) kept.post = post;
		return [await sendPost.call(this, op, itemIndex, post)];
	}
	// a channel that got the message in an earlier try of a Retry On Fail is not sent to again
	const memory = tryMemory(this);
	const post = async (target: ChannelTarget): Promise<IDataObject> => {
		const key = `${target.room_id}/${target.channel_id}`;
		return await rememberedTarget(memory, itemIndex, key, async () => ({
			success: true,
			...(await postMessage.call(this, op, itemIndex, built, options, { kind: 'channel', ...target }, key)),
		}));
	};
	const failure = async (caught: unknown): Promise<TargetFailure> => {
		const error = await itemError.call(this, caught, itemIndex);
		return { error, json: { success: false, ...errorJson(error) } };
	};
	const outcomes = everyRoom
		? await sendToEveryRoom.call(this, itemIndex, everyRoom, post, failure)
		: await sendToTargets(targets, (target) => ({ room_id: target.room_id, channel_id: target.channel_id }), post, failure);
	if (outcomes.length > 0 && outcomes.every((o) => !o.ok) && !this.continueOnFail()) throw outcomes[0].error;
	return outcomes.map((o) => o.json);
}
