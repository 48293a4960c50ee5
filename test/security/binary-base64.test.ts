// An input binary whose base64 text (n8n's memory binary mode) is not clean padded base64: line
// breaks, the URL-safe alphabet, no padding, stray characters. Its size must be known without
// decoding it (so Max Upload Size refuses it first: the memory side is measured in upload.test.ts),
// and exactly what Node's own decoder would give, and its bytes must reach the backend unchanged.
import { byId, credentialsFor, node as oneBotNode, useFakeOneBot, wireParams } from '../onebot/setup';

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { looseBase64Chunks, looseBase64Length } from '../../nodes/shared/upload/looseBase64';
import { memorySource, readAll, toBase64 } from '../../nodes/shared/upload/binarySource';
import { binaryItem, runNode } from '../harness/n8n';
import type { FakeOneBot } from '../fakes/onebot';

/** A small deterministic generator (mulberry32): the same strings on every run. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Characters the decoder treats differently: both alphabets, padding, spaces, Latin-1, and 16-bit units whose low byte is a digit or '='. */
const ODD = [
	...'ABCxyz019+/-_',
	'=',
	' ',
	'\n',
	'\r',
	'\t',
	'.',
	'*',
	'\u00e9', // é: Latin-1, not a digit
	'\u00ff',
	'\u0141', // Ł: low byte 0x41 ('A')
	'\u0100', // low byte 0x00
	'\u013d', // low byte 0x3D ('=')
	'\ud83d\ude00', // 😀: a surrogate pair, the first unit ending in 0x3D
	'\u4e2d',
];

function oddString(next: () => number, length: number): string {
	let text = '';
	for (let i = 0; i < length; i++) text += ODD[Math.floor(next() * ODD.length)];
	return text;
}

/** Base64 of `data` in lines of 76 characters (MIME). */
const mimeLines = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

const ADVERSARIAL = [
	'',
	'Q',
	'QQ',
	'QUJ',
	'QUJD',
	'QQ=',
	'QQ==QUJD',
	'QUJD=QUJD',
	'=QUJD',
	'Q=Q',
	'QUJDQ===Q',
	'QU JD\n',
	'Q-_Q',
	'\u0141\u0141',
	'ab\u0100cd',
	'QUJD\u013dQUJD',
	'QUJD😀QUJD',
	'QU\u00e9JD',
	'....',
	'\r\n\r\n',
	Buffer.from('any carnal pleasure.').toString('base64url'),
	mimeLines(Buffer.from('The quarterly report.\n'.repeat(40))),
];

async function collect(chunks: AsyncIterable<string>): Promise<string> {
	let text = '';
	for await (const chunk of chunks) text += chunk;
	return text;
}

/** The source's size, bytes, head and base64 against Buffer.from(text, 'base64'). */
async function assertLikeNode(text: string): Promise<void> {
	const expected = Buffer.from(text, 'base64');
	const label = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
	assert.equal(looseBase64Length(text), expected.length, `length of ${label}`);
	const source = memorySource(text, { fileName: 'f.bin', mimeType: 'application/octet-stream' });
	assert.equal(source.size, expected.length, `size of ${label}`);
	const chunks: Buffer[] = [];
	for await (const chunk of source.bytes()) chunks.push(chunk);
	assert.ok(Buffer.concat(chunks).equals(expected), `bytes of ${label}`);
	assert.ok((await readAll(source)).equals(expected), `readAll of ${label}`);
	assert.equal(await collect(source.base64()), expected.toString('base64'), `base64 of ${label}`);
	assert.ok((await source.head(5)).equals(expected.subarray(0, 5)), `head of ${label}`);
	// read in slices of a few characters: every way a group of four can fall across a slice edge
	for (const sliceChars of text.length < 10_000 ? [1, 2, 3, 5, 7] : []) {
		assert.ok(Buffer.concat([...looseBase64Chunks(text, sliceChars)]).equals(expected), `bytes of ${label} in slices of ${sliceChars}`);
	}
}

describe('base64 text that is not clean: size counted without decoding, exactly as Node decodes it', () => {
	test('adversarial strings', async () => {
		for (const text of ADVERSARIAL) await assertLikeNode(text);
	});

	test('2000 random strings of odd characters, 0 to 200 long', async () => {
		const next = random(20260208);
		for (let i = 0; i < 2000; i++) await assertLikeNode(oddString(next, Math.floor(next() * 201)));
	});

	test('random digits with odd characters sprinkled in, and an unpadded tail', async () => {
		const next = random(7);
		for (let i = 0; i < 300; i++) {
			let text = Buffer.from(Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256))).toString(next() < 0.5 ? 'base64' : 'base64url');
			const sprinkles = Math.floor(next() * 6);
			for (let s = 0; s < sprinkles; s++) {
				const at = Math.floor(next() * (text.length + 1));
				text = text.slice(0, at) + ODD[Math.floor(next() * ODD.length)] + text.slice(at);
			}
			await assertLikeNode(next() < 0.3 ? text.replace(/=+$/, '') : text);
		}
	});

	test('several MiB across the 1 MiB slices the node reads: line breaks and groups of four across the slice edges', async () => {
		const next = random(99);
		const data = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 7 }, () => Math.floor(next() * 256)));
		await assertLikeNode(mimeLines(data));
		// a space every 1021 characters: the groups of four fall across the slice edges differently
		await assertLikeNode((data.toString('base64url').match(/.{1,1021}/g) ?? []).join(' '));
	});

	test('clean padded base64 keeps the fast path and the same answers', async () => {
		for (const size of [0, 1, 2, 3, 4, 1000]) await assertLikeNode(Buffer.alloc(size, 0xab).toString('base64'));
	});

	test('toBase64 of the decoded chunks is standard padded base64', async () => {
		const text = mimeLines(Buffer.from('x'.repeat(1001)));
		const source = memorySource(text, {});
		assert.equal(await collect(toBase64(source.bytes())), Buffer.from('x'.repeat(1001)).toString('base64'));
	});
});

/** The node, its input binary's base64 text replaced by `rewrite(text)` as it starts (the harness's start node stores clean base64 through n8n). */
function withInputText(rewrite: (text: string) => string): INodeType {
	const wrapped = Object.create(oneBotNode) as INodeType;
	wrapped.execute = async function (this: IExecuteFunctions) {
		for (const item of this.getInputData()) {
			const binary = item.binary?.data;
			if (binary && !binary.id) binary.data = rewrite(binary.data);
		}
		return await oneBotNode.execute!.call(this);
	};
	return wrapped;
}

describe('OneBot upload_group_file from a binary whose base64 is not clean', () => {
	let fake: FakeOneBot;
	useFakeOneBot((started) => (fake = started));
	const FILE = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));
	const item = (data: Buffer): INodeExecutionData[] => [binaryItem({}, 'data', data, 'application/pdf', 'report.pdf')];
	const upload = (transport: string, options: object = {}) => ({
		resource: 'groupFile',
		operation: 'upload_group_file',
		group_id: byId('100001'),
		options: { transport, ...options },
	});

	const styles: Array<[string, (text: string) => string]> = [
		['MIME lines', (text) => (text.match(/.{1,76}/g) ?? []).join('\r\n')],
		['URL-safe, unpadded', (text) => Buffer.from(text, 'base64').toString('base64url')],
		['spaces and a stray character', (text) => `${text.slice(0, 10)} .${text.slice(10, 2000)}\t${text.slice(2000)}`],
	];
	for (const transport of ['http', 'websocket']) {
		for (const [style, rewrite] of styles) {
			test(`${transport}, ${style}: the backend gets exactly the bytes`, async () => {
				fake.setHandler('upload_group_file', () => null);
				const result = await runNode({ node: withInputText(rewrite), parameters: upload(transport), credentials: credentialsFor(fake), items: item(FILE) });
				assert.equal(result.error, undefined, String(result.error?.message));
				const file = String(wireParams(fake.calls[0]).file);
				assert.ok(file.startsWith('base64://'));
				assert.ok(Buffer.from(file.slice('base64://'.length), 'base64').equals(FILE), 'the bytes arrived unchanged');
			});
		}
	}

	test('a file over Max Upload Size is refused naming the option (its size counted, not decoded); nothing is sent', async () => {
		const big = Buffer.alloc(1024 * 1024 + 1, 7);
		const result = await runNode({
			node: withInputText(styles[0][1]),
			parameters: upload('http', { maxUploadSize: 1 }),
			credentials: credentialsFor(fake),
			items: item(big),
		});
		assert.match(String(result.error?.message), /Binary field "data" is 1\.0 MiB, larger than the 1 MiB allowed by "Options › Max Upload Size \(MiB\)"/);
		assert.match(String((result.error as { description?: unknown } | undefined)?.description), /maxUploadSize/);
		assert.equal(fake.calls.length, 0);
	});
});
