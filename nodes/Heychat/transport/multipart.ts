import { randomBytes } from 'crypto';
import { Readable } from 'node:stream';

import type { BinarySource } from '../../shared/upload/binarySource';

export interface MultipartFile {
	/** The form field name (Heychat: `file`). */
	field: string;
	/** The file's bytes, read in chunks while the body is sent. */
	source: BinarySource;
	fileName: string;
	mimeType: string;
}

export interface MultipartBody {
	contentType: string;
	/** Bytes in total (the Content-Length). */
	length: number;
	/** A fresh stream of the whole body (a request sent again, after HTTP 429, opens a new one). */
	open(): Readable;
}

/** A header-safe file name: no quotes, backslashes or line breaks. */
function safeFileName(name: string): string {
	const cleaned = name.replace(/["\\\r\n]/g, '_').trim();
	return cleaned === '' ? 'file' : cleaned;
}

/** type/subtype, then `; name=value` parameters (value a token or a quoted string without line breaks). */
const MEDIA_TYPE =
	/^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+(?:\s*;\s*[\w!#$%&'*+.^`|~-]+=(?:[\w!#$%&'*+.^`|~-]+|"[^"\\\r\n]*"))*$/;

/**
 * The Content-Type a file part is sent with: `mimeType` when it is a media type (type/subtype,
 * parameters allowed), otherwise application/octet-stream. A binary's declared type is free text
 * (an expression, a Code node): a line break in it would add headers to the part.
 */
export function partMimeType(mimeType: string | undefined): string {
	const trimmed = (mimeType ?? '').trim();
	return MEDIA_TYPE.test(trimmed) ? trimmed : 'application/octet-stream';
}

/**
 * A multipart/form-data body with one file part, built by hand so the request is exactly the same
 * whichever HTTP library n8n uses underneath, and streamed: the file is read in chunks while the
 * body is sent, never copied whole.
 */
export function buildMultipart(file: MultipartFile): MultipartBody {
	const boundary = `----HeychatN8nBoundary${randomBytes(12).toString('hex')}`;
	const name = safeFileName(file.fileName);
	const head = Buffer.from(
		`--${boundary}\r\n` +
			`Content-Disposition: form-data; name="${file.field}"; filename="${name}"\r\n` +
			`Content-Type: ${partMimeType(file.mimeType)}\r\n\r\n`,
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	async function* parts(): AsyncIterable<Buffer> {
		yield head;
		for await (const chunk of file.source.bytes()) yield chunk;
		yield tail;
	}
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: head.length + file.source.size + tail.length,
		open: () => Readable.from(parts(), { objectMode: false }),
	};
}
