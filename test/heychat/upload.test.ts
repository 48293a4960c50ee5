// Media › Upload and the image uploads of messages, from the input item's binary data: what is
// refused before anything is sent, and what the multipart part says about the file.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { FakeHeychat } from '../fakes/heychat';
import { BIG_CHANNEL, BIG_ROOM, byId, imageItem, png, run } from './setup';

const UPLOAD = '/upload';
const MEDIA: INodeParameters = { resource: 'media', operation: 'upload_media', binaryPropertyName: 'data' };

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

describe('an empty binary is refused naming the field, before anything is sent', () => {
	for (const binaryMode of ['default', 'filesystem'] as const) {
		test(`Media › Upload (${binaryMode} binary mode)`, async () => {
			const result = await run(fake, MEDIA, { items: [imageItem({}, 'data', Buffer.alloc(0), 'text/plain', 'empty.txt')], binaryMode });
			assert.ok(result.error instanceof NodeOperationError, `no error; output ${JSON.stringify(result.output.map((o) => o.json))}`);
			assert.match(result.error.message, /^"binaryPropertyName" must hold file data, but binary field "data" is empty/);
			assert.equal(fake.calls.length, 0, 'nothing was uploaded');
		});
	}

	test('Append Images: the field is named (inlineImages) and nothing is sent', async () => {
		const result = await run(
			fake,
			{
				resource: 'message',
				operation: 'send_channel_message',
				room_id: byId(BIG_ROOM),
				channel_id: byId(BIG_CHANNEL),
				messageType: 'markdown',
				text: 'Report',
				messageOptions: { inlineImages: 'chart' },
			},
			{ items: [imageItem({}, 'chart', Buffer.alloc(0), 'image/png', 'chart.png')] },
		);
		assert.ok(result.error instanceof NodeOperationError);
		assert.match(result.error.message, /^"inlineImages" must hold file data, but binary field "chart" is empty/);
		assert.equal(fake.calls.length, 0);
	});
});

describe('the file part of the multipart body', () => {
	test('a declared MIME type that is not one (line breaks, no subtype) is sent as application/octet-stream: no header can be slipped into the part', async () => {
		for (const declared of ['text/plain\r\nX-Injected: 1', 'text/plain\nX-Injected: 1', 'not a type', 'text/']) {
			fake.reset();
			const result = await run(fake, MEDIA, { items: [imageItem({}, 'data', Buffer.from('hello'), declared, 'notes.txt')] });
			assert.equal(result.error, undefined, String(result.error?.message));
			const call = fake.lastCall(UPLOAD)!;
			const head = call.rawBody.toString('utf8').split('\r\n\r\n')[0];
			assert.doesNotMatch(head, /X-Injected/i, `declared ${JSON.stringify(declared)}: ${JSON.stringify(head)}`);
			assert.equal(call.file?.contentType, 'application/octet-stream', `declared ${JSON.stringify(declared)}`);
			assert.ok(call.file?.data.equals(Buffer.from('hello')));
			assert.equal(result.output[0].json.mimeType, 'application/octet-stream', 'the output says what was sent');
		}
	});

	test('a file name in Chinese is sent as UTF-8; quotes, backslashes and line breaks cannot end the header (replaced by _)', async () => {
		const result = await run(fake, MEDIA, { items: [imageItem({}, 'data', Buffer.from('hello'), 'text/plain', '季度 "报告"\\v2\r\n.txt')] });
		assert.equal(result.error, undefined, String(result.error?.message));
		const call = fake.lastCall(UPLOAD)!;
		const head = call.rawBody.toString('utf8').split('\r\n\r\n')[0];
		assert.match(head, /^Content-Disposition: form-data; name="file"; filename="季度 _报告__v2__\.txt"$/m);
		assert.equal(call.file?.fileName, '季度 _报告__v2__.txt');
	});

	test('a declared MIME type with parameters is sent as declared; an image is sent as the type its bytes show', async () => {
		await run(fake, MEDIA, { items: [imageItem({}, 'data', Buffer.from('hello'), 'text/plain; charset=utf-8', 'notes.txt')] });
		assert.equal(fake.lastCall(UPLOAD)?.file?.contentType, 'text/plain; charset=utf-8');
		fake.reset();
		await run(fake, MEDIA, { items: [imageItem({}, 'data', png(2, 2), 'application/octet-stream', 'chart.bin')] });
		assert.equal(fake.lastCall(UPLOAD)?.file?.contentType, 'image/png');
	});
});

describe('an upload answered with HTTP 429 is sent again whole', () => {
	for (const binaryMode of ['default', 'filesystem'] as const) {
		test(`${binaryMode} binary mode: the retry carries every byte again (a fresh read of the file)`, async () => {
			const data = Buffer.alloc(3 * 1024 * 1024 + 17);
			for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
			fake.rateLimitNext(UPLOAD, 1, { resetAfter: 0.01 });
			const result = await run(fake, MEDIA, { items: [imageItem({}, 'data', data, 'application/octet-stream', 'big.bin')], binaryMode });
			assert.equal(result.error, undefined, String(result.error?.message));
			const uploads = fake.callsTo(UPLOAD);
			assert.equal(uploads.length, 2);
			for (const upload of uploads) assert.ok(upload.file?.data.equals(data), 'each attempt sent the whole file');
		});
	}
});
