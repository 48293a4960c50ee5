// What a pretend user does on the page reaches the bots as real events: the package's own OneBot
// Trigger (forward WebSocket) and Heychat Trigger (gateway) emit them, and so do the other OneBot
// consumers (reverse WebSocket, HTTP POST with X-Signature, whose quick-operation answer is run).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';

import { WebSocketServer, type WebSocket } from 'ws';

import { activateTrigger, waitFor, type ActiveTrigger } from '../trigger/context';
import { HeychatTrigger, OneBotTrigger } from '../trigger/nodes';
import { connect, DEV, feed, FrameLog, GENERAL, GENERAL_CHAT, LOBBY, ROOM, sandbox } from './support';

const triggers: ActiveTrigger[] = [];
after(async () => {
	await Promise.all(triggers.map(async (t) => await t.close()));
});

const fast = { connection: { backoff: { initialMs: 20, maxMs: 80, jitter: 0 }, closeTimeoutMs: 500 } };

describe('QQ inputs become OneBot events', () => {
	test('a message typed on the page mentioning the bot reaches the OneBot Trigger (Only When Mentioned)', async () => {
		const s = await sandbox();
		const trigger = await activateTrigger({
			node: new OneBotTrigger(fast),
			parameters: { onlyWhenMentioned: true },
			credentials: { wsUrl: s.urls.onebotWs, accessToken: '' },
		});
		triggers.push(trigger);
		await s.onebot.waitForConnection();
		const page = await feed(s);
		// not mentioned: no execution; mentioned: one
		page.send({ type: 'input', input: { kind: 'message', chatId: LOBBY, userId: '20002', text: 'just chatting' } });
		page.send({ type: 'input', input: { kind: 'message', chatId: LOBBY, userId: '20002', text: '@Sandbox Bot help' } });
		const [item] = await trigger.waitForEmits(1);
		await trigger.close();
		assert.equal(trigger.emitted.length, 1);
		assert.equal(item.post_type, 'message');
		assert.equal(item.message_type, 'group');
		assert.equal(item.group_id, 123456789);
		assert.equal(item.user_id, 20002);
		assert.equal(item.raw_message, '[CQ:at,qq=10001] help');
		assert.deepEqual(item.message, [
			{ type: 'at', data: { qq: '10001' } },
			{ type: 'text', data: { text: ' help' } },
		]);
		assert.deepEqual(item.sender, { user_id: 20002, nickname: 'Bob', card: '', sex: 'unknown', age: 0, area: '', level: '1', role: 'member', title: '' });
		// the page saw the message with the same id the event carries
		const shown = await page.waitFor((f) => f.type === 'message' && f.message.id === String(item.message_id), 'the message on the page');
		assert.deepEqual(shown.message.segments, [
			{ type: 'at', userId: '10001', name: 'Sandbox Bot' },
			{ type: 'text', text: ' help' },
		]);
		assert.deepEqual(shown.message.from, { userId: '20002', name: 'Bob', bot: false });
	});

	test('a private message, a join, a leave and a poke reach a forward WebSocket consumer on /event', async () => {
		const s = await sandbox();
		const consumer = await connect(`${s.urls.onebotWs}/event`);
		await s.say({ kind: 'message', chatId: 'qq:private:20001', userId: '20001', text: 'hi there' });
		const pm = await consumer.waitFor((f) => f.post_type === 'message', 'the private message');
		assert.equal(pm.message_type, 'private');
		assert.equal(pm.user_id, 20001);
		assert.equal(pm.self_id, 10001);
		assert.equal(pm.sender.nickname, 'Alice');

		await s.say({ kind: 'join', chatId: DEV, name: 'Dave' });
		const join = await consumer.waitFor((f) => f.notice_type === 'group_increase', 'group_increase');
		assert.equal(join.group_id, 987654321);
		const dave = s.world.chat(DEV)?.members.find((m) => m.name === 'Dave');
		assert.ok(dave);
		assert.equal(join.user_id, Number(dave.userId));
		// the new member can type, and is named in the event
		await s.say({ kind: 'message', chatId: DEV, userId: dave.userId, text: 'hello all' });
		const hello = await consumer.waitFor((f) => f.post_type === 'message' && f.user_id === Number(dave.userId), 'Dave’s message');
		assert.equal(hello.sender.nickname, 'Dave');

		await s.say({ kind: 'leave', chatId: DEV, userId: '20002' });
		const leave = await consumer.waitFor((f) => f.notice_type === 'group_decrease', 'group_decrease');
		assert.deepEqual([leave.group_id, leave.user_id, leave.sub_type], [987654321, 20002, 'leave']);
		assert.equal(s.world.member(DEV, '20002'), undefined);

		await s.say({ kind: 'poke', chatId: LOBBY, userId: '20003' });
		const poke = await consumer.waitFor((f) => f.sub_type === 'poke', 'the poke');
		assert.deepEqual([poke.notice_type, poke.group_id, poke.user_id, poke.target_id], ['notify', 123456789, 20003, 10001]);
		assert.ok(s.world.state.events.some((e) => e.summary === 'Carol poked Sandbox Bot'));
	});

	test('reverse WebSocket: the sandbox connects with the token, sends events and answers API calls', async () => {
		const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		const sockets: Array<{ ws: WebSocket; headers: IncomingHttpHeaders; log: FrameLog }> = [];
		server.on('connection', (ws, req) => sockets.push({ ws, headers: req.headers, log: new FrameLog(ws) }));
		try {
			await new Promise<void>((r) => server.once('listening', () => r()));
			const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/onebot`;
			const s = await sandbox({ onebotReverseUrls: [url], onebotToken: 'tok' });
			await waitFor(() => sockets.length === 1, 3000, 'the reverse connection');
			const [{ ws, headers, log }] = sockets;
			assert.equal(headers['x-self-id'], '10001');
			assert.equal(headers['x-client-role'], 'Universal');
			assert.equal(headers.authorization, 'Bearer tok');
			await log.waitFor((f) => f.meta_event_type === 'lifecycle', 'the lifecycle frame');
			await waitFor(() => s.consumers.reverseOpen() === 1, 3000, 'the sandbox to count the link');
			await s.say({ kind: 'message', chatId: LOBBY, userId: '20001', text: 'over reverse' });
			const event = await log.waitFor((f) => f.post_type === 'message', 'the message event');
			assert.equal(event.raw_message, 'over reverse');
			ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 123456789, message: 'reply' }, echo: 1 }));
			const answer = await log.waitFor((f) => f.echo === 1, 'the answer');
			assert.equal(answer.status, 'ok');
			assert.equal(s.world.messages(LOBBY).at(-1)?.segments[0].type, 'text');
		} finally {
			for (const c of server.clients) c.terminate();
			await new Promise<void>((r) => server.close(() => r()));
		}
	});

	test('HTTP POST: the event is signed with X-Signature; a quick-operation reply lands in the chat', async () => {
		const received: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
				res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ reply: 'pong', at_sender: false }));
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
			const s = await sandbox({ onebotPostUrls: [{ url, secret: 'shh' }] });
			const page = await feed(s);
			await s.say({ kind: 'message', chatId: LOBBY, userId: '20001', text: 'ping' });
			await waitFor(() => received.length === 1, 3000, 'the POST');
			const [{ body, headers }] = received;
			assert.equal(headers['x-signature'], `sha1=${createHmac('sha1', 'shh').update(body).digest('hex')}`);
			assert.equal(headers['x-self-id'], '10001');
			assert.equal(JSON.parse(body).raw_message, 'ping');
			const reply = await page.waitFor((f) => f.type === 'message' && f.message.from.bot === true, 'the quick reply');
			assert.deepEqual(reply.message.segments, [{ type: 'text', text: 'pong' }]);
			assert.equal(reply.message.chatId, LOBBY);
		} finally {
			server.closeAllConnections();
			await new Promise<void>((r) => server.close(() => r()));
		}
	});
});

describe('Heychat inputs become gateway events', () => {
	test('a slash command typed on the page reaches the Heychat Trigger as event "50"', async () => {
		const s = await sandbox();
		const trigger = await activateTrigger({
			node: new HeychatTrigger({ pingIntervalMs: 10_000, settleMs: 50, connection: fast.connection }),
			parameters: {},
			credentialType: 'heychatBotApi',
			credentials: { token: 'any', apiBaseUrl: s.urls.heychatApi, uploadUrl: s.urls.heychatUpload, gatewayUrl: s.urls.heychatGateway },
		});
		triggers.push(trigger);
		await s.heychat.waitForGateway(1);
		const page = await feed(s);
		page.send({ type: 'input', input: { kind: 'command', chatId: GENERAL_CHAT, userId: '30001', command: '/roll', options: { sides: '20' } } });
		const [item] = await trigger.waitForEmits(1);
		await trigger.close();
		assert.equal(item.type, '50');
		assert.equal(item.command, '/roll');
		assert.deepEqual(item.options, { sides: '20' });
		assert.equal(item.roomId, ROOM);
		assert.equal(item.channelId, GENERAL);
		assert.equal(item.userId, '30001');
		assert.equal(item.botId, '9001');
		const shown = await page.waitFor((f) => f.type === 'message' && f.message.id === item.msgId, 'the command on the page');
		assert.deepEqual(shown.message.segments, [{ type: 'text', text: '/roll sides: 20' }]);
		assert.equal(shown.message.chatId, GENERAL_CHAT);
	});

	test('a join reaches gateway consumers as event "3001"; a bad input answers an error frame', async () => {
		const s = await sandbox();
		const gateway = await connect(s.urls.heychatGateway, { token: 'x' });
		await s.say({ kind: 'join', chatId: GENERAL_CHAT, name: 'Erin' });
		const frame = await gateway.waitFor((f) => f.type === '3001', 'the 3001 event');
		assert.equal(frame.data.state, 1);
		assert.equal(frame.data.user_info.nickname, 'Erin');
		assert.equal(frame.data.room_base_info.room_id, ROOM);
		const page = await feed(s);
		page.send({ type: 'input', input: { kind: 'command', chatId: GENERAL_CHAT, userId: '30001', command: '/nope' } });
		const error = await page.waitFor((f) => f.type === 'error', 'the error frame');
		assert.match(error.message, /unknown command \/nope/);
		page.send({ type: 'input', input: { kind: 'message', chatId: 'qq:group:1', userId: '20001', text: 'x' } });
		await page.waitFor((f) => f.type === 'error' && /no chat qq:group:1/.test(f.message), 'the second error');
	});
});
