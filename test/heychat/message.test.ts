// Sending messages: every message type, mentions, replies, images from binary data and URLs
// (upload → dimensions → addition), ack ids (reuse on retry), input checks before any request,
// and a 19-digit id from input to the wire and back.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { NodeOperationError } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { FakeHeychat, ok } from '../fakes/heychat';
import { BIG_CHANNEL, BIG_MSG, BIG_ROOM, byId, gif, imageItem, jpeg, png, run, webp } from './setup';

const SEND = '/chatroom/v2/channel_msg/send';
/** The fake serves images on 127.0.0.1: the node fetches from there only with this option on. */
const LOCAL_FETCH = { allowPrivateNetwork: true };
const UPLOAD = '/upload';

let fake: FakeHeychat;
before(async () => {
	fake = await FakeHeychat.start();
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

function send(extra: INodeParameters): INodeParameters {
	return {
		resource: 'message',
		operation: 'send_channel_message',
		room_id: byId(BIG_ROOM),
		channel_id: byId(BIG_CHANNEL),
		...extra,
	};
}

function body(path = SEND, index = -1): Record<string, unknown> {
	const calls = fake.callsTo(path);
	const call = calls[index < 0 ? calls.length + index : index];
	assert.ok(call, `a call to ${path}`);
	return call.json as Record<string, unknown>;
}

describe('message types', () => {
	test('Text: markdown (msg_type 4) with formatting characters escaped', async () => {
		const result = await run(fake, send({ messageType: 'text', text: 'price: 5*3 = 15, see [docs]' }));
		assert.equal(result.error, undefined, String(result.error?.message));
		const b = body();
		assert.equal(b.msg_type, 4);
		assert.equal(b.msg, 'price: 5\\*3 = 15, see \\[docs\\]');
		assert.equal(b.addition, '{"img_files_info":[]}');
		assert.equal(b.reply_id, '');
		assert.equal(b.channel_type, 1);
		// HeyBox.Net sends the three mention lists on every channel send, empty when unused
		assert.equal(b.at_user_id, '');
		assert.equal(b.at_role_id, '');
		assert.equal(b.mention_channel_id, '');
	});

	test('Markdown is sent as typed', async () => {
		await run(fake, send({ messageType: 'markdown', text: '# Title\n**bold**' }));
		assert.equal(body().msg, '# Title\n**bold**');
		assert.equal(body().msg_type, 4);
	});

	test('Markdown with mentions: @{id:…}, #{id:…}, @{all}, @{here} and the id fields (msg_type 10)', async () => {
		const result = await run(
			fake,
			send({
				messageType: 'markdownMentions',
				text: '123',
				mentions: {
					users: '72053518',
					roles: '3663316788343832578',
					channels: '3665944781964836864',
					everyone: true,
					here: true,
				},
			}),
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const b = body();
		assert.equal(b.msg_type, 10);
		assert.equal(b.msg, '@{all} @{here} @{id:72053518} @{id:3663316788343832578} #{id:3665944781964836864} 123');
		assert.equal(b.at_user_id, '72053518');
		assert.equal(b.at_role_id, '3663316788343832578');
		assert.equal(b.mention_channel_id, '3665944781964836864');
		assert.equal(b.addition, '{"img_files_info":[]}');
	});

	test('Markdown with mentions already in the text ("No" placement)', async () => {
		await run(
			fake,
			send({
				messageType: 'markdownMentions',
				text: '@{id:72053518} look at #{id:3665944781964836864}',
				mentions: { users: '72053518', placement: 'none' },
			}),
		);
		const b = body();
		assert.equal(b.msg, '@{id:72053518} look at #{id:3665944781964836864}');
		assert.equal(b.at_user_id, '72053518');
		assert.equal(b.at_role_id, '');
		assert.equal(b.mention_channel_id, '3665944781964836864');
	});

	test('Card: msg is the {"data": [...]} JSON text, addition "{}", msg_type 20', async () => {
		const card = { type: 'card', modules: [{ type: 'section', paragraph: [{ type: 'plain-text', text: 'hi' }] }] };
		await run(fake, send({ messageType: 'card', card: JSON.stringify(card) }));
		const b = body();
		assert.equal(b.msg_type, 20);
		assert.equal(b.msg, JSON.stringify({ data: [card] }));
		assert.equal(b.addition, '{}');
	});

	test('Reply: reply_id carries the quoted message id as a string', async () => {
		await run(fake, send({ messageType: 'markdown', text: 'yes', messageOptions: { replyTo: BIG_MSG } }));
		assert.equal(body().reply_id, BIG_MSG);
		assert.ok(fake.lastCall(SEND)!.rawBody.toString().includes(`"reply_id":"${BIG_MSG}"`));
	});

	test('Reply: an expression giving the message id as a (safe) number still quotes it', async () => {
		await run(fake, send({ messageType: 'markdown', text: 'yes', messageOptions: { replyTo: '={{ 1836295184143 }}' } }));
		assert.equal(body().reply_id, '1836295184143');
	});
});

describe('images', () => {
	for (const [name, data, mime, file, w, h] of [
		['PNG', png(194, 228), 'image/png', 'a.png', 194, 228],
		['JPEG', jpeg(1280, 720), 'image/jpeg', 'b.jpg', 1280, 720],
		['GIF', gif(320, 240), 'image/gif', 'c.gif', 320, 240],
		['WebP', webp(800, 600), 'image/webp', 'd.webp', 800, 600],
	] as const) {
		test(`image from binary (${name}): upload, then send with img and img_files_info`, async () => {
			const result = await run(fake, send({ messageType: 'image', imageSource: 'binary', binaryPropertyName: 'photo' }), {
				items: [imageItem({}, 'photo', data, mime, file)],
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.deepEqual(
				fake.calls.map((c) => c.path),
				[UPLOAD, SEND],
				'upload first, then send',
			);
			const upload = fake.lastCall(UPLOAD)!;
			assert.equal(upload.file?.fileName, file);
			assert.ok(upload.file?.data.equals(data));
			const url = JSON.parse(upload.responseText!).result.url as string;
			const b = body();
			assert.equal(b.msg_type, 3);
			assert.equal(b.img, url);
			assert.equal(b.msg, url, 'msg carries the image URL too, as HeyBox.Net sends it');
			assert.deepEqual(JSON.parse(String(b.addition)), { img_files_info: [{ url, width: w, height: h }] });
			assert.deepEqual(result.output[0].json.img_files_info, [{ url, width: w, height: h }]);
		});
	}

	test('image from a URL: measured from the image itself, not uploaded', async () => {
		const url = fake.serveFile('/cdn/cat.png', png(50, 60), 'image/png');
		const result = await run(fake, send({ messageType: 'image', imageSource: 'url', imageUrl: url, options: LOCAL_FETCH }));
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(fake.callsTo(UPLOAD).length, 0);
		assert.equal(fake.lastCall('/cdn/cat.png')?.headers.range, 'bytes=0-262143', 'only the head of the image is asked for');
		assert.equal(fake.lastCall('/cdn/cat.png')?.headers.token, undefined, 'the token is not sent to image hosts');
		const b = body();
		assert.equal(b.img, url);
		assert.deepEqual(JSON.parse(String(b.addition)), { img_files_info: [{ url, width: 50, height: 60 }] });
	});

	test('image from a URL with the size given: no download', async () => {
		const url = `${fake.url}/cdn/not-served.png`;
		await run(fake, send({ messageType: 'image', imageSource: 'url', imageUrl: url, messageOptions: { imageWidth: 10, imageHeight: 20 } }));
		assert.equal(fake.callsTo('/cdn/not-served.png').length, 0);
		assert.deepEqual(JSON.parse(String(body().addition)), { img_files_info: [{ url, width: 10, height: 20 }] });
	});

	test('image from a URL that cannot be read: sent with the URL only', async () => {
		const url = `${fake.url}/cdn/missing.png`;
		const result = await run(fake, send({ messageType: 'image', imageSource: 'url', imageUrl: url, options: LOCAL_FETCH }));
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(JSON.parse(String(body().addition)), { img_files_info: [{ url }] });
	});

	test('image from a URL, "Upload URL Image First": downloaded, uploaded, sent with the CDN URL', async () => {
		const source = fake.serveFile('/elsewhere/dog.jpg', jpeg(640, 480), 'image/jpeg');
		const result = await run(
			fake,
			send({ messageType: 'image', imageSource: 'url', imageUrl: source, messageOptions: { reuploadUrl: true }, options: LOCAL_FETCH }),
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const upload = fake.lastCall(UPLOAD)!;
		assert.equal(upload.file?.fileName, 'dog.jpg');
		const url = JSON.parse(upload.responseText!).result.url as string;
		assert.equal(body().img, url);
		assert.deepEqual(JSON.parse(String(body().addition)), { img_files_info: [{ url, width: 640, height: 480 }] });
	});

	test('markdown with appended images: ![](url) below the text and listed in img_files_info', async () => {
		const result = await run(
			fake,
			send({ messageType: 'markdown', text: 'Report', messageOptions: { inlineImages: 'a, b' } }),
			{
				items: [
					{
						json: {},
						binary: {
							a: imageItem({}, 'a', png(10, 11), 'image/png', 'a.png').binary!.a,
							b: imageItem({}, 'b', gif(12, 13), 'image/gif', 'b.gif').binary!.b,
						},
					},
				],
			},
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const urls = fake.callsTo(UPLOAD).map((c) => JSON.parse(c.responseText!).result.url as string);
		assert.equal(urls.length, 2);
		const b = body();
		assert.equal(b.msg, `Report\n\n![](${urls[0]})\n\n![](${urls[1]})`);
		assert.deepEqual(JSON.parse(String(b.addition)).img_files_info, [
			{ url: urls[0], width: 10, height: 11 },
			{ url: urls[1], width: 12, height: 13 },
		]);
	});

	test('Append Images separated by a full-width comma (，), an enumeration comma (、) and a new line: all four uploaded and shown, in order', async () => {
		const binary = Object.fromEntries(
			['a', 'b', 'c', 'd'].map((name, i) => [name, imageItem({}, name, png(20 + i, 30 + i), 'image/png', `${name}.png`).binary![name]]),
		);
		const result = await run(
			fake,
			send({ messageType: 'markdown', text: 'Report', messageOptions: { inlineImages: 'a，b 、c\nd' } }),
			{ items: [{ json: {}, binary }] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const uploads = fake.callsTo(UPLOAD);
		assert.deepEqual(
			uploads.map((c) => c.file?.fileName),
			['a.png', 'b.png', 'c.png', 'd.png'],
		);
		const urls = uploads.map((c) => JSON.parse(c.responseText!).result.url as string);
		const b = body();
		assert.equal(b.msg, `Report${urls.map((url) => `\n\n![](${url})`).join('')}`);
		assert.deepEqual(JSON.parse(String(b.addition)).img_files_info, [
			{ url: urls[0], width: 20, height: 30 },
			{ url: urls[1], width: 21, height: 31 },
			{ url: urls[2], width: 22, height: 32 },
			{ url: urls[3], width: 23, height: 33 },
		]);
	});

	test('private image message: msg_type 3, img, to_user_id as a number', async () => {
		const result = await run(
			fake,
			{ resource: 'message', operation: 'send_private_message', to_user_id: '1234567', messageType: 'image', binaryPropertyName: 'data' },
			{ items: [imageItem({}, 'data', png(7, 8), 'image/png', 'p.png')] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		const b = body('/chatroom/v3/msg/user');
		assert.equal(b.msg_type, 3);
		assert.equal(b.to_user_id, 1234567);
		assert.match(String(b.img), /^https:\/\/chat\.max-c\.com\//);
	});
});

describe('input is checked before any request, naming the field', () => {
	const cases: Array<[string, INodeParameters, RegExp, object?]> = [
		['empty text', send({ messageType: 'text', text: '   ' }), /"Text" is required/],
		['invalid card JSON', send({ messageType: 'card', card: '{"data": [' }), /"card" must be valid JSON/],
		['card with no modules', send({ messageType: 'card', card: '[{"type":"card","modules":[]}]' }), /1 to 10 modules/],
		['room id empty at run time', send({ room_id: byId('={{ $json.none }}'), messageType: 'text', text: 'x' }), /"room_id" is required/],
		[
			'binary field not found, the item has no binary data',
			send({ messageType: 'image', binaryPropertyName: 'nope' }),
			/^"binaryPropertyName" must name a binary field of the input item, but item 0 has no binary field "nope"; it has no binary data at all$/,
		],
		[
			'binary field not found: the item\'s binary fields are listed',
			send({ messageType: 'image', binaryPropertyName: 'nope' }),
			/^"binaryPropertyName" must name a binary field of the input item, but item 0 has no binary field "nope"; its binary fields: "photo"$/,
			{ items: [imageItem({}, 'photo', png(4, 3), 'image/png', 'a.png')] },
		],
		[
			'binary data that is not an image',
			send({ messageType: 'image', binaryPropertyName: 'data' }),
			/is not a PNG, JPEG, GIF or WebP image/,
			{ items: [imageItem({}, 'data', Buffer.from('%PDF-1.4'), 'application/pdf', 'x.pdf')] },
		],
		['image URL that is not http(s)', send({ messageType: 'image', imageSource: 'url', imageUrl: 'ftp://x/y.png' }), /must be an http\(s\) URL/],
		['reply id that is not an id', send({ messageType: 'text', text: 'x', messageOptions: { replyTo: 'abc' } }), /Reply To Message ID/],
		['mention ids that are not ids', send({ messageType: 'markdownMentions', text: 'x', mentions: { users: 'bob' } }), /numeric IDs/],
		// an expression giving the id as a number beyond 2^53 (digits lost): not a silent send without the quote
		['reply id given as a number beyond 2^53', send({ messageType: 'text', text: 'x', messageOptions: { replyTo: `={{ ${BIG_MSG} }}` } }), /Reply To Message ID.*precision/],
		// an image is uploaded to Heychat only once the rest of the input has been checked
		[
			'reply id that is not an id, with an image from binary: the image is not uploaded',
			send({ messageType: 'image', imageSource: 'binary', binaryPropertyName: 'data', messageOptions: { replyTo: 'abc' } }),
			/"Reply To Message ID" must be a message ID/,
			{ items: [imageItem({}, 'data', png(4, 3), 'image/png', 'a.png')] },
		],
		[
			'ack id given as a number beyond 2^53, with an image from binary: the image is not uploaded',
			send({ messageType: 'image', imageSource: 'binary', binaryPropertyName: 'data', messageOptions: { ackId: '={{ 123456789012345678901234 }}' } }),
			/"ackId" lost precision/,
			{ items: [imageItem({}, 'data', png(4, 3), 'image/png', 'a.png')] },
		],
		[
			'reply id that is not an id, with Append Images: the images are not uploaded',
			send({ messageType: 'markdown', text: 'x', messageOptions: { replyTo: 'abc', inlineImages: 'a' } }),
			/"Reply To Message ID" must be a message ID/,
			{ items: [imageItem({}, 'a', png(4, 3), 'image/png', 'a.png')] },
		],
		[
			'Append Images whose second field is not an image: the first is not uploaded either',
			send({ messageType: 'markdown', text: 'x', messageOptions: { inlineImages: 'a, b' } }),
			/Binary field "b" is not a PNG, JPEG, GIF or WebP image/,
			{
				items: [
					{
						json: {},
						binary: {
							a: imageItem({}, 'a', png(4, 3), 'image/png', 'a.png').binary!.a,
							b: imageItem({}, 'b', Buffer.from('%PDF-1.4'), 'application/pdf', 'b.pdf').binary!.b,
						},
					},
				],
			},
		],
		[
			'Append Images whose second field is missing: the first is not uploaded either',
			send({ messageType: 'markdown', text: 'x', messageOptions: { inlineImages: 'a, nope' } }),
			/^"inlineImages" must name a binary field of the input item, but item 0 has no binary field "nope"; its binary fields: "a"$/,
			{ items: [imageItem({}, 'a', png(4, 3), 'image/png', 'a.png')] },
		],
	];
	for (const [name, parameters, message, options] of cases) {
		test(name, async () => {
			const result = await run(fake, parameters, options);
			assert.ok(result.error instanceof NodeOperationError, `NodeOperationError, got ${String(result.error)}`);
			assert.match(result.error.message, message);
			assert.equal(fake.calls.length, 0, 'nothing was sent');
		});
	}
});

describe('heychat_ack_id', () => {
	test('a send retried after HTTP 429 reuses the same ack id (and the same body)', async () => {
		fake.rateLimitNext(SEND, 2, { resetAfter: 0.02 });
		const result = await run(fake, send({ messageType: 'text', text: 'once' }));
		assert.equal(result.error, undefined, String(result.error?.message));
		const calls = fake.callsTo(SEND);
		assert.equal(calls.length, 3);
		const ids = calls.map((c) => (c.json as Record<string, unknown>).heychat_ack_id);
		assert.equal(new Set(ids).size, 1);
		assert.ok(calls.every((c) => c.rawBody.equals(calls[0].rawBody)), 'identical request bodies');
		assert.equal(result.output[0].json.heychat_ack_id, ids[0]);
	});

	// Retry On Fail after a send whose answer was lost although Heychat had taken the message: the
	// retry carries the same ack id, Heychat refuses it as a duplicate, and that refusal confirms the
	// first try's delivery (the message is in the channel once; the item succeeds and says so).
	const lostAnswers: Array<[string, Parameters<FakeHeychat['loseAnswerNext']>[1], RegExp]> = [
		['no answer before the timeout', {}, /did not answer send_channel_message within 1 s/],
		// n8n words a reset connection's error itself
		['the connection reset', { instead: 'reset' }, /Could not reach Heychat|connection to the server was closed/],
		['an HTTP 502 answer', { instead: { status: 502, body: 'bad gateway' } }, /HTTP 502/],
		['an answer that is not Heychat\'s JSON', { instead: { status: 200, body: '<html>proxy</html>' } }, /did not answer send_channel_message with a JSON object/],
	];
	for (const [lost, how, earlierError] of lostAnswers) {
		test(`Retry On Fail after a delivered send whose answer was lost (${lost}): Heychat's duplicate refusal confirms it, the item succeeds`, async () => {
			fake.loseAnswerNext(SEND, how);
			const result = await run(fake, send({ messageType: 'text', text: 'hello', options: { timeout: 1 } }), {
				nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			});
			assert.equal(result.error, undefined, String(result.error?.message));
			const calls = fake.callsTo(SEND);
			assert.equal(calls.length, 2, 'the first try and one retry');
			assert.equal(calls[0].answerLost, true);
			const ackId = (calls[0].json as Record<string, unknown>).heychat_ack_id;
			assert.ok(calls.every((c) => c.rawBody.equals(calls[0].rawBody)), 'the retry is the same request, ack id included');
			assert.match(String(calls[1].responseText), /消息已发送，请勿重复发送/);
			assert.equal(fake.messages.length, 1, 'the message is in the channel once');
			assert.equal(result.output.length, 1);
			const json = result.output[0].json;
			assert.equal(json.delivered, true);
			assert.equal(json.confirmedBy, 'duplicate ack id');
			assert.equal(json.heychat_ack_id, ackId);
			assert.equal(json.msg_id, undefined, 'Heychat never said which msg_id it got');
			assert.equal(json.msg_type, 4);
			assert.match(String(json.earlierError), earlierError);
			assert.equal(json.error, undefined);
		});
	}

	test('a duplicate refusal on the first try (an Ack ID reused from an earlier execution) is an error, also under Retry On Fail', async () => {
		const first = await run(fake, send({ messageType: 'text', text: 'first', messageOptions: { ackId: '42' } }));
		assert.equal(first.error, undefined, String(first.error?.message));
		const result = await run(fake, send({ messageType: 'text', text: 'second', messageOptions: { ackId: '42' } }), {
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		assert.ok(result.error, 'the duplicate is reported');
		assert.match(result.error.message, /消息已发送，请勿重复发送/);
		assert.match(String((result.error as { description?: string }).description), /already has a message with ack ID 42/);
		assert.equal(fake.callsTo(SEND).length, 3, 'one send, then the refused one and its retry');
		assert.deepEqual(
			fake.messages.map((m) => m.body.msg),
			['first'],
			'only the first execution\'s message is in the channel',
		);
	});

	test('a duplicate refusal after an earlier try that Heychat refused outright is an error (that try was not delivered)', async () => {
		// the first try is refused (no permission); the retry meets an ack id Heychat already has from elsewhere
		fake.failNext(SEND, '权限不足，无法发言');
		fake.on(SEND, () => ({ body: { status: 'failed', msg: '消息已发送，请勿重复发送', result: {} } }), 1);
		const result = await run(fake, send({ messageType: 'text', text: 'x' }), {
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		assert.ok(result.error, 'the duplicate is reported');
		assert.match(result.error.message, /消息已发送，请勿重复发送/);
		assert.equal(fake.callsTo(SEND).length, 2);
		assert.equal(fake.messages.length, 0);
	});

	test('different items and different executions get different ack ids', async () => {
		await run(fake, send({ messageType: 'text', text: '={{ $json.t }}' }), { items: [{ json: { t: 'a' } }, { json: { t: 'b' } }] });
		await run(fake, send({ messageType: 'text', text: 'c' }));
		const ids = fake.callsTo(SEND).map((c) => (c.json as Record<string, unknown>).heychat_ack_id);
		assert.equal(ids.length, 3);
		assert.equal(new Set(ids).size, 3);
		for (const id of ids) assert.match(String(id), /^\d+$/);
	});

	test('an Ack ID given in the options is sent as is', async () => {
		await run(fake, send({ messageType: 'text', text: 'x', messageOptions: { ackId: '42' } }));
		assert.equal(body().heychat_ack_id, '42');
	});

	test('one fixed Ack ID for several items: an error naming ackId before anything is sent (Heychat takes the first message of an ack ID only)', async () => {
		const result = await run(fake, send({ messageType: 'text', text: 'x', messageOptions: { ackId: '42' } }), {
			items: [{ json: {} }, { json: {} }],
		});
		assert.match(String(result.error?.message), /Ack ID/);
		assert.equal(fake.calls.length, 0);
	});

	test('one fixed Ack ID for several image items: refused before any image is uploaded', async () => {
		const items = [imageItem({}, 'photo', png(4, 3), 'image/png', 'a.png'), imageItem({}, 'photo', png(4, 3), 'image/png', 'b.png')];
		const result = await run(fake, send({ messageType: 'image', imageSource: 'binary', binaryPropertyName: 'photo', messageOptions: { ackId: '42' } }), { items });
		assert.match(String(result.error?.message), /Ack ID/);
		assert.equal(fake.calls.length, 0, 'nothing was uploaded or sent');
	});

	test('an Ack ID expression that gives two items the same value: the second fails naming ackId, not sent', async () => {
		const result = await run(fake, send({ messageType: 'text', text: 'x', messageOptions: { ackId: '={{ $json.id }}' } }), {
			items: [{ json: { id: 'a' } }, { json: { id: 'b' } }, { json: { id: 'a' } }],
			continueOnFail: true,
		});
		assert.deepEqual(fake.callsTo(SEND).map((c) => (c.json as Record<string, unknown>).heychat_ack_id), ['a', 'b']);
		assert.match(String(result.output[2].json.error), /Ack ID.*item 0/);
	});

	test('an Ack ID an expression gives as a number is sent as its digits; one beyond 2^53 is refused naming ackId', async () => {
		await run(fake, send({ messageType: 'text', text: 'x', messageOptions: { ackId: '={{ 4242 }}' } }));
		assert.equal(body().heychat_ack_id, '4242');
		fake.reset();
		const result = await run(fake, send({ messageType: 'text', text: 'x', messageOptions: { ackId: '={{ 18014398509481985 }}' } }));
		assert.match(String(result.error?.message), /Ack ID|ackId/);
		assert.equal(fake.calls.length, 0);
	});
});

describe('a 19-digit id survives input → wire → output', () => {
	test('ids typed as text reach the wire as the same JSON strings, and bare-number ids in the answer come back exact', async () => {
		const msgId = '1836295184143134721';
		fake.on(SEND, (call) => {
			const b = call.json as Record<string, unknown>;
			// a bare JSON number above 2^53 (Number() would turn it into ...4720)
			return {
				body: `{"status":"ok","msg":"","result":{"chatmobile_ack_id":"","heychat_ack_id":"${String(b.heychat_ack_id)}","msg_id":${msgId},"msg_seq":${msgId},"room_id":${String(b.room_id)}}}`,
			};
		});
		const result = await run(fake, send({ messageType: 'text', text: 'big' }));
		assert.equal(result.error, undefined, String(result.error?.message));
		const raw = fake.lastCall(SEND)!.rawBody.toString();
		assert.ok(raw.includes(`"room_id":"${BIG_ROOM}"`), raw);
		assert.ok(raw.includes(`"channel_id":"${BIG_CHANNEL}"`), raw);
		const json = result.output[0].json;
		assert.equal(json.msg_id, msgId);
		assert.equal(json.msg_seq, msgId);
		assert.equal(json.room_id, BIG_ROOM);
		assert.notEqual(String(Number(msgId)), msgId, 'the id is really beyond 2^53');
	});

	test('ids given as expressions from a previous item stay strings', async () => {
		const result = await run(
			fake,
			{ resource: 'room', operation: 'get_room', room_id: byId('={{ $json.room }}') },
			{ items: [{ json: { room: BIG_ROOM } }] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(fake.lastCall()!.query.room_id, BIG_ROOM);
		assert.equal((result.output[0].json.room as Record<string, unknown>).room_id, BIG_ROOM);
	});
});

test('the send answer is the output, with the ack id and type', async () => {
	fake.on(SEND, (call) => ({
		body: ok({ chatmobile_ack_id: '', heychat_ack_id: (call.json as Record<string, unknown>).heychat_ack_id, msg_id: BIG_MSG, msg_seq: BIG_MSG }),
	}));
	const result = await run(fake, send({ messageType: 'markdown', text: 'x' }));
	assert.equal(result.output.length, 1);
	assert.equal(result.output[0].json.msg_id, BIG_MSG);
	assert.equal(result.output[0].json.msg_type, 4);
	assert.deepEqual(result.output[0].pairedItem, { item: 0 });
});
