// Messages as the backend receives them: plain text, CQ-code strings, the segment builder (with an
// image from n8n binary data), raw JSON segments, send_msg, merged-forward messages from a list and
// from input items, and file uploads from binary data, paths, URLs and base64.
import { BIG_ID, byId, detectBackendOnce, run, wireParams } from './setup';

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { NodeOperationError, type INodeExecutionData, type INodeParameters } from 'n8n-workflow';

import { FakeOneBot } from '../fakes/onebot';
import { binaryItem } from '../harness/n8n';

/** Bytes 0..255 and back: any re-encoding on the way would show. */
const IMAGE = Buffer.from([...Array(256).keys(), ...[...Array(256).keys()].reverse()]);
const PDF = Buffer.from('%PDF-1.4\n% not really a pdf \u00e4\u00f6\u00fc\n%%EOF\n', 'utf8');

const toGroup = (extra: INodeParameters): INodeParameters => ({
	resource: 'message',
	operation: 'send_group_msg',
	group_id: byId('100001'),
	...extra,
});

/** The bytes behind a `base64://` file value. */
function decoded(file: unknown): Buffer {
	assert.equal(typeof file, 'string');
	assert.match(file as string, /^base64:\/\/[A-Za-z0-9+/]+=*$/);
	return Buffer.from((file as string).slice('base64://'.length), 'base64');
}

let fake: FakeOneBot;
before(async () => {
	fake = await FakeOneBot.start({
		handlers: {
			upload_group_file: () => null,
			upload_private_file: () => null,
			set_qq_avatar: () => null,
			send_forward_msg: () => ({ message_id: 1, forward_id: 'abc' }),
		},
	});
	await detectBackendOnce(fake);
});
after(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

async function sendOne(parameters: INodeParameters, items?: INodeExecutionData[]) {
	const result = await run(fake, parameters, items ? { items } : {});
	assert.equal(result.error, undefined, String(result.error?.message));
	return result;
}

describe('message formats', () => {
	test('plain text is sent literally, with auto_escape', async () => {
		const text = 'Price: [CQ:face,id=1] & more, [x]\n  second line  ';
		const result = await sendOne(toGroup({ messageFormat: 'text', text }));
		assert.equal(fake.calls.length, 1);
		assert.equal(fake.calls[0].action, 'send_group_msg');
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001, message: text, auto_escape: true });
		assert.deepEqual(result.output.map((o) => [o.json, o.pairedItem]), [[fake.calls[0].response?.data, { item: 0 }]], 'the answer\'s data');
	});

	test('plain text is the default format', async () => {
		await sendOne(toGroup({ text: 'hi' }));
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001, message: 'hi', auto_escape: true });
	});

	test('a CQ-code string is sent as typed, auto_escape false', async () => {
		const cq = 'a &amp; b &#91;literal&#93; [CQ:at,qq=123456] [CQ:image,file=https://example.com/a.png?x=1&amp;y=2]';
		await sendOne(toGroup({ messageFormat: 'cqCode', cqString: cq }));
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001, message: cq, auto_escape: false });
	});

	test('the segment builder, with an image from n8n binary data', async () => {
		const segments = {
			segment: [
				{ type: 'reply', replyId: '-2147483000' },
				{ type: 'text', textText: 'Hi ' },
				{ type: 'at', atQq: 'all' },
				{ type: 'at', atQq: BIG_ID },
				{ type: 'face', faceId: '14' },
				{ type: 'image', source: 'binary', binaryProperty: 'photo' },
				{ type: 'image', source: 'url', url: 'https://example.com/b.png', imageType: 'flash' },
			],
		};
		const result = await sendOne(toGroup({ messageFormat: 'segments', segments }), [
			binaryItem({ n: 1 }, 'photo', IMAGE, 'image/png', 'photo.png'),
		]);
		const params = wireParams(fake.calls[0]);
		assert.equal(params.auto_escape, undefined, 'segments are never escaped');
		const message = params.message as Array<{ type: string; data: Record<string, unknown> }>;
		assert.deepEqual(
			message.map((s) => (s.type === 'image' && String(s.data.file).startsWith('base64://') ? { ...s, data: { file: '<binary>' } } : s)),
			[
				{ type: 'reply', data: { id: '-2147483000' } },
				{ type: 'text', data: { text: 'Hi ' } },
				{ type: 'at', data: { qq: 'all' } },
				{ type: 'at', data: { qq: BIG_ID } },
				{ type: 'face', data: { id: '14' } },
				{ type: 'image', data: { file: '<binary>' } },
				{ type: 'image', data: { file: 'https://example.com/b.png', type: 'flash' } },
			],
		);
		assert.ok(decoded(message[5].data.file).equals(IMAGE), 'base64:// of exactly the binary data');
		assert.deepEqual(result.output[0].pairedItem, { item: 0 });
	});

	test('each item sends its own binary data', async () => {
		const other = Buffer.from('second image bytes');
		const segments = { segment: [{ type: 'image', source: 'binary' }] };
		const result = await sendOne(toGroup({ messageFormat: 'segments', segments }), [
			binaryItem({}, 'data', IMAGE, 'image/png', 'a.png'),
			binaryItem({}, 'data', other, 'image/jpeg', 'b.jpg'),
		]);
		assert.equal(fake.calls.length, 2);
		const files = fake.calls.map((c) => decoded((wireParams(c).message as Array<{ data: { file: string } }>)[0].data.file));
		assert.ok(files[0].equals(IMAGE));
		assert.ok(files[1].equals(other));
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }, { item: 1 }]);
	});

	test('a segment whose binary field is missing names it, and nothing is sent', async () => {
		const segments = { segment: [{ type: 'text', textText: 'x' }, { type: 'image', source: 'binary', binaryProperty: 'nope' }] };
		const result = await run(fake, toGroup({ messageFormat: 'segments', segments }), {
			items: [binaryItem({}, 'data', IMAGE, 'image/png', 'a.png')],
		});
		assert.ok(result.error instanceof NodeOperationError);
		assert.equal(
			result.error.message,
			'Segment 2 (image): "binaryProperty" must name a binary field of the input item, but item 0 has no binary field "nope"; its binary fields: "data"',
		);
		assert.deepEqual(fake.calls, []);
	});

	test('a segment binary over Max Upload Size: the error names the option (maxUploadSize), not the binary field; nothing is sent', async () => {
		const segments = { segment: [{ type: 'image', source: 'binary', binaryProperty: 'data' }] };
		const result = await run(fake, toGroup({ messageFormat: 'segments', segments, options: { maxUploadSize: 1 } }), {
			items: [binaryItem({}, 'data', Buffer.alloc(2 * 1024 * 1024, 1), 'image/png', 'big.png')],
		});
		assert.ok(result.error instanceof NodeOperationError);
		assert.equal(
			result.error.message,
			'Segment 1 (image): Binary field "data" is 2 MiB, larger than the 1 MiB allowed by "Options › Max Upload Size (MiB)". Raise that option to send it, or send a smaller file.',
		);
		assert.equal(result.error.description, 'Check the "maxUploadSize" field.');
		assert.deepEqual(fake.calls, []);
	});

	test('a bad segment value names the segment and field', async () => {
		const segments = { segment: [{ type: 'at', atQq: 'everyone' }] };
		const result = await run(fake, toGroup({ messageFormat: 'segments', segments }));
		assert.match(String(result.error?.message), /Segment 1 \(at\): "qq" must be a QQ number or "all", got "everyone"/);
		assert.equal((result.error as NodeOperationError).description, 'Check the "qq" field.');
		assert.deepEqual(fake.calls, []);
	});

	test('raw JSON segments are sent as given (int64 numbers exact)', async () => {
		const json = `[{"type": "text", "data": {"text": "hi "}}, {"type": "at", "data": {"qq": ${BIG_ID}}}, {"type": "image", "data": {"file": "https://example.com/c.png", "summary": "[pic]"}}]`;
		await sendOne(toGroup({ messageFormat: 'json', segmentsJson: json }));
		assert.deepEqual(wireParams(fake.calls[0]), {
			group_id: 100001,
			message: [
				{ type: 'text', data: { text: 'hi ' } },
				{ type: 'at', data: { qq: BigInt(BIG_ID) } },
				{ type: 'image', data: { file: 'https://example.com/c.png', summary: '[pic]' } },
			],
		});
		assert.ok(fake.calls[0].rawBody.includes(`"qq":${BIG_ID}`), fake.calls[0].rawBody);
	});

	test('one raw JSON segment object is sent as a one-segment array', async () => {
		await sendOne(toGroup({ messageFormat: 'json', segmentsJson: '{"type": "face", "data": {"id": "178"}}' }));
		assert.deepEqual(wireParams(fake.calls[0]).message, [{ type: 'face', data: { id: '178' } }]);
	});

	test('send_msg: the target from its own fields (message type, group), before the message', async () => {
		await sendOne({
			resource: 'message',
			operation: 'send_msg',
			message_type: 'group',
			group_id: byId(BIG_ID),
			messageFormat: 'text',
			text: 'to whom it may concern',
		});
		assert.equal(fake.calls[0].action, 'send_msg');
		assert.deepEqual(wireParams(fake.calls[0]), {
			message_type: 'group',
			group_id: BigInt(BIG_ID),
			message: 'to whom it may concern',
			auto_escape: true,
		});
		assert.ok(fake.calls[0].rawBody.includes(`"group_id":${BIG_ID}`));
	});

	test('send_msg without the id its target needs: a field error, nothing sent', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{}, /Send Message needs a target: set "user_id" \(private\) or "group_id" \(group\)/],
			[{ message_type: 'group', user_id: '20001' }, /"group_id" is required when "message_type" is "group"/],
			[{ message_type: 'private', group_id: byId(BIG_ID) }, /"user_id" is required when "message_type" is "private"/],
		];
		for (const [targets, expected] of cases) {
			const result = await run(fake, { resource: 'message', operation: 'send_msg', ...(targets as INodeParameters), messageFormat: 'text', text: 'hi' });
			assert.ok(result.error instanceof NodeOperationError, JSON.stringify(targets));
			assert.match(result.error.message, expected);
		}
		assert.equal(fake.calls.length, 0);
	});

	test('send_forward_msg without the id its target needs: a field error, nothing sent (as Send Message)', async () => {
		const node = { forwardSource: 'list', forwardNodes: { node: [{ name: 'Bot', uin: '10001', content: 'hi' }] } };
		const cases: Array<[Record<string, unknown>, RegExp, INodeExecutionData[] | undefined]> = [
			[node, /^Send Forward Message needs a target: set "user_id" \(private\) or "group_id" \(group\)/, undefined],
			[{ ...node, message_type: 'group', user_id: byId('20001') }, /^"group_id" is required when "message_type" is "group"/, undefined],
			[{ forwardSource: 'items' }, /^Send Forward Message needs a target/, [{ json: { name: 'A', uin: '10001', content: 'x' } }]],
		];
		for (const [targets, expected, items] of cases) {
			const result = await run(fake, { resource: 'message', operation: 'send_forward_msg', ...(targets as INodeParameters) }, items ? { items } : {});
			assert.ok(result.error instanceof NodeOperationError, `${JSON.stringify(targets)}: ${String(result.error)}`);
			assert.match(result.error.message, expected);
		}
		assert.equal(fake.calls.length, 0);
	});

	test('send_msg with only a user id (no message type): sent as is, the backend decides', async () => {
		await sendOne({ resource: 'message', operation: 'send_msg', user_id: '20001', messageFormat: 'text', text: 'hi' });
		assert.deepEqual(wireParams(fake.calls[0]), { user_id: 20001, message: 'hi', auto_escape: true });
		// "By the ID Given" (an empty message type) and the group as a new node has it (empty list pick): neither is sent
		fake.reset();
		await sendOne({ resource: 'message', operation: 'send_msg', message_type: '', user_id: byId('20001'), group_id: { __rl: true, mode: 'list', value: '' }, messageFormat: 'text', text: 'hi' });
		assert.deepEqual(wireParams(fake.calls[0]), { user_id: 20001, message: 'hi', auto_escape: true });
	});

	test('send_private_msg: the user from the resource locator, text per item from an expression', async () => {
		const result = await sendOne(
			{ resource: 'message', operation: 'send_private_msg', user_id: byId('={{ $json.to }}'), text: '={{ "Hello " + $json.name }}' },
			[{ json: { to: 20001, name: 'Alice' } }, { json: { to: '20002', name: 'Bob' } }],
		);
		assert.deepEqual(
			fake.calls.map((c) => wireParams(c)),
			[
				{ user_id: 20001, message: 'Hello Alice', auto_escape: true },
				{ user_id: 20002, message: 'Hello Bob', auto_escape: true },
			],
		);
		assert.deepEqual(result.output.map((o) => o.pairedItem), [{ item: 0 }, { item: 1 }]);
	});
});

describe('merged-forward messages', () => {
	test('nodes from the list: one node per entry, an existing message by ID', async () => {
		const result = await sendOne({
			resource: 'message',
			operation: 'send_group_forward_msg',
			group_id: byId('100001'),
			forwardNodes: {
				node: [
					{ name: 'Alice', uin: '20001', content: 'first &amp; [CQ:face,id=14]' },
					{ name: 'Bob', uin: BIG_ID, content: '[{"type": "text", "data": {"text": "json?"}}]' },
					{ messageId: '123456' },
				],
			},
			additionalFields: { summary: 'Chat log', prompt: '[Forward]' },
		});
		assert.equal(fake.calls.length, 1);
		assert.equal(fake.calls[0].action, 'send_group_forward_msg');
		assert.deepEqual(wireParams(fake.calls[0]), {
			group_id: 100001,
			summary: 'Chat log',
			prompt: '[Forward]',
			messages: [
				{ type: 'node', data: { name: 'Alice', uin: '20001', content: [{ type: 'text', data: { text: 'first & ' } }, { type: 'face', data: { id: '14' } }] } },
				{ type: 'node', data: { name: 'Bob', uin: BIG_ID, content: [{ type: 'text', data: { text: '[{"type": "text", "data": {"text": "json?"}}]' } }] } },
				{ type: 'node', data: { id: '123456' } },
			],
		});
		assert.deepEqual(result.output[0].pairedItem, { item: 0 });
	});

	test('an empty list is refused before sending', async () => {
		const result = await run(fake, { resource: 'message', operation: 'send_group_forward_msg', group_id: byId('100001'), forwardNodes: {} });
		assert.match(String(result.error?.message), /"Messages" must contain at least one message/);
		assert.equal((result.error as NodeOperationError).description, 'Check the "forwardNodes" field.');
		assert.deepEqual(fake.calls, []);
	});

	test('a node without content is refused before sending', async () => {
		const result = await run(fake, {
			resource: 'message',
			operation: 'send_private_forward_msg',
			user_id: byId('20001'),
			forwardNodes: { node: [{ name: 'A', uin: '1', content: 'ok' }, { name: 'B', uin: '2', content: '  ' }] },
		});
		assert.match(String(result.error?.message), /"forwardNodes\[1\]\.content" must not be empty/);
		assert.deepEqual(fake.calls, []);
	});

	const people: INodeExecutionData[] = [
		{ json: { name: 'Alice', uin: 20001, content: 'hello' } },
		{ json: { name: 'Bob', uin: '20002', content: '[CQ:face,id=1]' } },
		{ json: { name: 'Carol', uin: BIG_ID, content: 'bye &amp; more' } },
	];

	test('nodes from input items: ONE call, one node per item, paired with every item', async () => {
		const result = await sendOne(
			{ resource: 'message', operation: 'send_group_forward_msg', group_id: byId(BIG_ID), forwardSource: 'items' },
			people,
		);
		assert.equal(fake.calls.length, 1, 'one merged message for all items');
		assert.deepEqual(wireParams(fake.calls[0]), {
			group_id: BigInt(BIG_ID),
			messages: [
				{ type: 'node', data: { name: 'Alice', uin: '20001', content: [{ type: 'text', data: { text: 'hello' } }] } },
				{ type: 'node', data: { name: 'Bob', uin: '20002', content: [{ type: 'face', data: { id: '1' } }] } },
				{ type: 'node', data: { name: 'Carol', uin: BIG_ID, content: [{ type: 'text', data: { text: 'bye & more' } }] } },
			],
		});
		assert.equal(result.output.length, 1);
		assert.deepEqual(Object.keys(result.output[0].json), ['message_id'], 'the data object of the answer');
		assert.deepEqual(result.output[0].pairedItem, [{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('nodes from input items with custom expressions, via send_forward_msg', async () => {
		await sendOne(
			{
				resource: 'message',
				operation: 'send_forward_msg',
				forwardSource: 'items',
				forwardNodeName: '={{ $json.name.toUpperCase() }}',
				forwardNodeUin: '={{ 10000 + $itemIndex }}',
				forwardNodeContent: '={{ $json.name }} says {{ $json.content }}',
				message_type: 'private',
				user_id: byId('20001'),
			},
			people.slice(0, 2),
		);
		assert.deepEqual(wireParams(fake.calls[0]), {
			message_type: 'private',
			user_id: 20001,
			messages: [
				{ type: 'node', data: { name: 'ALICE', uin: '10000', content: [{ type: 'text', data: { text: 'Alice says hello' } }] } },
				{ type: 'node', data: { name: 'BOB', uin: '10001', content: [{ type: 'text', data: { text: 'Bob says ' } }, { type: 'face', data: { id: '1' } }] } },
			],
		});
	});

	test('an invalid input item names the item; nothing is sent; continueOnFail gives one error item for all', async () => {
		const items = [people[0], { json: { name: 'Mallory', uin: 'not-a-number', content: 'x' } }];
		const parameters = { resource: 'message', operation: 'send_group_forward_msg', group_id: byId('100001'), forwardSource: 'items' };
		const thrown = await run(fake, parameters, { items });
		assert.ok(thrown.error instanceof NodeOperationError);
		assert.match(thrown.error.message, /"item 1\.uin" must be an integer .*got "not-a-number"/);
		assert.deepEqual(fake.calls, []);

		const continued = await run(fake, parameters, { items, continueOnFail: true });
		assert.equal(continued.error, undefined);
		assert.equal(continued.output.length, 1);
		assert.match(String(continued.output[0].json.error), /"item 1\.uin" must be an integer/);
		assert.deepEqual(continued.output[0].pairedItem, [{ item: 0 }, { item: 1 }]);
		assert.deepEqual(fake.calls, []);
	});

	test('a failed merged send with continueOnFail: one error item paired with all items, sent once', async () => {
		fake.fail('send_group_forward_msg', 100, 'FORWARD_FAILED', '转发失败');
		try {
			const result = await run(
				fake,
				{ resource: 'message', operation: 'send_group_forward_msg', group_id: byId('100001'), forwardSource: 'items' },
				{ items: people, continueOnFail: true },
			);
			assert.equal(result.output.length, 1);
			assert.equal(result.output[0].json.retcode, 100);
			assert.equal(result.output[0].json.wording, '转发失败');
			assert.deepEqual(result.output[0].pairedItem, [{ item: 0 }, { item: 1 }, { item: 2 }]);
			assert.equal(fake.calls.length, 1);
		} finally {
			fake.resetBehaviour();
		}
	});
});

describe('file uploads', () => {
	const groupUpload = (extra: INodeParameters): INodeParameters => ({
		resource: 'groupFile',
		operation: 'upload_group_file',
		group_id: byId('100001'),
		...extra,
	});

	test('upload_group_file from binary data: base64://, name from the binary file name', async () => {
		const result = await sendOne(groupUpload({ additionalFields: { folder: '/reports' } }), [
			binaryItem({}, 'data', PDF, 'application/pdf', '季度 report.pdf'),
		]);
		assert.equal(fake.calls.length, 1);
		assert.equal(fake.calls[0].action, 'upload_group_file');
		const params = wireParams(fake.calls[0]);
		assert.ok(decoded(params.file).equals(PDF), 'the file bytes arrive unchanged');
		assert.deepEqual({ ...params, file: '<binary>' }, { group_id: 100001, file: '<binary>', name: '季度 report.pdf', folder: '/reports' });
		assert.deepEqual(result.output.map((o) => [o.json, o.pairedItem]), [[{ success: true }, { item: 0 }]]);
	});

	test('upload from another binary field, with a chosen file name', async () => {
		await sendOne(groupUpload({ fileSource: 'binary', binaryPropertyName: 'attachment', fileName: 'renamed.pdf' }), [
			binaryItem({}, 'attachment', PDF, 'application/pdf', 'original.pdf'),
		]);
		const params = wireParams(fake.calls[0]);
		assert.equal(params.name, 'renamed.pdf');
		assert.ok(decoded(params.file).equals(PDF));
	});

	test('upload_group_file from a path on the backend: the plain path, name from it', async () => {
		await sendOne(groupUpload({ fileSource: 'path', filePath: '/data/files/年报 2024.pdf' }));
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001, file: '/data/files/年报 2024.pdf', name: '年报 2024.pdf' });
	});

	test('a file:// URI as the path (the field accepts one): uploads get the plain path go-cqhttp and Lagrange open', async () => {
		await sendOne(groupUpload({ fileSource: 'path', filePath: 'file:///data/files/%E5%B9%B4%E6%8A%A5%202024.pdf' }));
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001, file: '/data/files/年报 2024.pdf', name: '年报 2024.pdf' });
		fake.reset();
		await sendOne(groupUpload({ fileSource: 'path', filePath: 'file:///C:/bot/files/a.txt' }));
		assert.deepEqual(wireParams(fake.calls[0]), { group_id: 100001, file: 'C:/bot/files/a.txt', name: 'a.txt' });
	});

	test('upload_private_file from a Windows path and from base64 text', async () => {
		await sendOne({ resource: 'privateFile', operation: 'upload_private_file', user_id: byId('20001'), fileSource: 'path', filePath: 'C:\\bot\\files\\a.txt' });
		assert.deepEqual(wireParams(fake.calls[0]), { user_id: 20001, file: 'C:\\bot\\files\\a.txt', name: 'a.txt' });
		fake.reset();
		await sendOne({
			resource: 'privateFile',
			operation: 'upload_private_file',
			user_id: byId('20001'),
			fileSource: 'base64',
			fileBase64: `data:text/plain;base64,${Buffer.from('hello').toString('base64')}`,
			fileName: 'hello.txt',
		});
		assert.deepEqual(wireParams(fake.calls[0]), { user_id: 20001, file: 'base64://aGVsbG8=', name: 'hello.txt' });
	});

	test('set_qq_avatar from binary data (no name parameter)', async () => {
		await sendOne({ resource: 'account', operation: 'set_qq_avatar' }, [binaryItem({}, 'data', IMAGE, 'image/png', 'me.png')]);
		const params = wireParams(fake.calls[0]);
		assert.deepEqual(Object.keys(params), ['file']);
		assert.ok(decoded(params.file).equals(IMAGE));
	});

	test('a missing binary field, a relative path, base64 without a name: refused before sending', async () => {
		const cases: Array<[INodeParameters, INodeExecutionData[] | undefined, RegExp, string]> = [
			[
				groupUpload({}),
				[{ json: {} }],
				/^"binaryPropertyName" must name a binary field of the input item, but item 0 has no binary field "data"; it has no binary data at all$/,
				'binaryPropertyName',
			],
			[
				groupUpload({ binaryPropertyName: 'attachment' }),
				[{ json: {}, binary: { ...binaryItem({}, 'data', PDF, 'application/pdf', 'a.pdf').binary, ...binaryItem({}, 'photo', IMAGE, 'image/png', 'p.png').binary } }],
				/^"binaryPropertyName" must name a binary field of the input item, but item 0 has no binary field "attachment"; its binary fields: "data", "photo"$/,
				'binaryPropertyName',
			],
			[groupUpload({ fileSource: 'path', filePath: 'relative/file.pdf' }), undefined, /^"filePath" must be an absolute path/, 'filePath'],
			[groupUpload({ fileSource: 'base64', fileBase64: 'aGVsbG8=' }), undefined, /"fileName" is required/, 'fileName'],
			[groupUpload({ fileSource: 'url', fileUrl: 'ftp://example.com/a.pdf' }), undefined, /^"fileUrl" must be an http\(s\) URL/, 'fileUrl'],
			[groupUpload({ fileSource: 'base64', fileBase64: 'not base64!', fileName: 'a' }), undefined, /^"fileBase64" must be base64 text/, 'fileBase64'],
		];
		for (const [parameters, items, message, field] of cases) {
			const result = await run(fake, parameters, items ? { items } : {});
			assert.ok(result.error instanceof NodeOperationError, String(result.error));
			assert.match(result.error.message, message);
			assert.equal(result.error.description, `Check the "${field}" field.`);
		}
		assert.deepEqual(fake.calls, []);
	});
});
