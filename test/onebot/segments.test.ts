import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { NodeHelpers, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { MessageInputError } from '../../nodes/OneBot/message/errors';
import {
	buildMessageFromSegments,
	buildSegment,
	normalizeBase64,
	pathToFileUri,
	type ResolveBinary,
	type SegmentInput,
} from '../../nodes/OneBot/message/segmentBuilder';
import {
	fieldParameterName,
	MEDIA_SEGMENT_TYPES,
	SEGMENT_TYPES,
	type SegmentFieldSpec,
	type SegmentTypeSpec,
} from '../../nodes/OneBot/message/segmentTypes';
import {
	MESSAGE_PARAMETERS,
	messageProperties,
	readMessage,
	segmentEntryProperties,
} from '../../nodes/OneBot/message/properties';
import { InputError } from '../../nodes/shared/validation';

/** Asserts that `fn` rejects with a MessageInputError for `field` whose message matches. */
async function rejectsWith(fn: () => Promise<unknown>, field: string, message: RegExp): Promise<void> {
	await assert.rejects(fn, (error: unknown) => {
		assert.ok(error instanceof MessageInputError, `not a MessageInputError: ${String(error)}`);
		assert.ok(error instanceof InputError);
		assert.equal(error.field, field);
		assert.match(error.message, message);
		return true;
	});
}

function sampleValue(field: SegmentFieldSpec): unknown {
	switch (field.format) {
		case 'digits':
			return '178';
		case 'integer':
			return '-12345';
		case 'qq':
			return '123456789';
		case 'qqOrAll':
			return 'all';
		case 'decimal':
			return '39.9087';
		case 'httpUrl':
			return 'https://example.com/x?a=1';
		default:
	}
	switch (field.type) {
		case 'json':
			return '{"a": [1, 2]}';
		case 'boolean':
			return true;
		case 'number':
			return 30;
		case 'options':
			return field.options?.find((o) => o.value !== '')?.value ?? '';
		default:
			return 'sample text';
	}
}

/** An input that sets every required field (as the UI would, by parameter name) and a URL file. */
function minimalInput(spec: SegmentTypeSpec): SegmentInput {
	const input: SegmentInput = { type: spec.type };
	if (spec.media) {
		input.source = 'url';
		input.url = 'https://example.com/a.png';
	}
	for (const field of spec.fields) {
		// Conditional fields too: the builder ignores the ones that do not apply.
		if (field.required) input[fieldParameterName(spec.type, field.name)] = sampleValue(field);
	}
	// requireOneOf groups: fill the first group.
	for (const key of spec.requireOneOf?.[0] ?? []) {
		const field = spec.fields.find((f) => f.name === key);
		if (field) input[fieldParameterName(spec.type, key)] = sampleValue(field);
	}
	return input;
}

const resolver: ResolveBinary = async (name) => {
	if (name === 'data') return { data: Buffer.from('hello'), fileName: 'hello.txt', mimeType: 'text/plain' };
	if (name === 'empty') return { data: Buffer.alloc(0) };
	throw new Error(`no binary property "${name}"`);
};

describe('segment types data', () => {
	it('offers the standard types and the backend extras', () => {
		const types = SEGMENT_TYPES.map((s) => s.type);
		for (const t of [
			'text', 'face', 'at', 'reply', 'image', 'record', 'video', 'file', 'json', 'xml', 'poke', 'music',
			'share', 'location', 'contact', 'dice', 'rps', 'shake', 'anonymous', 'forward', 'node', 'markdown',
			'mface', 'miniapp', 'keyboard', 'longmsg', 'onlinefile', 'flashtransfer', 'cardimage', 'tts',
		]) {
			assert.ok(types.includes(t), t);
		}
		assert.equal(new Set(types).size, types.length, 'no duplicate types');
		assert.deepEqual([...MEDIA_SEGMENT_TYPES].sort(), ['cardimage', 'file', 'image', 'record', 'video']);
	});

	it('describes backends for every type and every field', () => {
		for (const spec of SEGMENT_TYPES) {
			assert.match(spec.description, /Backends: |All backends\.|No known backend sends it/, spec.type);
			// NapCat's own miniapp, onlinefile and flashtransfer are dropped by NapCat itself.
			assert.ok(spec.backends.length > 0 || ['miniapp', 'onlinefile', 'flashtransfer'].includes(spec.type), spec.type);
			for (const field of spec.fields) {
				assert.ok(field.description.length > 0, `${spec.type}.${field.name}`);
				if (field.type === 'options') assert.ok(field.options && field.options.length > 0);
				if (field.showWhen && field.showWhen.field !== 'source') {
					assert.ok(spec.fields.some((f) => f.name === field.showWhen?.field), `${spec.type}.${field.name}`);
				}
			}
		}
	});

	it('gives unique parameter names', () => {
		assert.equal(fieldParameterName('at', 'qq'), 'atQq');
		assert.equal(fieldParameterName('mface', 'emoji_package_id'), 'mfaceEmojiPackageId');
		const names = segmentEntryProperties().map((p) => p.name);
		assert.equal(new Set(names).size, names.length);
	});
});

describe('buildSegment: every type with its required fields', () => {
	for (const spec of SEGMENT_TYPES) {
		it(spec.type, async () => {
			const segment = await buildSegment(minimalInput(spec));
			assert.equal(segment.type, spec.type);
			if (spec.media) assert.equal(segment.data.file, 'https://example.com/a.png');
			for (const field of spec.fields) {
				if (field.required && !field.showWhen) assert.ok(field.name in segment.data, `${spec.type}.${field.name}`);
			}
		});

		const required = spec.fields.filter((f) => f.required && !f.showWhen && f.default === '');
		for (const field of required) {
			it(`${spec.type}: missing "${field.name}" is named in the error`, async () => {
				const input = minimalInput(spec);
				delete input[fieldParameterName(spec.type, field.name)];
				await rejectsWith(() => buildSegment(input, undefined, 1), field.name, new RegExp(`^Segment 2 \\(${spec.type}\\): "${field.name}" is required`));
			});
		}
	}
});

describe('buildSegment: field values', () => {
	it('sends ids as strings, accepting numbers', async () => {
		assert.deepEqual(await buildSegment({ type: 'face', faceId: 178 }), { type: 'face', data: { id: '178' } });
		assert.deepEqual(await buildSegment({ type: 'at', atQq: 123456789 }), { type: 'at', data: { qq: '123456789' } });
		assert.deepEqual(await buildSegment({ type: 'at', qq: ' all ' }), { type: 'at', data: { qq: 'all' } });
		assert.deepEqual(await buildSegment({ type: 'reply', replyId: -2147483000 }), { type: 'reply', data: { id: '-2147483000' } });
		assert.deepEqual(await buildSegment({ type: 'location', lat: 39.9, lon: '116.39' }), {
			type: 'location',
			data: { lat: '39.9', lon: '116.39' },
		});
	});

	it('keeps text as typed, whitespace included', async () => {
		assert.deepEqual(await buildSegment({ type: 'text', textText: '  [CQ:x] & ' }), {
			type: 'text',
			data: { text: '  [CQ:x] & ' },
		});
		assert.deepEqual(await buildSegment({ type: 'text', text: ' ' }), { type: 'text', data: { text: ' ' } });
	});

	it('names the field and what was expected', async () => {
		await rejectsWith(
			() => buildMessageFromSegments([{ type: 'text', text: 'hi' }, { type: 'at', atQq: 'bob' }]),
			'qq',
			/^Segment 2 \(at\): "qq" must be a QQ number or "all", got "bob"$/,
		);
		await rejectsWith(() => buildSegment({ type: 'face', faceId: '1a' }), 'id', /"id" must be a non-negative integer/);
		await rejectsWith(() => buildSegment({ type: 'reply', replyId: '1.5' }), 'id', /"id" must be an integer/);
		await rejectsWith(() => buildSegment({ type: 'location', lat: 'north', lon: '1' }), 'lat', /"lat" must be a decimal number/);
		await rejectsWith(() => buildSegment({ type: 'share', shareUrl: 'ftp://x', shareTitle: 't' }), 'url', /"url" must be an http\(s\) URL/);
		await rejectsWith(() => buildSegment({ type: 'json', jsonData: '{bad' }), 'data', /"data" must be valid JSON/);
		await rejectsWith(() => buildSegment({ type: 'face', faceId: 2 ** 60 }), 'id', /lost precision/);
		await rejectsWith(() => buildSegment({ type: 'face', faceId: { id: 1 } }), 'id', /must be text/);
		await rejectsWith(() => buildSegment({ type: 'nope' }), 'type', /"type" must be a known segment type, got "nope"/);
	});

	it('music: platform by ID, or custom card', async () => {
		assert.deepEqual(await buildSegment({ type: 'music', musicType: '163', musicId: 28949129 }), {
			type: 'music',
			data: { type: '163', id: '28949129' },
		});
		// Custom fields are ignored for a platform song, the song ID for a custom card.
		assert.deepEqual(await buildSegment({ type: 'music', musicId: '1', musicTitle: 'ignored' }), {
			type: 'music',
			data: { type: 'qq', id: '1' },
		});
		assert.deepEqual(
			await buildSegment({
				type: 'music',
				musicType: 'custom',
				musicId: 'ignored',
				musicUrl: 'https://music.example/song',
				musicAudio: 'https://music.example/song.mp3',
				musicTitle: 'Song',
				musicImage: 'https://music.example/cover.jpg',
			}),
			{
				type: 'music',
				data: {
					type: 'custom',
					url: 'https://music.example/song',
					audio: 'https://music.example/song.mp3',
					title: 'Song',
					image: 'https://music.example/cover.jpg',
				},
			},
		);
		await rejectsWith(
			() => buildSegment({ type: 'music', musicType: 'custom', musicUrl: 'https://a.b/', musicTitle: 't' }),
			'audio',
			/"audio" is required/,
		);
		await rejectsWith(() => buildSegment({ type: 'music', musicType: 'qq' }), 'id', /"id" is required/);
	});

	it('contact, poke defaults, anonymous', async () => {
		assert.deepEqual(await buildSegment({ type: 'contact', contactType: 'group', contactId: '123456' }), {
			type: 'contact',
			data: { type: 'group', id: '123456' },
		});
		assert.deepEqual(await buildSegment({ type: 'poke' }), { type: 'poke', data: { type: '1', id: '-1' } });
		assert.deepEqual(await buildSegment({ type: 'poke', pokeQq: '10001' }), {
			type: 'poke',
			data: { type: '1', id: '-1', qq: '10001' },
		});
		assert.deepEqual(await buildSegment({ type: 'anonymous' }), { type: 'anonymous', data: {} });
		assert.deepEqual(await buildSegment({ type: 'anonymous', anonymousIgnore: '1' }), { type: 'anonymous', data: { ignore: '1' } });
		assert.deepEqual(await buildSegment({ type: 'shake' }), { type: 'shake', data: {} });
	});

	it('node: by message ID or custom (content as text or segments)', async () => {
		assert.deepEqual(await buildSegment({ type: 'node', nodeId: '-5' }), { type: 'node', data: { id: '-5' } });
		assert.deepEqual(
			await buildSegment({ type: 'node', nodeUserId: '10001', nodeNickname: 'Bot', nodeContent: 'hi [CQ:face,id=1]' }),
			{ type: 'node', data: { user_id: '10001', nickname: 'Bot', content: 'hi [CQ:face,id=1]' } },
		);
		assert.deepEqual(
			await buildSegment({
				type: 'node',
				nodeUserId: '10001',
				nodeNickname: 'Bot',
				nodeContent: '[{"type":"text","data":{"text":"hi"}}]',
			}),
			{ type: 'node', data: { user_id: '10001', nickname: 'Bot', content: [{ type: 'text', data: { text: 'hi' } }] } },
		);
		await rejectsWith(
			() => buildSegment({ type: 'node', nodeUserId: '10001' }, undefined, 3),
			'id',
			/^Segment 4 \(node\): set "id", or "user_id" \+ "nickname" \+ "content"$/,
		);
		await rejectsWith(
			() => buildSegment({ type: 'node', nodeUserId: '1', nodeNickname: 'n', nodeContent: '[{"data":{}}]' }),
			'content',
			/"content" must be text or segments/,
		);
	});

	it('extension types: numbers, booleans and JSON as the backends expect them', async () => {
		assert.deepEqual(
			await buildSegment({ type: 'mface', mfaceEmojiPackageId: '235125', mfaceEmojiId: 'abc', mfaceKey: 'k', mfaceSummary: '[笑]' }),
			{ type: 'mface', data: { emoji_package_id: 235125, emoji_id: 'abc', key: 'k', summary: '[笑]' } },
		);
		assert.deepEqual(await buildSegment({ type: 'keyboard', keyboardContent: '{"rows": []}' }), {
			type: 'keyboard',
			data: { content: { rows: [] } },
		});
		assert.deepEqual(await buildSegment({ type: 'keyboard', keyboardContent: { rows: [1] } }), {
			type: 'keyboard',
			data: { content: { rows: [1] } },
		});
		await rejectsWith(() => buildSegment({ type: 'keyboard', keyboardContent: '3' }), 'content', /JSON object or array/);
		assert.deepEqual(await buildSegment({ type: 'json', jsonData: { app: 'x' } }), { type: 'json', data: { data: '{"app":"x"}' } });
		assert.deepEqual(await buildSegment({ type: 'json', jsonData: ' {"app":"x"} ' }), { type: 'json', data: { data: '{"app":"x"}' } });
		const online = await buildSegment({
			type: 'onlinefile',
			onlinefileMsgId: '1',
			onlinefileElementId: '2',
			onlinefileFileName: 'a.zip',
			onlinefileFileSize: '1024',
		});
		assert.deepEqual(online.data, { msgId: '1', elementId: '2', fileName: 'a.zip', fileSize: '1024', isDir: false });
		assert.equal((await buildSegment({ type: 'onlinefile', ...online.data, isDir: 'true' })).data.isDir, true);
	});

	it('optional number fields: 0 means not set; others are sent as strings', async () => {
		const seg = await buildSegment({
			type: 'cardimage',
			url: 'https://example.com/big.png',
			cardimageMinwidth: 0,
			cardimageMaxwidth: 800,
			cardimageSource: 'My App',
		});
		assert.deepEqual(seg.data, { file: 'https://example.com/big.png', maxwidth: '800', source: 'My App' });
		const image = await buildSegment({ type: 'image', url: 'https://e.x/a.png', imageTimeout: 30, imageCache: '0', imageType: '' });
		assert.deepEqual(image.data, { file: 'https://e.x/a.png', cache: '0', timeout: '30' });
	});

	it('URL-only download options are left out for other sources', async () => {
		const image = await buildSegment({ type: 'image', source: 'path', path: '/a.png', imageCache: '0', imageType: 'flash' });
		assert.deepEqual(image.data, { file: 'file:///a.png', type: 'flash' });
	});
});

describe('buildSegment: media sources', () => {
	it('url: http(s) only, sent as is', async () => {
		for (const url of ['http://example.com/a.png', 'https://example.com/a b.png?x=1&y=[2]']) {
			assert.equal((await buildSegment({ type: 'image', source: 'url', url })).data.file, url);
		}
		for (const url of ['ftp://example.com/a.png', 'example.com/a.png', 'file:///etc/passwd', 'https://']) {
			await rejectsWith(() => buildSegment({ type: 'image', source: 'url', url }), 'url', /"url" must be an http\(s\) URL/);
		}
		await rejectsWith(() => buildSegment({ type: 'image', source: 'url' }), 'url', /"url" is required/);
	});

	it('path: file:// URI for POSIX, Windows and UNC paths', async () => {
		const table: Array<[string, string]> = [
			['/data/images/cat.png', 'file:///data/images/cat.png'],
			['/home/u/我的 图片.png', 'file:///home/u/我的 图片.png'],
			['C:\\Users\\bot\\cat.png', 'file:///C:/Users/bot/cat.png'],
			['d:/pics/cat.png', 'file:///d:/pics/cat.png'],
			['\\\\server\\share\\cat.png', 'file://server/share/cat.png'],
			['file:///already/uri.png', 'file:///already/uri.png'],
			['FILE:///C:/x.png', 'FILE:///C:/x.png'],
		];
		for (const [path, uri] of table) {
			assert.equal(pathToFileUri(path), uri);
			assert.equal((await buildSegment({ type: 'video', source: 'path', path })).data.file, uri);
		}
		for (const path of ['relative/cat.png', 'cat.png', 'C:cat.png']) {
			await rejectsWith(() => buildSegment({ type: 'record', source: 'path', path }), 'path', /"path" must be an absolute path/);
		}
	});

	it('base64: strips data: URL and base64:// prefixes, validates, pads', async () => {
		const hello = Buffer.from('hello').toString('base64'); // aGVsbG8=
		const table: Array<[string, string]> = [
			[hello, hello],
			[`data:image/png;base64,${hello}`, hello],
			[`data:image/png;name=a.png;base64,${hello}`, hello],
			[`base64://${hello}`, hello],
			['aGVs\nbG8=', hello],
			['aGVsbG8', hello],
			['-_-_', '+/+/'],
		];
		for (const [input, expected] of table) {
			assert.equal(normalizeBase64(input), expected, input);
			assert.equal((await buildSegment({ type: 'image', source: 'base64', base64: input })).data.file, `base64://${expected}`);
		}
		for (const input of ['not base64!', 'aGVsb', 'a===', 'data:image/png;base64,']) {
			await rejectsWith(() => buildSegment({ type: 'image', source: 'base64', base64: input }), 'base64', /"base64" must be base64/);
		}
		await rejectsWith(() => buildSegment({ type: 'image', source: 'base64', base64: '  ' }), 'base64', /is required/);
	});

	it('binary: base64:// of the buffer; file segments take the file name', async () => {
		const image = await buildSegment({ type: 'image', source: 'binary', binaryProperty: 'data' }, resolver);
		assert.deepEqual(image.data, { file: 'base64://aGVsbG8=' });
		const file = await buildSegment({ type: 'file', source: 'binary', binaryProperty: ' data ' }, resolver);
		assert.deepEqual(file.data, { file: 'base64://aGVsbG8=', name: 'hello.txt' });
		const named = await buildSegment({ type: 'file', source: 'binary', binaryProperty: 'data', fileName: 'report.txt' }, resolver);
		assert.equal(named.data.name, 'report.txt');
	});

	it('binary: errors name binaryProperty', async () => {
		await rejectsWith(() => buildSegment({ type: 'image', source: 'binary', binaryProperty: 'data' }), 'binaryProperty', /no binary input/);
		await rejectsWith(
			() => buildSegment({ type: 'image', source: 'binary', binaryProperty: 'missing' }, resolver),
			'binaryProperty',
			/could not be read: no binary property "missing"/,
		);
		await rejectsWith(() => buildSegment({ type: 'image', source: 'binary', binaryProperty: 'empty' }, resolver), 'binaryProperty', /is empty/);
		await rejectsWith(() => buildSegment({ type: 'image', source: 'binary', binaryProperty: '' }, resolver), 'binaryProperty', /is required/);
		const byDefault = await buildSegment({ type: 'image', source: 'binary' }, resolver);
		assert.equal(byDefault.data.file, 'base64://aGVsbG8=', 'binaryProperty defaults to "data"');
	});

	it('source defaults: guessed from the given input, explicit file passes through', async () => {
		assert.equal((await buildSegment({ type: 'image', path: '/x.png' })).data.file, 'file:///x.png');
		assert.equal((await buildSegment({ type: 'image', file: 'abc.image' })).data.file, 'abc.image');
		await rejectsWith(() => buildSegment({ type: 'image' }), 'url', /"url" is required/);
		await rejectsWith(() => buildSegment({ type: 'image', source: 'ftp' as never }), 'source', /"source" must be one of/);
	});
});

describe('buildMessageFromSegments', () => {
	it('builds in order', async () => {
		assert.deepEqual(
			await buildMessageFromSegments(
				[{ type: 'reply', replyId: '7' }, { type: 'at', atQq: 'all' }, { type: 'text', textText: ' hi' }],
				resolver,
			),
			[
				{ type: 'reply', data: { id: '7' } },
				{ type: 'at', data: { qq: 'all' } },
				{ type: 'text', data: { text: ' hi' } },
			],
		);
	});

	it('rejects an empty message', async () => {
		await rejectsWith(() => buildMessageFromSegments([]), 'segments', /message must not be empty/);
	});
});

function walk(props: INodeProperties[], visit: (p: INodeProperties) => void): void {
	for (const p of props) {
		visit(p);
		for (const option of (p.options ?? []) as unknown[]) {
			const o = option as { values?: INodeProperties[] };
			if (o.values) walk(o.values, visit);
		}
	}
}

describe('messageProperties', () => {
	const show = { resource: ['message'], operation: ['sendGroupMsg'] };
	const props = messageProperties({ show });

	it('has the format picker and one input per format, scoped by displayOptions', () => {
		assert.deepEqual(
			props.map((p) => p.name),
			['messageFormat', 'text', 'cqString', 'segments', 'segmentsJson'],
		);
		const format = props[0];
		assert.equal(format.noDataExpression, true);
		assert.deepEqual(format.displayOptions, { show });
		assert.deepEqual(
			(format.options as Array<{ value: string }>).map((o) => o.value).sort(),
			['cqCode', 'json', 'segments', 'text'],
		);
		const expected: Record<string, string> = { text: 'text', cqString: 'cqCode', segments: 'segments', segmentsJson: 'json' };
		for (const p of props.slice(1)) {
			assert.deepEqual(p.displayOptions, { show: { ...show, messageFormat: [expected[p.name]] } });
		}
	});

	it('sorts every options list by name and uses Title Case display names', () => {
		walk(props, (p) => {
			assert.match(p.displayName, /^[A-Z0-9]/, p.name);
			if (p.type === 'options') {
				const names = (p.options as Array<{ name: string }>).map((o) => o.name);
				assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), p.name);
				assert.ok((p.options as Array<{ value: unknown }>).some((o) => o.value === p.default), `${p.name} default`);
			}
			assert.ok(p.default !== undefined, `${p.name} has a default`);
		});
	});

	it('offers every segment type and shows each field only for its type', () => {
		const entry = segmentEntryProperties();
		const typePicker = entry.find((p) => p.name === 'type');
		assert.ok(typePicker && typePicker.noDataExpression);
		const offered = (typePicker.options as Array<{ value: string }>).map((o) => o.value).sort();
		assert.deepEqual(offered, SEGMENT_TYPES.map((s) => s.type).sort());
		for (const spec of SEGMENT_TYPES) {
			for (const field of spec.fields) {
				const prop = entry.find((p) => p.name === fieldParameterName(spec.type, field.name));
				assert.ok(prop, `${spec.type}.${field.name}`);
				assert.deepEqual(prop.displayOptions?.show?.type, [spec.type]);
				if (field.showWhen?.field === 'source') assert.deepEqual(prop.displayOptions?.show?.source, ['url']);
			}
		}
		const source = entry.find((p) => p.name === 'source');
		assert.deepEqual([...(source?.displayOptions?.show?.type as string[])].sort(), [...MEDIA_SEGMENT_TYPES].sort());
		for (const name of ['url', 'path', 'base64', 'binaryProperty']) assert.ok(entry.some((p) => p.name === name));
	});
});

describe('readMessage', () => {
	function getter(values: Record<string, unknown>, asked: string[] = []) {
		return (name: string) => {
			asked.push(name);
			return values[name];
		};
	}

	it('plain text is sent with auto_escape', async () => {
		const asked: string[] = [];
		assert.deepEqual(await readMessage(getter({ messageFormat: 'text', text: 'a [CQ:x] b' }, asked)), {
			message: 'a [CQ:x] b',
			autoEscape: true,
		});
		assert.deepEqual(asked, ['messageFormat', 'text'], 'only the chosen input is read');
		assert.deepEqual(await readMessage(getter({ text: 42 })), { message: '42', autoEscape: true });
	});

	it('CQ code strings are sent as they are, without auto_escape', async () => {
		assert.deepEqual(await readMessage(getter({ messageFormat: 'cqCode', cqString: '[CQ:at,qq=all] hi' })), {
			message: '[CQ:at,qq=all] hi',
			autoEscape: false,
		});
	});

	it('empty inputs are errors naming the field', async () => {
		await rejectsWith(() => readMessage(getter({ messageFormat: 'text', text: '  ' })), 'text', /"text": message must not be empty/);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'cqCode' })), 'cqString', /message must not be empty/);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'segments', segments: {} })), 'segments', /message must not be empty/);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'json', segmentsJson: '' })), 'segmentsJson', /message must not be empty/);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'json', segmentsJson: '[]' })), 'segmentsJson', /message must not be empty/);
		await rejectsWith(
			() => readMessage(getter({ messageFormat: 'json', segmentsJson: '[{"type":"text","data":{"text":""}}]' })),
			'segmentsJson',
			/message must not be empty/,
		);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'text', text: { a: 1 } })), 'text', /must be text/);
	});

	it('segment builder entries (fixedCollection values) become segments', async () => {
		const result = await readMessage(
			getter({
				messageFormat: 'segments',
				segments: {
					segment: [
						{ textText: 'hi ' }, // type left out: the default, text
						{ type: 'at', atQq: '10001' },
						{ type: 'image', source: 'binary', binaryProperty: 'data' },
					],
				},
			}),
			resolver,
		);
		assert.deepEqual(result, {
			message: [
				{ type: 'text', data: { text: 'hi ' } },
				{ type: 'at', data: { qq: '10001' } },
				{ type: 'image', data: { file: 'base64://aGVsbG8=' } },
			],
		});
		await rejectsWith(
			() => readMessage(getter({ messageFormat: 'segments', segments: { segment: [{ type: 'text', textText: 'x' }, { type: 'at' }] } })),
			'qq',
			/^Segment 2 \(at\): "qq" is required$/,
		);
	});

	it('raw JSON segments: parsed, checked, normalized', async () => {
		assert.deepEqual(
			await readMessage(getter({ messageFormat: 'json', segmentsJson: '[{"type":"face","data":{"id":"1"}},{"type":"shake"}]' })),
			{ message: [{ type: 'face', data: { id: '1' } }, { type: 'shake', data: {} }] },
		);
		assert.deepEqual(await readMessage(getter({ messageFormat: 'json', segmentsJson: { type: 'dice', data: null } })), {
			message: [{ type: 'dice', data: {} }],
		});
		await rejectsWith(() => readMessage(getter({ messageFormat: 'json', segmentsJson: '[{' })), 'segmentsJson', /"segmentsJson" must be valid JSON/);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'json', segmentsJson: '"hi"' })), 'segmentsJson', /must be a JSON array of segments/);
		await rejectsWith(() => readMessage(getter({ messageFormat: 'json', segmentsJson: '[1]' })), 'segmentsJson', /item 1 must be a segment object/);
		await rejectsWith(
			() => readMessage(getter({ messageFormat: 'json', segmentsJson: '[{"type":"at","data":"x"}]' })),
			'segmentsJson',
			/"data" that is not an object/,
		);
	});

	it('rejects an unknown format', async () => {
		await rejectsWith(() => readMessage(getter({ messageFormat: 'html' })), MESSAGE_PARAMETERS.format, /must be one of/);
	});
});

describe('with n8n parameter resolution (NodeHelpers.getNodeParameters)', () => {
	const props: INodeProperties[] = [
		{ displayName: 'Operation', name: 'operation', type: 'options', options: [{ name: 'Send', value: 'send' }], default: 'send' },
		...messageProperties({ show: { operation: ['send'] } }),
	];
	const saved = {
		operation: 'send',
		messageFormat: 'segments',
		segments: {
			segment: [
				{ type: 'image', source: 'binary', binaryProperty: 'data' },
				{ type: 'music', musicType: 'custom', musicUrl: 'https://a.b/', musicAudio: 'https://a.b/x.mp3', musicTitle: 't', musicId: 'stale' },
				{ type: 'at', atQq: 'all', faceId: 'stale value of a hidden field' },
				{ type: 'text', textText: 'hi' },
			],
		},
	} as unknown as INodeParameters;
	const expected = [
		{ type: 'image', data: { file: 'base64://aGVsbG8=' } },
		{ type: 'music', data: { type: 'custom', url: 'https://a.b/', audio: 'https://a.b/x.mp3', title: 't' } },
		{ type: 'at', data: { qq: 'all' } },
		{ type: 'text', data: { text: 'hi' } },
	];

	for (const returnDefaults of [true, false]) {
		it(`builds the same message from ${returnDefaults ? 'full' : 'default-stripped'} parameters`, async () => {
			const params = NodeHelpers.getNodeParameters(props, saved, returnDefaults, false, null, null) as Record<string, unknown>;
			const result = await readMessage((name) => params[name], resolver);
			assert.deepEqual(result, { message: expected });
		});
	}
});
