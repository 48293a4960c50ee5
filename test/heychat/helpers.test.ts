// Unit tests of the Heychat helpers: image sizes, mentions, ack ids, markdown escaping, lossless
// JSON, rate-limit headers, multipart bodies and cards.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ackIdFor, newAckId } from '../../nodes/Heychat/helpers/ackId';
import { cardMessage } from '../../nodes/Heychat/helpers/card';
import { imageSize } from '../../nodes/Heychat/helpers/imageSize';
import { escapeMarkdown } from '../../nodes/Heychat/helpers/markdown';
import {
	applyMentions,
	channelMentionsIn,
	idList,
	MENTION_ALL,
	MENTION_HERE,
	mentionChannel,
	mentionUser,
} from '../../nodes/Heychat/helpers/mentions';
import { parseJsonLossless, quoteUnsafeIntegers } from '../../nodes/shared/json';
import { buildMultipart } from '../../nodes/Heychat/transport/multipart';
import { bufferSource } from '../../nodes/shared/upload/binarySource';
import { readRateLimit } from '../../nodes/Heychat/transport/rateLimit';
import { InputError } from '../../nodes/shared/validation';
import { parseMultipart } from '../fakes/heychat';
import { gif, jpeg, png, webp } from './setup';

describe('imageSize', () => {
	test('PNG', () => {
		assert.deepEqual(imageSize(png(194, 228)), { format: 'png', mimeType: 'image/png', width: 194, height: 228 });
	});
	test('GIF', () => {
		assert.deepEqual(imageSize(gif(640, 480)), { format: 'gif', mimeType: 'image/gif', width: 640, height: 480 });
	});
	test('JPEG, baseline and progressive', () => {
		assert.deepEqual(imageSize(jpeg(1920, 1080)), { format: 'jpeg', mimeType: 'image/jpeg', width: 1920, height: 1080 });
		assert.deepEqual(imageSize(jpeg(300, 200, { progressive: true }))?.width, 300);
	});
	test('JPEG with EXIF orientation 6 reports the displayed (rotated) size', () => {
		const info = imageSize(jpeg(4000, 3000, { orientation: 6 }));
		assert.equal(info?.width, 3000);
		assert.equal(info?.height, 4000);
		assert.equal(imageSize(jpeg(4000, 3000, { orientation: 1 }))?.width, 4000);
	});
	test('WebP lossy, lossless and extended', () => {
		assert.deepEqual(imageSize(webp(800, 600, 'VP8 ')), { format: 'webp', mimeType: 'image/webp', width: 800, height: 600 });
		assert.deepEqual(imageSize(webp(1023, 77, 'VP8L'))?.height, 77);
		assert.deepEqual(imageSize(webp(1023, 77, 'VP8L'))?.width, 1023);
		assert.deepEqual(imageSize(webp(5000, 3000, 'VP8X')), { format: 'webp', mimeType: 'image/webp', width: 5000, height: 3000 });
	});
	test('not an image, truncated or empty', () => {
		assert.equal(imageSize(Buffer.from('%PDF-1.7 hello')), undefined);
		assert.equal(imageSize(Buffer.alloc(0)), undefined);
		assert.equal(imageSize(png(10, 10).subarray(0, 20)), undefined);
		assert.equal(imageSize(jpeg(10, 10).subarray(0, 30)), undefined);
		assert.equal(imageSize(Buffer.from('RIFF\0\0\0\0WEBPVP9 ')), undefined);
	});
});

describe('mentions', () => {
	test('the documented syntax', () => {
		assert.equal(mentionUser('72053518'), '@{id:72053518}');
		assert.equal(mentionChannel('3665944781964836864'), '#{id:3665944781964836864}');
		assert.equal(MENTION_ALL, '@{all}');
		assert.equal(MENTION_HERE, '@{here}');
	});
	test('users, roles and channels go into the text and the comma-joined fields', () => {
		const built = applyMentions(
			'123',
			{ users: '72053518', roles: '3663316788343832578', channels: '3665944781964836864' },
			'start',
		);
		assert.equal(built.msg, '@{id:72053518} @{id:3663316788343832578} #{id:3665944781964836864} 123');
		assert.equal(built.at_user_id, '72053518');
		assert.equal(built.at_role_id, '3663316788343832578');
		assert.equal(built.mention_channel_id, '3665944781964836864');
	});
	test('@all and @here, at the end; duplicates removed', () => {
		const built = applyMentions('hi', { everyone: true, here: true, users: '1, 2,1' }, 'end');
		assert.equal(built.msg, 'hi @{all} @{here} @{id:1} @{id:2}');
		assert.equal(built.at_user_id, '1,2');
	});
	test('"none" leaves the text alone; channel links already in it are listed', () => {
		const built = applyMentions('see #{id:3665944781964836864} @{id:5}', { users: '5' }, 'none');
		assert.equal(built.msg, 'see #{id:3665944781964836864} @{id:5}');
		assert.equal(built.at_user_id, '5');
		assert.equal(built.mention_channel_id, '3665944781964836864');
		assert.deepEqual(channelMentionsIn('#{id:1} and #{ id:2 }'), ['1']);
	});
	test('ids are kept as text and checked', () => {
		assert.deepEqual(idList('users', '["3663316788343832578", 12]'), ['3663316788343832578', '12']);
		assert.deepEqual(idList('users', [72053518]), ['72053518']);
		assert.throws(() => idList('roles', 'abc'), (e: unknown) => e instanceof InputError && e.field === 'roles');
		assert.throws(() => idList('roles', [Number('3663316788343832578')]), /lost precision/);
	});
});

describe('ack ids', () => {
	test('fresh ids are digit strings and differ', () => {
		const ids = new Set(Array.from({ length: 200 }, () => newAckId()));
		assert.equal(ids.size, 200);
		for (const id of ids) assert.match(id, /^\d{1,18}$/);
	});
	test('the same seed gives the same id, another seed another id', () => {
		assert.equal(ackIdFor('exec-1|node|0|0|send'), ackIdFor('exec-1|node|0|0|send'));
		assert.notEqual(ackIdFor('exec-1|node|0|0|send'), ackIdFor('exec-1|node|0|1|send'));
		assert.match(ackIdFor('x'), /^\d+$/);
	});
});

describe('markdown escaping for text messages', () => {
	test('formatting characters are escaped, mentions left alone', () => {
		assert.equal(escapeMarkdown('a *b* _c_ `d` [e](f) <g>'), 'a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<g>');
		assert.equal(escapeMarkdown('# title\n- item\n1. one\n> quote'), '\\# title\n\\- item\n1\\. one\n\\> quote');
		// mention tokens show as typed and mention no one (a bridged text holding @{all} notifies nobody)
		assert.equal(escapeMarkdown('@{id:1} #{id:2} @{all} @{here} @ {all}'), '@\\{id:1} #\\{id:2} @\\{all} @\\{here} @ {all}');
		assert.equal(escapeMarkdown('plain text, 100% fine.'), 'plain text, 100% fine.');
	});
});

describe('lossless JSON', () => {
	test('integers beyond 2^53 become exact digit strings; everything else is JSON.parse', () => {
		const text = '{"a":3663316788315193344,"b":"3663316788315193344","c":-9007199254740993,"d":9007199254740991,"e":1.5e300,"f":"x\\"1234567890123456789"}';
		const parsed = parseJsonLossless(text) as Record<string, unknown>;
		assert.equal(parsed.a, '3663316788315193344');
		assert.equal(parsed.b, '3663316788315193344');
		assert.equal(parsed.c, '-9007199254740993');
		assert.equal(parsed.d, 9007199254740991);
		assert.equal(parsed.e, 1.5e300);
		assert.equal(parsed.f, 'x"1234567890123456789');
		assert.equal(quoteUnsafeIntegers('[1,2]'), '[1,2]');
		assert.deepEqual(parseJsonLossless('[12345678901234567890123]'), ['12345678901234567890123']);
		assert.throws(() => parseJsonLossless('{nope'), SyntaxError);
	});
});

describe('rate-limit headers', () => {
	const now = 1_700_000_000_000;
	test('X-RateLimit-Reset-After wins', () => {
		const info = readRateLimit({ 'x-ratelimit-reset-after': '1.5', 'x-ratelimit-reset': '1700000010', 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-bucket': '' }, now);
		assert.equal(info.waitMs, 1500);
		assert.equal(info.limit, 300);
		assert.equal(info.bucket, '');
	});
	test('then Retry-After, then X-RateLimit-Reset (unix seconds), then a fallback', () => {
		assert.equal(readRateLimit({ 'Retry-After': '2' }, now).waitMs, 2000);
		assert.equal(readRateLimit({ 'X-RateLimit-Reset': '1700000003' }, now).waitMs, 3000);
		assert.equal(readRateLimit({}, now).waitMs, 1000);
	});
});

describe('multipart', () => {
	test('one file part named "file", bytes unchanged, Content-Length exact', async () => {
		const data = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
		const multipart = buildMultipart({ field: 'file', source: bufferSource(data), fileName: 'a"b.png', mimeType: 'image/png' });
		const { contentType } = multipart;
		const chunks: Buffer[] = [];
		for await (const chunk of multipart.open()) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks);
		assert.equal(body.length, multipart.length);
		const parts = parseMultipart(body, contentType);
		assert.equal(parts.length, 1);
		assert.equal(parts[0].name, 'file');
		assert.equal(parts[0].fileName, 'a_b.png');
		assert.equal(parts[0].contentType, 'image/png');
		assert.ok(parts[0].data.equals(data));
	});
});

describe('cards', () => {
	const card = { type: 'card', modules: [{ type: 'header', content: { type: 'plain-text', text: 'Hi' } }] };
	test('{data: [...]}, an array or one card all become {"data": [...]}', () => {
		const expected = JSON.stringify({ data: [card] });
		assert.equal(cardMessage('card', JSON.stringify({ data: [card] })), expected);
		assert.equal(cardMessage('card', JSON.stringify([card])), expected);
		assert.equal(cardMessage('card', card), expected);
	});
	test('invalid JSON, too many cards, empty or too many modules are rejected naming the field', () => {
		const isCardError = (e: unknown) => e instanceof InputError && e.field === 'card';
		assert.throws(() => cardMessage('card', '{"data": ['), isCardError);
		assert.throws(() => cardMessage('card', ''), isCardError);
		assert.throws(() => cardMessage('card', JSON.stringify([card, card, card, card])), /1 to 3 cards/);
		assert.throws(() => cardMessage('card', JSON.stringify([{ type: 'card', modules: [] }])), /1 to 10 modules/);
		assert.throws(() => cardMessage('card', JSON.stringify({ hello: 1 })), isCardError);
	});
});
