// OneBot Webhook Trigger (HTTP POST): signature, filters, quick operations, response modes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { buildQuickOperation, signatureFor, verifySignature } from '../../nodes/OneBot/trigger/webhook';
import { FakeOneBot, groupMessageEvent, heartbeatEvent, privateMessageEvent, signBody } from '../fakes/onebot';
import { activateWebhook, startWebhook, type WebhookOptions, type WebhookServer } from './context';
import { OneBotWebhookTrigger } from './nodes';

const SECRET = 'hmac-Secret-77';
const SELF = 10001;
/** Now in unix seconds: event times must be inside the replay window. */
const now = () => Math.floor(Date.now() / 1000);

const botPromise = FakeOneBot.start({ selfId: SELF });
const servers: WebhookServer[] = [];
after(async () => {
	await Promise.all(servers.map(async (s) => await s.close()));
	await (await botPromise).close();
});

let workflowCounter = 0;
/** The node's default is a required signature: these tests choose None explicitly unless they test signatures. */
async function webhook(parameters: INodeParameters = {}, extra: Partial<WebhookOptions> = {}): Promise<WebhookServer> {
	const server = await startWebhook({
		node: new OneBotWebhookTrigger(),
		parameters: { signature: 'none', ...parameters },
		// a fresh workflow id per server: de-duplication memory is per workflow node
		workflowId: `wf-${++workflowCounter}`,
		...extra,
	});
	servers.push(server);
	return server;
}

function assertNoSecret(server: WebhookServer): void {
	for (const line of server.logs) assert.ok(!line.message.includes(SECRET), `secret in log: ${line.message}`);
	assert.ok(!JSON.stringify(server.executions).includes(SECRET));
}

describe('HTTP POST: signature', () => {
	test('a correct X-Signature over the exact raw bytes is accepted', async () => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET });
		// Spacing and escapes that JSON.stringify would not reproduce: the HMAC must be over these bytes.
		const raw = `{ "time": ${now()}, "self_id": ${SELF}, "post_type": "message", "message_type": "private", "sub_type": "friend",\n  "message_id": 31, "user_id": 5, "message": "\\u4f60\\u597d [CQ:face,id=1]", "raw_message": "", "font": 0 }`;
		const res = await bot.postEvent(server.url, undefined, { secret: SECRET, rawBody: raw });
		assert.equal(res.status, 204);
		assert.equal(server.executions.length, 1);
		const [item] = server.executions[0];
		assert.equal(item.text, '你好');
		assert.deepEqual(item.segments, [
			{ type: 'text', data: { text: '你好 ' } },
			{ type: 'face', data: { id: '1' } },
		]);
		assertNoSecret(server);
	});

	test('a missing or wrong signature gets 401 and starts nothing', async () => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET });
		const event = privateMessageEvent(SELF, 5, 'hi');
		const missing = await bot.postEvent(server.url, event);
		assert.equal(missing.status, 401);
		const wrong = await bot.postEvent(server.url, event, { secret: 'other-secret' });
		assert.equal(wrong.status, 401);
		const garbage = await bot.postEvent(server.url, event, { signatureOverride: 'sha1=zz' });
		assert.equal(garbage.status, 401);
		// signed for other bytes than the ones sent
		const body = JSON.stringify(event);
		const tampered = await bot.postEvent(server.url, event, {
			rawBody: body.replace('"hi"', '"HI"'),
			signatureOverride: signBody(SECRET, body),
		});
		assert.equal(tampered.status, 401);
		assert.equal(server.executions.length, 0);
		assert.equal(server.logs.filter((l) => l.level === 'warn' && /refused a request/.test(l.message)).length, 4);
		assertNoSecret(server);
	});

	test("the credential's access token can be the secret", async () => {
		const bot = await botPromise;
		const server = await webhook(
			{ signature: 'credential' },
			{ credentials: { wsUrl: '', httpUrl: '', accessToken: SECRET } },
		);
		assert.equal((await bot.postEvent(server.url, privateMessageEvent(SELF, 5, 'a'), { secret: SECRET })).status, 204);
		assert.equal((await bot.postEvent(server.url, privateMessageEvent(SELF, 5, 'b'), { secret: 'x' })).status, 401);
		assert.equal(server.executions.length, 1);
	});

	test('works when n8n has not read the raw body yet (readRawBody)', async () => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET }, { lazyRawBody: true });
		const res = await bot.postEvent(server.url, privateMessageEvent(SELF, 5, 'lazy'), { secret: SECRET });
		assert.equal(res.status, 204);
		assert.equal(server.executions[0][0].text, 'lazy');
	});

	test('a body n8n has already consumed (multipart form) is refused with 400: no failed execution', async () => {
		for (const signature of ['secret', 'none']) {
			const server = await webhook({ signature, secret: SECRET });
			const boundary = 'x0x0x0';
			const res = await fetch(server.url, {
				method: 'POST',
				headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
				body: `--${boundary}\r\nContent-Disposition: form-data; name="post_type"\r\n\r\nmessage\r\n--${boundary}--\r\n`,
			});
			await res.arrayBuffer();
			// A throw from webhook() is answered 500 by n8n and recorded as a failed execution (error workflow included).
			assert.equal(res.status, 400, `signature ${signature}`);
			assert.equal(server.executions.length, 0);
			assert.deepEqual(
				server.logs.filter((l) => l.level === 'error'),
				[],
			);
		}
	});

	test('the test URL and the production URL keep separate memories: an event posted to both runs in both', async () => {
		const bot = await botPromise;
		// One workflow, active and listening for a test event, the backend posting to both URLs.
		const parameters = { signature: 'secret', secret: SECRET };
		const production = await startWebhook({ node: new OneBotWebhookTrigger(), parameters, workflowId: 'wf-both-urls', mode: 'webhook' });
		const testUrl = await startWebhook({ node: new OneBotWebhookTrigger(), parameters, workflowId: 'wf-both-urls', mode: 'manual' });
		servers.push(production, testUrl);
		const event = groupMessageEvent(SELF, 100, 200, 'to both');
		const body = JSON.stringify(event);
		assert.equal((await bot.postEvent(testUrl.url, event, { secret: SECRET, rawBody: body })).status, 204);
		assert.equal((await bot.postEvent(production.url, event, { secret: SECRET, rawBody: body })).status, 204);
		assert.equal(testUrl.executions.length, 1);
		assert.equal(production.executions.length, 1, 'the test run did not use up the production memory');
		// each memory still refuses its own exact re-send
		assert.equal((await bot.postEvent(production.url, event, { secret: SECRET, rawBody: body })).status, 403);
		assert.equal(production.executions.length, 1);
	});

	test('signature helpers: case-insensitive hex, constant-time comparison of the whole value', () => {
		const body = Buffer.from('{"a":1}');
		const sig = signatureFor(SECRET, body);
		assert.equal(sig, signBody(SECRET, body));
		assert.ok(verifySignature(body, sig, SECRET));
		assert.ok(verifySignature(body, sig.toUpperCase().replace('SHA1=', 'sha1='), SECRET));
		assert.ok(!verifySignature(body, sig.slice(0, -1), SECRET));
		assert.ok(!verifySignature(body, sig.replace('sha1=', ''), SECRET));
		assert.ok(!verifySignature(body, undefined, SECRET));
		assert.ok(!verifySignature(body, '', SECRET));
	});
});

describe('HTTP POST: events and filters', () => {
	test('no signature configured: events are accepted; default answer is 204 with no operation', async () => {
		const bot = await botPromise;
		const server = await webhook();
		const res = await bot.postEvent(server.url, groupMessageEvent(SELF, 100, 200, [{ type: 'text', data: { text: 'hey' } }]));
		assert.equal(res.status, 204);
		assert.equal(res.rawBody, '');
		assert.equal(server.executions.length, 1);
		assert.equal(server.executions[0][0].text, 'hey');
	});

	test('filtered events (heartbeat, lifecycle, filters) get 204 and start nothing', async () => {
		const bot = await botPromise;
		const server = await webhook({ filters: { groupAllow: '100' }, quickOperation: { reply: 'never' } });
		for (const event of [
			heartbeatEvent(SELF, 5000),
			{ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'enable', self_id: SELF, time: now() },
			groupMessageEvent(SELF, 101, 200, 'other group'),
			groupMessageEvent(SELF, 100, SELF, 'own message'),
		]) {
			const res = await bot.postEvent(server.url, event);
			assert.equal(res.status, 204);
			assert.equal(res.body, null, 'no quick operation for a filtered event');
		}
		assert.equal(server.executions.length, 0);
	});

	test('heartbeats are emitted when chosen', async () => {
		const bot = await botPromise;
		const server = await webhook({ events: ['meta_event.heartbeat'] });
		await bot.postEvent(server.url, heartbeatEvent(SELF, 5000));
		assert.equal(server.executions.length, 1);
		assert.equal(server.executions[0][0].meta_event_type, 'heartbeat');
	});

	test('a body that is not a OneBot event gets 400 and starts nothing', async () => {
		const bot = await botPromise;
		const server = await webhook();
		assert.equal((await bot.postEvent(server.url, { hello: 1 })).status, 400);
		assert.equal((await bot.postEvent(server.url, undefined, { rawBody: '[1,2]' })).status, 400);
		assert.equal((await bot.postEvent(server.url, undefined, { rawBody: 'plain', headers: { 'Content-Type': 'text/plain' } })).status, 400);
		assert.equal(server.executions.length, 0);
	});

	test('retries of the same message (go-cqhttp re-posts on timeout) start one execution', async () => {
		const bot = await botPromise;
		const server = await webhook();
		const event = groupMessageEvent(SELF, 100, 200, 'retry me', { message_id: 9001 });
		await bot.postEvent(server.url, event);
		assert.equal((await bot.postEvent(server.url, event)).status, 204);
		assert.equal(server.executions.length, 1);
	});
});

describe('HTTP POST: quick operations', () => {
	test('immediately: the configured quick operation, limited to what applies', async () => {
		const bot = await botPromise;
		const server = await webhook({
			quickOperation: { reply: 'pong', atSender: true, autoEscape: true, delete: true, ban: true, banDuration: 60, approve: true, reason: 'no' },
		});
		const group = await bot.postEvent(server.url, groupMessageEvent(SELF, 100, 200, 'ping'));
		assert.equal(group.status, 200);
		assert.match(String(group.headers['content-type']), /application\/json/);
		assert.deepEqual(group.body, { reply: 'pong', auto_escape: true, at_sender: true, delete: true, ban: true, ban_duration: 60 });

		const direct = await bot.postEvent(server.url, privateMessageEvent(SELF, 200, 'ping'));
		assert.deepEqual(direct.body, { reply: 'pong', auto_escape: true }, 'group-only fields left out');

		const request = await bot.postEvent(server.url, {
			time: now(), self_id: SELF, post_type: 'request', request_type: 'group', sub_type: 'add', group_id: 1, user_id: 2, comment: '', flag: 'f',
		});
		assert.deepEqual(request.body, { approve: true, reason: 'no' });

		const notice = await bot.postEvent(server.url, { time: now(), self_id: SELF, post_type: 'notice', notice_type: 'friend_add', user_id: 3 });
		assert.equal(notice.status, 204, 'nothing applies to a notice');
		assert.equal(server.executions.length, 4);
	});

	test('buildQuickOperation: friend requests take remark, bans need ban on', () => {
		const friend = { post_type: 'request', request_type: 'friend' };
		assert.deepEqual(buildQuickOperation({ approve: false, remark: 'pal', reason: 'x' }, friend), { approve: false, remark: 'pal' });
		const group = { post_type: 'message', message_type: 'group' };
		assert.deepEqual(buildQuickOperation({ banDuration: 60 }, group), undefined);
		assert.deepEqual(buildQuickOperation({ kick: true }, group), { kick: true });
		assert.equal(buildQuickOperation({}, group), undefined);
	});

	test('when the last node finishes: its first item is the quick operation', async () => {
		const bot = await botPromise;
		const server = await webhook(
			{ respond: 'lastNode' },
			{ lastNode: (items) => ({ reply: `you said: ${String(items[0].text)}`, at_sender: false }) },
		);
		const res = await bot.postEvent(server.url, groupMessageEvent(SELF, 100, 200, 'hello'));
		assert.equal(res.status, 200);
		assert.deepEqual(res.body, { reply: 'you said: hello', at_sender: false });
		// a filtered event is still answered at once with no operation
		const filtered = await bot.postEvent(server.url, heartbeatEvent(SELF, 5000));
		assert.equal(filtered.status, 204);
		assert.equal(server.executions.length, 1);
	});

	test("using a Respond to Webhook node: the activation fails when none follows the trigger (n8n would hold the backend's request open)", async () => {
		const respondNode = { name: 'Respond to Webhook', type: 'n8n-nodes-base.respondToWebhook' };
		const setup = (downstream: WebhookOptions['downstream']) => ({
			node: new OneBotWebhookTrigger(),
			parameters: { signature: 'none', respond: 'responseNode' },
			downstream,
		});
		const missing = /Respond is "Using 'Respond to Webhook' Node" but no enabled Respond to Webhook node follows this trigger/;
		await assert.rejects(activateWebhook(setup([])), missing);
		await assert.rejects(activateWebhook(setup([{ name: 'Set', type: 'n8n-nodes-base.set' }])), missing);
		await assert.rejects(activateWebhook(setup([{ ...respondNode, disabled: true }])), missing);
		// the test URL ("Listen for test event") registers through the same checkExists
		await assert.rejects(activateWebhook(setup([]), 'manual'), missing);
		await activateWebhook(setup([{ name: 'Set', type: 'n8n-nodes-base.set' }, respondNode]));
		// From its version 1.1 (1.5 is what a new node gets) Respond to Webhook fails every execution that
		// n8n's own Webhook, Form, Chat or Wait node did not start: such a workflow would never answer.
		const refuses = /the Respond to Webhook node \(version 1\.5\) answers only for n8n's own Webhook, Form, Chat and Wait nodes/;
		await assert.rejects(activateWebhook(setup([{ ...respondNode, typeVersion: 1.5 }])), refuses);
		await assert.rejects(activateWebhook(setup([{ ...respondNode, typeVersion: 1.1 }])), /version 1\.1/);
		await activateWebhook({ ...setup([]), parameters: { signature: 'none', respond: 'lastNode' } });
	});

	test('the webhook description hands the response mode to n8n', () => {
		const { description } = new OneBotWebhookTrigger();
		const hook = description.webhooks?.[0];
		assert.equal(hook?.httpMethod, 'POST');
		assert.equal(hook?.responseMode, '={{$parameter["respond"]}}');
		assert.equal(hook?.responseData, 'firstEntryJson');
		assert.equal(description.usableAsTool, undefined, 'a trigger is not a tool');
		assert.deepEqual(description.group, ['trigger']);
	});
});
