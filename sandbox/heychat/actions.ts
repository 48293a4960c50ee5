// Heychat bot API endpoints answered from the sandbox world: channel messages (send, update,
// delete, reactions), DMs, uploads served from the page port, roles granted/revoked, nicknames,
// kicks, bans, room and member lists. Every call becomes a feed event; endpoints the world does not
// model answer the built-in plausible result and are shown as raw calls (modelled: false).
import { failed, ok, type FakeResponse, type HeychatCall, type JsonObject } from './server';
import { member as newMember, ROOM_ID, ROOM_NAME, type HeychatRole } from '../world/seed';
import type { Chat, Member, Message, Segment } from '../world/types';
import type { World } from '../world/world';
import { compactParams, formatDuration } from '../world/summary';
import { sniffMime } from '../onebot/segments';

export interface HeychatActionContext {
	world: World;
	mediaBase: () => string;
}

class Refusal extends Error {}

const BOT = 'Sandbox Bot';

/** The voice category and channel room/view lists besides the world's text channels. */
const SANDBOX_VOICE_CATEGORY = '3665944781964836900';
const SANDBOX_VOICE_CHANNEL = '3665944781964836901';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');

function required(body: JsonObject, name: string): string {
	const v = str(body[name]).trim();
	if (v === '') throw new Refusal(`${name} is required`);
	return v;
}

/** A Heychat message body (msg, msg_type, img, addition) → the page's segments. */
export function heychatSegments(body: JsonObject, world: World, chatId: string): Segment[] {
	const type = Number(body.msg_type ?? 4);
	const msg = str(body.msg);
	if (type === 3) {
		const url = str(body.img) || msg;
		return url ? [{ type: 'image', url }] : [];
	}
	if (type === 20) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(msg) as unknown;
		} catch {
			parsed = undefined;
		}
		const cards = parsed && typeof parsed === 'object' && Array.isArray((parsed as JsonObject).data) ? ((parsed as JsonObject).data as unknown[]) : undefined;
		if (!cards || cards.length === 0) throw new Refusal('msg must be the card JSON {"data":[card, …]} with at least one card for msg_type 20');
		return cards.map((data) => ({ type: 'card', data }));
	}
	if (msg === '') throw new Refusal('msg is required');
	const out: Segment[] = [];
	const re = /@\{id:\s*(\d+)\}|@\{(all|here|hear)\}/g;
	let last = 0;
	for (let m = re.exec(msg); m; m = re.exec(msg)) {
		if (m.index > last) out.push({ type: 'markdown', text: msg.slice(last, m.index) });
		if (m[1]) {
			const role = world.state.roles.find((r) => r.id === m![1]);
			out.push({ type: 'at', userId: m[1], name: role ? role.name : world.nameOf('heychat', m[1], chatId) });
		} else {
			out.push({ type: 'at', userId: 'all', name: m[2] === 'all' ? 'all' : 'here' });
		}
		last = m.index + m[0].length;
	}
	if (last < msg.length) out.push({ type: 'markdown', text: msg.slice(last) });
	return out;
}

export function createHeychatRoute(ctx: HeychatActionContext): (endpoint: string, call: HeychatCall) => FakeResponse | undefined {
	const { world } = ctx;
	const selfId = world.heychatSelf.id;

	const channelChat = (body: JsonObject): Chat => {
		const room = required(body, 'room_id');
		const channel = required(body, 'channel_id');
		const chat = world.chat(`hc:channel:${room}:${channel}`);
		if (!chat) throw new Refusal(`channel ${channel} not found in room ${room}`);
		return chat;
	};
	const roomChats = (roomId: string): Chat[] => {
		const chats = world.chats('heychat').filter((c) => c.id.startsWith(`hc:channel:${roomId}:`));
		if (chats.length === 0) throw new Refusal(`room ${roomId} not found`);
		return chats;
	};
	const roomMember = (roomId: string, userId: string): Member[] => {
		const found = roomChats(roomId).flatMap((c) => c.members.filter((m) => m.userId === userId));
		if (found.length === 0) throw new Refusal(`user ${userId} is not in room ${roomId}`);
		return found;
	};
	const changed = (chats: Chat[]) => chats.forEach((c) => world.chatChanged(c));
	const name = (userId: string) => world.nameOf('heychat', userId);
	const roleOf = (roleId: string): HeychatRole => {
		const role = world.state.roles.find((r) => r.id === roleId);
		if (!role) throw new Refusal(`role ${roleId} not found`);
		return role;
	};
	const storedMessage = (chat: Chat, msgId: string): Message => {
		const message = world.messages(chat.id).find((m) => m.id === msgId);
		if (!message) throw new Refusal(`message ${msgId} not found in this channel`);
		return message;
	};
	const roleJson = (r: HeychatRole) => ({
		name: r.name,
		icon: '',
		color_list: null,
		id: r.id,
		department_id: ROOM_ID,
		room_id: ROOM_ID,
		permissions: r.permissions,
		type: r.type,
		color: r.color,
		position: r.position,
		del_tag: 0,
		hoist: r.hoist,
		mentionable: r.mentionable,
		creator: '0',
		create_time: 0,
	});
	const userJson = (m: Member) => ({
		user_id: Number(m.userId),
		nickname: world.user('heychat', m.userId)?.name ?? m.name,
		room_nickname: m.card,
		avatar: '',
		bot: m.userId === selfId,
		level: 1,
		roles: m.roles.length ? m.roles.map((n) => world.state.roles.find((r) => r.name === n)?.id ?? n) : null,
	});

	type Result = { result?: unknown; chatId?: string | null; summary: string; raw?: FakeResponse };
	const modelled: Record<string, (body: JsonObject, call: HeychatCall) => Result> = {
		send_channel_message: (body) => {
			const chat = channelChat(body);
			const id = world.nextHeychatMessageId();
			const replyTo = str(body.reply_id);
			world.addMessage({
				id,
				chatId: chat.id,
				time: Date.now(),
				from: { userId: selfId, name: world.heychatSelf.name, bot: true },
				segments: heychatSegments(body, world, chat.id),
				...(replyTo && replyTo !== '0' ? { replyTo } : {}),
			});
			return {
				result: { chatmobile_ack_id: '', heychat_ack_id: str(body.heychat_ack_id), msg_id: id, msg_seq: id },
				chatId: chat.id,
				summary: `${BOT} sent a message to #${chat.name}`,
			};
		},
		update_channel_message: (body) => {
			const chat = channelChat(body);
			const message = storedMessage(chat, required(body, 'msg_id'));
			if (message.from.userId !== selfId) throw new Refusal('only the bot’s own messages can be edited');
			message.segments = heychatSegments(body, world, chat.id);
			message.edited = Date.now();
			world.updateMessage(message);
			return { result: { chatmobile_ack_id: '', heychat_ack_id: str(body.heychat_ack_id) }, chatId: chat.id, summary: `${BOT} edited its message in #${chat.name}` };
		},
		delete_channel_message: (body) => {
			const chat = channelChat(body);
			const message = storedMessage(chat, required(body, 'msg_id'));
			world.deleteMessage(chat.id, message.id);
			const who = message.from.userId === selfId ? 'its message' : `a message from ${message.from.name}`;
			return { result: {}, chatId: chat.id, summary: `${BOT} deleted ${who} in #${chat.name}` };
		},
		set_message_reaction: (body) => {
			const chat = channelChat(body);
			const message = storedMessage(chat, required(body, 'msg_id'));
			const emoji = required(body, 'emoji');
			const add = str(body.is_add) !== '0';
			const reactions = (message.reactions ??= []);
			let r = reactions.find((x) => x.emoji === emoji);
			if (add) {
				if (!r) reactions.push((r = { emoji, userIds: [] }));
				if (!r.userIds.includes(selfId)) r.userIds.push(selfId);
			} else if (r) {
				r.userIds = r.userIds.filter((u) => u !== selfId);
				if (r.userIds.length === 0) message.reactions = reactions.filter((x) => x !== r);
			}
			if (message.reactions?.length === 0) delete message.reactions;
			world.updateMessage(message);
			return { result: {}, chatId: chat.id, summary: `${BOT} ${add ? 'reacted' : 'removed its reaction'} ${emoji} ${add ? 'to' : 'from'} a message in #${chat.name}` };
		},
		send_private_message: (body) => {
			const to = required(body, 'to_user_id');
			const chatId = `hc:dm:${to}`;
			let chat = world.chat(chatId);
			if (!chat) {
				const user = world.user('heychat', to);
				if (!user) throw new Refusal(`user ${to} not found`);
				chat = { id: chatId, platform: 'heychat', kind: 'dm', name: user.name, members: [newMember(selfId, BOT), newMember(to, user.name)], notices: [] };
				world.state.chats.push(chat);
				world.chatChanged(chat);
			}
			const type = Number(body.msg_type ?? 4);
			if (type !== 3 && type !== 4) throw new Refusal('direct messages accept msg_type 3 (image) or 4 (markdown) only');
			const id = world.nextHeychatMessageId();
			world.addMessage({
				id,
				chatId,
				time: Date.now(),
				from: { userId: selfId, name: world.heychatSelf.name, bot: true },
				segments: heychatSegments(body, world, chatId),
			});
			return { result: { heychat_ack_id: str(body.heychat_ack_id), msg_id: id, msg_seq: id }, chatId, summary: `${BOT} sent a direct message to ${chat.name}` };
		},
		upload_media: (_body, call) => {
			if (!call.file) throw new Refusal('没有上传文件');
			const mimeType = sniffMime(call.file.data) ?? call.file.contentType ?? 'application/octet-stream';
			const fileName = call.file.fileName ?? 'upload.bin';
			const id = world.storeMedia({ data: call.file.data, mimeType, name: fileName });
			const url = `${ctx.mediaBase()}/media/${id}`;
			return {
				raw: { body: { ...ok({ url }), version: '1.0' } },
				summary: `${BOT} uploaded ${fileName} (${call.file.data.length} bytes)`,
			};
		},
		grant_room_role: (body) => {
			const room = required(body, 'room_id');
			const userId = required(body, 'to_user_id');
			const role = roleOf(required(body, 'role_id'));
			const members = roomMember(room, userId);
			for (const m of members) if (!m.roles.includes(role.name)) m.roles.push(role.name);
			changed(roomChats(room));
			return {
				result: { user: { roles: members[0].roles.map((n) => world.state.roles.find((r) => r.name === n)?.id ?? n), user_id: userId, room_id: room, department_id: room } },
				summary: `${BOT} gave ${name(userId)} the role ${role.name}`,
			};
		},
		revoke_room_role: (body) => {
			const room = required(body, 'room_id');
			const userId = required(body, 'to_user_id');
			const role = roleOf(required(body, 'role_id'));
			for (const m of roomMember(room, userId)) m.roles = m.roles.filter((n) => n !== role.name);
			changed(roomChats(room));
			return { result: {}, summary: `${BOT} took the role ${role.name} from ${name(userId)}` };
		},
		list_room_roles: (_body, call) => {
			roomChats(call.query.room_id ?? '');
			return { result: { roles: world.state.roles.map(roleJson) }, summary: `${BOT} read the roles of ${ROOM_NAME}` };
		},
		create_room_role: (body) => {
			const roleName = required(body, 'name');
			const role: HeychatRole = {
				id: world.nextHeychatMessageId(),
				name: roleName,
				color: Number(body.color ?? 0) || 0,
				permissions: str(body.permissions) || '0',
				type: 0,
				position: world.state.roles.length,
				hoist: Number(body.hoist ?? 0) || 0,
				mentionable: 1,
			};
			world.state.roles.push(role);
			return { result: { role: roleJson(role) }, summary: `${BOT} created the role ${roleName}` };
		},
		delete_room_role: (body) => {
			const role = roleOf(required(body, 'role_id'));
			world.state.roles = world.state.roles.filter((r) => r !== role);
			const chats = world.chats('heychat').filter((c) => c.kind === 'channel');
			for (const c of chats) for (const m of c.members) m.roles = m.roles.filter((n) => n !== role.name);
			changed(chats);
			return { result: {}, summary: `${BOT} deleted the role ${role.name}` };
		},
		set_room_nickname: (body) => {
			const room = required(body, 'room_id');
			const userId = str(body.to_user_id) || selfId;
			const nickname = str(body.nickname);
			for (const m of roomMember(room, userId)) m.card = nickname;
			changed(roomChats(room));
			return {
				result: {},
				summary: nickname ? `${BOT} set ${userId === selfId ? 'its' : `${name(userId)}'s`} room nickname to "${nickname}"` : `${BOT} cleared ${userId === selfId ? 'its' : `${name(userId)}'s`} room nickname`,
			};
		},
		kick_room_member: (body) => {
			const room = required(body, 'room_id');
			const userId = required(body, 'to_user_id');
			if (userId === selfId) throw new Refusal('the bot cannot kick itself');
			roomMember(room, userId);
			const who = name(userId);
			const chats = roomChats(room);
			for (const c of chats) c.members = c.members.filter((m) => m.userId !== userId);
			changed(chats);
			return { result: {}, summary: `${BOT} kicked ${who} out of ${ROOM_NAME}` };
		},
		set_room_ban: (body) => {
			const room = required(body, 'room_id');
			const userId = required(body, 'to_user_id');
			if (userId === selfId) throw new Refusal('the bot cannot ban itself');
			roomMember(room, userId);
			const who = name(userId);
			const duration = Number(body.duration ?? 0);
			const chats = roomChats(room);
			for (const c of chats) c.members = c.members.filter((m) => m.userId !== userId);
			changed(chats);
			const reason = str(body.reason);
			return {
				result: {},
				summary: `${BOT} banned ${who} from ${ROOM_NAME}${duration > 0 ? ` for ${formatDuration(duration)}` : ''}${reason ? ` (${reason})` : ''}`,
			};
		},
		list_room_users: (_body, call) => {
			const chats = roomChats(call.query.room_id ?? '');
			const members = chats[0].members;
			const offset = Number(call.query.offset ?? 0) || 0;
			const limit = Number(call.query.limit ?? 100) || 100;
			return {
				result: {
					room_info: {
						room_id: call.query.room_id,
						user_info: members.slice(offset, offset + limit).map(userJson),
						user_count: members.length,
						online_count: members.length,
						offline_count: 0,
					},
				},
				summary: `${BOT} read the member list of ${ROOM_NAME}`,
			};
		},
		list_joined_rooms: (_body, call) => {
			const offset = Number(call.query.offset ?? 0) || 0;
			const limit = Number(call.query.limit ?? 50) || 50;
			const rooms = [{ room_id: ROOM_ID, room_name: ROOM_NAME, room_avatar: '', room_pic: '', create_by: Number(selfId), is_public: 1, public_id: '10001', is_hot: 0, join_time: 1725531286039 }];
			return { result: { rooms: rooms.slice(offset, offset + limit), total: rooms.length, offset, limit }, summary: `${BOT} read its room list` };
		},
		get_room: (_body, call) => {
			const chats = roomChats(call.query.room_id ?? '');
			return {
				result: {
					room: { room_id: ROOM_ID, room_name: ROOM_NAME, room_avatar: '', room_pic: '', create_by: Number(selfId), is_public: 1, public_id: '10001', is_hot: 0, join_time: 1725531286039 },
					// the world's text channels, then a voice category (as room/view nests it; voice is not modelled)
					channels: [
						...chats.map((c) => ({ channel_id: c.id.split(':')[3], channel_name: c.name, channel_type: 1, parent_id: '0', api_type: '', channel_list: [] })),
						{
							channel_id: SANDBOX_VOICE_CATEGORY,
							channel_name: '语音频道',
							channel_type: 3,
							parent_id: '0',
							api_type: '',
							channel_list: [
								{ channel_id: SANDBOX_VOICE_CHANNEL, channel_name: 'Voice Lobby', channel_type: 0, parent_id: SANDBOX_VOICE_CATEGORY, api_type: 'trtc', channel_list: [] },
							],
						},
					],
					bind_game_infos: [],
				},
				summary: `${BOT} read the info of ${ROOM_NAME}`,
			};
		},
	};

	return (endpoint, call) => {
		const body = (call.json && typeof call.json === 'object' && !Array.isArray(call.json) ? call.json : {}) as JsonObject;
		const params = compactParams({ ...call.query, ...body });
		for (const k of ['client_type', 'x_client_type', 'os_type', 'x_os_type', 'x_app', 'chat_os_type', 'chat_version']) delete params[k];
		const chatIdOf = () => {
			const room = str(body.room_id) || call.query.room_id;
			const channel = str(body.channel_id) || call.query.channel_id;
			return room && channel && world.chat(`hc:channel:${room}:${channel}`) ? `hc:channel:${room}:${channel}` : null;
		};
		const fn = modelled[endpoint];
		if (!fn) {
			world.record({ platform: 'heychat', chatId: chatIdOf(), action: endpoint, params, summary: `${BOT} called ${endpoint} (not modelled)`, modelled: false, ok: true });
			return undefined; // the built-in plausible answer
		}
		try {
			const r = fn(body, call);
			world.record({ platform: 'heychat', chatId: r.chatId ?? chatIdOf(), action: endpoint, params, summary: r.summary, modelled: true, ok: true });
			return r.raw ?? { body: ok(r.result ?? {}) };
		} catch (error) {
			const message = (error as Error).message;
			world.record({ platform: 'heychat', chatId: chatIdOf(), action: endpoint, params, summary: `${BOT} called ${endpoint}: failed (${message})`, modelled: true, ok: false, error: message });
			return { body: failed(message) };
		}
	};
}
