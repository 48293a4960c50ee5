// Every path where an input binary enters the nodes, in both of n8n's binary data modes:
// 'default' (the item holds the file as base64) and 'filesystem' (n8n 2.x's default: the file is on
// disk and the item holds only an id, read through this.helpers). The harness's binaryMode stores
// the input items' files the way n8n does in that mode; each test checks that the input really was
// stored so (by id or inline), then what the fake backend received.
import { credentialsFor as oneBotCredentials, node as oneBotNode, useFakeOneBot, wireParams, byId as oneBotId } from '../onebot/setup';

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { FakeHeychat } from '../fakes/heychat';
import type { FakeOneBot } from '../fakes/onebot';
import { BIG_CHANNEL, BIG_ROOM, byId, credentialsFor as heychatCredentials, gif, imageItem, png, node as heychatNode } from '../heychat/setup';
import { runNode, type RunNodeResult } from '../harness/n8n';

const MODES = ['default', 'filesystem'] as const;
type Mode = (typeof MODES)[number];

/** The node class, wrapped to record whether its input binaries were stored by id (filesystem) or inline. */
function recording(base: INodeType, seen: { byId: boolean[] }): INodeType {
	const wrapped = Object.create(base) as INodeType;
	wrapped.execute = async function (this: IExecuteFunctions) {
		for (const item of this.getInputData()) {
			for (const binary of Object.values(item.binary ?? {})) seen.byId.push(Boolean(binary.id));
		}
		return await base.execute!.call(this);
	};
	return wrapped;
}

function assertStoredAs(mode: Mode, seen: { byId: boolean[] }): void {
	assert.ok(seen.byId.length > 0, 'the node saw input binaries');
	assert.ok(
		seen.byId.every((stored) => stored === (mode === 'filesystem')),
		`input binaries ${mode === 'filesystem' ? 'on disk (by id)' : 'in the item (base64)'}: ${JSON.stringify(seen.byId)}`,
	);
}

interface ModeRun {
	items: INodeExecutionData[];
	binaryMode: Mode;
	node: INodeType;
}

async function runOneBot(fake: FakeOneBot, parameters: INodeParameters, run: ModeRun): Promise<RunNodeResult> {
	return await runNode({ ...run, parameters, credentials: oneBotCredentials(fake) });
}

async function runHeychat(fake: FakeHeychat, parameters: INodeParameters, run: ModeRun): Promise<RunNodeResult> {
	return await runNode({ ...run, parameters, credentials: heychatCredentials(fake) });
}

function noError(result: RunNodeResult): void {
	assert.equal(result.error, undefined, String(result.error?.message));
}

const decoded = (file: unknown) => Buffer.from(String(file).replace(/^base64:\/\//, ''), 'base64');

describe('OneBot: input binaries in both binary data modes', () => {
	let fake: FakeOneBot;
	useFakeOneBot((f) => (fake = f));
	const FILE = Buffer.from('%PDF-1.4 quarterly report\n'.repeat(50));
	const IMAGE = png(3, 4);

	for (const mode of MODES) {
		test(`${mode}: a message segment image and file from binary fields: base64:// of exactly the bytes, the file's name`, async () => {
			const seen = { byId: [] as boolean[] };
			const item: INodeExecutionData = {
				json: {},
				binary: {
					photo: imageItem({}, 'photo', IMAGE, 'image/png', 'photo.png').binary!.photo,
					doc: imageItem({}, 'doc', FILE, 'application/pdf', '季度 "report".pdf').binary!.doc,
				},
			};
			const result = await runOneBot(
				fake,
				{
					resource: 'message',
					operation: 'send_group_msg',
					group_id: oneBotId('100001'),
					messageFormat: 'segments',
					segments: {
						segment: [
							{ type: 'image', source: 'binary', binaryProperty: 'photo' },
							{ type: 'file', source: 'binary', binaryProperty: 'doc' },
						],
					},
				},
				{ items: [item], binaryMode: mode, node: recording(oneBotNode, seen) },
			);
			noError(result);
			assertStoredAs(mode, seen);
			const message = wireParams(fake.calls[0]).message as Array<{ type: string; data: Record<string, unknown> }>;
			assert.ok(decoded(message[0].data.file).equals(IMAGE), 'the image bytes');
			assert.ok(decoded(message[1].data.file).equals(FILE), 'the file bytes');
			assert.equal(message[1].data.name, '季度 "report".pdf');
		});

		for (const transport of ['http', 'websocket']) {
			test(`${mode}, ${transport}: upload_group_file from a binary field: base64:// of exactly the bytes, named after the binary`, async () => {
				const seen = { byId: [] as boolean[] };
				fake.setHandler('upload_group_file', () => null);
				const result = await runOneBot(
					fake,
					{ resource: 'groupFile', operation: 'upload_group_file', group_id: oneBotId('100001'), options: { transport } },
					{ items: [imageItem({}, 'data', FILE, 'application/pdf', 'report.pdf')], binaryMode: mode, node: recording(oneBotNode, seen) },
				);
				noError(result);
				assertStoredAs(mode, seen);
				assert.equal(fake.calls[0].transport, transport === 'websocket' ? 'ws' : 'http');
				const params = wireParams(fake.calls[0]);
				assert.ok(decoded(params.file).equals(FILE));
				assert.equal(params.name, 'report.pdf');
			});
		}

		test(`${mode}: a binary over Max Upload Size is refused naming the option; nothing is sent`, async () => {
			const seen = { byId: [] as boolean[] };
			const big = Buffer.alloc(1024 * 1024 + 1, 7);
			const result = await runOneBot(
				fake,
				{ resource: 'groupFile', operation: 'upload_group_file', group_id: oneBotId('100001'), options: { maxUploadSize: 1 } },
				{ items: [imageItem({}, 'data', big, 'application/octet-stream', 'big.bin')], binaryMode: mode, node: recording(oneBotNode, seen) },
			);
			assertStoredAs(mode, seen);
			assert.match(String(result.error?.message), /larger than the 1 MiB allowed by "Options › Max Upload Size \(MiB\)"/);
			assert.equal(fake.calls.length, 0);
		});
	}
});

describe('Heychat: input binaries in both binary data modes', () => {
	let fake: FakeHeychat;
	before(async () => {
		fake = await FakeHeychat.start();
	});
	after(async () => {
		await fake.close();
	});
	beforeEach(() => fake.reset());

	const send = (extra: INodeParameters): INodeParameters => ({
		resource: 'message',
		operation: 'send_channel_message',
		room_id: byId(BIG_ROOM),
		channel_id: byId(BIG_CHANNEL),
		...extra,
	});

	for (const mode of MODES) {
		test(`${mode}: an image message from a binary field: uploaded intact, measured`, async () => {
			const seen = { byId: [] as boolean[] };
			const image = png(194, 228);
			const result = await runHeychat(fake, send({ messageType: 'image', imageSource: 'binary', binaryPropertyName: 'photo' }), {
				items: [imageItem({}, 'photo', image, 'image/png', 'photo.png')],
				binaryMode: mode,
				node: recording(heychatNode, seen),
			});
			noError(result);
			assertStoredAs(mode, seen);
			const upload = fake.lastCall('/upload')!;
			assert.ok(upload.file?.data.equals(image));
			assert.equal(upload.file?.fileName, 'photo.png');
			assert.deepEqual(JSON.parse(String((fake.lastCall('/chatroom/v2/channel_msg/send')!.json as { addition?: unknown }).addition)).img_files_info[0].width, 194);
		});

		test(`${mode}: Append Images from a comma list of binary fields: each uploaded intact, in order`, async () => {
			const seen = { byId: [] as boolean[] };
			const a = png(10, 11);
			const b = gif(12, 13);
			const result = await runHeychat(fake, send({ messageType: 'markdown', text: 'Report', messageOptions: { inlineImages: 'a , b' } }), {
				items: [
					{
						json: {},
						binary: {
							a: imageItem({}, 'a', a, 'image/png', 'a.png').binary!.a,
							b: imageItem({}, 'b', b, 'image/gif', 'b.gif').binary!.b,
						},
					},
				],
				binaryMode: mode,
				node: recording(heychatNode, seen),
			});
			noError(result);
			assertStoredAs(mode, seen);
			const uploads = fake.callsTo('/upload');
			assert.deepEqual(uploads.map((u) => u.file?.fileName), ['a.png', 'b.gif']);
			assert.ok(uploads[0].file?.data.equals(a));
			assert.ok(uploads[1].file?.data.equals(b));
		});

		test(`${mode}: Media › Upload of a file that is not an image: intact, its declared type and size`, async () => {
			const seen = { byId: [] as boolean[] };
			const data = Buffer.from('just some text\n'.repeat(1000));
			const result = await runHeychat(fake, { resource: 'media', operation: 'upload_media', binaryPropertyName: 'data' }, {
				items: [imageItem({}, 'data', data, 'text/plain', 'notes.txt')],
				binaryMode: mode,
				node: recording(heychatNode, seen),
			});
			noError(result);
			assertStoredAs(mode, seen);
			const upload = fake.lastCall('/upload')!;
			assert.ok(upload.file?.data.equals(data));
			assert.equal(upload.file?.fileName, 'notes.txt');
			assert.equal(result.output[0].json.fileSize, data.length);
			assert.equal(result.output[0].json.mimeType, 'text/plain');
		});
	}
});
