import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { mebibytes, openBinary, readAll, type BinarySource, type SizeLimit } from '../../../shared/upload/binarySource';

export interface ResolvedBinary {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

/** Default of Options › Max Upload Size (MiB): files sent as base64 inside a JSON call. */
export const DEFAULT_MAX_UPLOAD_MIB = 64;

/** The upload size limit for an item, from the node's Options. */
export function uploadLimit(ctx: IExecuteFunctions, itemIndex: number): SizeLimit {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		maxBytes: mebibytes(options.maxUploadSize, DEFAULT_MAX_UPLOAD_MIB),
		optionLabel: 'Options › Max Upload Size (MiB)',
		optionName: 'maxUploadSize',
	};
}

/** An item's binary property, size-checked before reading, to stream into the call. */
export async function openUploadBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<BinarySource> {
	// a missing field: a MissingBinaryError naming binaryPropertyName and the item's binary fields
	return await openBinary(ctx, itemIndex, propertyName, 'binaryPropertyName', uploadLimit(ctx, itemIndex));
}

/**
 * Reads an item's binary property through n8n's helpers (works in memory and filesystem mode),
 * after checking its size against Options › Max Upload Size: a file over it is refused before it
 * is read.
 */
export function binaryResolver(ctx: IExecuteFunctions, itemIndex: number) {
	return async (propertyName: string): Promise<ResolvedBinary> => {
		const source = await openUploadBinary(ctx, itemIndex, propertyName);
		return { data: await readAll(source), fileName: source.fileName, mimeType: source.mimeType };
	};
}
