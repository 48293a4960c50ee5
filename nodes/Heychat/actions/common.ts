import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { batchingOption } from '../../shared/batch/options';
import { itemParameter, parameterHoldsExpression } from '../../shared/itemParameters';
import { mebibytes, openBinary, refuseEmpty, type BinarySource } from '../../shared/upload/binarySource';
import { DEFAULT_MAX_RETRIES, DEFAULT_MAX_WAIT_SECONDS } from '../transport/constants';
import { heychatError } from '../transport/errors';
import { heychatRequest, type CallOptions } from '../transport';
import { partMimeType } from '../transport/multipart';
import { imageSize, type ImageInfo } from '../helpers/imageSize';
import { findOperation } from '../catalog';

/** Default of Options › Max Upload Size (MiB). */
export const DEFAULT_MAX_UPLOAD_MIB = 32;

/** The node-wide "Options" collection: how calls are made. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		batchingOption,
		{
			displayName: 'Allow Private Network Addresses',
			name: 'allowPrivateNetwork',
			type: 'boolean',
			default: false,
			description:
				'Whether image URLs may point at the n8n host or its network. The node downloads an image URL itself to measure it (when Image Width/Height are not set) or to re-upload it; by default it refuses loopback, private, link-local and cloud metadata addresses, checked after DNS and on every redirect, so a URL from a chat message cannot reach internal services.',
		},
		{
			displayName: 'Max Rate Limit Wait (Seconds)',
			name: 'maxRateLimitWait',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MAX_WAIT_SECONDS,
			description:
				'The longest wait an HTTP 429 answer may ask for; when Heychat asks for longer, the call fails at once',
		},
		{
			displayName: 'Max Upload Size (MiB)',
			name: 'maxUploadSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_UPLOAD_MIB,
			description:
				'The largest input binary file uploaded to the Heychat CDN (Media › Upload, image messages, appended images). A larger file is refused before it is read.',
		},
		{
			displayName: 'Rate Limit Retries',
			name: 'rateLimitRetries',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How many times a call answered with HTTP 429 is sent again after waiting as the X-RateLimit headers say. A resent message keeps its ack ID, so it is never posted twice.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for Heychat to answer each request',
		},
	],
};

/** Whether Options › Allow Private Network Addresses is on for the item. */
export function allowPrivateNetwork(this: IExecuteFunctions, itemIndex: number): boolean {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return options.allowPrivateNetwork === true;
}

/** The call options for one item, from the node's "Options". */
export function callOptions(this: IExecuteFunctions, itemIndex: number): CallOptions {
	// the same for every item unless the Options hold an expression: worked out once (an object per call: written out)
	let settings = fixedCallSettings.get(this);
	if (!settings) {
		settings = callSettings(itemParameter(this, 'options', itemIndex, {}) as IDataObject);
		// Options with an expression: worked out for each item
		if (!parameterHoldsExpression(this, 'options')) fixedCallSettings.set(this, settings);
	}
	return { itemIndex, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries, maxWaitMs: settings.maxWaitMs };
}

type CallSettings = Required<Omit<CallOptions, 'itemIndex'>>;

const fixedCallSettings = new WeakMap<object, CallSettings>();

function nonNegative(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function callSettings(options: IDataObject): CallSettings {
	return {
		// at least the field's minimum, 1 s: 0 from an expression would be no time limit at all (axios)
		timeoutMs: Math.max(1, nonNegative(options.timeout, 30)) * 1000,
		maxRetries: Math.floor(nonNegative(options.rateLimitRetries, DEFAULT_MAX_RETRIES)),
		maxWaitMs: nonNegative(options.maxRateLimitWait, DEFAULT_MAX_WAIT_SECONDS) * 1000,
	};
}

export interface BinaryFile {
	/** The bytes, read in chunks when the file is sent. */
	source: BinarySource;
	fileName: string;
	mimeType: string;
	/** Set when the bytes are a PNG, JPEG, GIF or WebP image. */
	image?: ImageInfo;
}

/** How much of the file's start is read to recognise an image and its size. */
const IMAGE_HEAD_BYTES = 1024 * 1024;

/**
 * Reads a binary field of the input item: its size is checked against Options › Max Upload Size
 * before any byte is read, and only its start is read here (to recognise an image); the bytes
 * are streamed when the file is uploaded. `field` names the node parameter the user typed the
 * binary field name into, so errors point at it.
 */
export async function readBinary(
	this: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	field: string,
): Promise<BinaryFile> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const source = await openBinary(this, itemIndex, propertyName, field, {
		maxBytes: mebibytes(options.maxUploadSize, DEFAULT_MAX_UPLOAD_MIB),
		optionLabel: 'Options › Max Upload Size (MiB)',
		optionName: 'maxUploadSize',
	});
	refuseEmpty(source, field, propertyName);
	let image = imageSize(await source.head(IMAGE_HEAD_BYTES));
	// a JPEG whose frame header comes after large metadata (EXIF thumbnail, ICC profile)
	if (!image && source.size > IMAGE_HEAD_BYTES && source.size <= 8 * IMAGE_HEAD_BYTES) {
		image = imageSize(await source.head(source.size));
	}
	return {
		source,
		fileName: source.fileName || (image ? `image.${image.format === 'jpeg' ? 'jpg' : image.format}` : 'file'),
		// the type the part is sent with (transport/multipart.ts), so the output says what was sent
		mimeType: image?.mimeType ?? partMimeType(source.mimeType),
		image,
	};
}

/** Uploads a file to the Heychat CDN (multipart field `file`) and returns its URL. */
export async function uploadFile(this: IExecuteFunctions, itemIndex: number, file: BinaryFile): Promise<string> {
	const op = findOperation('upload_media');
	const path = op?.path ?? '/upload';
	const response = await heychatRequest.call(
		this,
		{
			operation: 'upload_media',
			method: 'POST',
			host: 'upload',
			path,
			file: { field: 'file', source: file.source, fileName: file.fileName, mimeType: file.mimeType },
		},
		callOptions.call(this, itemIndex),
	);
	const result = response.result as IDataObject | undefined;
	const url = (result && typeof result === 'object' ? result.url : undefined) ?? response.envelope.url;
	if (typeof url !== 'string' || url === '') {
		throw heychatError(
			this.getNode(),
			'protocol',
			'Heychat accepted the upload but its answer has no URL (result.url)',
			{ operation: 'upload_media', url: path, itemIndex },
			undefined,
		);
	}
	return url;
}
