import { randomBytes } from 'crypto';

export interface MultipartFile {
	/** The form field name (Heychat: `file`). */
	field: string;
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** A header-safe file name: no quotes, backslashes or line breaks. */
function safeFileName(name: string): string {
	const cleaned = name.replace(/["\\\r\n]/g, '_').trim();
	return cleaned === '' ? 'file' : cleaned;
}

/**
 * A multipart/form-data body with one file part, built by hand so the request is exactly the same
 * whichever HTTP library n8n uses underneath.
 */
export function buildMultipart(file: MultipartFile): { body: Buffer; contentType: string } {
	const boundary = `----HeychatN8nBoundary${randomBytes(12).toString('hex')}`;
	const name = safeFileName(file.fileName);
	const head =
		`--${boundary}\r\n` +
		`Content-Disposition: form-data; name="${file.field}"; filename="${name}"\r\n` +
		`Content-Type: ${file.mimeType || 'application/octet-stream'}\r\n\r\n`;
	const tail = `\r\n--${boundary}--\r\n`;
	return {
		body: Buffer.concat([Buffer.from(head, 'utf8'), file.data, Buffer.from(tail, 'utf8')]),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}
