import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readOperationParams } from '../../shared/catalog/readParams';
import { InputError } from '../../shared/validation';
import { isHandledParam, type HeychatOperationSpec } from '../catalog';
import { toWireValues } from '../catalog/wire';
import { ackIdFor, newAckId } from '../helpers/ackId';
import { cardMessage } from '../helpers/card';
import { imageSize } from '../helpers/imageSize';
import { escapeMarkdown } from '../helpers/markdown';
import { applyMentions, type MentionPlacement } from '../helpers/mentions';
import { heychatRequest } from '../transport';
import { callOptions, readBinary, uploadFile } from './common';

/*
 * Send, update and private messages: the user picks a message type and the node builds the body
 * (msg, msg_type, heychat_ack_id, addition, mentions, reply, image upload).
 */

export const CHANNEL_MESSAGE_OPS = ['send_channel_message', 'update_channel_message'];
export const PRIVATE_MESSAGE_OPS = ['send_private_message'];
const ALL_MESSAGE_OPS = [...CHANNEL_MESSAGE_OPS, ...PRIVATE_MESSAGE_OPS];

/** msg_type values (current docs: 3, 4, 10, 20; type 1 "text" is legacy). */
export const MSG_TYPE = { image: 3, markdown: 4, markdownMentions: 10, card: 20 } as const;

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

/** A message option shared by channel and private messages. */
const ACK_ID_OPTION: INodeProperties = {
	displayName: 'Ack ID',
	name: 'ackId',
	type: 'string',
	default: '',
	description:
		'The heychat_ack_id. By default one is derived from the execution, run and item, so a retried send is recognised by Heychat and not posted twice.',
};

/** A message option shared by channel and private messages. */
const IMAGE_HEIGHT_OPTION: INodeProperties = {
	displayName: 'Image Height',
	name: 'imageHeight',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description: 'Image from a URL: its height in pixels, when it cannot be read from the image',
};

/** A message option shared by channel and private messages. */
const IMAGE_WIDTH_OPTION: INodeProperties = {
	displayName: 'Image Width',
	name: 'imageWidth',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description: 'Image from a URL: its width in pixels, when it cannot be read from the image',
};

/** A message option shared by channel and private messages. */
const REUPLOAD_URL_OPTION: INodeProperties = {
	displayName: 'Upload URL Image First',
	name: 'reuploadUrl',
	type: 'boolean',
	default: false,
	description: 'Whether to download an image URL and upload it to the Heychat CDN before sending',
};

export const messageProperties: INodeProperties[] = [
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
		description: 'Heychat shows images from its own CDN; use "Upload URL Image First" for other hosts',
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
					'Text and markdown only: binary fields to upload and show below the text, comma-separated',
			},
			{
				displayName: 'Channel Type',
				name: 'channelType',
				type: 'number',
				typeOptions: { numberPrecision: 0 },
				default: 1,
				description: 'Send only: the channel_type field (1 = text channel)',
			},
			IMAGE_HEIGHT_OPTION,
			IMAGE_WIDTH_OPTION,
			{
				displayName: 'Reply To Message ID',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'The msg_id of the message to reply to (quote)',
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
			REUPLOAD_URL_OPTION,
		],
	},
];

interface ImageFileInfo {
	url: string;
	width?: number;
	height?: number;
}

interface BuiltMessage {
	msg_type: number;
	msg?: string;
	img?: string;
	addition: string;
	at_user_id?: string;
	at_role_id?: string;
	mention_channel_id?: string;
	/** For the output: the image files the message shows. */
	images: ImageFileInfo[];
}

function additionWith(images: ImageFileInfo[]): string {
	return JSON.stringify({ img_files_info: images });
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

/**
 * Downloads an image URL (no credentials) to re-upload it, or only its first 256 KiB to measure
 * it (servers without range support send it all); undefined when it fails.
 */
async function download(
	this: IExecuteFunctions,
	url: string,
	timeoutMs: number,
	headOnly = false,
): Promise<Buffer | undefined> {
	try {
		const body = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			headers: headOnly ? { Range: 'bytes=0-262143' } : {},
			encoding: 'arraybuffer',
			json: false,
			timeout: timeoutMs,
		})) as unknown;
		if (Buffer.isBuffer(body)) return body;
		if (body instanceof ArrayBuffer) return Buffer.from(body);
		return undefined;
	} catch {
		return undefined;
	}
}

/** The image of an image message: uploaded from binary data or taken from a URL. */
async function messageImage(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): Promise<ImageFileInfo> {
	const source = this.getNodeParameter('imageSource', itemIndex, 'binary') as string;
	if (source === 'binary') {
		const property = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
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

	const url = String(this.getNodeParameter('imageUrl', itemIndex, '')).trim();
	if (url === '') throw new InputError('imageUrl', '"Image URL" is required');
	if (!isHttpUrl(url)) throw new InputError('imageUrl', `"Image URL" must be an http(s) URL, got "${url}"`);
	const width = positiveInt(options.imageWidth);
	const height = positiveInt(options.imageHeight);
	const timeoutMs = callOptions.call(this, itemIndex).timeoutMs ?? 30_000;

	if (options.reuploadUrl === true) {
		const data = await download.call(this, url, timeoutMs);
		const image = data ? imageSize(data) : undefined;
		if (!data || !image) {
			throw new InputError('imageUrl', `Could not download a PNG, JPEG, GIF or WebP image from "${url}"`);
		}
		const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() || '') || `image.${image.format}`;
		const uploaded = await uploadFile.call(this, itemIndex, { data, fileName, mimeType: image.mimeType, image });
		return { url: uploaded, width: image.width, height: image.height };
	}
	if (width && height) return { url, width, height };
	// best effort: read the size from the image itself
	const data = await download.call(this, url, timeoutMs, true);
	const image = data ? imageSize(data) : undefined;
	return image ? { url, width: width ?? image.width, height: height ?? image.height } : { url, width, height };
}

/** Uploads the "Append Images" binary fields; each becomes ![](url) below the text. */
async function inlineImages(this: IExecuteFunctions, itemIndex: number, names: unknown): Promise<ImageFileInfo[]> {
	if (typeof names !== 'string' || names.trim() === '') return [];
	const images: ImageFileInfo[] = [];
	for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) {
		const file = await readBinary.call(this, itemIndex, name, 'inlineImages');
		if (!file.image) {
			throw new InputError('inlineImages', `Binary field "${name}" is not a PNG, JPEG, GIF or WebP image (${file.mimeType})`);
		}
		const url = await uploadFile.call(this, itemIndex, file);
		images.push({ url, width: file.image.width, height: file.image.height });
	}
	return images;
}

/** Builds msg, msg_type, addition (and mentions) from the editor fields. */
async function buildMessage(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	privateMessage: boolean,
): Promise<BuiltMessage> {
	const type = this.getNodeParameter('messageType', itemIndex, 'text') as MessageType;

	if (type === 'image') {
		const image = await messageImage.call(this, itemIndex, options);
		// msg carries the URL too, as HeyBox.Net sends image messages; img is the documented field.
		return { msg_type: MSG_TYPE.image, msg: image.url, img: image.url, addition: additionWith([image]), images: [image] };
	}
	if (type === 'card') {
		if (privateMessage) throw new InputError('messageType', 'Private messages can only be text, markdown or an image');
		const msg = cardMessage('card', this.getNodeParameter('card', itemIndex, ''));
		return { msg_type: MSG_TYPE.card, msg, addition: '{}', images: [] };
	}
	if (!['text', 'markdown', 'markdownMentions'].includes(type)) {
		throw new InputError('messageType', `Unknown message type "${String(type)}"`);
	}

	const raw = this.getNodeParameter('text', itemIndex, '');
	const text = typeof raw === 'string' ? raw : String(raw ?? '');
	let msg = type === 'text' ? escapeMarkdown(text) : text;
	let mentions: Pick<BuiltMessage, 'at_user_id' | 'at_role_id' | 'mention_channel_id'> = {};
	if (type === 'markdownMentions') {
		const input = this.getNodeParameter('mentions', itemIndex, {}) as IDataObject;
		const placement = (['start', 'end', 'none'].includes(String(input.placement)) ? input.placement : 'start') as MentionPlacement;
		const built = applyMentions(msg, input, placement);
		msg = built.msg;
		mentions = { at_user_id: built.at_user_id, at_role_id: built.at_role_id, mention_channel_id: built.mention_channel_id };
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

/** The heychat_ack_id for this send: the user's, or a stable one per execution, run and item. */
function ackIdForItem(this: IExecuteFunctions, itemIndex: number, operation: string, options: IDataObject): string {
	const given = typeof options.ackId === 'string' ? options.ackId.trim() : '';
	if (given !== '') return given;
	let executionId: string | undefined;
	let runIndex = 0;
	try {
		executionId = this.getExecutionId();
		runIndex = Number(this.getWorkflowDataProxy(itemIndex).$runIndex) || 0;
	} catch {
		executionId = undefined;
	}
	if (!executionId) return newAckId();
	return ackIdFor([executionId, this.getNode().id, runIndex, itemIndex, operation].join('|'));
}

/** Send, update and private message: one request, with the built body. */
export async function sendMessage(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	itemIndex: number,
): Promise<IDataObject[]> {
	const privateMessage = op.value === 'send_private_message';
	const ids = toWireValues(
		op,
		readOperationParams(
			(name, fallback) => this.getNodeParameter(name, itemIndex, fallback, { extractValue: true }),
			op,
			isHandledParam,
		),
	);
	const options = this.getNodeParameter('messageOptions', itemIndex, {}) as IDataObject;
	const built = await buildMessage.call(this, itemIndex, options, privateMessage);
	const ackId = ackIdForItem.call(this, itemIndex, op.value, options);

	const body: IDataObject = {};
	if (op.value === 'update_channel_message') body.msg_id = ids.msg_id;
	if (privateMessage) body.to_user_id = ids.to_user_id;
	if (built.msg !== undefined) body.msg = built.msg;
	body.msg_type = built.msg_type;
	if (built.img !== undefined) body.img = built.img;
	body.heychat_ack_id = ackId;
	if (!privateMessage) {
		const replyTo = typeof options.replyTo === 'string' ? options.replyTo.trim() : '';
		if (replyTo !== '' && !/^\d+$/.test(replyTo)) {
			throw new InputError('replyTo', `"Reply To Message ID" must be a message ID (digits), got "${replyTo}"`);
		}
		body.reply_id = replyTo;
		body.room_id = ids.room_id;
		body.channel_id = ids.channel_id;
		if (op.value === 'send_channel_message') {
			body.channel_type = typeof options.channelType === 'number' ? options.channelType : 1;
		}
	}
	body.addition = built.addition;
	if (built.msg_type === MSG_TYPE.markdownMentions) {
		body.at_user_id = built.at_user_id ?? '';
		body.at_role_id = built.at_role_id ?? '';
		body.mention_channel_id = built.mention_channel_id ?? '';
	}
	// Fields the catalog says are always sent (e.g. the empty mention lists HeyBox.Net sends).
	for (const param of op.params) {
		if (param.handled && param.wireDefault !== undefined && !(param.name in body)) {
			body[param.name] = param.wireDefault as IDataObject[string];
		}
	}

	const response = await heychatRequest.call(
		this,
		{ operation: op.value, method: op.method, host: op.host, path: op.path, body },
		callOptions.call(this, itemIndex),
	);
	const result = (response.result && typeof response.result === 'object' ? response.result : {}) as IDataObject;
	const output: IDataObject = { ...result };
	if (output.heychat_ack_id === undefined) output.heychat_ack_id = ackId;
	output.msg_type = built.msg_type;
	if (built.img !== undefined) output.img = built.img;
	if (built.images.length > 0) output.img_files_info = built.images as unknown as IDataObject[];
	return [output];
}
