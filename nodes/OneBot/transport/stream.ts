import { parseJsonLossless } from '../../shared/json';
import type { OneBotResponse } from './types';

/*
 * NapCat's stream actions (download_file_stream and the like) answer one call with several
 * envelopes marked `stream: "stream-action"` (napcat-onebot/action/OneBotAction.ts): packets whose
 * `data.type` is "stream" (file_info, then the file in base64 chunks), then the final envelope
 * (`data.type` "response", or a failed one). Over HTTP they come one after the other in the body,
 * each followed by "\r\n\r\n" (network/http-server.ts); over the forward WebSocket each is a frame
 * with the call's echo (network/websocket-server.ts). The call's answer is the final envelope, with
 * the packets before it kept in `streamed`.
 */

const STREAM_ACTION = 'stream-action';

/** A packet before the final answer of a stream action. */
export function isStreamPacket(frame: unknown): boolean {
	if (frame === null || typeof frame !== 'object') return false;
	const envelope = frame as { stream?: unknown; status?: unknown; data?: unknown };
	if (envelope.stream !== STREAM_ACTION || envelope.status === 'failed') return false;
	const data = envelope.data as { type?: unknown } | null | undefined;
	return data !== null && typeof data === 'object' && data.type === 'stream';
}

/** The final envelope with the packets that came before it. */
export function withStreamed(packets: readonly unknown[], final: unknown): unknown {
	if (packets.length === 0 || final === null || typeof final !== 'object') return final;
	return { ...(final as OneBotResponse), streamed: packets.map((p) => (p as OneBotResponse).data) };
}

/**
 * An HTTP body holding a stream action's envelopes ("\r\n\r\n" after each; JSON text has no raw
 * line break), as one answer; undefined when the body is not that. A body that ends before its
 * final envelope gives the last packet, which is no answer (the caller reports it).
 */
export function parseStreamBody(text: string): unknown {
	const parts = text.split('\r\n\r\n').filter((part) => part.trim() !== '');
	if (parts.length < 2) return undefined;
	let envelopes: unknown[];
	try {
		envelopes = parts.map((part) => parseJsonLossless(part));
	} catch {
		return undefined;
	}
	const first = envelopes[0] as { stream?: unknown } | null;
	if (first === null || typeof first !== 'object' || first.stream !== STREAM_ACTION) return undefined;
	const final = envelopes[envelopes.length - 1];
	if (isStreamPacket(final)) return { stream: STREAM_ACTION, incomplete: true };
	return withStreamed(envelopes.slice(0, -1), final);
}

interface ChunkPacket {
	data_type?: unknown;
	index?: unknown;
	data?: unknown;
}

/** The file chunks of a stream answer's packets, one per index (a repeated index counts once). */
export function fileChunks(streamed: readonly unknown[]): Array<{ index: number; data: string }> {
	const byIndex = new Map<number, string>();
	for (const packet of streamed) {
		if (packet === null || typeof packet !== 'object') continue;
		const { data_type: type, index, data } = packet as ChunkPacket;
		if (type !== 'file_chunk' || typeof data !== 'string') continue;
		const at = Number(index);
		if (!byIndex.has(at)) byIndex.set(at, data);
	}
	return [...byIndex].map(([index, data]) => ({ index, data })).sort((a, b) => a.index - b.index);
}

/**
 * Why a successful stream answer's file is not whole, or undefined when it is (or it says nothing
 * to check against). NapCat's final envelope counts what it sent (total_chunks, total_bytes, from
 * index 0 up); a file put together without one of them would be a corrupt file given as a good one.
 */
export function incompleteStream(response: OneBotResponse): string | undefined {
	if (!response.streamed) return undefined;
	const final = response.data as { total_chunks?: unknown; total_bytes?: unknown } | null;
	if (final === null || typeof final !== 'object') return undefined;
	const { total_chunks: totalChunks, total_bytes: totalBytes } = final;
	const chunks = fileChunks(response.streamed);
	let bytes = 0;
	for (const chunk of chunks) bytes += Buffer.byteLength(chunk.data, 'base64');
	const countsOk =
		typeof totalChunks !== 'number' ||
		(chunks.length === totalChunks && chunks.every((chunk, at) => chunk.index === at));
	const bytesOk = typeof totalBytes !== 'number' || bytes === totalBytes;
	if (countsOk && bytesOk) return undefined;
	const parts = [
		typeof totalChunks === 'number' ? `${chunks.length} of ${totalChunks} chunks` : `${chunks.length} chunks`,
		typeof totalBytes === 'number' ? `${bytes} of ${totalBytes} bytes` : `${bytes} bytes`,
	];
	return `${parts[0]} (${parts[1]}) arrived`;
}
