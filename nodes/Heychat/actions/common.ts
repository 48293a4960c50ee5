import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemParameter } from '../../shared/itemParameters';
import { InputError } from '../../shared/validation';
import { DEFAULT_MAX_RETRIES, DEFAULT_MAX_WAIT_SECONDS } from '../transport/constants';
import { heychatError } from '../transport/errors';
import { heychatRequest, type CallOptions } from '../transport';
import { imageSize, type ImageInfo } from '../helpers/imageSize';
import { findOperation } from '../catalog';

/** The node-wide "Options" collection: how calls are made. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
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

/** The call options for one item, from the node's "Options". */
export function callOptions(this: IExecuteFunctions, itemIndex: number): CallOptions {
	const options = itemParameter(this, 'options', itemIndex, {}) as IDataObject;
	const number = (value: unknown, fallback: number) =>
		typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
	return {
		itemIndex,
		timeoutMs: number(options.timeout, 30) * 1000,
		maxRetries: Math.floor(number(options.rateLimitRetries, DEFAULT_MAX_RETRIES)),
		maxWaitMs: number(options.maxRateLimitWait, DEFAULT_MAX_WAIT_SECONDS) * 1000,
	};
}

export interface BinaryFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
	/** Set when the bytes are a PNG, JPEG, GIF or WebP image. */
	image?: ImageInfo;
}

/**
 * Reads a binary field of the input item. `field` names the node parameter the user typed the
 * binary field name into, so errors point at it.
 */
export async function readBinary(
	this: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	field: string,
): Promise<BinaryFile> {
	const name = propertyName.trim();
	if (name === '') throw new InputError(field, `"${field}" is required: the name of the binary field to send`);
	const item = this.getInputData()[itemIndex];
	const binary = item?.binary?.[name];
	if (!binary) {
		const available = Object.keys(item?.binary ?? {});
		throw new InputError(
			field,
			`Binary field "${name}" not found on item ${itemIndex}` +
				(available.length > 0 ? ` (it has: ${available.join(', ')})` : ' (it has no binary data)'),
		);
	}
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, name);
	const image = imageSize(data);
	return {
		data,
		fileName: binary.fileName || (image ? `image.${image.format === 'jpeg' ? 'jpg' : image.format}` : 'file'),
		mimeType: image?.mimeType ?? binary.mimeType ?? 'application/octet-stream',
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
			file: { field: 'file', data: file.data, fileName: file.fileName, mimeType: file.mimeType },
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
