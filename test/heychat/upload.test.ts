// Media › Upload and the image uploads of messages, from the input item's binary data: what is
// refused before anything is sent, and what the multipart part says about the file.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { FakeHeychat } from '../fakes/heychat';
import { BIG_CHANNEL, BIG_ROOM, byId, imageItem, run } from './setup';

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
