// OneBot Trigger, forward WebSocket mode, against the fake backend (test/fakes/onebot.ts).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';

import { WebSocketServer } from 'ws';

import type { INodeParameters } from 'n8n-workflow';

import { FakeOneBot, groupMessageEvent, heartbeatEvent, privateMessageEvent } from '../fakes/onebot';
import { activateTrigger, activeHandles, delay, leakedHandles, runManualTrigger, waitFor, type ActiveTrigger } from './context';
import { OneBotTrigger } from './nodes';

const TOKEN = 'SeCrEt-ToKeN-4242';
const SELF = 10001;

/** Short backoff and close waits so reconnect tests take milliseconds. */
const fastNode = () =>
	new OneBotTrigger({ connection: { backoff: { initialMs: 20, maxMs: 80, jitter: 0 }, closeTimeoutMs: 500 } });

const bots: FakeOneBot[] = [];
const triggers: ActiveTrigger[] = [];
after(async () => {
	await Promise.all(triggers.map(async (t) => await t.close()));
	await Promise.all(bots.map(async (b) => await b.close()));
});

async function fakeBot(options: Parameters<typeof FakeOneBot.start>[0] = {}): Promise<FakeOneBot> {
	const bot = await FakeOneBot.start({ accessToken: TOKEN, ...options });
	bots.push(bot);
	return bot;
}

async function activate(bot: FakeOneBot, parameters: INodeParameters = {}, credentials: Record<string, unknown> = {}) {
	const trigger = await activateTrigger({
		node: fastNode(),
		parameters,
		credentials: { wsUrl: bot.wsUrl, accessToken: TOKEN, ...credentials },
	});
	triggers.push(trigger);
	await bot.waitForConnection();
	return trigger;
}

/** `json` as UTF-8 bytes with the bytes 0xFF 0xFE (never valid UTF-8) wherever `@@` stood. */
function withInvalidUtf8(json: string): Buffer {
	const bad = Buffer.from([0xff, 0xfe]);
	return Buffer.concat(json.split('@@').flatMap((part, i) => (i === 0 ? [Buffer.from(part, 'utf8')] : [bad, Buffer.from(part, 'utf8')])));
}

function assertNoToken(trigger: ActiveTrigger): void {
	for (const line of trigger.logs) assert.ok(!line.message.includes(TOKEN), `token in log: ${line.message}`);
	for (const error of trigger.errors) assert.ok(!error.message.includes(TOKEN), `token in error: ${error.message}`);
	assert.ok(!JSON.stringify(trigger.emitted).includes(TOKEN), 'token in output');
}

describe('forward WebSocket', () => {
	test('connects with the Bearer header and emits a message with derived fields', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		const handshake = bot.calls.length === 0; // the fake records API calls only
		assert.ok(handshake);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, [{ type: 'at', data: { qq: String(SELF) } }, { type: 'text', data: { text: ' hello' } }]));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.post_type, 'message');
		assert.equal(item.group_id, 100);
		assert.equal(item.text, 'hello');
		assert.equal(item.isAtMe, true);
		assert.equal(item.isSelf, false);
		assert.deepEqual(item.segments, [
			{ type: 'at', data: { qq: String(SELF) } },
			{ type: 'text', data: { text: ' hello' } },
		]);
		assert.equal(trigger.emits, 1, 'the lifecycle frame started nothing');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('token in the access_token query and URL ending in /event', async () => {
		const bot = await fakeBot();
		const trigger = await activateTrigger({
			node: fastNode(),
			credentials: { wsUrl: `${bot.wsUrl}/event`, accessToken: TOKEN, authLocation: 'query' },
		});
		triggers.push(trigger);
		await bot.waitForConnection();
		assert.equal(bot.connections('event'), 1);
		bot.pushEvent(privateMessageEvent(SELF, 200, 'from /event'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'from /event');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('CQ-code string events get segments parsed from the string', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot, { filters: { commandPrefixes: '/' } });
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, '[CQ:reply,id=9][CQ:at,qq=10001] /dice 2 d6'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.message, '[CQ:reply,id=9][CQ:at,qq=10001] /dice 2 d6');
		assert.deepEqual(item.segments, [
			{ type: 'reply', data: { id: '9' } },
			{ type: 'at', data: { qq: '10001' } },
			{ type: 'text', data: { text: ' /dice 2 d6' } },
		]);
		assert.equal(item.command, 'dice');
		assert.deepEqual(item.args, ['2', 'd6']);
		assert.equal(item.isAtMe, true);
		await trigger.close();
	});

	test('filters from the node parameters: filtered events start nothing', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot, {
			events: ['message.group'],
			onlyWhenMentioned: true,
			filters: { groupAllow: '100', userDeny: '666', keywords: 'ping' },
		});
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, [{ type: 'text', data: { text: 'ping without at' } }]));
		bot.pushEvent(groupMessageEvent(SELF, 101, 200, `[CQ:at,qq=${SELF}] ping other group`));
		bot.pushEvent(groupMessageEvent(SELF, 100, 666, `[CQ:at,qq=${SELF}] ping denied user`));
		bot.pushEvent(privateMessageEvent(SELF, 200, 'ping private'));
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, `[CQ:at,qq=${SELF}] no keyword`));
		bot.pushEvent(groupMessageEvent(SELF, 100, SELF, `[CQ:at,qq=${SELF}] ping from myself`));
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, `[CQ:at,qq=${SELF}] ping ok`));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'ping ok');
		await delay(50);
		assert.equal(trigger.emits, 1);
		await trigger.close();
	});

	test('heartbeats start nothing by default but arm the watchdog; chosen, they are emitted', async () => {
		const bot = await fakeBot();
		const quiet = await activate(bot);
		bot.pushEvent(heartbeatEvent(SELF, 60_000));
		await delay(50);
		assert.equal(quiet.emits, 0);
		await quiet.close();

		const chosen = await activate(bot, { events: ['meta_event.heartbeat'] });
		bot.pushEvent(heartbeatEvent(SELF, 60_000));
		const [item] = await chosen.waitForEmits(1);
		assert.equal(item.meta_event_type, 'heartbeat');
		assert.equal(item.interval, 60_000);
		assert.deepEqual(item.segments, []);
		await chosen.close();
	});

	test('duplicates (same self_id + message_id) are dropped', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		const event = groupMessageEvent(SELF, 100, 200, 'once', { message_id: 777 });
		bot.pushEvent(event);
		bot.pushEvent(event);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'next', { message_id: 778 }));
		await trigger.waitForEmits(2);
		await delay(30);
		assert.deepEqual(
			trigger.emitted.map((e) => e.text),
			['once', 'next'],
		);
		await trigger.close();
	});

	test('a text frame with bytes that are not UTF-8: the event is emitted with U+FFFD in their place, the connection stays up', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		const accepted = bot.acceptedSockets;
		bot.sendRaw(withInvalidUtf8(JSON.stringify(groupMessageEvent(SELF, 100, 200, 'caf@@'))), true);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'next'));
		const [first, second] = await trigger.waitForEmits(2);
		assert.equal(first.text, 'caf\uFFFD\uFFFD');
		assert.equal(second.text, 'next');
		assert.equal(bot.acceptedSockets, accepted, 'no reconnect');
		assert.equal(trigger.errors.length, 0);
		await trigger.close();
	});

	test('malformed frames are skipped with a warning and the connection stays up', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot, { options: { maxEventSizeKb: 1 } });
		bot.sendRaw('this is not JSON');
		bot.sendRaw('{"post_type":"message","message_type":"gro');
		bot.sendRaw(JSON.stringify({ hello: 'world' }));
		bot.sendRaw('[1,2,3]');
		bot.sendRaw(JSON.stringify(groupMessageEvent(SELF, 100, 200, 'x'.repeat(2000))));
		bot.sendRaw(Buffer.from([0xff, 0xfe, 0x00]));
		bot.pushEvent({ status: 'ok', retcode: 0, data: null, echo: 'not-ours' });
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'still alive'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'still alive');
		const warnings = trigger.logs.filter((l) => l.level === 'warn' && l.message.startsWith('Skipped a frame'));
		assert.equal(warnings.length, 6, warnings.map((w) => w.message).join('\n'));
		assert.ok(warnings.some((w) => /not valid JSON/.test(w.message)));
		assert.ok(warnings.some((w) => /no post_type/.test(w.message)));
		assert.ok(warnings.some((w) => /not a JSON object/.test(w.message)));
		assert.ok(warnings.some((w) => /over the 1024-byte limit/.test(w.message)));
		assert.equal(bot.connections(), 1, 'no reconnect');
		assert.equal(trigger.errors.length, 0);
		assertNoToken(trigger);
		await trigger.close();
	});

	// In a message event twice (message and raw_message): a frame of 18 MiB, over the 16 MiB a frame may have by default.
	const HUGE_TEXT = 'x'.repeat(9 * 1024 * 1024);
	assert.ok(JSON.stringify(groupMessageEvent(SELF, 100, 200, HUGE_TEXT)).length > 16 * 1024 * 1024);

	test('Max Event Size raised above 16 MiB: an 18 MiB event is emitted', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot, { options: { maxEventSizeKb: 20 * 1024 } });
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, HUGE_TEXT));
		const [item] = await trigger.waitForEmits(1, 10_000);
		assert.equal((item.text as string).length, HUGE_TEXT.length);
		assert.equal(bot.connections(), 1, 'no reconnect');
		await trigger.close();
	});

	test('a frame over 16 MiB at the default Max Event Size is not read: the connection is dropped and opened again', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, HUGE_TEXT));
		await trigger.waitForLog(/lost \(Max payload size exceeded/, 'warn', 10_000);
		await trigger.waitForLog(/Reconnected to/, 'info', 10_000);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'after the big frame'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'after the big frame');
		await trigger.close();
	});
});

describe('forward WebSocket: connection life', () => {
	test('activation fails naming the URL and cause when the first connection fails', async () => {
		const bot = await fakeBot();
		const url = bot.wsUrl;
		await bot.stop();
		const before = activeHandles();
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentials: { wsUrl: url, accessToken: TOKEN } }),
			(error: Error) => {
				assert.match(error.message, new RegExp(`${url.replace(/[/.]/g, '\\$&')}.*connection refused`));
				assert.ok(!error.message.includes(TOKEN));
				return true;
			},
		);
		await delay(10);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});

	test('activation fails for a wrong token (403) and a missing one (401), without the token in the message', async () => {
		const bot = await fakeBot();
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentials: { wsUrl: bot.wsUrl, accessToken: 'wrong-token-9' } }),
			(error: Error) => /Access token wrong.*403/.test(error.message) && error.message.includes(bot.wsUrl) && !error.message.includes('wrong-token-9'),
		);
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentials: { wsUrl: bot.wsUrl, accessToken: '' } }),
			/Access token missing.*401/,
		);
	});

	test('an invalid number option fails the activation naming it (not a silent fallback to its default); nothing connects', async () => {
		const bot = await fakeBot();
		const cases: Array<[INodeParameters, RegExp]> = [
			[{ connectTimeout: 'soon' }, /"Connect Timeout \(Seconds\)" must be a number above 0, got "soon"/],
			[{ maxEventSizeKb: -1 }, /"Max Event Size \(KB\)" must be a number above 0, got -1/],
			[{ pingInterval: 'often' }, /"Ping Interval \(Seconds\)" must be a number of 0 or more/],
		];
		for (const [options, message] of cases) {
			// an activation that wrongly succeeds is closed, so the failed assertion leaves nothing running
			const activation = activateTrigger({ node: fastNode(), parameters: { options }, credentials: { wsUrl: bot.wsUrl, accessToken: TOKEN } });
			await assert.rejects(activation.then(async (trigger) => await trigger.close()), message);
		}
		assert.equal(bot.acceptedSockets, 0);
	});

	test('a URL ending in /api is refused at activation', async () => {
		const bot = await fakeBot();
		await assert.rejects(
			activateTrigger({ node: fastNode(), credentials: { wsUrl: `${bot.wsUrl}/api`, accessToken: TOKEN } }),
			/points at \/api, which carries no events/,
		);
	});

	test('reconnects after the backend is stopped and restarted on the same port', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		const port = bot.port;
		await bot.stop();
		await trigger.waitForLog(/lost/, 'warn');
		await trigger.waitForLog(/Reconnecting to .* failed: .*connection refused/, 'warn');
		await bot.start();
		assert.equal(bot.port, port);
		await bot.waitForConnection(1, 3000);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'after restart'));
		const [item] = await trigger.waitForEmits(1);
		assert.equal(item.text, 'after restart');
		assert.equal(trigger.errors.length, 0, 'a drop is not an emitError');
		await trigger.waitForLog(/Reconnected to/, 'info');
		assertNoToken(trigger);
		await trigger.close();
	});

	test('the watchdog reconnects when heartbeats stop (2.5 × interval)', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		const dropped = bot.waitForDisconnect(2000);
		bot.pushEvent(heartbeatEvent(SELF, 40));
		const started = performance.now();
		await dropped;
		const silentFor = performance.now() - started;
		assert.ok(silentFor >= 90, `dropped after ${silentFor} ms`);
		await trigger.waitForLog(/for 100 ms \(heartbeat missed\)/, 'warn');
		await bot.waitForConnection(1, 2000);
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'after watchdog'));
		await trigger.waitForEmits(1);
		assert.equal(trigger.errors.length, 0);
		await trigger.close();
	});

	test('with the watchdog turned off, a silent backend keeps its connection', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot, { options: { heartbeatWatchdog: false } });
		bot.pushEvent(heartbeatEvent(SELF, 20));
		await delay(150);
		assert.equal(bot.connections(), 1);
		assert.ok(!trigger.logs.some((l) => /heartbeat missed/.test(l.message)));
		await trigger.close();
	});

	// Docs (Options → Ping Interval): a connection with no frame and no pong for 2.5 × the ping
	// interval is dropped, even without heartbeats; the Heartbeat Watchdog only concerns the
	// heartbeat interval. A backend that accepted the upgrade and then went dead (no pong) must be
	// reconnected with the Heartbeat Watchdog off, and when its heartbeat announces a longer interval.
	for (const [name, options, heartbeat] of [
		['with the Heartbeat Watchdog off', { heartbeatWatchdog: false, pingInterval: 0.1 }, undefined],
		['after a heartbeat announcing 60 s', { pingInterval: 0.1 }, 60_000],
	] as const) {
		test(`${name}, a backend that answers no ping is dropped after 2.5 × the ping interval and reconnected`, async () => {
			const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
			await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
			let connections = 0;
			wss.on('connection', (socket) => {
				connections++;
				socket.send(JSON.stringify({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect', self_id: SELF, time: 1 }));
				// after the connection is established (a frame before that arrives before the watchdog is armed)
				if (heartbeat) setTimeout(() => socket.readyState === socket.OPEN && socket.send(JSON.stringify(heartbeatEvent(SELF, heartbeat))), 30);
			});
			try {
				const trigger = await activateTrigger({
					node: fastNode(),
					parameters: { options: { ...options } },
					credentials: { wsUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, accessToken: TOKEN },
				});
				triggers.push(trigger);
				await trigger.waitForLog(/for 250 ms \(heartbeat missed\); reconnecting/, 'warn');
				await waitFor(() => connections >= 2, 3000, 'a reconnect');
				await trigger.close();
			} finally {
				for (const c of wss.clients) c.terminate();
				await new Promise<void>((resolve) => wss.close(() => resolve()));
			}
		});
	}

	test('regular heartbeats keep the connection', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		// 600 ms of heartbeats every 50 ms against a 500-ms watchdog (interval 200): they must feed
		// it; the margin keeps a loaded test machine from starving the timer.
		for (let i = 0; i < 12; i++) {
			bot.pushEvent(heartbeatEvent(SELF, 200));
			await delay(50);
		}
		assert.equal(bot.connections(), 1);
		assert.ok(!trigger.logs.some((l) => /heartbeat missed/.test(l.message)));
		await trigger.close();
	});

	test('a token refused on reconnect is unrecoverable: emitError once, no more attempts', async () => {
		const bot = await fakeBot();
		const trigger = await activate(bot);
		await bot.stop();
		bot.accessToken = 'rotated-token';
		await bot.start();
		await waitFor(() => trigger.errors.length === 1, 3000, 'emitError');
		assert.match(trigger.errors[0].message, /Access token wrong/);
		assert.ok(!trigger.errors[0].message.includes(TOKEN));
		const calls = bot.connections();
		await delay(200);
		assert.equal(trigger.errors.length, 1);
		assert.equal(bot.connections(), calls);
		await trigger.close();
	});

	test('closeFunction stops everything at once and leaves no handle behind', async () => {
		const bot = await fakeBot();
		await delay(20);
		const before = activeHandles();
		const trigger = await activate(bot);
		bot.pushEvent(heartbeatEvent(SELF, 5_000));
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'x'));
		await trigger.waitForEmits(1);
		const disconnected = bot.waitForDisconnect(2000);
		const started = performance.now();
		await trigger.close();
		assert.ok(performance.now() - started < 600, 'close is bounded');
		await disconnected;
		await delay(20);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'after close'));
		await delay(20);
		assert.equal(trigger.emits, 1);
	});

	test('closeFunction during the reconnect backoff stops the loop', async () => {
		const bot = await fakeBot();
		const before = activeHandles();
		const trigger = await activateTrigger({
			node: new OneBotTrigger({ connection: { backoff: { initialMs: 30_000 }, closeTimeoutMs: 500 } }),
			credentials: { wsUrl: bot.wsUrl, accessToken: TOKEN },
		});
		await bot.waitForConnection();
		bot.dropConnections({ terminate: true });
		await trigger.waitForLog(/Reconnecting to .* in \d+ ms/, 'info');
		const started = performance.now();
		await trigger.close();
		assert.ok(performance.now() - started < 100);
		await delay(20);
		assert.deepEqual(leakedHandles(before, activeHandles()), {});
	});
});

/**
 * NapCat and LLOneBot check the token after the upgrade: a wrong one gets
 * `{"status":"failed","retcode":1403,...}` and a close (the shared fake refuses at the handshake
 * instead, like go-cqhttp). `behaviour` 'silent' sends nothing on connect, 'close' closes at once.
 */
/** NapCat's refusal as it sends it: OB11Response.res(null, 'failed', 1403, 'token验证失败'), echo and stream included. */
const NAPCAT_REFUSAL = { status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', echo: null, stream: 'normal-action' };

async function napcatStyleServer(
	token: string,
	behaviour: 'normal' | 'silent' | 'close' = 'normal',
	refusal: Record<string, unknown> = { status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败' },
) {
	const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
	let expected = token;
	wss.on('connection', (socket, req) => {
		const given = (req.headers.authorization ?? '').replace(/^Bearer /, '');
		if (given !== expected) {
			socket.send(JSON.stringify(refusal));
			socket.close();
			return;
		}
		if (behaviour === 'close') return socket.close(1000);
		if (behaviour === 'normal') socket.send(JSON.stringify({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect', self_id: SELF, time: 1 }));
		setTimeout(() => socket.readyState === socket.OPEN && socket.send(JSON.stringify(privateMessageEvent(SELF, 5, 'napcat says hi'))), 80);
	});
	const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
	return {
		url,
		/** A new token, as after the user changed it in the backend: open connections are dropped. */
		rotateToken: (next: string) => {
			expected = next;
			for (const c of wss.clients) c.terminate();
		},
		close: async () => {
			for (const c of wss.clients) c.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
		},
	};
}

describe('forward WebSocket: backends that refuse the token after the upgrade (NapCat, LLOneBot)', () => {
	const node = (settleMs = 1000) =>
		new OneBotTrigger({ settleMs, connection: { backoff: { initialMs: 20, maxMs: 80, jitter: 0 }, closeTimeoutMs: 500 } });

	test('a retcode 1403 frame right after connecting fails the activation as a wrong token', async () => {
		const server = await napcatStyleServer(TOKEN);
		try {
			const started = performance.now();
			await assert.rejects(
				activateTrigger({ node: node(), credentials: { wsUrl: server.url, accessToken: 'not-the-token' } }),
				(error: Error) => /Access token wrong/.test(error.message) && error.message.includes(server.url) && !error.message.includes('not-the-token'),
			);
			assert.ok(performance.now() - started < 900, 'decided by the frame, not by the wait');
			const trigger = await activateTrigger({ node: node(), credentials: { wsUrl: server.url, accessToken: TOKEN } });
			triggers.push(trigger);
			const [item] = await trigger.waitForEmits(1);
			assert.equal(item.text, 'napcat says hi');
			await trigger.close();
		} finally {
			await server.close();
		}
	});

	test("NapCat's refusal frame as sent (with echo: null and stream) fails the activation as a wrong token", async () => {
		const server = await napcatStyleServer(TOKEN, 'normal', NAPCAT_REFUSAL);
		try {
			let failure: Error | undefined;
			try {
				// activated by mistake: stop it, or its reconnect loop outlives the test
				await (await activateTrigger({ node: node(), credentials: { wsUrl: server.url, accessToken: 'not-the-token' } })).close();
			} catch (error) {
				failure = error as Error;
			}
			assert.match(failure?.message ?? 'the activation succeeded', /Access token wrong/);
			assert.ok(!failure?.message.includes('not-the-token'));
		} finally {
			await server.close();
		}
	});

	test("NapCat's refusal frame on a reconnect (token changed in the backend) stops the trigger with emitError", async () => {
		const server = await napcatStyleServer(TOKEN, 'normal', NAPCAT_REFUSAL);
		try {
			const trigger = await activateTrigger({ node: node(50), credentials: { wsUrl: server.url, accessToken: TOKEN } });
			triggers.push(trigger);
			await trigger.waitForEmits(1);
			server.rotateToken('a-new-token');
			await waitFor(() => trigger.errors.length > 0, 3000, 'emitError');
			assert.match(trigger.errors[0].message, /Access token wrong/);
			assert.ok(!trigger.errors[0].message.includes(TOKEN));
			await trigger.close();
		} finally {
			await server.close();
		}
	});

	test('a backend that sends nothing on connect is accepted after the settle wait', async () => {
		const server = await napcatStyleServer(TOKEN, 'silent');
		try {
			const trigger = await activateTrigger({ node: node(50), credentials: { wsUrl: server.url, accessToken: TOKEN } });
			triggers.push(trigger);
			await trigger.waitForEmits(1);
			await trigger.close();
		} finally {
			await server.close();
		}
	});

	test('a backend that closes right after the upgrade fails the activation', async () => {
		const server = await napcatStyleServer(TOKEN, 'close');
		try {
			await assert.rejects(
				activateTrigger({ node: node(), credentials: { wsUrl: server.url, accessToken: TOKEN } }),
				/closed the connection right after it opened \(code 1000\)/,
			);
		} finally {
			await server.close();
		}
	});
});

describe('forward WebSocket: manual mode (Listen for test event)', () => {
	test('emits the first event that passes the filters, then disconnects', async () => {
		const bot = await fakeBot();
		const run = runManualTrigger({
			node: fastNode(),
			parameters: { filters: { keywords: 'test' } },
			credentials: { wsUrl: bot.wsUrl, accessToken: TOKEN },
		});
		await bot.waitForConnection(1, 3000);
		const disconnected = bot.waitForDisconnect(3000);
		bot.pushEvent(heartbeatEvent(SELF, 5000));
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'not this one'));
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'this is the test event'));
		bot.pushEvent(groupMessageEvent(SELF, 100, 200, 'test again'));
		const { items, error } = await run.result;
		assert.equal(error, undefined);
		assert.equal(items.length, 1);
		assert.equal(items[0].text, 'this is the test event');
		await disconnected;
		await waitFor(() => bot.connections() === 0, 1000, 'the disconnect');
	});

	test('a connection failure fails the test run with the URL and cause', async () => {
		const bot = await fakeBot();
		const url = bot.wsUrl;
		await bot.stop();
		const { items, error } = await runManualTrigger({
			node: fastNode(),
			credentials: { wsUrl: url, accessToken: TOKEN },
		}).result;
		assert.deepEqual(items, []);
		assert.ok(error);
		assert.match(error.message, /connection refused/);
		assert.ok(error.message.includes(url));
	});
});
