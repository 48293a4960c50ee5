/**
 * The trigger nodes inside a REAL n8n (installed by scripts/n8n/install-n8n.sh), with the package
 * installed like the Community Nodes installer does, activated through n8n's public API while it
 * runs. Checks what only n8n itself can show: the webhook's raw body + signature (a bad signature is
 * refused with 401 and starts nothing), the quick operation and "last node" answers, forward and
 * reverse WebSocket activation, the Heychat gateway, events → executions with the expected items,
 * filtered events → no execution, and deactivation closing the connections (the fakes see it).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { FakeHeychat, type GatewayConnection } from '../fakes/heychat';
import { FakeOneBot, groupMessageEvent, privateMessageEvent, signBody } from '../fakes/onebot';
import { freePort, nodeJson, prepareN8n, readPackageInfo, type Execution, type N8nInstance, type N8nServer } from './support/n8n';

const pkg = readPackageInfo();
const PKG = pkg.name;
const SECRET = 'e2e-Hmac-Secret';
const TOKEN = 'e2e-Access-Token';
const SELF_ID = 10001;
const ONEBOT_CRED = { id: 'e2eTrigOneBot001', name: 'OneBot e2e' };
const HEYCHAT_CRED = { id: 'e2eTrigHeychat01', name: 'Heychat e2e' };

let n8n: N8nInstance;
let server: N8nServer;
let bot: FakeOneBot;
let hey: FakeHeychat;

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN, selfId: SELF_ID });
	hey = await FakeHeychat.start();
	n8n = await prepareN8n();
	await n8n.importCredential({
		...ONEBOT_CRED,
		type: 'oneBotV11Api',
		data: bot.credentials(),
	});
	await n8n.importCredential({ ...HEYCHAT_CRED, type: 'heychatBotApi', data: hey.credentials() });
	server = await n8n.start();
	await server.setupOwner();
	await server.createApiKey();
});

after(async () => {
	await n8n?.cleanup();
	await bot?.close();
	await hey?.close();
});

function triggerNode(type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return { id: randomUUID(), name: 'Trigger', type: `${PKG}.${type}`, typeVersion: 1, position: [0, 0], parameters, ...extra };
}

const oneBotCredentials = { oneBotV11Api: ONEBOT_CRED };

/** The trigger's single emitted item of an execution. */
function triggerItem(execution: Execution): Record<string, unknown> {
	const items = nodeJson(execution, 'Trigger');
	assert.equal(items.length, 1, JSON.stringify(items).slice(0, 500));
	return items[0];
}

/**
 * Newer n8n (2.41) answers the activation call before the trigger is listening: wait until the
 * webhook answers (a request with a wrong signature: 401, starts nothing) instead of 404.
 */
async function waitForWebhook(url: string, timeoutMs = 15_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const res = await bot.postEvent(url, privateMessageEvent(SELF_ID, 1, 'probe'), { secret: 'probe-not-the-secret' });
		if (res.status !== 404) return;
		if (performance.now() > deadline) throw new Error(`${url} still answers 404 ${timeoutMs} ms after activation`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Waits until something listens on 127.0.0.1:port (the reverse-WebSocket server of an activated trigger). */
async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (performance.now() > deadline) throw new Error(`nothing listens on port ${port} ${timeoutMs} ms after activation`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('OneBot Webhook Trigger (HTTP POST)', () => {
	it('checks the signature over the raw body (bad → 401, nothing runs); answers the quick operation at once', async () => {
		const webhookId = randomUUID();
		const id = await server.createWorkflow({
			name: 'onebot webhook e2e',
			nodes: [
				triggerNode(
					'oneBotWebhookTrigger',
					{ signature: 'secret', secret: SECRET, quickOperation: { reply: 'pong', atSender: true } },
					{ webhookId },
				),
			],
		});
		await server.activate(id);
		const url = `${server.baseUrl}/webhook/${webhookId}/onebot`;
		await waitForWebhook(url);
		const wrong = await bot.postEvent(url, groupMessageEvent(SELF_ID, 1, 2, 'ping'), { secret: 'wrong' });
		assert.equal(wrong.status, 401);
		const unsigned = await bot.postEvent(url, groupMessageEvent(SELF_ID, 1, 2, 'ping'), { signatureOverride: null });
		assert.equal(unsigned.status, 401);
		// the exact bytes are signed: \u escapes must not be re-serialised before checking (a current
		// time: the replay window refuses old events)
		const raw = `{"time":${Math.floor(Date.now() / 1000)},"self_id":${SELF_ID},"post_type":"message","message_type":"group","sub_type":"normal","message_id":71,"group_id":1,"user_id":2,"message":"\\u4f60\\u597d","raw_message":"","font":0}`;
		const accepted = await bot.postEvent(url, undefined, { secret: SECRET, rawBody: raw });
		assert.equal(accepted.status, 200, accepted.rawBody);
		assert.equal(accepted.signature, signBody(SECRET, raw));
		assert.deepEqual(accepted.body, { reply: 'pong', at_sender: true });
		const [execution] = await server.waitForExecutions(id, 1);
		const item = triggerItem(execution);
		assert.equal(item.text, '你好');
		assert.equal(item.group_id, 1);
		await server.expectExecutionCount(id, 1, 500);
		await server.deactivate(id);
		// the webhook is gone after deactivation (newer n8n may take a moment)
		const deadline = performance.now() + 10_000;
		let status = 0;
		while ((status = (await bot.postEvent(url, groupMessageEvent(SELF_ID, 1, 2, 'late'), { secret: 'probe-not-the-secret' })).status) !== 404) {
			assert.ok(performance.now() < deadline, `the webhook still answers ${status} after deactivation`);
			await new Promise((r) => setTimeout(r, 200));
		}
		await server.expectExecutionCount(id, 1, 0);
	});

	it("signs with the credential's token; filtered events get 204 and start nothing; \"last node\" answers with its item", async () => {
		const webhookId = randomUUID();
		const id = await server.createWorkflow({
			name: 'onebot webhook lastNode e2e',
			nodes: [
				triggerNode(
					'oneBotWebhookTrigger',
					{ signature: 'credential', respond: 'lastNode', filters: { keywords: 'echo' } },
					{ webhookId, credentials: oneBotCredentials },
				),
				{
					id: randomUUID(),
					name: 'Reply',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [200, 0],
					parameters: {
						mode: 'manual',
						assignments: { assignments: [{ id: randomUUID(), name: 'reply', value: "={{ 'you said: ' + $json.text }}", type: 'string' }] },
						includeOtherFields: false,
						options: {},
					},
				},
			],
			connections: { Trigger: { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
		});
		await server.activate(id);
		const url = `${server.baseUrl}/webhook/${webhookId}/onebot`;
		await waitForWebhook(url);
		assert.equal((await bot.postEvent(url, privateMessageEvent(SELF_ID, 5, 'echo hi'), { secret: 'not-the-token' })).status, 401);
		const filtered = await bot.postEvent(url, privateMessageEvent(SELF_ID, 5, 'hello'), { secret: TOKEN });
		assert.equal(filtered.status, 204);
		const res = await bot.postEvent(url, privateMessageEvent(SELF_ID, 5, 'echo hi'), { secret: TOKEN });
		assert.equal(res.status, 200, res.rawBody);
		assert.deepEqual(res.body, { reply: 'you said: echo hi' });
		await server.waitForExecutions(id, 1);
		await server.expectExecutionCount(id, 1, 500);
		await server.deactivate(id);
	});
});

describe('OneBot Trigger (WebSocket)', () => {
	it('forward: activation connects, events run the workflow, filtered ones do not, deactivation disconnects', async () => {
		const id = await server.createWorkflow({
			name: 'onebot forward e2e',
			nodes: [triggerNode('oneBotTrigger', { filters: { keywords: 'go' } }, { credentials: oneBotCredentials })],
		});
		await server.activate(id);
		await bot.waitForConnection(1, 10_000);
		bot.pushEvent(groupMessageEvent(SELF_ID, 1, 2, 'no', { message_id: 11 }));
		bot.pushEvent(groupMessageEvent(SELF_ID, 1, SELF_ID, 'go (own message)', { message_id: 12 }));
		bot.pushEvent(groupMessageEvent(SELF_ID, 1, 2, [{ type: 'text', data: { text: 'go ' } }, { type: 'face', data: { id: '1' } }, { type: 'text', data: { text: 'go' } }], { message_id: 13 }));
		bot.pushEvent(groupMessageEvent(SELF_ID, 1, 2, 'go go', { message_id: 13 })); // duplicate message_id
		await server.waitForExecutions(id, 1);
		const [execution] = await server.expectExecutionCount(id, 1);
		const item = triggerItem(execution);
		assert.equal(item.text, 'go go');
		assert.equal(item.message_id, 13);
		assert.equal(item.post_type, 'message');
		assert.deepEqual(item.segments, [
			{ type: 'text', data: { text: 'go ' } },
			{ type: 'face', data: { id: '1' } },
			{ type: 'text', data: { text: 'go' } },
		]);
		assert.equal(execution.mode, 'trigger');
		const disconnected = bot.waitForDisconnect(10_000);
		await server.deactivate(id);
		await disconnected;
		assert.equal(bot.connections(), 0);
		assert.ok(!server.log.includes(TOKEN), 'token in the n8n log');
	});

	it('reverse: backends connect to n8n (token checked); deactivation closes the connection and the port', async () => {
		const port = await freePort();
		const id = await server.createWorkflow({
			name: 'onebot reverse e2e',
			nodes: [
				triggerNode(
					'oneBotTrigger',
					{ connection: 'reverse', port, options: { listenAddress: '127.0.0.1' }, filters: { messageTypes: ['private'] } },
					{ credentials: oneBotCredentials },
				),
			],
		});
		await server.activate(id);
		await waitForPort(port);
		const url = `ws://127.0.0.1:${port}/onebot/v11/ws`;
		await assert.rejects(bot.connectReverse(url, { token: 'wrong' }), /HTTP 403/);
		const conn = await bot.connectReverse(url, { token: TOKEN, tokenScheme: 'Token' });
		conn.pushEvent(groupMessageEvent(SELF_ID, 1, 2, 'group: filtered out'));
		conn.pushEvent(privateMessageEvent(SELF_ID, 5, 'reverse hello'));
		await server.waitForExecutions(id, 1);
		const [execution] = await server.expectExecutionCount(id, 1);
		const item = triggerItem(execution);
		assert.equal(item.text, 'reverse hello');
		assert.equal(item.user_id, 5);
		await server.deactivate(id);
		const closed = await conn.waitForClose();
		assert.equal(closed.code, 1001);
		await assert.rejects(bot.connectReverse(url, { token: TOKEN }));
	});
});

describe('Heychat Trigger (gateway)', () => {
	it('connects with the token; bot commands run the workflow, filtered events do not; deactivation closes it', async () => {
		const before = hey.gatewayConnections.length;
		const id = await server.createWorkflow({
			name: 'heychat gateway e2e',
			nodes: [
				triggerNode(
					'heychatTrigger',
					{ events: ['50'], filters: { commandNames: 'ping' } },
					{ credentials: { heychatBotApi: HEYCHAT_CRED } },
				),
			],
		});
		await server.activate(id);
		const gateway: GatewayConnection = await hey.waitForGateway(before + 1, 15_000);
		assert.equal(gateway.headers.token ?? gateway.query.token, hey.token);
		const command = (name: string, msgId: string) =>
			hey.event('50', {
				bot_id: 72053518,
				channel_base_info: { channel_id: '3611849174307799042', channel_name: '默认频道', channel_type: 1 },
				command_info: { id: '1831636113196855296', name, options: [{ name: 'target', type: 3, value: 'everyone' }], type: 0 },
				msg_id: msgId,
				room_base_info: { room_avatar: '', room_id: '3611849174284943360', room_name: 'Second Room' },
				send_time: 1725531286039,
				sender_info: { nickname: '玩家一', user_id: 43028164 },
			});
		hey.pushEvent(command('/other', '1831637085605466110'));
		hey.pushEvent(hey.event('5003', { channel_id: '3611849174307799042', emoji: '[cube_doge]', is_add: 1, msg_id: '1843536909979836416', user_id: 8829926 }));
		hey.pushEvent(command('/ping', '1831637085605466111'));
		hey.pushEvent(command('/ping', '1831637085605466111')); // the same command again: de-duplicated
		await server.waitForExecutions(id, 1, 15_000);
		const [execution] = await server.expectExecutionCount(id, 1);
		const item = triggerItem(execution);
		assert.equal(item.command, '/ping');
		assert.equal(item.typeName, 'botCommand');
		assert.equal(item.msgId, '1831637085605466111');
		assert.equal(item.roomId, '3611849174284943360');
		assert.equal(item.channelId, '3611849174307799042');
		assert.equal(item.userId, '43028164');
		assert.deepEqual(item.options, { target: 'everyone' });

		await server.deactivate(id);
		const deadline = performance.now() + 10_000;
		while (gateway.socket.readyState !== gateway.socket.CLOSED) {
			assert.ok(performance.now() < deadline, 'the gateway connection was not closed on deactivation');
			await new Promise((r) => setTimeout(r, 50));
		}
		assert.ok(!server.log.includes(hey.token), 'bot token in the n8n log');
	});
});
