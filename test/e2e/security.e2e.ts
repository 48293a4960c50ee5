/**
 * Safe defaults inside a REAL n8n (issue 10): the OneBot Webhook Trigger as dropped on the canvas
 * (no secret) and the reverse-WebSocket trigger on 0.0.0.0 with a credential without token both fail
 * their activation with the reason; a signed webhook refuses oversized (413), stale (403) and
 * re-sent (403) requests with no execution, through n8n's own webhook server and body parser.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { FakeOneBot, privateMessageEvent } from '../fakes/onebot';
import { freePort, prepareN8n, readPackageInfo, type N8nInstance, type N8nServer } from './support/n8n';

const PKG = readPackageInfo().name;
const SECRET = 'e2e-Security-Secret';
const SELF_ID = 10001;
const NO_TOKEN_CRED = { id: 'e2eSecNoToken001', name: 'OneBot without token' };

let n8n: N8nInstance;
let server: N8nServer;
let bot: FakeOneBot;

before(async () => {
	bot = await FakeOneBot.start({ selfId: SELF_ID });
	n8n = await prepareN8n();
	await n8n.importCredential({ ...NO_TOKEN_CRED, type: 'oneBotV11Api', data: bot.credentials({ accessToken: '' }) });
	server = await n8n.start();
	await server.setupOwner();
	await server.createApiKey();
});

after(async () => {
	await n8n?.cleanup();
	await bot?.close();
});

/** The version n8n gives a node dropped on the canvas now (the webhook trigger's version 2 checks signatures). */
const NEW_NODE_VERSION: Record<string, number> = { oneBotWebhookTrigger: 2 };

function triggerNode(type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	const typeVersion = NEW_NODE_VERSION[type] ?? 1;
	return { id: randomUUID(), name: 'Trigger', type: `${PKG}.${type}`, typeVersion, position: [0, 0], parameters, ...extra };
}

async function listening(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

const now = () => Math.floor(Date.now() / 1000);

/** The n8n under test (scripts/n8n/install-n8n.sh's default unless N8N_VERSION says otherwise). */
const N8N_VERSION = process.env.N8N_VERSION ?? '2.8.4';

/**
 * Activating workflow `id` does not start its trigger, for `reason`. n8n 2.8 answers the activation
 * with the trigger's error (checked here); n8n 2.41 answers the public API's activation with
 * success and records no error there, so on it the caller's checks that nothing runs (no webhook,
 * nothing listening, no execution) are what shows the refusal.
 */
async function activationRefused(id: string, reason: RegExp): Promise<void> {
	const failure = await server.activate(id).then(
		() => undefined,
		(error: unknown) => error as Error,
	);
	if (failure) assert.match(failure.message, reason);
	else assert.ok(!N8N_VERSION.startsWith('2.8.'), `n8n ${N8N_VERSION} activated a workflow that should fail with ${String(reason)}`);
}

describe('safe defaults in n8n', () => {
	it('the webhook trigger as dropped on the canvas (no secret) does not activate', async () => {
		const webhookId = randomUUID();
		const id = await server.createWorkflow({ name: 'webhook default', nodes: [triggerNode('oneBotWebhookTrigger', {}, { webhookId })] });
		// n8n itself refuses: the Secret field is required while Signature Check is a secret.
		await assert.rejects(server.activate(id), /Missing or invalid required parameters/);
		const res = await bot.postEvent(`${server.baseUrl}/webhook/${webhookId}/onebot`, privateMessageEvent(SELF_ID, 5, 'hi'));
		assert.equal(res.status, 404, 'no webhook registered');
		assert.equal((await server.executions(id)).length, 0);
		// A secret that is an expression giving nothing passes n8n's check; the node's own check refuses.
		const emptyHook = randomUUID();
		const empty = await server.createWorkflow({
			name: 'webhook empty secret',
			nodes: [triggerNode('oneBotWebhookTrigger', { secret: '={{ "" }}' }, { webhookId: emptyHook })],
		});
		await activationRefused(empty, /Signature check is on but no secret is set/);
		const unsigned = await bot.postEvent(`${server.baseUrl}/webhook/${emptyHook}/onebot`, privateMessageEvent(SELF_ID, 5, 'hi'));
		assert.equal(unsigned.status, 404, 'no webhook registered');
		assert.equal((await server.executions(empty)).length, 0);
	});

	it('a signed webhook refuses oversized, stale and re-sent requests with no execution', async () => {
		const webhookId = randomUUID();
		const id = await server.createWorkflow({
			name: 'webhook refusals',
			nodes: [triggerNode('oneBotWebhookTrigger', { secret: SECRET, options: { maxEventSizeKb: 1 } }, { webhookId })],
		});
		await server.activate(id);
		const url = `${server.baseUrl}/webhook/${webhookId}/onebot`;
		const deadline = performance.now() + 15_000;
		while ((await bot.postEvent(url, privateMessageEvent(SELF_ID, 1, 'probe'))).status !== 401) {
			assert.ok(performance.now() < deadline, 'the webhook never answered');
			await new Promise((r) => setTimeout(r, 200));
		}
		const big = await bot.postEvent(url, privateMessageEvent(SELF_ID, 5, 'x'.repeat(2048)), { secret: SECRET });
		assert.equal(big.status, 413);
		const stale = await bot.postEvent(url, { ...privateMessageEvent(SELF_ID, 5, 'old'), time: now() - 3600 }, { secret: SECRET });
		assert.equal(stale.status, 403);
		const event = { ...privateMessageEvent(SELF_ID, 5, 'once'), message_id: 4242 };
		const body = JSON.stringify(event);
		assert.equal((await bot.postEvent(url, event, { secret: SECRET, rawBody: body })).status, 204);
		assert.equal((await bot.postEvent(url, event, { secret: SECRET, rawBody: body })).status, 403);
		await server.waitForExecutions(id, 1);
		await server.expectExecutionCount(id, 1, 500);
		await server.deactivate(id);
	});

	it('the reverse WebSocket on 0.0.0.0 with a credential without token does not activate; nothing listens', async () => {
		const port = await freePort();
		const id = await server.createWorkflow({
			name: 'reverse without token',
			nodes: [triggerNode('oneBotTrigger', { connection: 'reverse', port }, { credentials: { oneBotV11Api: NO_TOKEN_CRED } })],
		});
		await activationRefused(id, /no Access Token/);
		assert.equal(await listening(port), false);
	});
});
