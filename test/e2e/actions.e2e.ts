/**
 * The action nodes (OneBot, Heychat) in a real n8n, run with `n8n execute` against the fake backends
 * on 127.0.0.1: a message built from segments with a binary image made by n8n's own nodes, a CQ-code
 * message, list operations (one item per entry) over HTTP and over the WebSocket transport, an image
 * upload to Heychat, and failures with and without "continue on fail". Asserts on what the fakes
 * received and on the execution n8n printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { FAKE_ROOMS, FakeHeychat } from '../fakes/heychat';
import { FAKE_GROUPS, FakeOneBot } from '../fakes/onebot';
import { newWorkflowId, nodeError, nodeJson, nodeOutput, prepareN8n, readPackageInfo, type N8nInstance } from './support/n8n';

const PKG = readPackageInfo().name;
const TOKEN = 'e2e-Actions-Token';
/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const ONEBOT_CRED = { id: 'e2eOneBotCred001', name: 'OneBot (fake)' };
const HEYCHAT_CRED = { id: 'e2eHeychatCred01', name: 'Heychat (fake)' };
const ROOM = FAKE_ROOMS[0].room_id;
const CHANNEL = '3665944781964836864';

let bot: FakeOneBot;
let hey: FakeHeychat;
let n8n: N8nInstance;

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
let x = 0;
function node(name: string, type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	x += 220;
	return { id: `${name}-${x}`, name, type, typeVersion: 1, position: [x, 0], parameters, ...extra };
}
const oneBot = (name: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	node(name, `${PKG}.oneBot`, parameters, { credentials: { oneBotV11Api: ONEBOT_CRED }, ...extra });
const heychat = (name: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	node(name, `${PKG}.heychat`, parameters, { credentials: { heychatBotApi: HEYCHAT_CRED }, ...extra });
const manual = { id: 'manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const continueOnFail = { onError: 'continueRegularOutput' };

/** Connections: each [from, to] pair on output 0 / input 0. */
function links(...pairs: Array<[string, string]>) {
	const out: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	for (const [from, to] of pairs) {
		out[from] ??= { main: [[]] };
		out[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	return out;
}

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN });
	hey = await FakeHeychat.start();
	n8n = await prepareN8n();
	await n8n.importCredential({
		...ONEBOT_CRED,
		type: 'oneBotV11Api',
		data: bot.credentials(),
	});
	await n8n.importCredential({ ...HEYCHAT_CRED, type: 'heychatBotApi', data: hey.credentials() });
});

after(async () => {
	await n8n?.cleanup();
	await bot?.close();
	await hey?.close();
});

describe('action nodes in a real n8n (n8n execute)', () => {
	it('messages with segments and a binary image, CQ code, list operations, image upload, continue-on-fail', async () => {
		bot.reset();
		hey.reset();
		bot.fail('delete_msg', 100, 'message not found', '消息不存在');
		hey.failNext('/chatroom/v2/channel_msg/delete', '消息不存在');
		const id = await n8n.importWorkflow({
			id: newWorkflowId(),
			name: 'actions happy path',
			nodes: [
				manual,
				node('Picture', 'n8n-nodes-base.set', {
					mode: 'manual',
					includeOtherFields: false,
					options: {},
					assignments: { assignments: [{ id: 'p1', name: 'png', value: PNG_BASE64, type: 'string' }] },
				}, { typeVersion: 3.4 }),
				node('To file', 'n8n-nodes-base.convertToFile', {
					operation: 'toBinary',
					sourceProperty: 'png',
					binaryPropertyName: 'data',
					options: { fileName: 'dot.png', mimeType: 'image/png' },
				}, { typeVersion: 1.1 }),
				oneBot('Send segments', {
					resource: 'message',
					operation: 'send_group_msg',
					group_id: rl('100001'),
					messageFormat: 'segments',
					segments: {
						segment: [
							{ type: 'text', textText: 'Hello ' },
							{ type: 'at', atQq: '20001' },
							{ type: 'image', source: 'binary', binaryProperty: 'data' },
							{ type: 'face', faceId: '14' },
						],
					},
					additionalFields: {},
					options: {},
				}),
				oneBot('Send CQ code', {
					resource: 'message',
					operation: 'send_private_msg',
					user_id: rl('20001'),
					messageFormat: 'cqCode',
					cqString: '={{ "[CQ:face,id=1] at " + $now.toFormat("yyyy") }}',
					additionalFields: {},
					options: {},
				}),
				oneBot('Groups', { resource: 'group', operation: 'get_group_list', additionalFields: {}, options: {} }),
				oneBot('Groups over WebSocket', {
					resource: 'group',
					operation: 'get_group_list',
					additionalFields: { no_cache: true },
					options: { transport: 'websocket' },
				}),
				oneBot('Delete (fails, continues)', { resource: 'message', operation: 'delete_msg', message_id: '42', options: {} }, continueOnFail),
				oneBot('Unsupported (continues)', {
					resource: 'groupNotice',
					operation: '_send_group_notice',
					group_id: rl('100001'),
					content: 'hi',
					additionalFields: {},
					options: {},
				}, continueOnFail),
				heychat('Heychat image', {
					resource: 'message',
					operation: 'send_channel_message',
					messageType: 'image',
					imageSource: 'binary',
					binaryPropertyName: 'data',
					room_id: rl(ROOM),
					channel_id: rl(CHANNEL),
					messageOptions: {},
					options: {},
				}),
				heychat('Heychat text', {
					resource: 'message',
					operation: 'send_channel_message',
					messageType: 'text',
					text: 'Hi *there*',
					room_id: rl(ROOM),
					channel_id: rl(CHANNEL),
					messageOptions: { replyTo: '1836295184143134721' },
					options: {},
				}),
				heychat('Rooms', { resource: 'room', operation: 'list_joined_rooms', additionalFields: {}, options: {} }),
				heychat('Heychat delete (fails, continues)', {
					resource: 'message',
					operation: 'delete_channel_message',
					room_id: rl(ROOM),
					channel_id: rl(CHANNEL),
					msg_id: '1836295184143134721',
					options: {},
				}, continueOnFail),
			],
			connections: links(
				['Manual', 'Picture'],
				['Picture', 'To file'],
				['To file', 'Send segments'],
				['To file', 'Heychat image'],
				['Manual', 'Send CQ code'],
				['Manual', 'Groups'],
				['Manual', 'Groups over WebSocket'],
				['Manual', 'Delete (fails, continues)'],
				['Manual', 'Unsupported (continues)'],
				['Manual', 'Heychat text'],
				['Manual', 'Rooms'],
				['Manual', 'Heychat delete (fails, continues)'],
			),
		});
		const res = await n8n.execute(id);
		assert.ok(res.ok, `${res.stdout.slice(-4000)}\n${res.stderr.slice(-3000)}`);
		const run = res.run!;

		// --- OneBot: segments with the binary image, sent as base64 over HTTP with the token
		const segments = bot.callsTo('send_group_msg');
		assert.equal(segments.length, 1);
		assert.equal(segments[0].transport, 'http');
		assert.equal(segments[0].headers.authorization, `Bearer ${TOKEN}`);
		assert.deepEqual(segments[0].params, {
			group_id: 100001,
			message: [
				{ type: 'text', data: { text: 'Hello ' } },
				{ type: 'at', data: { qq: '20001' } },
				{ type: 'image', data: { file: `base64://${PNG_BASE64}` } },
				{ type: 'face', data: { id: '14' } },
			],
		});
		const sentId = (segments[0].response?.data as { message_id: number }).message_id;
		const sendItems = nodeOutput(run, 'Send segments');
		assert.deepEqual(sendItems.map((i) => i.json), [{ message_id: sentId }]);
		assert.deepEqual(sendItems[0].pairedItem, { item: 0 });

		// --- CQ code string, expression resolved by n8n, sent with auto_escape false
		assert.deepEqual(bot.callsTo('send_private_msg').map((c) => c.params), [
			{ user_id: 20001, message: `[CQ:face,id=1] at ${new Date().getUTCFullYear()}`, auto_escape: false },
		]);

		// --- list operation: one item per group, over HTTP and over the forward WebSocket
		assert.deepEqual(nodeJson(run, 'Groups'), FAKE_GROUPS);
		assert.deepEqual(nodeJson(run, 'Groups over WebSocket'), FAKE_GROUPS);
		const listCalls = bot.callsTo('get_group_list');
		assert.deepEqual(listCalls.map((c) => c.transport).sort(), ['http', 'ws']);
		assert.deepEqual(listCalls.find((c) => c.transport === 'ws')?.params, { no_cache: true });

		// --- failures that continue: error items with retcode / backend hint
		const deleted = nodeJson(run, 'Delete (fails, continues)');
		assert.equal(deleted.length, 1);
		assert.equal(deleted[0].retcode, 100);
		assert.equal(deleted[0].action, 'delete_msg');
		assert.match(String(deleted[0].description), /retcode: 100/);
		assert.match(String(deleted[0].description), /message not found/);
		assert.ok(deleted[0].error, JSON.stringify(deleted[0]));
		const unsupported = nodeJson(run, 'Unsupported (continues)')[0];
		assert.equal(unsupported.kind, 'unsupported', JSON.stringify(unsupported));
		assert.match(String(unsupported.description), /Backends that support "_send_group_notice"/);
		assert.equal(nodeError(run, 'Unsupported (continues)'), undefined);

		// --- Heychat: binary image uploaded (multipart), then sent as msg_type 3 with its CDN URL
		const upload = hey.callsTo('/upload');
		assert.equal(upload.length, 1);
		assert.equal(upload[0].file?.data.toString('base64'), PNG_BASE64);
		assert.equal(upload[0].file?.fileName, 'dot.png');
		const sends = hey.callsTo('/chatroom/v2/channel_msg/send').map((c) => c.json as Record<string, unknown>);
		const imageSend = sends.find((b) => b.msg_type === 3);
		assert.ok(imageSend, JSON.stringify(sends));
		const cdnUrl = JSON.parse(upload[0].responseText ?? '{}').result.url as string;
		assert.equal(imageSend.img, cdnUrl);
		assert.equal(imageSend.room_id, ROOM);
		assert.equal(imageSend.channel_id, CHANNEL);
		assert.deepEqual(JSON.parse(String(imageSend.addition)), { img_files_info: [{ url: cdnUrl, width: 1, height: 1 }] });
		const imageOut = nodeJson(run, 'Heychat image')[0];
		assert.equal(imageOut.img, cdnUrl);
		assert.match(String(imageOut.msg_id), /^\d{19}$/);

		// --- Heychat text: markdown-escaped, quoting a message, 19-digit ids kept exact
		const textSend = sends.find((b) => b.msg_type === 4);
		assert.ok(textSend);
		assert.equal(textSend.msg, 'Hi \\*there\\*');
		assert.equal(textSend.reply_id, '1836295184143134721');
		assert.equal(typeof textSend.heychat_ack_id, 'string');

		// --- Heychat list: one item per room, big ids as strings
		assert.deepEqual(
			nodeJson(run, 'Rooms').map((r) => r.room_id),
			FAKE_ROOMS.map((r) => r.room_id),
		);

		// --- Heychat failure that continues
		const heyFail = nodeJson(run, 'Heychat delete (fails, continues)');
		assert.equal(heyFail.length, 1);
		assert.match(JSON.stringify(heyFail[0]), /消息不存在/);
	});

	it('a failing OneBot call stops the workflow with the backend error', async () => {
		bot.reset();
		bot.fail('delete_msg', 1200, 'msg not found', '消息不存在');
		const id = await n8n.importWorkflow({
			name: 'actions onebot failure',
			nodes: [manual, oneBot('Delete', { resource: 'message', operation: 'delete_msg', message_id: '42', options: {} })],
			connections: links(['Manual', 'Delete']),
		});
		const res = await n8n.execute(id);
		assert.equal(res.ok, false);
		assert.notEqual(res.code, 0);
		assert.ok(res.run, res.stdout.slice(-3000));
		assert.equal(bot.callsTo('delete_msg').length, 1);
		const error = nodeError(res.run, 'Delete');
		assert.ok(error, JSON.stringify(res.run.data?.resultData).slice(0, 2000));
		assert.match(String(error.description), /retcode: 1200/);
		assert.match(String(error.description), /消息不存在/);
		assert.equal(res.run.data?.resultData?.lastNodeExecuted, 'Delete');
		assert.ok(!(res.stdout + res.stderr).includes(TOKEN), 'the access token leaked into the output');
	});

	it('a failing Heychat call stops the workflow with the server message; a bad input names the field', async () => {
		hey.reset();
		hey.failNext('/chatroom/v2/channel_msg/delete', '没有权限');
		const failing = await n8n.importWorkflow({
			name: 'actions heychat failure',
			nodes: [
				manual,
				heychat('Delete', {
					resource: 'message',
					operation: 'delete_channel_message',
					room_id: rl(ROOM),
					channel_id: rl(CHANNEL),
					msg_id: '1836295184143134721',
					options: {},
				}),
			],
			connections: links(['Manual', 'Delete']),
		});
		const res = await n8n.execute(failing);
		assert.equal(res.ok, false);
		const error = nodeError(res.run!, 'Delete');
		assert.ok(error);
		assert.match(`${error.message} ${error.description ?? ''}`, /没有权限/);
		assert.equal(hey.callsTo('/chatroom/v2/channel_msg/delete').length, 1);

		const badInput = await n8n.importWorkflow({
			name: 'actions bad input',
			nodes: [
				manual,
				oneBot('Send', {
					resource: 'message',
					operation: 'send_group_msg',
					group_id: rl('={{ "not-a-number" }}'),
					messageFormat: 'text',
					text: 'hi',
					additionalFields: {},
					options: {},
				}),
			],
			connections: links(['Manual', 'Send']),
		});
		bot.reset();
		const bad = await n8n.execute(badInput);
		assert.equal(bad.ok, false);
		const badError = nodeError(bad.run!, 'Send');
		assert.ok(badError, bad.stdout.slice(-2000));
		assert.match(`${badError.message} ${badError.description ?? ''}`, /group_id/);
		assert.equal(bot.calls.length, 0, 'nothing is sent when the input is invalid');
	});
});
