// 1,000 malformed frames and 100 forced connection drops per transport (issue 10): every valid event
// is still emitted exactly once and the trigger keeps running. Prints the figures.
//
// "Exactly once", per transport (docs/onebot-trigger.md "Delivery: exactly once"):
// - OneBot forward and reverse WebSocket: OneBot v11 has no resume, so an event is delivered on the
//   connection that is open when the backend sends it. Every event sent on an open connection is
//   emitted once; a message event the backend sends again after a reconnect (same self_id and
//   message_id) is dropped by De-Duplicate Messages. Events without a message_id (notices,
//   requests) are emitted once per time the backend sends them.
// - Heychat gateway: a bot command sent again after a reconnect (same msg_id) is dropped; any
//   frame whose sequence repeats on the same connection is dropped.
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { FakeHeychat, type JsonObject } from '../fakes/heychat';
import { FakeOneBot, groupMessageEvent, type ReverseConnection } from '../fakes/onebot';
import { freePort } from '../support/freePort';
import { activateTrigger, type ActiveTrigger } from '../trigger/context';
import { HeychatTrigger, OneBotTrigger } from '../trigger/nodes';
import { figure as showFigure } from './figure';

const figure = (t: TestContext, text: string) => showFigure('frames', t, text);

const ROUNDS = 100;
const MALFORMED_PER_ROUND = 10;
const VALID_PER_ROUND = 4;
const MAX_EVENT_KB = 2;
const SELF = 10001;
const TOKEN = 'Frames-Soak-Token-9';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Ten kinds of bad frame; the same ones for every transport (each must be skipped with a warning). */
function malformedFrames(round: number): Array<string | Buffer> {
	return [
		'{',
		'{"post_type": "message", "message_type": "gro',
		`not json ${round}`,
		'[1, 2, 3]',
		'null',
		'"just a string"',
		`{"hello": "world", "round": ${round}}`,
		'{"post_type": 5, "type": {"x": 1}}',
		Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
		JSON.stringify({ post_type: 'message', type: '50', data: {}, pad: 'x'.repeat(MAX_EVENT_KB * 1024) }),
	];
}

interface Transport {
	/** Pushes one frame on the open connection. */
	send(frame: string | Buffer): void;
	/**
	 * A valid event with a unique key (`key` must come back in the emitted item); `resendable`:
	 * it carries an id the trigger de-duplicates by (a message_id / msg_id), so a re-send after a
	 * reconnect must be dropped.
	 */
	valid(round: number, index: number): { frame: JsonObject; key: string; resendable: boolean };
	/** The key of an emitted item. */
	keyOf(item: IDataObject): string;
	/** Forces the connection to drop (alternating close and terminate) and waits until it is up again. */
	dropAndReconnect(round: number): Promise<void>;
}

interface SoakResult {
	sent: number;
	resent: number;
	emitted: number;
	malformed: number;
	skipped: number;
	drops: number;
	ms: number;
}

/**
 * Runs the soak: per round, 10 malformed frames interleaved with 4 valid events (the first a
 * re-send of the previous round's last event, as a backend may after a reconnect), waits until
 * the round's events are out, then forces a drop. Asserts each event was emitted exactly once.
 */
async function soak(trigger: ActiveTrigger, transport: Transport): Promise<SoakResult> {
	const started = performance.now();
	const sentKeys: string[] = [];
	let previous: JsonObject | undefined;
	let resent = 0;
	let malformed = 0;
	for (let round = 0; round < ROUNDS; round++) {
		if (previous) {
			transport.send(JSON.stringify(previous));
			resent++;
		}
		const bad = malformedFrames(round);
		for (let i = 0; i < MALFORMED_PER_ROUND; i++) {
			transport.send(bad[i]);
			malformed++;
			if (i % 3 === 0 && i / 3 < VALID_PER_ROUND) {
				const { frame, key, resendable } = transport.valid(round, i / 3);
				transport.send(JSON.stringify(frame));
				sentKeys.push(key);
				if (resendable) previous = frame;
			}
		}
		await trigger.waitForEmits(sentKeys.length, 10_000);
		await transport.dropAndReconnect(round);
	}
	// A last event after the final reconnect: once it is out, every earlier frame has been handled.
	const { frame, key } = transport.valid(ROUNDS, 0); // index 0: always a message / command
	transport.send(JSON.stringify(previous));
	resent++;
	transport.send(JSON.stringify(frame));
	sentKeys.push(key);
	await trigger.waitForEmits(sentKeys.length, 10_000);

	const counts = new Map<string, number>();
	for (const item of trigger.emitted) counts.set(transport.keyOf(item), (counts.get(transport.keyOf(item)) ?? 0) + 1);
	for (const k of sentKeys) assert.equal(counts.get(k), 1, `event ${k} emitted ${counts.get(k) ?? 0} times`);
	assert.equal(trigger.emitted.length, sentKeys.length, 'nothing else was emitted');
	assert.equal(new Set(sentKeys).size, sentKeys.length);
	const skipped = trigger.logs.filter((l) => l.level === 'warn' && /Skipped a frame/.test(l.message)).length;
	assert.equal(skipped, malformed, 'every malformed frame skipped with one warning');
	assert.deepEqual(trigger.errors, [], 'no fatal error: the trigger keeps running');
	return { sent: sentKeys.length, resent, emitted: trigger.emitted.length, malformed, skipped, drops: ROUNDS, ms: Math.round(performance.now() - started) };
}

function report(t: TestContext, r: SoakResult): void {
	figure(
		t,
		`${r.malformed} malformed frames (${r.skipped} skipped), ${r.drops} forced drops, ${r.sent} events sent + ${r.resent} re-sent after reconnects → ${r.emitted} emitted, each exactly once (${r.ms} ms)`,
	);
}

const fastBackoff = { initialMs: 5, maxMs: 20, jitter: 0, healthyMs: 0 };

/** Three group messages (message_id) and one notice (no message_id) per round. */
function oneBotValid(round: number, index: number): { frame: JsonObject; key: string; resendable: boolean } {
	const id = round * 10 + index + 1;
	if (index === 1) {
		const notice = { time: Math.floor(Date.now() / 1000), self_id: SELF, post_type: 'notice', notice_type: 'group_increase', sub_type: 'approve', group_id: 100, operator_id: 1, user_id: id };
		return { frame: notice, key: `n${id}`, resendable: false };
	}
	return { frame: groupMessageEvent(SELF, 100, 200, `e${id}`, { message_id: id }), key: `e${id}`, resendable: true };
}

const oneBotKey = (item: IDataObject) => (item.post_type === 'notice' ? `n${String(item.user_id)}` : String(item.text));

describe('1,000 malformed frames and 100 forced drops: every event exactly once', () => {
	test('OneBot forward WebSocket (the backend drops the connection: close 1011 / TCP reset)', async (t) => {
		const bot = await FakeOneBot.start({ accessToken: TOKEN, selfId: SELF });
		cleanups.push(async () => await bot.close());
		const trigger = await activateTrigger({
			node: new OneBotTrigger({ connection: { backoff: fastBackoff, closeTimeoutMs: 500 }, settleMs: 0 }),
			parameters: { events: [], options: { maxEventSizeKb: MAX_EVENT_KB } },
			credentials: { wsUrl: bot.wsUrl, accessToken: TOKEN },
		});
		cleanups.push(async () => await trigger.close());
		await bot.waitForConnection();
		const result = await soak(trigger, {
			send: (frame) => assert.equal(bot.sendRaw(frame), 1),
			valid: oneBotValid,
			keyOf: oneBotKey,
			dropAndReconnect: async (round) => {
				const down = bot.waitForDisconnect();
				if (round % 2 === 0) bot.dropConnections({ terminate: true });
				else bot.dropConnections({ code: 1011, reason: 'forced' });
				await down;
				await bot.waitForConnection(1, 5000);
			},
		});
		report(t, result);
		await trigger.close();
	});

	test('OneBot reverse WebSocket (the backend drops and reconnects: close 1001 / TCP reset)', async (t) => {
		const bot = await FakeOneBot.start({ selfId: SELF });
		cleanups.push(async () => await bot.close());
		const port = await freePort();
		const trigger = await activateTrigger({
			node: new OneBotTrigger({ connection: { closeTimeoutMs: 500 } }),
			parameters: { connection: 'reverse', port, events: [], options: { listenAddress: '127.0.0.1', maxEventSizeKb: MAX_EVENT_KB } },
			credentials: { wsUrl: '', accessToken: TOKEN },
		});
		cleanups.push(async () => await trigger.close());
		const url = `ws://127.0.0.1:${port}/onebot/v11/ws`;
		let conn: ReverseConnection = await bot.connectReverse(url, { token: TOKEN });
		const result = await soak(trigger, {
			send: (frame) => conn.sendRaw(frame),
			valid: oneBotValid,
			keyOf: oneBotKey,
			dropAndReconnect: async (round) => {
				if (round % 2 === 0) {
					conn.terminate();
					await conn.waitForClose();
				} else {
					await conn.close(1001, 'going away');
				}
				conn = await bot.connectReverse(url, { token: TOKEN });
			},
		});
		report(t, result);
		await conn.close();
		await trigger.close();
	});

	test('Heychat gateway (the server drops the connection: close 1001 / TCP reset)', async (t) => {
		const hey = await FakeHeychat.start({ token: TOKEN });
		cleanups.push(async () => await hey.close());
		const trigger = await activateTrigger({
			node: new HeychatTrigger({ pingIntervalMs: 10_000, settleMs: 0, connection: { backoff: fastBackoff, closeTimeoutMs: 500 } }),
			parameters: { events: ['50', '3001'], options: { maxEventSizeKb: MAX_EVENT_KB } },
			credentialType: 'heychatBotApi',
			credentials: hey.credentials(),
		});
		cleanups.push(async () => await trigger.close());
		await hey.waitForGateway(1);
		let connections = 1;
		const result = await soak(trigger, {
			send: (frame) => {
				const open = hey.openGatewayConnections();
				assert.equal(open.length, 1);
				open[0].socket.send(frame);
			},
			valid: (round, index) => {
				const id = round * 10 + index + 1;
				// Three bot commands (msg_id) and one member join (no msg_id) per round.
				const frame =
					index === 1
						? hey.event('3001', { room_base_info: { room_id: '1', room_name: 'r' }, state: 1, user_info: { user_id: id, nickname: `e${id}` } })
						: hey.event('50', {
								msg_id: String(9_000_000_000_000_000_000n + BigInt(id)),
								command_info: { id: '1', name: `/e${id}`, options: [], type: 0 },
								room_base_info: { room_id: '1' },
								channel_base_info: { channel_id: '2' },
								sender_info: { user_id: 5 },
							});
				return { frame, key: `e${id}`, resendable: index !== 1 };
			},
			keyOf: (item) => {
				const data = item.data as JsonObject;
				if (item.command) return String(item.command).slice(1);
				return String((data.user_info as JsonObject).nickname);
			},
			dropAndReconnect: async (round) => {
				const [open] = hey.openGatewayConnections();
				if (round % 2 === 0) open.socket.terminate();
				else open.socket.close(1001, 'going away');
				await hey.waitForGatewayClose(open);
				connections++;
				await hey.waitForGateway(connections, 5000);
				await waitForOpen(hey);
			},
		});
		report(t, result);
		await trigger.close();
	});
});

/** The newest gateway connection is open (the fake records it at the upgrade). */
async function waitForOpen(hey: FakeHeychat): Promise<void> {
	const started = performance.now();
	while (hey.openGatewayConnections().length !== 1) {
		if (performance.now() - started > 5000) throw new Error('no open gateway connection');
		await new Promise((r) => setTimeout(r, 2));
	}
}
