// NapCat's stream actions (download_file_stream, download_file_image_stream,
// download_file_record_stream, test_download_stream): NapCat answers one call with several
// envelopes carrying `stream: "stream-action"` (packages/napcat-onebot/action/OneBotAction.ts):
// a file_info packet, the file in base64 chunks, then the final `type: "response"` packet (or a
// failed one). Over HTTP they are written one after the other, each followed by "\r\n\r\n"
// (network/http-server.ts); over the forward WebSocket each is a frame with the call's echo
// (network/websocket-server.ts). A server speaking exactly that stands in for NapCat here.
import { run } from './setup';

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { NodeApiError, type INodeParameters } from 'n8n-workflow';
import { WebSocketServer } from 'ws';

import { FakeOneBot } from '../fakes/onebot';

const FILE = Buffer.from('The quarterly report, streamed in three chunks by NapCat.');
const CHUNK = 20;
/** "huge": 1.5 MiB in 64 KiB chunks, about 2 MiB of packets (base64), over a Max Answer Size of 1 MiB. */
const HUGE = Buffer.from(Array.from({ length: 1.5 * 1024 * 1024 }, (_, i) => (i * 7) % 251));
const HUGE_CHUNK = 64 * 1024;

/**
 * The envelopes NapCat sends for one download_file_stream call. `variant` (the call's `file`)
 * bends them: "broken" fails after the first chunk, "gap" leaves chunk 1 out (as a lost packet
 * would), "shuffled" sends the chunks in another order than their indexes. `outFormat` is
 * download_file_record_stream's: NapCat converts the voice file and streams the converted file,
 * its file_info keeping the original's name (DownloadFileRecordStream.ts).
 */
function streamPackets(echo: unknown, variant: string | undefined, outFormat?: string): object[] {
	const envelope = (data: object, status = 'ok', retcode = 0, message = '') => ({ status, retcode, data, message, wording: message, echo, stream: 'stream-action' });
	const [file, size] = variant === 'huge' ? [HUGE, HUGE_CHUNK] : [FILE, CHUNK];
	const info = outFormat
		? { type: 'stream', data_type: 'file_info', file_name: 'voice.amr', file_size: 9999, chunk_size: size, out_format: outFormat }
		: { type: 'stream', data_type: 'file_info', file_name: 'report.txt', file_size: file.length, chunk_size: size };
	const packets: object[] = [envelope(info)];
	const chunks: object[] = [];
	let index = 0;
	for (let at = 0; at < file.length; at += size) {
		const chunk = file.subarray(at, at + size);
		if (variant === 'broken' && index === 1) {
			packets.push(envelope({ type: 'error', data_type: 'error' }, 'failed', 200, 'Download failed: disk error'));
			return packets;
		}
		if (!(variant === 'gap' && index === 1)) {
			chunks.push(envelope({ type: 'stream', data_type: 'file_chunk', index, data: chunk.toString('base64'), size: chunk.length, progress: 0, base64_size: 0 }));
		}
		index++;
	}
	packets.push(...(variant === 'shuffled' ? [chunks[2], chunks[0], chunks[1]] : chunks));
	packets.push(envelope({ type: 'response', data_type: 'file_complete', total_chunks: index, total_bytes: file.length, message: 'Download completed' }));
	return packets;
}

/** "slow": a packet every SLOW_GAP ms, the whole answer taking longer than the 1 s timeout its test sets. */
const SLOW_GAP = 350;

/** Sends the packets in order; stops when `gone` says the client has hung up (an answer cut off). */
async function sendPackets(packets: object[], slow: boolean, send: (text: string) => void, gone: () => boolean): Promise<void> {
	for (const packet of packets) {
		if (slow) await new Promise((resolve) => setTimeout(resolve, SLOW_GAP));
		if (gone()) return;
		send(JSON.stringify(packet));
	}
}

let http: Server;
let wss: WebSocketServer;
let httpUrl: string;
let wsUrl: string;
let fake: FakeOneBot;
/** Forward WebSocket connections the stream server has accepted. */
let wsConnections = 0;

before(async () => {
	fake = await FakeOneBot.start();
	http = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const params = JSON.parse(body || '{}') as { file?: string; out_format?: string };
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.on('error', () => undefined);
			void sendPackets(streamPackets(null, params.file, params.out_format), params.file === 'slow', (text) => res.write(`${text}\r\n\r\n`), () => res.destroyed).then(() => res.end());
		});
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
	wss.on('connection', (socket) => {
		wsConnections++;
		socket.on('message', (raw) => {
			const { echo, params } = JSON.parse(String(raw)) as { echo: unknown; params: { file?: string; out_format?: string } };
			void sendPackets(streamPackets(echo, params.file, params.out_format), params.file === 'slow', (text) => socket.send(text), () => socket.readyState !== socket.OPEN);
		});
	});
	wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});
after(async () => {
	for (const client of wss.clients) client.terminate();
	await new Promise<void>((resolve) => wss.close(() => resolve()));
	http.closeAllConnections();
	await new Promise<void>((resolve) => http.close(() => resolve()));
	await fake.close();
});

const download = (file: string, transport: string): INodeParameters => ({
	resource: 'stream',
	operation: 'download_file_stream',
	additionalFields: { file },
	options: { transport },
});

describe('NapCat stream downloads', () => {
	for (const transport of ['http', 'websocket']) {
		test(`${transport}: every chunk is collected; one item with the file as binary and the final answer`, async () => {
			const result = await run(fake, download('/tmp/report.txt', transport), { credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } });
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.equal(result.output.length, 1);
			const [item] = result.output;
			assert.equal(item.json.file_name, 'report.txt');
			assert.equal(item.json.total_bytes, FILE.length);
			assert.equal(item.json.data_type, 'file_complete');
			assert.ok(item.binary?.data, `binary: ${JSON.stringify(item.json)}`);
			assert.equal(item.binary.data.fileName, 'report.txt');
			assert.deepEqual(Buffer.from(item.binary.data.data, 'base64'), FILE);
		});

		test(`${transport}, filesystem binary mode: the file goes out stored by n8n (an id), its bytes intact`, async () => {
			const result = await run(fake, download('/tmp/report.txt', transport), {
				credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' },
				binaryMode: 'filesystem',
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			const binary = result.output[0].binary?.data;
			assert.ok(binary?.id, `stored by id: ${JSON.stringify(binary)}`);
			assert.equal(binary.fileName, 'report.txt');
			assert.equal(binary.mimeType, 'text/plain');
			assert.deepEqual(await Container.get(BinaryDataService).getAsBuffer(binary), FILE);
		});

		test(`${transport}: chunks that arrive out of order are put together by their index`, async () => {
			const result = await run(fake, download('shuffled', transport), { credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } });
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.deepEqual(Buffer.from(result.output[0].binary!.data.data, 'base64'), FILE);
		});

		test(`${transport}: a stream with a chunk missing is an error naming what is missing, not a corrupt file`, async () => {
			const result = await run(fake, download('gap', transport), { credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } });
			assert.ok(result.error instanceof NodeApiError, `no error; output ${JSON.stringify(result.output.map((o) => o.json))}`);
			assert.match(result.error.message, /download_file_stream.*incomplete.*2 of 3 chunks \(37 of 57 bytes\)/);
			assert.equal(result.output.length, 0);
		});

		test(`${transport}: a voice converted by out_format goes out named and typed as the converted file`, async () => {
			const result = await run(
				fake,
				{ resource: 'stream', operation: 'download_file_record_stream', additionalFields: { file: 'voice-id', out_format: 'mp3' }, options: { transport } },
				{ credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } },
			);
			assert.equal(result.error, undefined, String(result.error?.message));
			const binary = result.output[0].binary!.data;
			assert.equal(binary.fileName, 'voice.mp3');
			assert.equal(binary.fileExtension, 'mp3');
			assert.equal(binary.mimeType, 'audio/mpeg');
			assert.equal(result.output[0].json.file_name, 'voice.amr', "NapCat's own fields are passed on unchanged");
		});

		test(`${transport}: a download whose packets keep coming is not cut off by Timeout: it bounds the wait for the next packet`, async () => {
			const started = performance.now();
			const result = await run(
				fake,
				{ ...download('slow', transport), options: { transport, timeout: 1 } },
				{ credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } },
			);
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.deepEqual(Buffer.from(result.output[0].binary!.data.data, 'base64'), FILE);
			assert.ok(performance.now() - started > 1000, 'the whole answer took longer than the timeout');
		});

		test(`${transport}: a stream that fails midway is an error with NapCat's message, not a success`, async () => {
			const result = await run(fake, download('broken', transport), { credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } });
			assert.ok(result.error instanceof NodeApiError, `no error; output ${JSON.stringify(result.output.map((o) => o.json))}`);
			assert.match(result.error.message, /download_file_stream failed \(retcode 200\): Download failed: disk error/);
		});
	}

	for (const transport of ['http', 'websocket']) {
		test(`${transport}: a stream larger than Options › Max Answer Size fails naming it; the next item's download is read`, async () => {
			const connectionsBefore = wsConnections;
			const result = await run(
				fake,
				{ ...download('={{ $json.file }}', transport), options: { transport, maxAnswerSize: 1 } },
				{
					credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' },
					items: [{ json: { file: 'huge' } }, { json: { file: '/tmp/report.txt' } }],
					continueOnFail: true,
				},
			);
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.equal(result.output.length, 2);
			assert.match(
				String(result.output[0].json.error),
				/The backend's answer to download_file_stream is larger than the 1 MiB allowed by "Options › Max Answer Size \(MiB\)"/,
			);
			assert.equal(result.output[0].binary, undefined, 'no file from the cut answer');
			assert.deepEqual(Buffer.from(result.output[1].binary!.data.data, 'base64'), FILE);
			if (transport === 'websocket') assert.equal(wsConnections - connectionsBefore, 1, 'both calls on one connection');
		});

		test(`${transport}: the same 1.5 MiB stream is read under the default Max Answer Size`, async () => {
			const result = await run(fake, download('huge', transport), { credentialOverrides: { httpUrl, wsUrl, backend: 'napcat', accessToken: '' } });
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.ok(Buffer.from(result.output[0].binary!.data.data, 'base64').equals(HUGE));
		});
	}
});
