// The OneBot triggers inside a REAL n8n (2.8.x, installed by scripts/n8n/install-n8n.sh), with the
// package installed like the Community Nodes installer does (test/e2e/support/n8n.ts). Slow (n8n
// starts once, ~30 s), so it is not a *.test.ts file: run it with the e2e suite, e.g.
//   node --import tsx --test test/trigger/onebot-trigger.e2e.ts
// Checks what only n8n itself can show: webhook raw body + signature, the "last node" quick
// operation, forward and reverse WebSocket activation, events → executions, deactivation closing
// the connections.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';

import { freePort, prepareN8n, type N8nInstance, type N8nServer } from '../e2e/support/n8n';
import { FakeOneBot, groupMessageEvent, privateMessageEvent } from '../fakes/onebot';

const PKG = 'n8n-nodes-onebot-heychat';
const SECRET = 'e2e-Hmac-Secret';
const TOKEN = 'e2e-Access-Token';

let n8n: N8nInstance;
let server: N8nServer;
let bot: FakeOneBot;
let credentialId: string;

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN });
	n8n = await prepareN8n();
	server = await n8n.start();
	await server.setupOwner();
	await server.createApiKey();
	credentialId = await server.createCredential('OneBot e2e', 'oneBotV11Api', {
		httpUrl: bot.httpUrl,
		wsUrl: bot.wsUrl,
		accessToken: TOKEN,
		authLocation: 'header',
		ignoreSslIssues: false,
	});
});

after(async () => {
	await n8n?.cleanup();
	await bot?.close();
});

function triggerNode(type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return {
		id: randomUUID(),
		name: 'Trigger',
		type: `${PKG}.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		...extra,
	};
}

const credentials = () => ({ oneBotV11Api: { id: credentialId, name: 'OneBot e2e' } });

test('HTTP POST: signature checked over the raw body; quick operation answered at once', async () => {
	const webhookId = randomUUID();
	const id = await server.createWorkflow({
		name: 'onebot webhook e2e',
		nodes: [
			triggerNode('oneBotWebhookTrigger', { signature: 'secret', secret: SECRET, quickOperation: { reply: 'pong', atSender: true } }, { webhookId }),
		],
	});
	await server.activate(id);
	const url = `${server.baseUrl}/webhook/${webhookId}/onebot`;
	const refused = await bot.postEvent(url, groupMessageEvent(10001, 1, 2, 'ping'), { secret: 'wrong' });
	assert.equal(refused.status, 401);
	const raw = `{"time":1,"self_id":10001,"post_type":"message","message_type":"group","sub_type":"normal","message_id":71,"group_id":1,"user_id":2,"message":"\\u4f60\\u597d","raw_message":"","font":0}`;
	const accepted = await bot.postEvent(url, undefined, { secret: SECRET, rawBody: raw });
	assert.equal(accepted.status, 200, accepted.rawBody);
	assert.deepEqual(accepted.body, { reply: 'pong', at_sender: true });
	const [execution] = await server.waitForExecutions(id, 1);
	const item = execution.data?.resultData?.runData?.Trigger?.[0]?.data?.main?.[0]?.[0]?.json as Record<string, unknown>;
	assert.equal(item.text, '你好');
	await new Promise((r) => setTimeout(r, 500));
	assert.equal((await server.executions(id)).length, 1, 'the refused request started nothing');
	await server.deactivate(id);
});

test('HTTP POST: "When Last Node Finishes" answers with the last node\'s first item', async () => {
	const webhookId = randomUUID();
	const id = await server.createWorkflow({
		name: 'onebot webhook lastNode e2e',
		nodes: [
			triggerNode('oneBotWebhookTrigger', { respond: 'lastNode' }, { webhookId }),
			{
				id: randomUUID(),
				name: 'Reply',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: {
					mode: 'manual',
					assignments: { assignments: [{ id: randomUUID(), name: 'reply', value: "={{ 'echo: ' + $json.text }}", type: 'string' }] },
					includeOtherFields: false,
					options: {},
				},
			},
		],
		connections: { Trigger: { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
	});
	await server.activate(id);
	const res = await bot.postEvent(`${server.baseUrl}/webhook/${webhookId}/onebot`, privateMessageEvent(10001, 5, 'hello'));
	assert.equal(res.status, 200, res.rawBody);
	assert.deepEqual(res.body, { reply: 'echo: hello' });
	await server.deactivate(id);
});

test('forward WebSocket: activation connects, events run the workflow, deactivation disconnects', async () => {
	const id = await server.createWorkflow({
		name: 'onebot forward e2e',
		nodes: [triggerNode('oneBotTrigger', { filters: { keywords: 'go' } }, { credentials: credentials() })],
	});
	await server.activate(id);
	await bot.waitForConnection(1, 10_000);
	bot.pushEvent(groupMessageEvent(10001, 1, 2, 'no'));
	bot.pushEvent(groupMessageEvent(10001, 1, 2, 'go go'));
	const [execution] = await server.waitForExecutions(id, 1);
	const item = execution.data?.resultData?.runData?.Trigger?.[0]?.data?.main?.[0]?.[0]?.json as Record<string, unknown>;
	assert.equal(item.text, 'go go');
	const disconnected = bot.waitForDisconnect(10_000);
	await server.deactivate(id);
	await disconnected;
	assert.equal(bot.connections(), 0);
	assert.ok(!server.log.includes(TOKEN), 'token in the n8n log');
});

test('reverse WebSocket: backends connect to n8n; deactivation closes the port', async () => {
	const port = await freePort();
	const id = await server.createWorkflow({
		name: 'onebot reverse e2e',
		nodes: [
			triggerNode(
				'oneBotTrigger',
				{ connection: 'reverse', port, options: { listenAddress: '127.0.0.1' } },
				{ credentials: credentials() },
			),
		],
	});
	await server.activate(id);
	const url = `ws://127.0.0.1:${port}/onebot/v11/ws`;
	await assert.rejects(bot.connectReverse(url, { token: 'wrong' }), /HTTP 403/);
	const conn = await bot.connectReverse(url, { token: TOKEN, tokenScheme: 'Token' });
	conn.pushEvent(privateMessageEvent(10001, 5, 'reverse hello'));
	const [execution] = await server.waitForExecutions(id, 1);
	const item = execution.data?.resultData?.runData?.Trigger?.[0]?.data?.main?.[0]?.[0]?.json as Record<string, unknown>;
	assert.equal(item.text, 'reverse hello');
	await server.deactivate(id);
	const closed = await conn.waitForClose();
	assert.equal(closed.code, 1001);
	await assert.rejects(bot.connectReverse(url, { token: TOKEN }));
});
