// The sandbox's OneBot backend: actions called over the real protocol change the world, and the
// page's feed shows it (messages, mutes, notices, recalls), reads answer from the world, actions
// the world does not model answer a plausible success and show as raw calls, bad input fails.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import catalog from '../../nodes/OneBot/catalog/actions.json';
import { createOneBotActions } from '../../sandbox/onebot/actions';
import { connect, DEV, feed, http, LOBBY, onebot, sandbox } from './support';

describe('OneBot actions change the world and the feed shows them', () => {
	test('send_group_msg (CQ code): a message frame with normalised segments; get_msg returns it', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const res = await onebot(s, 'send_group_msg', {
			group_id: 123456789,
			message: 'Hi [CQ:at,qq=20001] [CQ:face,id=14][CQ:image,file=https://example.com/a.png]',
		});
		assert.equal(res.status, 200);
		assert.equal(res.data.status, 'ok');
		const id = String(res.data.data.message_id);
		const frame = await page.waitFor((f) => f.type === 'message' && f.message.id === id, 'the message frame');
		assert.equal(frame.message.chatId, LOBBY);
		assert.deepEqual(frame.message.from, { userId: '10001', name: 'Sandbox Bot', bot: true });
		assert.deepEqual(frame.message.segments, [
			{ type: 'text', text: 'Hi ' },
			{ type: 'at', userId: '20001', name: 'Alice' },
			{ type: 'text', text: ' ' },
			{ type: 'face', id: '14' },
			{ type: 'image', url: 'https://example.com/a.png' },
		]);
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === 'send_group_msg', 'the event');
		assert.equal(event.event.modelled, true);
		assert.equal(event.event.ok, true);
		assert.equal(event.event.chatId, LOBBY);
		assert.equal(event.event.summary, 'Sandbox Bot sent a message to Sandbox Lobby');

		const got = await onebot(s, 'get_msg', { message_id: Number(id) });
		assert.equal(got.data.status, 'ok');
		assert.equal(got.data.data.message_id, Number(id));
		assert.equal(got.data.data.group_id, 123456789);
		assert.equal(got.data.data.raw_message, 'Hi [CQ:at,qq=20001] [CQ:face,id=14][CQ:image,file=https://example.com/a.png]');
		assert.deepEqual(got.data.data.message[1], { type: 'at', data: { qq: '20001' } });
	});

	test('send_msg with a reply segment and a base64 image: replyTo set, the image served from the page port', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const first = await onebot(s, 'send_private_msg', { user_id: 20001, message: 'first' });
		const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
		const res = await onebot(s, 'send_msg', {
			message_type: 'private',
			user_id: 20001,
			message: [
				{ type: 'reply', data: { id: String(first.data.data.message_id) } },
				{ type: 'text', data: { text: 'see ' } },
				{ type: 'image', data: { file: `base64://${png.toString('base64')}` } },
			],
		});
		const frame = await page.waitFor((f) => f.type === 'message' && f.message.id === String(res.data.data.message_id), 'the reply');
		assert.equal(frame.message.chatId, 'qq:private:20001');
		assert.equal(frame.message.replyTo, String(first.data.data.message_id));
		assert.equal(frame.message.segments[0].text, 'see ');
		const url: string = frame.message.segments[1].url;
		assert.ok(url.startsWith(`${s.urls.page}/media/`), url);
		const image = await http.get(url, { responseType: 'arraybuffer' });
		assert.equal(image.status, 200);
		assert.equal(image.headers['content-type'], 'image/png');
		assert.deepEqual(Buffer.from(image.data as ArrayBuffer), png);
	});

	test('send_group_forward_msg: one forward segment with the nodes; get_forward_msg reads them back', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const res = await onebot(s, 'send_group_forward_msg', {
			group_id: 987654321,
			messages: [
				{ type: 'node', data: { name: 'Alice', uin: '20001', content: 'one' } },
				{ type: 'node', data: { name: 'Bob', uin: '20002', content: [{ type: 'text', data: { text: 'two' } }] } },
			],
		});
		assert.equal(res.data.status, 'ok');
		const frame = await page.waitFor((f) => f.type === 'message' && f.message.chatId === DEV, 'the forward message');
		assert.deepEqual(frame.message.segments, [
			{
				type: 'forward',
				nodes: [
					{ name: 'Alice', userId: '20001', segments: [{ type: 'text', text: 'one' }] },
					{ name: 'Bob', userId: '20002', segments: [{ type: 'text', text: 'two' }] },
				],
			},
		]);
		const read = await onebot(s, 'get_forward_msg', { id: res.data.data.res_id });
		assert.equal(read.data.status, 'ok');
		assert.equal(read.data.data.messages.length, 2);
		assert.equal(read.data.data.messages[1].sender.nickname, 'Bob');
	});

	test('delete_msg: a delete frame; the message is gone (get_msg fails)', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const sent = await onebot(s, 'send_group_msg', { group_id: 123456789, message: 'oops' });
		const id = String(sent.data.data.message_id);
		const del = await onebot(s, 'delete_msg', { message_id: Number(id) });
		assert.equal(del.data.status, 'ok');
		const frame = await page.waitFor((f) => f.type === 'delete', 'the delete frame');
		assert.deepEqual(frame, { type: 'delete', chatId: LOBBY, messageId: id });
		assert.equal(s.world.messages(LOBBY).length, 0);
		const got = await onebot(s, 'get_msg', { message_id: Number(id) });
		assert.equal(got.data.status, 'failed');
	});

	test('set_group_ban: the member is muted until now + duration, the event says so in plain English', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const before = Date.now();
		const res = await onebot(s, 'set_group_ban', { group_id: 123456789, user_id: 20001, duration: 600 });
		assert.equal(res.data.status, 'ok');
		const chat = await page.waitFor((f) => f.type === 'chat' && f.chat.id === LOBBY, 'the chat frame');
		const alice = chat.chat.members.find((m: { userId: string }) => m.userId === '20001');
		assert.ok(alice.mutedUntil >= before + 600_000 && alice.mutedUntil <= Date.now() + 600_000, String(alice.mutedUntil));
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === 'set_group_ban', 'the event');
		assert.equal(event.event.summary, 'Sandbox Bot muted Alice for 10 min in Sandbox Lobby');
		assert.deepEqual(event.event.params, { group_id: 123456789, user_id: 20001, duration: 600 });
		// a muted user cannot type
		await assert.rejects(s.say({ kind: 'message', chatId: LOBBY, userId: '20001', text: 'hi' }), /Alice is muted/);
		// member info reports it
		const info = await onebot(s, 'get_group_member_info', { group_id: 123456789, user_id: 20001 });
		assert.equal(info.data.data.shut_up_timestamp, Math.floor(alice.mutedUntil / 1000));
		// duration 0 lifts it
		await onebot(s, 'set_group_ban', { group_id: 123456789, user_id: 20001, duration: 0 });
		assert.equal(s.world.member(LOBBY, '20001')?.mutedUntil, 0);
		assert.equal(s.world.state.events.at(-1)?.summary, 'Sandbox Bot unmuted Alice in Sandbox Lobby');
	});

	test('group notices: _send_group_notice adds one (chat frame), _get_group_notice lists it', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const res = await onebot(s, '_send_group_notice', { group_id: 123456789, content: 'Meeting at 8' });
		assert.equal(res.data.status, 'ok');
		const chat = await page.waitFor((f) => f.type === 'chat' && f.chat.notices.length === 1, 'the notice');
		assert.equal(chat.chat.notices[0].text, 'Meeting at 8');
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === '_send_group_notice', 'the event');
		assert.equal(event.event.summary, 'Sandbox Bot published a group notice in Sandbox Lobby');
		const list = await onebot(s, '_get_group_notice', { group_id: 123456789 });
		assert.equal(list.data.data.length, 1);
		assert.equal(list.data.data[0].message.text, 'Meeting at 8');
		assert.equal(list.data.data[0].sender_id, 10001);
	});

	test('kick, card, title, admin, whole ban change the member list the backend reports', async () => {
		const s = await sandbox();
		await onebot(s, 'set_group_card', { group_id: 123456789, user_id: 20002, card: 'Bobby' });
		await onebot(s, 'set_group_special_title', { group_id: 123456789, user_id: 20002, special_title: 'Hero' });
		await onebot(s, 'set_group_admin', { group_id: 123456789, user_id: 20002, enable: true });
		await onebot(s, 'set_group_kick', { group_id: 123456789, user_id: 20003 });
		await onebot(s, 'set_group_whole_ban', { group_id: 123456789, enable: true });
		const list = await onebot(s, 'get_group_member_list', { group_id: 123456789 });
		const bob = list.data.data.find((m: { user_id: number }) => m.user_id === 20002);
		assert.equal(bob.card, 'Bobby');
		assert.equal(bob.title, 'Hero');
		assert.equal(bob.role, 'admin');
		assert.equal(list.data.data.some((m: { user_id: number }) => m.user_id === 20003), false);
		assert.equal(s.world.chat(LOBBY)?.wholeBan, true);
		const summaries = s.world.state.events.map((e) => e.summary);
		assert.ok(summaries.includes('Sandbox Bot removed Carol from Sandbox Lobby'), summaries.join('\n'));
		assert.ok(summaries.includes('Sandbox Bot muted everyone in Sandbox Lobby'), summaries.join('\n'));
	});

	test('set_msg_emoji_like, pokes and likes: a reaction on the message, plain-English events', async () => {
		const s = await sandbox();
		const page = await feed(s);
		await s.say({ kind: 'message', chatId: LOBBY, userId: '20002', text: 'nice' });
		const id = s.world.messages(LOBBY)[0].id;
		const like = await onebot(s, 'set_msg_emoji_like', { message_id: Number(id), emoji_id: '76' });
		assert.equal(like.data.status, 'ok');
		const update = await page.waitFor((f) => f.type === 'update' && f.message.id === id, 'the reaction');
		assert.deepEqual(update.message.reactions, [{ emoji: '76', userIds: ['10001'] }]);
		await onebot(s, 'group_poke', { group_id: 123456789, user_id: 20002 });
		await onebot(s, 'send_like', { user_id: 20001, times: 10 });
		const summaries = s.world.state.events.map((e) => e.summary);
		assert.ok(summaries.includes('Sandbox Bot poked Bob in Sandbox Lobby'), summaries.join('\n'));
		assert.ok(summaries.includes("Sandbox Bot liked Alice's profile 10 times"), summaries.join('\n'));
	});

	test('reads answer from the world: login info, groups, friends, group info', async () => {
		const s = await sandbox();
		assert.deepEqual((await onebot(s, 'get_login_info', {})).data.data, { user_id: 10001, nickname: 'Sandbox Bot' });
		const groups = (await onebot(s, 'get_group_list', {})).data.data as Array<{ group_id: number; group_name: string; member_count: number }>;
		assert.deepEqual(
			groups.map((g) => [g.group_id, g.group_name, g.member_count]),
			[
				[123456789, 'Sandbox Lobby', 4],
				[987654321, 'Sandbox Dev', 3],
				[555000111, 'Sandbox Games', 2],
			],
		);
		const friends = (await onebot(s, 'get_friend_list', {})).data.data as Array<{ user_id: number; nickname: string }>;
		assert.deepEqual(friends.map((f) => [f.user_id, f.nickname]), [[20001, 'Alice'], [20002, 'Bob']]);
		const info = await onebot(s, 'get_group_info', { group_id: '987654321' });
		assert.equal(info.data.data.group_name, 'Sandbox Dev');
	});

	test('an action the world does not model: success with a plausible shape, shown as a raw call (modelled: false)', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const res = await onebot(s, 'get_group_honor_info', { group_id: 123456789, type: 'all' });
		assert.equal(res.status, 200);
		assert.equal(res.data.status, 'ok');
		assert.deepEqual(res.data.data.talkative_list, []);
		const list = await onebot(s, 'get_group_shut_list', { group_id: 123456789 });
		assert.deepEqual(list.data.data, []);
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === 'get_group_honor_info', 'the raw call');
		assert.equal(event.event.modelled, false);
		assert.equal(event.event.ok, true);
		assert.equal(event.event.chatId, LOBBY);
		assert.equal(event.event.summary, 'Sandbox Bot called get_group_honor_info (not modelled)');
		assert.deepEqual(event.event.params, { group_id: 123456789, type: 'all' });
		// an action no node offers is unknown, as on a real backend
		const unknown = await onebot(s, 'no_such_action', {});
		assert.equal(unknown.data.status, 'failed');
		assert.equal(unknown.data.retcode, 1404);
	});

	test('bad input answers like a real backend: failed with a retcode, and the feed shows the failure', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const unknownGroup = await onebot(s, 'send_group_msg', { group_id: 42, message: 'hi' });
		assert.equal(unknownGroup.data.status, 'failed');
		assert.equal(unknownGroup.data.retcode, 100);
		const badId = await onebot(s, 'send_group_msg', { group_id: 'lobby', message: 'hi' });
		assert.equal(badId.data.status, 'failed');
		assert.match(badId.data.wording, /group_id must be a number/);
		const empty = await onebot(s, 'send_group_msg', { group_id: 123456789, message: '' });
		assert.equal(empty.data.status, 'failed');
		const notMember = await onebot(s, 'set_group_ban', { group_id: 555000111, user_id: 20001, duration: 60 });
		assert.equal(notMember.data.status, 'failed');
		const event = await page.waitFor((f) => f.type === 'event' && f.event.ok === false, 'a failed event');
		assert.equal(event.event.action, 'send_group_msg');
		assert.match(event.event.error, /group 42 not found/);
		assert.equal(s.world.messages(LOBBY).length, 0);
	});

	test('the bot’s own mutes, kicks, recalls, cards and admins are reported to the consumers as notices', async () => {
		const s = await sandbox();
		const consumer = await connect(`${s.urls.onebotWs}/event`);
		await onebot(s, 'set_group_ban', { group_id: 123456789, user_id: 20002, duration: 60 });
		const ban = await consumer.waitFor((f) => f.notice_type === 'group_ban', 'group_ban');
		assert.deepEqual([ban.sub_type, ban.group_id, ban.user_id, ban.operator_id, ban.duration], ['ban', 123456789, 20002, 10001, 60]);
		await s.say({ kind: 'message', chatId: LOBBY, userId: '20003', text: 'spam' });
		const spam = s.world.messages(LOBBY)[0];
		await onebot(s, 'delete_msg', { message_id: Number(spam.id) });
		const recall = await consumer.waitFor((f) => f.notice_type === 'group_recall', 'group_recall');
		assert.deepEqual([recall.user_id, recall.operator_id, recall.message_id], [20003, 10001, Number(spam.id)]);
		await onebot(s, 'set_group_card', { group_id: 123456789, user_id: 20003, card: 'C' });
		const card = await consumer.waitFor((f) => f.notice_type === 'group_card', 'group_card');
		assert.deepEqual([card.card_old, card.card_new], ['', 'C']);
		await onebot(s, 'set_group_admin', { group_id: 123456789, user_id: 20003, enable: true });
		await consumer.waitFor((f) => f.notice_type === 'group_admin' && f.sub_type === 'set', 'group_admin');
		await onebot(s, 'set_group_kick', { group_id: 123456789, user_id: 20003 });
		const kick = await consumer.waitFor((f) => f.notice_type === 'group_decrease', 'group_decrease');
		assert.deepEqual([kick.sub_type, kick.user_id, kick.operator_id], ['kick', 20003, 10001]);
	});

	test('the forward WebSocket serves the same world (an API call with echo)', async () => {
		const s = await sandbox();
		const ws = await connect(s.urls.onebotWs);
		ws.send({ action: 'send_group_msg', params: { group_id: 123456789, message: 'over ws' }, echo: 'e1' });
		const answer = await ws.waitFor((f) => f.echo === 'e1', 'the answer');
		assert.equal(answer.status, 'ok');
		assert.equal(s.world.messages(LOBBY)[0].segments[0].type, 'text');
	});
});

describe('tokens', () => {
	test('with a OneBot token set, calls and WebSocket connections without it are refused', async () => {
		const s = await sandbox({ onebotToken: 's3cret' });
		assert.equal((await onebot(s, 'get_login_info', {})).status, 401);
		assert.equal((await onebot(s, 'get_login_info', {}, 'wrong')).status, 403);
		assert.equal((await onebot(s, 'get_login_info', {}, 's3cret')).data.status, 'ok');
		await assert.rejects(connect(s.urls.onebotWs), /HTTP 401/);
		await connect(s.urls.onebotWs, { Authorization: 'Bearer s3cret' });
	});

	test('without a token, any OneBot request is accepted', async () => {
		const s = await sandbox();
		assert.equal((await onebot(s, 'get_status', {}, 'whatever')).data.status, 'ok');
	});
});

describe('every action the nodes offer', () => {
	test('each OneBot catalog action the world does not model answers ok and shows as a raw call', async () => {
		const s = await sandbox();
		const actions = (catalog as unknown as { operations: Array<{ value: string }> }).operations.map((o) => o.value);
		const modelled = new Set(Object.keys(createOneBotActions({ world: s.world, mediaBase: () => '' }).handlers));
		const raw = actions.filter((a) => !modelled.has(a));
		assert.ok(raw.length > 150, String(raw.length));
		for (const action of raw) {
			const res = await onebot(s, action, { group_id: 123456789 });
			assert.equal(res.status, 200, action);
			assert.equal(res.data.status, 'ok', action);
			const event = s.world.state.events.at(-1);
			assert.equal(event?.action, action);
			assert.equal(event?.modelled, false, action);
		}
	});
});
