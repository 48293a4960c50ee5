// The sandbox's Heychat backend: channel messages sent, edited, deleted and reacted to over the
// real API show on the page's feed; uploads return a URL the page can load; roles, nicknames and
// kicks change the room; endpoints the world does not model answer plausibly as raw calls.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import endpoints from '../../nodes/Heychat/catalog/endpoints.json';
import { COMMON_QUERY, connect, feed, GENERAL, GENERAL_CHAT, heychat, http, ROOM, sandbox } from './support';

const SEND = '/chatroom/v2/channel_msg/send';

describe('Heychat actions change the world and the feed shows them', () => {
	test('send (markdown with a mention), update, delete: message, update and delete frames', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const sent = await heychat(s, SEND, {
			room_id: ROOM,
			channel_id: GENERAL,
			msg: '**Hi** @{id:30001}!',
			msg_type: 10,
			at_user_id: '30001',
			heychat_ack_id: '7',
			addition: '{"img_files_info":[]}',
		});
		assert.equal(sent.status, 200);
		assert.equal(sent.data.status, 'ok');
		assert.equal(sent.data.result.heychat_ack_id, '7');
		const msgId: string = sent.data.result.msg_id;
		assert.match(msgId, /^\d{19}$/);
		const message = await page.waitFor((f) => f.type === 'message' && f.message.id === msgId, 'the message');
		assert.equal(message.message.chatId, GENERAL_CHAT);
		assert.deepEqual(message.message.from, { userId: '9001', name: 'Sandbox Bot', bot: true });
		assert.deepEqual(message.message.segments, [
			{ type: 'markdown', text: '**Hi** ' },
			{ type: 'at', userId: '30001', name: 'Alice' },
			{ type: 'markdown', text: '!' },
		]);
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === 'send_channel_message', 'the event');
		assert.equal(event.event.platform, 'heychat');
		assert.equal(event.event.summary, 'Sandbox Bot sent a message to #general');
		assert.equal(event.event.params.client_type, undefined, 'the common query parameters are not shown');

		const updated = await heychat(s, '/chatroom/v2/channel_msg/update', { room_id: ROOM, channel_id: GENERAL, msg_id: msgId, msg: 'edited', msg_type: 4 });
		assert.equal(updated.data.status, 'ok');
		const update = await page.waitFor((f) => f.type === 'update', 'the update frame');
		assert.equal(update.message.id, msgId);
		assert.deepEqual(update.message.segments, [{ type: 'markdown', text: 'edited' }]);

		const reacted = await heychat(s, '/chatroom/v2/channel_msg/emoji/reply', { room_id: ROOM, channel_id: GENERAL, msg_id: msgId, emoji: '[cube_doge]', is_add: 1 });
		assert.equal(reacted.data.status, 'ok');
		const reaction = await page.waitFor((f) => f.type === 'update' && f.message.reactions !== undefined, 'the reaction');
		assert.deepEqual(reaction.message.reactions, [{ emoji: '[cube_doge]', userIds: ['9001'] }]);

		const deleted = await heychat(s, '/chatroom/v2/channel_msg/delete', { room_id: ROOM, channel_id: GENERAL, msg_id: msgId });
		assert.equal(deleted.data.status, 'ok');
		const gone = await page.waitFor((f) => f.type === 'delete', 'the delete frame');
		assert.deepEqual(gone, { type: 'delete', chatId: GENERAL_CHAT, messageId: msgId });
	});

	test('a card message (msg_type 20): one card segment per card; a reply: replyTo', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const card = { type: 'card', modules: [{ type: 'header', content: { type: 'plain-text', text: 'Title' } }] };
		const first = await heychat(s, SEND, { room_id: ROOM, channel_id: GENERAL, msg: 'q', msg_type: 4 });
		const res = await heychat(s, SEND, {
			room_id: ROOM,
			channel_id: GENERAL,
			msg: JSON.stringify({ data: [card, card] }),
			msg_type: 20,
			addition: '{}',
			reply_id: first.data.result.msg_id,
		});
		const frame = await page.waitFor((f) => f.type === 'message' && f.message.id === res.data.result.msg_id, 'the card');
		assert.deepEqual(frame.message.segments, [{ type: 'card', data: card }, { type: 'card', data: card }]);
		assert.equal(frame.message.replyTo, first.data.result.msg_id);
	});

	test('upload: the answer is a URL on the page port that serves the bytes; an image message shows it', async () => {
		const s = await sandbox();
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
		const form = new FormData();
		form.append('file', new Blob([png], { type: 'image/png' }), 'dot.png');
		const res = await fetch(`${s.urls.heychatUpload}/upload?${COMMON_QUERY}`, { method: 'POST', body: form, headers: { token: 't' } });
		const body = (await res.json()) as { status: string; result: { url: string } };
		assert.equal(body.status, 'ok');
		assert.ok(body.result.url.startsWith(`${s.urls.page}/media/`), body.result.url);
		assert.match(body.result.url, /\.png$/);
		const image = await http.get(body.result.url, { responseType: 'arraybuffer' });
		assert.equal(image.status, 200);
		assert.equal(image.headers['content-type'], 'image/png');
		assert.deepEqual(Buffer.from(image.data as ArrayBuffer), png);

		const page = await feed(s);
		await heychat(s, SEND, { room_id: ROOM, channel_id: GENERAL, msg: body.result.url, img: body.result.url, msg_type: 3 });
		const frame = await page.waitFor((f) => f.type === 'message', 'the image message');
		assert.deepEqual(frame.message.segments, [{ type: 'image', url: body.result.url }]);
	});

	test('roles granted and revoked, nickname, kick: the members the page and list_room_users see', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const grant = await heychat(s, '/chatroom/v2/room_role/grant', { room_id: ROOM, to_user_id: 30001, role_id: '3642878923738988547' });
		assert.equal(grant.data.status, 'ok');
		assert.deepEqual(grant.data.result.user.roles, ['3642878923738988547']);
		const chat = await page.waitFor((f) => f.type === 'chat' && f.chat.id === GENERAL_CHAT, 'the chat frame');
		assert.deepEqual(chat.chat.members.find((m: { userId: string }) => m.userId === '30001').roles, ['Players']);
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === 'grant_room_role', 'the event');
		assert.equal(event.event.summary, 'Sandbox Bot gave Alice the role Players');

		await heychat(s, '/chatroom/v2/room/nickname', { room_id: ROOM, to_user_id: 30002, nickname: 'Bobby' });
		await heychat(s, '/chatroom/v2/room_role/revoke', { room_id: ROOM, to_user_id: 30001, role_id: '3642878923738988547' });
		await heychat(s, '/chatroom/v2/room/kick_out', { room_id: ROOM, to_user_id: '30001' });
		const users = await heychat(s, '/chatroom/v2/room/users', undefined, 't', `&room_id=${ROOM}`);
		const list = users.data.result.room_info.user_info as Array<{ user_id: number; room_nickname: string }>;
		assert.deepEqual(list.map((u) => [u.user_id, u.room_nickname]), [[9001, ''], [30002, 'Bobby']]);
		assert.ok(s.world.state.events.some((e) => e.summary === 'Sandbox Bot kicked Alice out of Sandbox Room'));
	});

	test('an endpoint the world does not model: the plausible built-in answer, a raw call on the page', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const res = await heychat(s, '/chatroom/v2/invite/code', undefined, 't', `&room_id=${ROOM}&channel_id=${GENERAL}`);
		assert.equal(res.data.status, 'ok');
		assert.equal(typeof res.data.result.code, 'string');
		const event = await page.waitFor((f) => f.type === 'event' && f.event.action === 'create_channel_invite', 'the raw call');
		assert.equal(event.event.modelled, false);
		assert.equal(event.event.chatId, GENERAL_CHAT);
		assert.equal(event.event.summary, 'Sandbox Bot called create_channel_invite (not modelled)');
	});

	test('bad input answers status "failed" (HTTP 200) and shows as a failed call', async () => {
		const s = await sandbox();
		const page = await feed(s);
		const wrongChannel = await heychat(s, SEND, { room_id: ROOM, channel_id: '1', msg: 'x', msg_type: 4 });
		assert.equal(wrongChannel.status, 200);
		assert.equal(wrongChannel.data.status, 'failed');
		assert.match(wrongChannel.data.msg, /channel 1 not found/);
		const badCard = await heychat(s, SEND, { room_id: ROOM, channel_id: GENERAL, msg: 'not json', msg_type: 20 });
		assert.equal(badCard.data.status, 'failed');
		const event = await page.waitFor((f) => f.type === 'event' && f.event.ok === false, 'the failure');
		assert.equal(event.event.action, 'send_channel_message');
		assert.equal(s.world.messages(GENERAL_CHAT).length, 0);
	});
});

describe('Heychat token', () => {
	test('with a token set, HTTP calls and the gateway need it', async () => {
		const s = await sandbox({ heychatToken: 'bot-token' });
		assert.equal((await heychat(s, SEND, { room_id: ROOM, channel_id: GENERAL, msg: 'x' }, 'wrong')).status, 401);
		assert.equal((await heychat(s, SEND, { room_id: ROOM, channel_id: GENERAL, msg: 'x' }, 'bot-token')).data.status, 'ok');
		await assert.rejects(connect(s.urls.heychatGateway, { token: 'wrong' }), /HTTP 401/);
		await connect(s.urls.heychatGateway, { token: 'bot-token' });
	});
});

describe('every endpoint the node offers', () => {
	test('each Heychat endpoint answers status ok with plausible input, modelled or shown as a raw call', async () => {
		const s = await sandbox();
		for (const op of (endpoints as unknown as { operations: Array<{ value: string; method: string; path: string }> }).operations) {
			if (op.value === 'upload_media') continue; // multipart, tested above
			const sent = await heychat(s, SEND, { room_id: ROOM, channel_id: GENERAL, msg: 'target', msg_type: 4 });
			const fields = {
				room_id: ROOM,
				channel_id: GENERAL,
				msg_id: sent.data.result.msg_id,
				msg: 'x',
				msg_type: 4,
				to_user_id: 30002,
				// delete_room_role deletes the newest role (the one create_room_role made before it)
				role_id: op.value === 'delete_room_role' ? s.world.state.roles.at(-1)!.id : '3642878923738988547',
				emoji: '[cube_doge]',
				is_add: 1,
				name: 'New role',
			};
			const res =
				op.method === 'GET'
					? await heychat(s, op.path, undefined, 't', `&room_id=${ROOM}&channel_id=${GENERAL}`)
					: await heychat(s, op.path, fields);
			assert.equal(res.status, 200, op.value);
			assert.equal(res.data.status, 'ok', `${op.value}: ${JSON.stringify(res.data)}`);
			assert.equal(s.world.state.events.at(-1)?.action, op.value);
			// a kick or ban removed Bob: bring him back for the next endpoint
			if (!s.world.member(GENERAL_CHAT, '30002')) {
				for (const c of s.world.chats('heychat').filter((x) => x.kind === 'channel')) c.members.push({ userId: '30002', name: 'Bob', role: 'member', mutedUntil: 0, card: '', title: '', roles: [] });
			}
		}
	});
});
