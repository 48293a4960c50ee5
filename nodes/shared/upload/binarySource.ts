import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../validation';
import { formatBytes } from '../fetch/guardedFetch';
import { looseBase64Chunks, looseBase64Length } from './looseBase64';

/*
 * A file to upload, read in chunks instead of as one Buffer, with its size known before any byte
 * is read (so a size limit is checked first). In n8n's memory ("default") binary mode the item
 * already holds the file as base64 text: chunks are decoded (or, for base64, sliced) from it. In
 * filesystem/S3 mode the bytes come from this.helpers.getBinaryStream.
 */

export interface BinarySource {
	fileName?: string;
	mimeType?: string;
	/** Bytes. */
	size: number;
	/** The first `count` bytes (fewer for a smaller file). */
	head(count: number): Promise<Buffer>;
	/** The bytes in chunks; every call starts again from the beginning. */
	bytes(): AsyncIterable<Buffer>;
	/** The bytes as standard padded base64, in chunks; every call starts again. */
	base64(): AsyncIterable<string>;
}

/** Length of the standard padded base64 text of `size` bytes. */
export function base64Length(size: number): number {
	return Math.ceil(size / 3) * 4;
}

/** Base64 characters per chunk (a multiple of 4): 1 MiB of text, 768 KiB of bytes. */
const CHUNK_CHARS = 1024 * 1024;
/** Bytes per chunk read from a stream or a Buffer (a multiple of 3). */
const CHUNK_BYTES = 3 * 256 * 1024;

/** Bytes in standard base64 text (n8n's memory mode keeps binaries so). */
function decodedSize(text: string): number {
	const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
	return Math.floor((text.length * 3) / 4) - padding;
}

/**
 * base64 text → byte chunks, decoding a slice at a time. The size is known before any byte is
 * decoded, for clean padded base64 and for anything else alike (line breaks, URL-safe alphabet:
 * see looseBase64.ts), so a size limit refuses a file before it is decoded.
 */
export function memorySource(text: string, binary: Partial<Pick<IBinaryData, 'fileName' | 'mimeType'>>): BinarySource {
	const clean = /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0;
	if (!clean) return looseSource(text, binary);
	return {
		fileName: binary.fileName,
		mimeType: binary.mimeType,
		size: decodedSize(text),
		async head(count) {
			return Buffer.from(text.slice(0, Math.ceil(count / 3) * 4), 'base64').subarray(0, count);
		},
		async *bytes() {
			for (let at = 0; at < text.length; at += CHUNK_CHARS) yield Buffer.from(text.slice(at, at + CHUNK_CHARS), 'base64');
		},
		async *base64() {
			for (let at = 0; at < text.length; at += CHUNK_CHARS) yield text.slice(at, at + CHUNK_CHARS);
		},
	};
}

/** Base64 text that is not clean: its size counted, its bytes decoded only when read. */
function looseSource(text: string, binary: Partial<Pick<IBinaryData, 'fileName' | 'mimeType'>>): BinarySource {
	async function* bytes(): AsyncIterable<Buffer> {
		yield* looseBase64Chunks(text, CHUNK_CHARS);
	}
	return {
		fileName: binary.fileName,
		mimeType: binary.mimeType,
		size: looseBase64Length(text),
		head: async (count) => await headOf(bytes(), count),
		bytes,
		base64: () => toBase64(bytes()),
	};
}

/** The first `count` bytes of a chunk stream, reading no further. */
async function headOf(chunks: AsyncIterable<Buffer>, count: number): Promise<Buffer> {
	const parts: Buffer[] = [];
	let have = 0;
	for await (const chunk of chunks) {
		parts.push(chunk);
		have += chunk.length;
		if (have >= count) break;
	}
	return Buffer.concat(parts).subarray(0, count);
}

/** Byte chunks → base64 chunks, carrying the bytes that do not fill a group of three. */
export async function* toBase64(chunks: AsyncIterable<Buffer>): AsyncIterable<string> {
	let carry = Buffer.alloc(0);
	for await (const chunk of chunks) {
		const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
		const whole = data.length - (data.length % 3);
		if (whole > 0) yield data.subarray(0, whole).toString('base64');
		carry = Buffer.from(data.subarray(whole));
	}
	if (carry.length > 0) yield carry.toString('base64');
}

/** A Buffer already in memory, served in chunks. */
export function bufferSource(data: Buffer, fileName?: string, mimeType?: string): BinarySource {
	async function* bytes(): AsyncIterable<Buffer> {
		for (let at = 0; at < data.length; at += CHUNK_BYTES) yield data.subarray(at, at + CHUNK_BYTES);
	}
	return {
		fileName,
		mimeType,
		size: data.length,
		async head(count) {
			return data.subarray(0, count);
		},
		bytes,
		base64: () => toBase64(bytes()),
	};
}

/** A binary stored by id (filesystem or S3 mode): size from its metadata, bytes streamed. */
async function storedSource(ctx: IExecuteFunctions, binary: IBinaryData & { id: string }): Promise<BinarySource> {
	const metadata = await ctx.helpers.getBinaryMetadata(binary.id);
	const size = Number(metadata.fileSize);
	async function* bytes(): AsyncIterable<Buffer> {
		const stream = await ctx.helpers.getBinaryStream(binary.id, CHUNK_BYTES);
		for await (const chunk of stream) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
	}
	return {
		fileName: binary.fileName ?? metadata.fileName,
		mimeType: binary.mimeType ?? metadata.mimeType,
		size,
		head: async (count) => await headOf(bytes(), count),
		bytes,
		base64: () => toBase64(bytes()),
	};
}

/**
 * An input item without the binary field a parameter names. The message names the parameter, what
 * it must hold, and the item's binary fields (or that it has none).
 */
export class MissingBinaryError extends InputError {
	/** The message without the parameter's name, for a caller that names the parameter itself. */
	readonly requirement: string;

	constructor(field: string, propertyName: string, itemIndex: number, available: string[]) {
		const requirement =
			`must name a binary field of the input item, but item ${itemIndex} has no binary field "${propertyName}"; ` +
			(available.length > 0 ? `its binary fields: ${available.map((n) => `"${n}"`).join(', ')}` : 'it has no binary data at all');
		super(field, `"${field}" ${requirement}`);
		this.name = 'MissingBinaryError';
		this.requirement = requirement;
	}
}

export interface SizeLimit {
	/** The most bytes accepted. */
	maxBytes: number;
	/** The option that sets the limit, as the editor shows it (e.g. Options › Max Upload Size (MiB)). */
	optionLabel: string;
	/** Its parameter name (the field the error names). */
	optionName: string;
}

/**
 * The binary field `propertyName` of item `itemIndex`, ready to be read in chunks. Refused before
 * any byte is read when it is larger than the limit. `field` names the node parameter that holds
 * the binary field's name (for the "not found" error).
 */
export async function openBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	field: string,
	limit: SizeLimit,
): Promise<BinarySource> {
	const name = propertyName.trim();
	if (name === '') throw new InputError(field, `"${field}" is required: the name of the input binary field`);
	const item = ctx.getInputData()[itemIndex];
	const binary = item?.binary?.[name];
	if (!binary) throw new MissingBinaryError(field, name, itemIndex, Object.keys(item?.binary ?? {}));
	const source = binary.id
		? await storedSource(ctx, binary as IBinaryData & { id: string })
		: memorySource(binary.data ?? '', binary);
	checkSize(source.size, limit, `Binary field "${name}"`);
	return source;
}

/** Refuses an empty binary field (nothing to send), naming the parameter `field` that holds its name. */
export function refuseEmpty(source: BinarySource, field: string, propertyName: string): void {
	if (source.size === 0) {
		throw new InputError(field, `"${field}" must hold file data, but binary field "${propertyName.trim()}" is empty`);
	}
}

/** A file over a size limit: an InputError naming the limit's option (not the field holding the file). */
export class SizeLimitError extends InputError {
	constructor(field: string, message: string) {
		super(field, message);
		this.name = 'SizeLimitError';
	}
}

/** Throws a SizeLimitError naming the limit's option when `size` is over it. */
export function checkSize(size: number, limit: SizeLimit, what: string): void {
	if (size > limit.maxBytes) {
		throw new SizeLimitError(
			limit.optionName,
			`${what} is ${formatBytes(size)}, larger than the ${formatBytes(limit.maxBytes)} allowed by "${limit.optionLabel}". ` +
				'Raise that option to send it, or send a smaller file.',
		);
	}
}

/** Reads every chunk into one Buffer (for the few places that need the whole file, e.g. small images). */
export async function readAll(source: BinarySource): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const chunk of source.bytes()) parts.push(chunk);
	return Buffer.concat(parts, source.size);
}

/** MiB from an option value, or the default when it is not a positive number. */
export function mebibytes(value: unknown, fallbackMiB: number): number {
	const mib = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallbackMiB;
	return Math.floor(mib * 1024 * 1024);
}
