import type { IDataObject } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../catalog';
import { fileChunks } from '../transport/stream';
import type { OneBotResponse } from '../transport/types';
import { getPath } from '../../shared/json';

function asObject(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: { value: value as IDataObject[string] };
}

/**
 * The items an answered call produces: one per element for list operations, otherwise the
 * `data` object (an action without a result gives `{ success: true }`; an accepted async call
 * gives `{ status: "async" }`).
 */
export function responseToItems(op: OneBotOperationSpec | undefined, action: string, response: OneBotResponse): IDataObject[] {
	if (response.status === 'async') {
		return [{ status: 'async', retcode: response.retcode, action, queued: true }];
	}
	const data = response.data;
	if (op?.list) {
		const list = op.list === true ? data : getPath(data, op.list);
		if (Array.isArray(list)) return list.map(asObject);
		if (list === null || list === undefined) return [];
	}
	if (data === null || data === undefined) return [{ success: true }];
	if (Array.isArray(data)) return [{ data: data as IDataObject[] }];
	return [asObject(data)];
}

/** One packet of a NapCat stream answer (its `data`). */
interface StreamPacketData {
	data_type?: unknown;
	index?: unknown;
	data?: unknown;
	file_name?: unknown;
	[key: string]: unknown;
}

/** A streamed file: its name and bytes, the chunks in index order. */
export interface StreamedFile {
	fileName?: string;
	data: Buffer;
}

/**
 * The item of a NapCat stream answer (see transport/stream.ts): the file info and the final
 * answer's fields, other chunks' data as `chunks`, and the file chunks put together (`file`), to
 * go out as the item's binary. Undefined for any other answer.
 */
export function streamedResult(response: OneBotResponse): { json: IDataObject; file?: StreamedFile } | undefined {
	if (!response.streamed) return undefined;
	const packets = response.streamed.filter((p): p is StreamPacketData => p !== null && typeof p === 'object');
	const info = packets.find((p) => p.data_type === 'file_info');
	const isChunk = (p: StreamPacketData) => p.data_type === 'file_chunk' && typeof p.data === 'string';
	const others = packets.filter((p) => p !== info && !isChunk(p));
	const strip = (data: unknown): IDataObject => {
		if (data === null || typeof data !== 'object' || Array.isArray(data)) return data === undefined || data === null ? {} : { data: data as IDataObject[string] };
		const rest: IDataObject = { ...(data as IDataObject) };
		delete rest.type;
		return rest;
	};
	const json: IDataObject = { ...strip(info), ...strip(response.data) };
	if (others.length > 0) json.chunks = others.map((p) => p.data as IDataObject[string]);
	const chunks = fileChunks(packets);
	if (chunks.length === 0 && !info) return { json };
	// in index order, each index once (transport/errors.ts has checked that none is missing)
	const data = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data, 'base64')));
	const named = typeof info?.file_name === 'string' && info.file_name !== '' ? info.file_name : undefined;
	return { json, file: { fileName: named && convertedName(named, info?.out_format), data } };
}

/**
 * The name of the file that was streamed: download_file_record_stream with out_format streams
 * the voice converted to that format, while its file_info keeps the original's name (voice.amr for
 * an mp3): the extension is the format's, so the name and n8n's MIME type say what the bytes are.
 */
function convertedName(fileName: string, outFormat: unknown): string {
	if (typeof outFormat !== 'string' || !/^[a-z0-9]{1,10}$/i.test(outFormat)) return fileName;
	const dot = fileName.lastIndexOf('.');
	const stem = dot > 0 && !/[\\/]/.test(fileName.slice(dot)) ? fileName.slice(0, dot) : fileName;
	return `${stem}.${outFormat.toLowerCase()}`;
}
