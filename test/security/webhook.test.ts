// Abuse of the OneBot Webhook Trigger (issue 10, items 3, 7, 8 and the quick-operation part of 9):
// unsigned, wrongly signed, oversized, stale, future and replayed requests are refused and start no
// execution; the node as dropped on the canvas requires a signature. Each case prints its figures.
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { FakeOneBot, groupMessageEvent, privateMessageEvent } from '../fakes/onebot';
import { activateWebhook, startWebhook, type WebhookOptions, type WebhookServer } from '../trigger/context';
import { OneBotWebhookTrigger } from '../trigger/nodes';
import { figure as showFigure } from './figure';

const SECRET = 'wh-Secret-0f9e';
const SELF = 10001;
const now = () => Math.floor(Date.now() / 1000);

const botPromise = FakeOneBot.start({ selfId: SELF });
const servers: WebhookServer[] = [];
after(async () => {
	await Promise.all(servers.map(async (s) => await s.close()));
	await (await botPromise).close();
});

let counter = 0;
async function webhook(parameters: INodeParameters, extra: Partial<WebhookOptions> = {}): Promise<WebhookServer> {
	const server = await startWebhook({
		node: new OneBotWebhookTrigger(),
		parameters,
		workflowId: `wf-security-${++counter}`,
		...extra,
	});
	servers.push(server);
	return server;
}

const figure = (t: TestContext, text: string) => showFigure('webhook', t, text);

describe('webhook: a new node requires a signature', () => {
	test('the default Signature Check is a secret; None shows a notice that anyone can start the workflow', (t) => {
		const { properties } = new OneBotWebhookTrigger().description;
		const signature = properties.find((p) => p.name === 'signature');
		assert.equal(signature?.default, 'secret');
		const secret = properties.find((p) => p.name === 'secret');
		assert.equal(secret?.required, true);
		const notice = properties.find((p) => p.type === 'notice' && p.displayOptions?.show?.signature);
		assert.deepEqual(notice?.displayOptions?.show?.signature, ['none']);
		assert.match(notice!.displayName, /anyone who can reach this webhook URL can start the workflow/);
		figure(t, `default signature=${String(signature?.default)}, notice shown for None`);
	});

	test('activating the node as dropped (no secret) fails with a clear error', async (t) => {
		await assert.rejects(activateWebhook({ node: new OneBotWebhookTrigger(), parameters: {} }), /Signature check is on but no secret is set/);
		await assert.rejects(
			activateWebhook({
				node: new OneBotWebhookTrigger(),
				parameters: { signature: 'credential' },
				credentials: { wsUrl: '', httpUrl: '', accessToken: '' },
			}),
			/Signature check is on but no secret is set/,
		);
		await activateWebhook({ node: new OneBotWebhookTrigger(), parameters: { signature: 'secret', secret: SECRET } });
		await activateWebhook({ node: new OneBotWebhookTrigger(), parameters: { signature: 'none' } });
		figure(t, 'activation: no secret → refused (2 of 2), with a secret or None → activated (2 of 2)');
	});

	test('a workflow saved with version 1 keeps its old default (None) and still activates; the editor shows it the notice', async (t) => {
		const { properties, version, defaultVersion } = new OneBotWebhookTrigger().description;
		assert.deepEqual(version, [1, 2]);
		assert.equal(defaultVersion, 2);
		const v1 = properties.find((p) => p.name === 'signature' && p.displayOptions?.show?.['@version']?.includes(1));
		assert.equal(v1?.default, 'none');
		await activateWebhook({ node: new OneBotWebhookTrigger(), parameters: {}, typeVersion: 1 });
		await assert.rejects(
			activateWebhook({ node: new OneBotWebhookTrigger(), parameters: {}, typeVersion: 2 }),
			/Signature check is on but no secret is set/,
		);
		figure(t, 'version 1 as saved → activated with None; version 2 as dropped → refused');
	});

	test('a request to the node as dropped (no secret) is refused and starts nothing', async (t) => {
		const bot = await botPromise;
		const server = await webhook({});
		const res = await bot.postEvent(server.url, privateMessageEvent(SELF, 5, 'hi'));
		assert.equal(res.status, 500);
		assert.equal(server.executions.length, 0);
		assert.ok(server.logs.some((l) => l.level === 'error' && /no secret is set/.test(l.message)));
		figure(t, `status ${res.status}, executions ${server.executions.length}`);
	});
});

describe('webhook: signatures', () => {
	test('unsigned and wrongly signed requests get 401 and start nothing', async (t) => {
		const bot = await botPromise;
		const server = await webhook({ secret: SECRET }); // Signature Check left at its default
		const statuses: number[] = [];
		for (let i = 0; i < 10; i++) {
			const event = groupMessageEvent(SELF, 100, 200, `attack ${i}`, { message_id: 5000 + i });
			statuses.push((await bot.postEvent(server.url, event)).status);
			statuses.push((await bot.postEvent(server.url, event, { secret: 'guessed-secret' })).status);
			statuses.push((await bot.postEvent(server.url, event, { signatureOverride: `sha1=${'0'.repeat(40)}` })).status);
		}
		assert.deepEqual(new Set(statuses), new Set([401]));
		assert.equal(server.executions.length, 0);
		const good = await bot.postEvent(server.url, groupMessageEvent(SELF, 100, 200, 'real'), { secret: SECRET });
		assert.equal(good.status, 204);
		assert.equal(server.executions.length, 1);
		for (const line of server.logs) assert.ok(!line.message.includes(SECRET));
		figure(t, `${statuses.length} unsigned/wrongly signed requests → 401, 0 executions; 1 signed → 1 execution`);
	});
});

describe('webhook: Max Event Size', () => {
	test('a body over the limit gets 413 and starts nothing, signed or not, read by n8n or not', async (t) => {
		const bot = await botPromise;
		const big = privateMessageEvent(SELF, 5, 'x'.repeat(4096));
		const results: string[] = [];
		for (const lazyRawBody of [false, true]) {
			const server = await webhook({ signature: 'secret', secret: SECRET, options: { maxEventSizeKb: 2 } }, { lazyRawBody });
			const res = await bot.postEvent(server.url, big, { secret: SECRET });
			assert.equal(res.status, 413);
			assert.equal(server.executions.length, 0);
			const small = await bot.postEvent(server.url, privateMessageEvent(SELF, 5, 'fits'), { secret: SECRET });
			assert.equal(small.status, 204);
			assert.equal(server.executions.length, 1);
			results.push(`${lazyRawBody ? 'unread' : 'read'} body ${JSON.stringify(big).length} B → ${res.status}`);
		}
		const none = await webhook({ signature: 'none', options: { maxEventSizeKb: 2 } });
		assert.equal((await bot.postEvent(none.url, big)).status, 413);
		assert.equal(none.executions.length, 0);
		figure(t, `limit 2048 B: ${results.join(', ')}; unsigned → 413; 0 executions for oversized bodies`);
	});
});

describe('webhook: replay window', () => {
	test('a stale or future event gets 403 and starts nothing; inside the window it runs', async (t) => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET });
		const at = (time: number, id: number) => ({ ...privateMessageEvent(SELF, 5, `t${id}`), time, message_id: id });
		const stale = await bot.postEvent(server.url, at(now() - 301, 1), { secret: SECRET });
		const future = await bot.postEvent(server.url, at(now() + 301, 2), { secret: SECRET });
		const day = await bot.postEvent(server.url, at(now() - 86_400, 3), { secret: SECRET });
		const noTime = await bot.postEvent(server.url, { ...at(0, 4), time: undefined }, { secret: SECRET });
		assert.deepEqual([stale.status, future.status, day.status, noTime.status], [403, 403, 403, 403]);
		assert.equal(server.executions.length, 0);
		const fresh = await bot.postEvent(server.url, at(now() - 250, 5), { secret: SECRET });
		assert.equal(fresh.status, 204);
		assert.equal(server.executions.length, 1);
		assert.ok(server.logs.some((l) => /outside the 300-s replay window/.test(l.message)));
		figure(t, 'window 300 s: -301 s, +301 s, -1 day, no time → 403 (4 of 4), 0 executions; -250 s → 1 execution');
	});

	test('a captured signed request sent again is refused (exact re-send), even a notice without message_id', async (t) => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET, events: [] });
		const notice = { time: now(), self_id: SELF, post_type: 'notice', notice_type: 'group_increase', sub_type: 'approve', group_id: 100, user_id: 7, operator_id: 8 };
		const body = JSON.stringify(notice);
		const first = await bot.postEvent(server.url, notice, { secret: SECRET, rawBody: body });
		assert.equal(first.status, 204);
		const replays: number[] = [];
		for (let i = 0; i < 20; i++) replays.push((await bot.postEvent(server.url, notice, { secret: SECRET, rawBody: body })).status);
		assert.deepEqual(new Set(replays), new Set([403]));
		assert.equal(server.executions.length, 1);
		figure(t, `1 original → 1 execution; ${replays.length} replays → 403, 0 executions`);
	});

	test('what remains inside the window: a re-signed message with the same message_id is dropped by de-duplication', async (t) => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET });
		const event = groupMessageEvent(SELF, 100, 200, 'once', { message_id: 777 });
		assert.equal((await bot.postEvent(server.url, event, { secret: SECRET })).status, 204);
		// Same event, different bytes (so a different signature): only De-Duplicate Messages stops it.
		const respaced = await bot.postEvent(server.url, event, { secret: SECRET, rawBody: JSON.stringify(event, null, 1) });
		assert.equal(respaced.status, 204);
		assert.equal(server.executions.length, 1);
		figure(t, `2 deliveries of message_id 777 → ${server.executions.length} execution`);
	});

	test('Replay Window 0 turns the time check off', async (t) => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET, options: { replayWindow: 0 } });
		const res = await bot.postEvent(server.url, { ...privateMessageEvent(SELF, 5, 'old'), time: 1 }, { secret: SECRET });
		assert.equal(res.status, 204);
		assert.equal(server.executions.length, 1);
		await assert.rejects(
			activateWebhook({ node: new OneBotWebhookTrigger(), parameters: { secret: SECRET, options: { replayWindow: -1 } } }),
			/"Replay Window \(Seconds\)" must be 0 \(off\) or a positive number/,
		);
		figure(t, 'window 0: an event from 1970 → 1 execution; window -1 → activation refused');
	});
});

describe('webhook: the filters are checked at activation, as in the WebSocket trigger', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['an invalid regular expression', { filters: { regex: '(' } }, /"Regular Expression" is not a valid regular expression/],
		['a group list that is not numbers', { filters: { groupAllow: 'abc' } }, /Only Groups/],
		['an unknown event type', { events: ['message', 'nonsense'] }, /Unknown event type "nonsense"/],
	];
	for (const [name, filters, message] of cases) {
		test(`${name}: the activation fails naming the field (not a 500 for every event while the workflow looks active)`, async (t) => {
			const parameters = { signature: 'secret', secret: SECRET, ...filters };
			await assert.rejects(activateWebhook({ node: new OneBotWebhookTrigger(), parameters }), message);
			figure(t, `${name}: activation refused`);
		});
	}
});

describe('webhook: quick-operation fields are validated like action fields', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['Ban Duration -5', { ban: true, banDuration: '={{ -5 }}' }, /Quick Operation "Ban Duration \(Seconds\)": "ban_duration" must be zero or a positive integer, got -5/],
		['Ban Duration "abc"', { ban: true, banDuration: '={{ "abc" }}' }, /"ban_duration" must be an integer .*got "abc"/],
		['Ban Duration over 30 days', { ban: true, banDuration: '={{ 2592001 }}' }, /"ban_duration" must be between 0 and 2592000 seconds \(30 days\), got 2592001/],
		['Mute Sender "maybe"', { ban: '={{ "maybe" }}' }, /Quick Operation "Mute Sender": "ban" must be true or false, got "maybe"/],
		['Approve Request 7', { approve: '={{ 7 }}' }, /"approve" must be true or false, got 7/],
	];
	for (const [name, quickOperation, message] of cases) {
		test(`${name}: activation and request refused, naming the field; nothing sent, no execution`, async (t) => {
			const bot = await botPromise;
			const parameters = { signature: 'secret', secret: SECRET, quickOperation };
			await assert.rejects(activateWebhook({ node: new OneBotWebhookTrigger(), parameters }), message);
			const server = await webhook(parameters);
			const res = await bot.postEvent(server.url, groupMessageEvent(SELF, 100, 200, 'x'), { secret: SECRET });
			assert.equal(res.status, 500);
			assert.ok(!/ban|approve/.test(res.rawBody), `no quick operation answered: ${res.rawBody}`);
			assert.equal(server.executions.length, 0);
			assert.ok(server.logs.some((l) => l.level === 'error' && message.test(l.message)), JSON.stringify(server.logs));
			figure(t, `activation refused; request → ${res.status}, executions ${server.executions.length}`);
		});
	}

	test('a valid 30-day mute is answered as a number', async (t) => {
		const bot = await botPromise;
		const server = await webhook({ signature: 'secret', secret: SECRET, quickOperation: { ban: true, banDuration: '={{ "2592000" }}' } });
		const res = await bot.postEvent(server.url, groupMessageEvent(SELF, 100, 200, 'x'), { secret: SECRET });
		assert.deepEqual(res.body, { ban: true, ban_duration: 2592000 });
		figure(t, `ban_duration "2592000" → ${JSON.stringify(res.body)}`);
	});
});
