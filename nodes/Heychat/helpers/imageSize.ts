/**
 * Width and height of an image, read from its own bytes (PNG, JPEG, GIF, WebP). Heychat's upload
 * answer carries only a URL, but `addition.img_files_info` wants the size so clients can lay the
 * image out before it loads.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ImageInfo {
	format: ImageFormat;
	mimeType: string;
	width: number;
	height: number;
}

const MIME: Record<ImageFormat, string> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
};

function result(format: ImageFormat, width: number, height: number): ImageInfo | undefined {
	if (!(width > 0 && height > 0)) return undefined;
	return { format, mimeType: MIME[format], width, height };
}

function ascii(buf: Buffer, start: number, length: number): string {
	return buf.toString('latin1', start, start + length);
}

function png(buf: Buffer): ImageInfo | undefined {
	// 8-byte signature, then the IHDR chunk: length, "IHDR", width, height (big-endian)
	if (buf.length < 24 || ascii(buf, 12, 4) !== 'IHDR') return undefined;
	return result('png', buf.readUInt32BE(16), buf.readUInt32BE(20));
}

function gif(buf: Buffer): ImageInfo | undefined {
	if (buf.length < 10) return undefined;
	return result('gif', buf.readUInt16LE(6), buf.readUInt16LE(8));
}

/** SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) do not. */
function isStartOfFrame(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** EXIF orientation (1-8) from an APP1 segment, or undefined. */
function exifOrientation(buf: Buffer, start: number, end: number): number | undefined {
	if (end - start < 14 || ascii(buf, start, 6) !== 'Exif\0\0') return undefined;
	const tiff = start + 6;
	const order = ascii(buf, tiff, 2);
	if (order !== 'II' && order !== 'MM') return undefined;
	const le = order === 'II';
	const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
	const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
	const ifd = tiff + u32(tiff + 4);
	if (ifd + 2 > end) return undefined;
	const entries = u16(ifd);
	for (let k = 0; k < entries; k++) {
		const entry = ifd + 2 + k * 12;
		if (entry + 12 > end) return undefined;
		if (u16(entry) === 0x0112) return u16(entry + 8);
	}
	return undefined;
}

function jpeg(buf: Buffer): ImageInfo | undefined {
	let i = 2;
	let orientation: number | undefined;
	while (i + 4 <= buf.length) {
		if (buf[i] !== 0xff) return undefined;
		// fill bytes
		while (i < buf.length && buf[i] === 0xff) i++;
		if (i >= buf.length) return undefined;
		const marker = buf[i];
		i++;
		// markers without a length
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
		// end of image / start of scan before any frame header
		if (marker === 0xd9 || marker === 0xda) return undefined;
		if (i + 2 > buf.length) return undefined;
		const length = buf.readUInt16BE(i);
		if (length < 2) return undefined;
		const segment = i + 2;
		const end = Math.min(buf.length, i + length);
		if (marker === 0xe1 && orientation === undefined) orientation = exifOrientation(buf, segment, end);
		if (isStartOfFrame(marker)) {
			if (segment + 5 > buf.length) return undefined;
			const height = buf.readUInt16BE(segment + 1);
			const width = buf.readUInt16BE(segment + 3);
			// orientations 5-8 rotate the picture by 90°: the displayed size is swapped
			return orientation !== undefined && orientation >= 5 && orientation <= 8
				? result('jpeg', height, width)
				: result('jpeg', width, height);
		}
		i += length;
	}
	return undefined;
}

function webp(buf: Buffer): ImageInfo | undefined {
	if (buf.length < 30) return undefined;
	const chunk = ascii(buf, 12, 4);
	if (chunk === 'VP8 ') {
		// lossy: frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height
		if (buf[23] !== 0x9d || buf[24] !== 0x01 || buf[25] !== 0x2a) return undefined;
		return result('webp', buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff);
	}
	if (chunk === 'VP8L') {
		// lossless: signature 0x2F, then width-1 and height-1 as 14-bit fields
		if (buf[20] !== 0x2f) return undefined;
		const bits = buf.readUInt32LE(21);
		return result('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
	}
	if (chunk === 'VP8X') {
		// extended: canvas width-1 and height-1 as 24-bit fields
		return result('webp', buf.readUIntLE(24, 3) + 1, buf.readUIntLE(27, 3) + 1);
	}
	return undefined;
}

/**
 * The format the first bytes announce (PNG, GIF, JPEG or WebP signature), or undefined: lets a
 * download stop as soon as it is clearly not an image. Needs at least 12 bytes.
 */
export function imageFormatOf(head: Buffer): ImageFormat | undefined {
	if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
	if (head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) return 'gif';
	if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
	if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp';
	return undefined;
}

/** The format and size of a PNG, JPEG, GIF or WebP image, or undefined for anything else. */
export function imageSize(data: Buffer): ImageInfo | undefined {
	try {
		if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47 && data.readUInt32BE(4) === 0x0d0a1a0a) {
			return png(data);
		}
		if (data.length >= 6 && (ascii(data, 0, 6) === 'GIF87a' || ascii(data, 0, 6) === 'GIF89a')) return gif(data);
		if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return jpeg(data);
		if (data.length >= 12 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP') return webp(data);
	} catch {
		// a truncated or corrupt header: not an image we can measure
		return undefined;
	}
	return undefined;
}
