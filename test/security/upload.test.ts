// Fault and abuse: binary uploads. A file over the size limit is refused before it is read (the
// backend sees nothing); an accepted 40 MiB file is streamed, with the node's peak memory growth
// at most 2.5× the file size. Each upload runs the real node in a child process of its own (see
// support/uploadChild.ts) so its memory is measured cleanly; the fake backend runs here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';

import { bufferSource, toBase64 } from '../../nodes/shared/upload/binarySource';
import { Base64Value, jsonBody, type StreamedBody } from '../../nodes/shared/upload/streamedJson';
import { binaryItem } from '../harness/n8n';
import { byId, run, TOKEN, wireParams } from '../onebot/setup';
import { PERSONALITIES, startPersonality, type Personality, type PersonalityName } from '../fakes/onebotPersonalities';
import { FakeHeychat } from '../fakes/heychat';
import { FakeOneBot } from '../fakes/onebot';
import { figure } from './support/figure';

const MiB = 1024 * 1024;
const MEMORY_BOUND = 2.5;
const CHILD = join(__dirname, 'support', 'uploadChild.ts');

interface ChildResult {
	size: number;
	sha256: string;
	error?: string;
	output: unknown[];
	rssGrowth: number;
	heapGrowth: number;
	externalGrowth: number;
}

async function runChild(
	platform: 'onebot' | 'heychat',
	mib: number,
	config: object,
	binaryMode: 'default' | 'filesystem' = 'default',
	base64Style: 'padded' | 'mime' = 'padded',
): Promise<ChildResult> {
	const args = ['--expose-gc', '--import', 'tsx', CHILD, platform, String(mib), JSON.stringify(config), binaryMode, base64Style];
	const child = spawn(process.execPath, args, {
		cwd: join(__dirname, '..', '..'),
		env: { ...process.env, N8N_RUNNERS_ENABLED: 'false' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
	child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
	const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
	const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
	assert.ok(line, `the child printed no result (exit ${code}): ${stderr.slice(-2000)}`);
	return JSON.parse(line.slice('RESULT '.length)) as ChildResult;
}

function memoryFigure(label: string, result: ChildResult): void {
	const ratio = (n: number) => (n / result.size).toFixed(2);
	figure(
		`${label}: file ${(result.size / MiB).toFixed(0)} MiB; peak growth while the node ran: ` +
			`RSS ${(result.rssGrowth / MiB).toFixed(1)} MiB (${ratio(result.rssGrowth)}× the file), ` +
			`heap ${(result.heapGrowth / MiB).toFixed(1)} MiB, external ${(result.externalGrowth / MiB).toFixed(1)} MiB`,
	);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('OneBot file uploads (upload_group_file from a binary field)', () => {
	let fake: FakeOneBot;
	before(async () => {
		fake = await FakeOneBot.start({
			accessToken: 'upload-test-token-0123456789',
			handlers: { upload_group_file: () => null },
		});
	});
	after(async () => {
		await fake.close();
	});
	beforeEach(() => fake.reset());

	const parameters = (options: object = {}) => ({
		resource: 'groupFile',
		operation: 'upload_group_file',
		group_id: { __rl: true, mode: 'id', value: '100001' },
		fileSource: 'binary',
		binaryPropertyName: 'data',
		options,
	});

	test('a 100 MiB file is refused by Max Upload Size (64 MiB default) before it is read; nothing is sent', async () => {
		const result = await runChild('onebot', 100, {
			credentials: fake.credentials(),
			parameters: parameters(),
		});
		assert.match(
			String(result.error),
			/Binary field "data" is 100 MiB, larger than the 64 MiB allowed by "Options › Max Upload Size \(MiB\)"/,
		);
		assert.equal(fake.callsTo('upload_group_file').length, 0, 'the backend saw no upload');
		memoryFigure('OneBot, 100 MiB refused', result);
		assert.ok(result.rssGrowth < 0.5 * result.size, 'the refused file was not read');
	});

	test('a 100 MiB file whose base64 is not clean (MIME lines) is refused before it is decoded; nothing is sent', async () => {
		const result = await runChild('onebot', 100, { credentials: fake.credentials(), parameters: parameters() }, 'default', 'mime');
		assert.match(
			String(result.error),
			/Binary field "data" is 100 MiB, larger than the 64 MiB allowed by "Options › Max Upload Size \(MiB\)"/,
		);
		assert.equal(fake.callsTo('upload_group_file').length, 0, 'the backend saw no upload');
		memoryFigure('OneBot, 100 MiB in MIME-wrapped base64 refused', result);
		assert.ok(result.rssGrowth < 0.5 * result.size, `the refused file was not decoded: RSS grew ${(result.rssGrowth / MiB).toFixed(1)} MiB`);
	});

	const variants = [
		['http', 'default'],
		['websocket', 'default'],
		['http', 'filesystem'],
	] as const;
	for (const [transport, binaryMode] of variants) {
		test(`a 40 MiB file (${binaryMode} binary mode) over ${transport} is streamed: the backend gets it intact, memory growth ≤ ${MEMORY_BOUND}× the file`, async () => {
			const result = await runChild(
				'onebot',
				40,
				{
					credentials: fake.credentials(),
					parameters: parameters({ transport }),
				},
				binaryMode,
			);
			assert.equal(result.error, undefined, result.error);
			assert.equal(fake.callsTo('upload_group_file').length, 1);
			const call = fake.callsTo('upload_group_file')[0];
			assert.equal(call.action, 'upload_group_file');
			const file = String(call.params.file);
			assert.ok(file.startsWith('base64://'));
			assert.equal(sha256(Buffer.from(file.slice('base64://'.length), 'base64')), result.sha256, 'the bytes arrived unchanged');
			assert.equal(call.params.name, 'big.bin');
			memoryFigure(`OneBot over ${transport} (${binaryMode} binary mode), 40 MiB accepted`, result);
			assert.ok(
				result.rssGrowth <= MEMORY_BOUND * result.size,
				`RSS grew ${(result.rssGrowth / MiB).toFixed(1)} MiB for a ${(result.size / MiB).toFixed(0)} MiB file`,
			);
		});
	}
});

describe('Heychat uploads (Media › Upload)', () => {
	let fake: FakeHeychat;
	before(async () => {
		fake = await FakeHeychat.start();
	});
	after(async () => {
		await fake.close();
	});
	beforeEach(() => fake.reset());

	const parameters = (options: object = {}) => ({
		resource: 'media',
		operation: 'upload_media',
		binaryPropertyName: 'data',
		options,
	});

	test('a 100 MiB file is refused by Max Upload Size (32 MiB default) before it is read; nothing is sent', async () => {
		const result = await runChild('heychat', 100, {
			credentials: fake.credentials(),
			parameters: parameters(),
		});
		assert.match(
			String(result.error),
			/Binary field "data" is 100 MiB, larger than the 32 MiB allowed by "Options › Max Upload Size \(MiB\)"/,
		);
		assert.equal(fake.callsTo('/upload').length, 0, 'Heychat saw no upload');
		memoryFigure('Heychat, 100 MiB refused', result);
		assert.ok(result.rssGrowth < 0.5 * result.size, 'the refused file was not read');
	});

	for (const binaryMode of ['default', 'filesystem'] as const) {
		test(`a 40 MiB file (${binaryMode} binary mode, limit raised to 64 MiB) is streamed as multipart: intact, memory growth ≤ ${MEMORY_BOUND}× the file`, async () => {
			const result = await runChild(
				'heychat',
				40,
				{
					credentials: fake.credentials(),
					parameters: parameters({ maxUploadSize: 64 }),
				},
				binaryMode,
			);
			assert.equal(result.error, undefined, result.error);
			const uploads = fake.callsTo('/upload');
			assert.equal(uploads.length, 1);
			const file = uploads[0].file;
			assert.ok(file, 'a file part');
			assert.equal(file.fileName, 'big.bin');
			assert.equal(sha256(file.data), result.sha256, 'the bytes arrived unchanged');
			assert.equal((result.output[0] as { fileSize?: number }).fileSize, result.size);
			memoryFigure(`Heychat (${binaryMode} binary mode), 40 MiB accepted`, result);
			assert.ok(
				result.rssGrowth <= MEMORY_BOUND * result.size,
				`RSS grew ${(result.rssGrowth / MiB).toFixed(1)} MiB for a ${(result.size / MiB).toFixed(0)} MiB file`,
			);
		});
	}
});

describe('streamed bodies', () => {
	test('byte chunks of any size become the same base64 as the whole file', async () => {
		const data = randomBytes(10_007);
		for (const sizes of [[1], [2], [3], [5, 7], [4096], [10_007]]) {
			async function* chunks(): AsyncIterable<Buffer> {
				let at = 0;
				for (let k = 0; at < data.length; k++) {
					const n = sizes[k % sizes.length];
					yield data.subarray(at, at + n);
					at += n;
				}
			}
			let text = '';
			for await (const part of toBase64(chunks())) text += part;
			assert.equal(text, data.toString('base64'), `chunks of ${sizes.join('/')} bytes`);
		}
	});

	test('a JSON body with files inside: the same text as JSON.stringify, big ids exact, Content-Length exact', async () => {
		const a = randomBytes(1000);
		const b = randomBytes(2);
		const body = jsonBody({
			group_id: 7234567890123456789n,
			file: new Base64Value('base64://', bufferSource(a)),
			list: [{ f: new Base64Value('', bufferSource(b)) }],
		});
		assert.notEqual(typeof body, 'string');
		let text = '';
		for await (const part of (body as StreamedBody).chunks()) text += part;
		assert.equal(
			text,
			`{"group_id":7234567890123456789,"file":"base64://${a.toString('base64')}","list":[{"f":"${b.toString('base64')}"}]}`,
		);
		assert.equal((body as StreamedBody).length, Buffer.byteLength(text));
		assert.equal(jsonBody({ plain: 'x' }), '{"plain":"x"}', 'without a file: a plain string');
	});
});

describe('a streamed upload through each backend personality (the call fitted to the backend keeps the file)', () => {
	const backends = {} as Record<PersonalityName, Personality>;
	before(async () => {
		for (const name of PERSONALITIES) backends[name] = await startPersonality(name, { accessToken: TOKEN });
	});
	after(async () => {
		for (const name of PERSONALITIES) await backends[name].fake.close();
	});

	for (const name of PERSONALITIES) {
		test(name, async () => {
			const { fake } = backends[name];
			const data = randomBytes(300 * 1024 + 1);
			const result = await run(
				fake,
				{
					resource: 'groupFile',
					operation: 'upload_group_file',
					group_id: byId('100001'),
					fileSource: 'binary',
					binaryPropertyName: 'data',
				},
				{ items: [binaryItem({}, 'data', data, 'application/pdf', 'report.pdf')] },
			);
			assert.equal(result.error, undefined, String(result.error?.message));
			const file = String(wireParams(fake.lastCall('upload_group_file')!).file);
			assert.ok(file.startsWith('base64://'), file.slice(0, 40));
			assert.equal(sha256(Buffer.from(file.slice('base64://'.length), 'base64')), sha256(data));
		});
	}
});
