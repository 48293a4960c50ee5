// Shared set-up for the Heychat tests: the node and credential, a runner bound to a fake backend,
// and tiny image files built in code (only their headers matter for measuring).
import { deflateSync } from 'node:zlib';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { HeychatBotApi } from '../../credentials/HeychatBotApi.credentials.ts';
import { Heychat } from '../../nodes/Heychat/Heychat.node.ts';
import type { FakeHeychat, JsonObject } from '../fakes/heychat';
import { binaryItem, runNode, type RunNodeOptions, type RunNodeResult } from '../harness/n8n';

export const node = new Heychat();
export const credentialType = new HeychatBotApi();

/** A 19-digit snowflake above 2^53 (Number() would change its last digits). */
export const BIG_ROOM = '3663316788315193344';
export const BIG_CHANNEL = '3665944781964836864';
export const BIG_MSG = '1836295184143134721';
export const BIG_ROLE = '3663316788343832578';

export function credentialsFor(fake: FakeHeychat, overrides: Record<string, string> = {}): RunNodeOptions['credentials'] {
	return { heychatBotApi: { data: fake.credentials(overrides), type: credentialType } };
}

/** A resourceLocator value in "By ID" mode, as a saved workflow stores it. */
export function byId(value: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value };
}

/** A second room and channel, for sends to a list of channels. */
export const OTHER_ROOM = '3611849174284943360';
export const OTHER_CHANNEL = '3611849174307799042';

/** n items, each with a `text` ("message 0", "message 1", …). */
export const textItems = (n: number): INodeExecutionData[] => Array.from({ length: n }, (_, i) => ({ json: { text: `message ${i}` } }));

/** Send Channel Message (markdown) to BIG_ROOM / BIG_CHANNEL with each item's `text`, plus `extra`. */
export function sendChannelMessage(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'message',
		operation: 'send_channel_message',
		room_id: byId(BIG_ROOM),
		channel_id: byId(BIG_CHANNEL),
		messageType: 'markdown',
		text: '={{ $json.text }}',
		...extra,
	};
}

export interface RunOptions extends Partial<Omit<RunNodeOptions, 'node' | 'parameters'>> {
	credentialOverrides?: Record<string, string>;
}

export async function run(fake: FakeHeychat, parameters: INodeParameters, options: RunOptions = {}): Promise<RunNodeResult> {
	const { credentialOverrides, ...rest } = options;
	return await runNode({
		node,
		parameters,
		credentials: credentialsFor(fake, credentialOverrides),
		...rest,
	});
}

// ------------------------------------------------------------------ images

function crc32(buf: Buffer): number {
	let c = ~0;
	for (const byte of buf) {
		c ^= byte;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
	}
	return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/** A valid grey PNG of the given size. */
export function png(width: number, height: number): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 0; // greyscale
	const raw = Buffer.alloc((width + 1) * height, 0x80);
	for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** A GIF header and logical screen descriptor. */
export function gif(width: number, height: number): Buffer {
	const b = Buffer.alloc(13);
	b.write('GIF89a', 0, 'latin1');
	b.writeUInt16LE(width, 6);
	b.writeUInt16LE(height, 8);
	return Buffer.concat([b, Buffer.from([0x3b])]);
}

function segment(marker: number, payload: Buffer): Buffer {
	const head = Buffer.alloc(4);
	head[0] = 0xff;
	head[1] = marker;
	head.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([head, payload]);
}

/** JPEG markers up to the frame header: SOI, APP0 (JFIF), optional APP1 EXIF orientation, DQT, SOF. */
export function jpeg(width: number, height: number, options: { orientation?: number; progressive?: boolean } = {}): Buffer {
	const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
	parts.push(segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')));
	if (options.orientation !== undefined) {
		// "Exif\0\0" + TIFF (big-endian) with one IFD entry: 0x0112 orientation, SHORT, count 1
		const tiff = Buffer.alloc(8 + 2 + 12 + 4);
		tiff.write('MM', 0, 'latin1');
		tiff.writeUInt16BE(42, 2);
		tiff.writeUInt32BE(8, 4);
		tiff.writeUInt16BE(1, 8);
		tiff.writeUInt16BE(0x0112, 10);
		tiff.writeUInt16BE(3, 12);
		tiff.writeUInt32BE(1, 14);
		tiff.writeUInt16BE(options.orientation, 18);
		parts.push(segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])));
	}
	parts.push(segment(0xdb, Buffer.alloc(65, 1)));
	const sof = Buffer.alloc(15);
	sof[0] = 8;
	sof.writeUInt16BE(height, 1);
	sof.writeUInt16BE(width, 3);
	sof[5] = 3;
	parts.push(segment(options.progressive ? 0xc2 : 0xc0, sof));
	parts.push(Buffer.from([0xff, 0xd9]));
	return Buffer.concat(parts);
}

function riff(chunk: string, payload: Buffer): Buffer {
	const head = Buffer.alloc(20);
	head.write('RIFF', 0, 'latin1');
	head.writeUInt32LE(12 + payload.length, 4);
	head.write('WEBP', 8, 'latin1');
	head.write(chunk, 12, 'latin1');
	head.writeUInt32LE(payload.length, 16);
	return Buffer.concat([head, payload]);
}

/** WebP lossy (VP8), lossless (VP8L) or extended (VP8X) headers. */
export function webp(width: number, height: number, kind: 'VP8 ' | 'VP8L' | 'VP8X' = 'VP8 '): Buffer {
	if (kind === 'VP8 ') {
		const p = Buffer.alloc(20);
		p[3] = 0x9d;
		p[4] = 0x01;
		p[5] = 0x2a;
		p.writeUInt16LE(width & 0x3fff, 6);
		p.writeUInt16LE(height & 0x3fff, 8);
		return riff(kind, p);
	}
	if (kind === 'VP8L') {
		const p = Buffer.alloc(10);
		p[0] = 0x2f;
		const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
		p.writeUInt32LE(bits >>> 0, 1);
		return riff(kind, p);
	}
	const p = Buffer.alloc(10);
	p.writeUIntLE(width - 1, 4, 3);
	p.writeUIntLE(height - 1, 7, 3);
	return riff(kind, p);
}

export function imageItem(json: JsonObject, prop: string, data: Buffer, mimeType: string, fileName: string): INodeExecutionData {
	return binaryItem(json as never, prop, data, mimeType, fileName);
}
