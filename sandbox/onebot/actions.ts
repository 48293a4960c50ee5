// OneBot v11 actions answered from the sandbox world: messages, forward messages, recalls, group
// notices, mutes, kicks, cards, titles, admins, lists. Every call becomes a feed event; actions the
// world does not model answer a plausible success and are shown as raw calls (modelled: false).
import catalog from '../../nodes/OneBot/catalog/actions.json';
import { normalizeMessage, toCQString, type Segment as OneBotSegment } from '../../nodes/OneBot/message/cqcode';
import { failed, type JsonObject, type OneBotHandler } from './server';
import { forwardNodes, fromOneBot, mediaUrl } from './segments';
import { member as newMember } from '../world/seed';
import type { Chat, Member, Message } from '../world/types';
import type { World } from '../world/world';
import { compactParams, formatDuration } from '../world/summary';

export interface OneBotActionContext {
	world: World;
	/** Base URL of the page port (media URLs). */
	mediaBase: () => string;
	/** Sends a notice event to the OneBot consumers (what a backend reports after the bot's own actions). */
	notify?: (event: JsonObject) => void;
}

/** A failed call: the envelope's retcode / msg / wording. */
export class ActionFailure extends Error {
	constructor(
		readonly retcode: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

const CATALOG_ACTIONS = new Set((catalog as unknown as { operations: Array<{ value: string }> }).operations.map((o) => o.value));

interface Outcome {
	data: unknown;
	chatId?: string | null;
	summary: string;
}

type Modelled = (params: JsonObject) => Outcome;

const BOT = 'Sandbox Bot';

function bad(message: string): never {
	throw new ActionFailure(1400, 'BAD_REQUEST', message);
}

function notFound(code: string, message: string): never {
	throw new ActionFailure(100, code, message);
}

/** A QQ number / group number / message id parameter: a number or a digit string. */
function idParam(p: JsonObject, name: string): string;
function idParam(p: JsonObject, name: string, optional: true): string | undefined;
function idParam(p: JsonObject, name: string, optional = false): string | undefined {
	const v = p[name];
	if (v === undefined || v === null || v === '') {
		if (optional) return undefined;
		bad(`${name} is required`);
	}
	const text = typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v === 'string' ? v.trim() : '';
	if (!/^-?\d+$/.test(text)) bad(`${name} must be a number, got ${JSON.stringify(v)}`);
	return text;
}

function bool(v: unknown, fallback: boolean): boolean {
	if (v === undefined || v === null || v === '') return fallback;
	if (typeof v === 'string') return !['false', '0', 'no', 'off'].includes(v.toLowerCase());
	return Boolean(v);
}

function numberParam(p: JsonObject, name: string, fallback: number): number {
	const v = p[name];
	if (v === undefined || v === null || v === '') return fallback;
	const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
	if (!Number.isFinite(n)) bad(`${name} must be a number, got ${JSON.stringify(v)}`);
	return n;
}

const unix = (ms: number) => Math.floor(ms / 1000);

export function createOneBotActions(ctx: OneBotActionContext): { handlers: Record<string, OneBotHandler>; fallback: OneBotHandler } {
	const { world } = ctx;
	const selfId = world.onebotSelf.id;

	const groupChat = (groupId: string): Chat => {
		const chat = world.chat(`qq:group:${groupId}`);
		if (!chat) notFound('GROUP_NOT_FOUND', `group ${groupId} not found (the bot is not in it)`);
		return chat;
	};
	const groupOf = (p: JsonObject): Chat => groupChat(idParam(p, 'group_id'));
	const memberOf = (chat: Chat, userId: string): Member => {
		const m = chat.members.find((x) => x.userId === userId);
		if (!m) notFound('MEMBER_NOT_FOUND', `user ${userId} is not a member of group ${chat.id.split(':')[2]}`);
		return m;
	};
	const nameIn = (chat: Chat, userId: string) => world.nameOf('onebot', userId, chat.id);
	const groupId = (chat: Chat) => chat.id.split(':')[2];
	const notice = (chat: Chat, noticeType: string, fields: JsonObject) =>
		ctx.notify?.({
			time: unix(Date.now()),
			self_id: Number(selfId),
			post_type: 'notice',
			notice_type: noticeType,
			group_id: Number(groupId(chat)),
			operator_id: Number(selfId),
			...fields,
		});

	const privateChat = (userId: string): Chat => {
		const id = `qq:private:${userId}`;
		const existing = world.chat(id);
		if (existing) return existing;
		const user = world.user('onebot', userId);
		const inGroup = world.chats('onebot').some((c) => c.kind === 'group' && c.members.some((m) => m.userId === userId));
		if (!user && !inGroup) notFound('USER_NOT_FOUND', `user ${userId} is neither a friend nor in a group with the bot`);
		const name = user?.name ?? world.nameOf('onebot', userId);
		const chat: Chat = {
			id,
			platform: 'onebot',
			kind: 'private',
			name,
			members: [newMember(selfId, world.onebotSelf.name), newMember(userId, name)],
			notices: [],
		};
		world.state.chats.push(chat);
		world.chatChanged(chat);
		return chat;
	};

	const messageParam = (p: JsonObject, name = 'message'): OneBotSegment[] => {
		let segments: OneBotSegment[];
		try {
			segments = normalizeMessage(p[name], { autoEscape: bool(p.auto_escape, false), field: name });
		} catch (error) {
			bad((error as Error).message);
		}
		if (segments.length === 0 || segments.every((s) => s.type === 'text' && String(s.data.text ?? '') === '')) {
			throw new ActionFailure(100, 'EMPTY_MSG_ERROR', 'message is empty');
		}
		return segments;
	};

	/** Stores a bot message in a chat: the page sees it, get_msg returns it. */
	const postBotMessage = (chat: Chat, segments: OneBotSegment[]): Message => {
		if (chat.kind === 'group') {
			const me = chat.members.find((m) => m.userId === selfId);
			if (me && me.mutedUntil > Date.now()) throw new ActionFailure(100, 'BOT_MUTED', 'the bot is muted in this group');
		}
		const normal = fromOneBot(segments, { world, chatId: chat.id, mediaBase: ctx.mediaBase() });
		const messageId = world.nextOneBotMessageId();
		const message: Message = {
			id: String(messageId),
			chatId: chat.id,
			time: Date.now(),
			from: { userId: selfId, name: world.onebotSelf.name, bot: true },
			segments: normal.segments,
			...(normal.replyTo ? { replyTo: normal.replyTo } : {}),
		};
		world.state.onebot[message.id] = { messageId, message: segments, rawMessage: toCQString(segments) };
		world.addMessage(message);
		return message;
	};

	const sendTo = (chat: Chat, segments: OneBotSegment[]): Outcome => {
		const message = postBotMessage(chat, segments);
		const kind = message.segments[0]?.type === 'forward' ? 'a forward message' : 'a message';
		return {
			data: { message_id: Number(message.id) },
			chatId: chat.id,
			summary: `${BOT} sent ${kind} to ${chat.name}`,
		};
	};

	const targetChat = (p: JsonObject): Chat => {
		const type = typeof p.message_type === 'string' ? p.message_type : p.group_id !== undefined && p.group_id !== '' ? 'group' : 'private';
		if (type === 'group') return groupOf(p);
		if (type === 'private') return privateChat(idParam(p, 'user_id'));
		bad(`message_type must be "private" or "group", got ${JSON.stringify(p.message_type)}`);
	};

	const forwardMessages = (p: JsonObject): OneBotSegment[] => {
		const raw = p.messages ?? p.message;
		if (!Array.isArray(raw) || raw.length === 0) bad('messages must be a non-empty array of node segments');
		const nodes = messageParam({ messages: raw }, 'messages');
		if (!nodes.every((n) => n.type === 'node')) bad('every item of messages must be a node segment');
		return nodes;
	};

	const sendForward = (chat: Chat, nodes: OneBotSegment[]): Outcome => {
		const outcome = sendTo(chat, nodes);
		const id = (outcome.data as { message_id: number }).message_id;
		const resId = `sandbox-forward-${id}`;
		world.state.forwards[resId] = forwardNodes(nodes, { world, chatId: chat.id, mediaBase: ctx.mediaBase() });
		return { ...outcome, data: { message_id: id, res_id: resId, forward_id: resId } };
	};

	const storedMessage = (messageId: string) => {
		const message = world.findMessage(messageId);
		if (!message || !message.chatId.startsWith('qq:')) notFound('MESSAGE_NOT_FOUND', `message ${messageId} not found`);
		return message;
	};

	/** A stored message as get_msg / history answer it. */
	const onebotMessage = (message: Message): JsonObject => {
		const stored = world.state.onebot[message.id];
		const chat = world.chat(message.chatId);
		const group = chat?.kind === 'group';
		const m = chat?.members.find((x) => x.userId === message.from.userId);
		const segments = stored?.message ?? message.segments.map((s) => (s.type === 'text' ? { type: 'text', data: { text: s.text } } : { type: s.type, data: { ...s } }));
		return {
			self_id: Number(selfId),
			time: unix(message.time),
			message_type: group ? 'group' : 'private',
			sub_type: group ? 'normal' : 'friend',
			message_id: Number(message.id),
			real_id: Number(message.id),
			message_seq: Number(message.id),
			...(group ? { group_id: Number(chat.id.split(':')[2]) } : {}),
			user_id: Number(message.from.userId),
			sender: {
				user_id: Number(message.from.userId),
				nickname: world.user('onebot', message.from.userId)?.name ?? message.from.name,
				card: m?.card ?? '',
				...(group ? { role: m?.role ?? 'member' } : {}),
			},
			message: segments,
			raw_message: stored?.rawMessage ?? toCQString(segments as OneBotSegment[]),
			font: 0,
			message_format: 'array',
			post_type: message.from.userId === selfId ? 'message_sent' : 'message',
		};
	};

	const memberInfo = (chat: Chat, m: Member): JsonObject => ({
		group_id: Number(groupId(chat)),
		user_id: Number(m.userId),
		nickname: m.name,
		card: m.card,
		sex: 'unknown',
		age: 0,
		area: '',
		join_time: 1700000000,
		last_sent_time: unix(world.messages(chat.id).filter((x) => x.from.userId === m.userId).pop()?.time ?? 1700000000000),
		level: '1',
		role: m.role,
		unfriendly: false,
		title: m.title,
		title_expire_time: 0,
		card_changeable: true,
		shut_up_timestamp: m.mutedUntil > Date.now() ? unix(m.mutedUntil) : 0,
	});

	const groupInfo = (chat: Chat): JsonObject => ({
		group_id: Number(groupId(chat)),
		group_name: chat.name,
		group_memo: '',
		group_create_time: 1700000000,
		member_count: chat.members.length,
		max_member_count: 200,
		group_all_shut: chat.wholeBan ? -1 : 0,
	});

	const notices = (chat: Chat) =>
		chat.notices.map((n) => ({
			notice_id: n.id,
			sender_id: Number(selfId),
			publish_time: unix(n.time),
			message: { text: n.text, images: n.image ? [{ id: n.image, height: '0', width: '0' }] : [] },
		}));

	const history = (chat: Chat, p: JsonObject): JsonObject => {
		const count = Math.max(1, Math.min(200, numberParam(p, 'count', 20)));
		let list = world.messages(chat.id);
		const seq = idParam(p, 'message_seq', true) ?? idParam(p, 'message_id', true);
		if (seq && seq !== '0') {
			const index = list.findIndex((m) => m.id === seq);
			if (index >= 0) list = list.slice(0, index + 1);
		}
		return { messages: list.slice(-count).map(onebotMessage) };
	};

	const modelled: Record<string, Modelled> = {
		// ----- messages ----------------------------------------------------------------------
		send_group_msg: (p) => sendTo(groupOf(p), messageParam(p)),
		send_private_msg: (p) => sendTo(privateChat(idParam(p, 'user_id')), messageParam(p)),
		send_msg: (p) => sendTo(targetChat(p), messageParam(p)),
		send_group_forward_msg: (p) => sendForward(groupOf(p), forwardMessages(p)),
		send_private_forward_msg: (p) => sendForward(privateChat(idParam(p, 'user_id')), forwardMessages(p)),
		send_forward_msg: (p) => sendForward(targetChat(p), forwardMessages(p)),
		delete_msg: (p) => {
			const message = storedMessage(idParam(p, 'message_id'));
			const chat = world.chat(message.chatId);
			world.deleteMessage(message.chatId, message.id);
			if (chat?.kind === 'group') notice(chat, 'group_recall', { user_id: Number(message.from.userId), message_id: Number(message.id) });
			const who = message.from.userId === selfId ? 'its message' : `a message from ${message.from.name}`;
			return { data: null, chatId: message.chatId, summary: `${BOT} recalled ${who} in ${chat?.name ?? message.chatId}` };
		},
		get_msg: (p) => {
			const message = storedMessage(idParam(p, 'message_id'));
			return { data: onebotMessage(message), chatId: message.chatId, summary: `${BOT} read message ${message.id}` };
		},
		get_forward_msg: (p) => {
			const id = typeof p.id === 'string' || typeof p.id === 'number' ? String(p.id) : typeof p.message_id === 'string' || typeof p.message_id === 'number' ? String(p.message_id) : bad('id is required');
			const nodes = world.state.forwards[id] ?? world.state.forwards[`sandbox-forward-${id}`];
			if (!nodes) notFound('MESSAGE_NOT_FOUND', `forward message ${id} not found`);
			const messages = nodes.map((n) => ({
				sender: { user_id: Number(n.userId) || 0, nickname: n.name },
				time: unix(Date.now()),
				message_format: 'array',
				message_type: 'group',
				content: n.segments.map((s) => (s.type === 'text' ? { type: 'text', data: { text: s.text } } : { type: s.type, data: { ...s } })),
			}));
			return { data: { messages, message: messages }, summary: `${BOT} read forward message ${id}` };
		},
		get_group_msg_history: (p) => {
			const chat = groupOf(p);
			return { data: history(chat, p), chatId: chat.id, summary: `${BOT} read the history of ${chat.name}` };
		},
		get_friend_msg_history: (p) => {
			const chat = privateChat(idParam(p, 'user_id'));
			return { data: history(chat, p), chatId: chat.id, summary: `${BOT} read the history of its chat with ${chat.name}` };
		},

		// ----- group notices -----------------------------------------------------------------
		_send_group_notice: (p) => {
			const chat = groupOf(p);
			const text = typeof p.content === 'string' ? p.content : bad('content is required');
			if (text.trim() === '') bad('content must not be empty');
			const image = typeof p.image === 'string' && p.image !== '' ? mediaUrl(world, 'image', { file: p.image }, ctx.mediaBase()) ?? p.image : undefined;
			const notice = { id: world.nextNoticeId(), text, time: Date.now(), ...(image ? { image } : {}) };
			chat.notices.push(notice);
			world.chatChanged(chat);
			return { data: { notice_id: notice.id }, chatId: chat.id, summary: `${BOT} published a group notice in ${chat.name}` };
		},
		_get_group_notice: (p) => {
			const chat = groupOf(p);
			return { data: notices(chat), chatId: chat.id, summary: `${BOT} read the group notices of ${chat.name}` };
		},
		_del_group_notice: (p) => deleteNotice(p),
		_delete_group_notice: (p) => deleteNotice(p),

		// ----- members -----------------------------------------------------------------------
		set_group_ban: (p) => {
			const chat = groupOf(p);
			const userId = idParam(p, 'user_id');
			const m = memberOf(chat, userId);
			if (userId === selfId) bad('the bot cannot mute itself');
			if (m.role === 'owner') throw new ActionFailure(100, 'NO_PERMISSION', 'the group owner cannot be muted');
			const duration = numberParam(p, 'duration', 30 * 60);
			if (duration < 0 || duration > 30 * 86400) bad('duration must be between 0 and 2592000 seconds');
			m.mutedUntil = duration > 0 ? Date.now() + duration * 1000 : 0;
			world.chatChanged(chat);
			notice(chat, 'group_ban', { sub_type: duration > 0 ? 'ban' : 'lift_ban', user_id: Number(userId), duration });
			return {
				data: null,
				chatId: chat.id,
				summary: duration > 0 ? `${BOT} muted ${nameIn(chat, userId)} for ${formatDuration(duration)} in ${chat.name}` : `${BOT} unmuted ${nameIn(chat, userId)} in ${chat.name}`,
			};
		},
		set_group_whole_ban: (p) => {
			const chat = groupOf(p);
			chat.wholeBan = bool(p.enable, true);
			world.chatChanged(chat);
			notice(chat, 'group_ban', { sub_type: chat.wholeBan ? 'ban' : 'lift_ban', user_id: 0, duration: chat.wholeBan ? -1 : 0 });
			return { data: null, chatId: chat.id, summary: `${BOT} ${chat.wholeBan ? 'muted everyone' : 'lifted the mute on everyone'} in ${chat.name}` };
		},
		set_group_kick: (p) => {
			const chat = groupOf(p);
			const userId = idParam(p, 'user_id');
			const m = memberOf(chat, userId);
			if (userId === selfId) bad('the bot cannot kick itself (use set_group_leave)');
			if (m.role === 'owner') throw new ActionFailure(100, 'NO_PERMISSION', 'the group owner cannot be kicked');
			const name = nameIn(chat, userId);
			chat.members = chat.members.filter((x) => x.userId !== userId);
			world.chatChanged(chat);
			notice(chat, 'group_decrease', { sub_type: 'kick', user_id: Number(userId) });
			return { data: null, chatId: chat.id, summary: `${BOT} removed ${name} from ${chat.name}` };
		},
		set_group_card: (p) => {
			const chat = groupOf(p);
			const userId = idParam(p, 'user_id');
			const m = memberOf(chat, userId);
			const cardOld = m.card;
			m.card = typeof p.card === 'string' ? p.card : '';
			world.chatChanged(chat);
			if (cardOld !== m.card) notice(chat, 'group_card', { user_id: Number(userId), card_new: m.card, card_old: cardOld });
			return {
				data: null,
				chatId: chat.id,
				summary: m.card ? `${BOT} set ${m.name}'s group card to "${m.card}" in ${chat.name}` : `${BOT} cleared ${m.name}'s group card in ${chat.name}`,
			};
		},
		set_group_special_title: (p) => {
			const chat = groupOf(p);
			const userId = idParam(p, 'user_id');
			const m = memberOf(chat, userId);
			m.title = typeof p.special_title === 'string' ? p.special_title : '';
			world.chatChanged(chat);
			return {
				data: null,
				chatId: chat.id,
				summary: m.title ? `${BOT} gave ${nameIn(chat, userId)} the title "${m.title}" in ${chat.name}` : `${BOT} removed ${nameIn(chat, userId)}'s title in ${chat.name}`,
			};
		},
		set_group_admin: (p) => {
			const chat = groupOf(p);
			const userId = idParam(p, 'user_id');
			const m = memberOf(chat, userId);
			if (m.role === 'owner') bad('the owner is not an admin to set');
			const enable = bool(p.enable, true);
			m.role = enable ? 'admin' : 'member';
			world.chatChanged(chat);
			notice(chat, 'group_admin', { sub_type: enable ? 'set' : 'unset', user_id: Number(userId) });
			return { data: null, chatId: chat.id, summary: `${BOT} ${enable ? 'made' : 'removed'} ${nameIn(chat, userId)} ${enable ? 'an admin' : 'as admin'} of ${chat.name}` };
		},
		set_group_name: (p) => {
			const chat = groupOf(p);
			const name = typeof p.group_name === 'string' && p.group_name.trim() !== '' ? p.group_name : bad('group_name is required');
			const old = chat.name;
			chat.name = name;
			world.chatChanged(chat);
			return { data: null, chatId: chat.id, summary: `${BOT} renamed ${old} to ${name}` };
		},
		set_group_leave: (p) => {
			const chat = groupOf(p);
			chat.members = chat.members.filter((m) => m.userId !== selfId);
			world.state.chats = world.state.chats.filter((c) => c !== chat);
			world.chatChanged({ ...chat, members: [] });
			return { data: null, chatId: chat.id, summary: `${BOT} left ${chat.name}` };
		},

		// ----- lists and info ----------------------------------------------------------------
		get_login_info: () => ({ data: { user_id: Number(selfId), nickname: world.onebotSelf.name }, summary: `${BOT} read its login info` }),
		get_status: () => ({ data: { online: true, good: true, stat: {} }, summary: `${BOT} read its status` }),
		get_version_info: () => ({
			data: { app_name: 'n8n-onebot-sandbox', app_version: '1.0.0', protocol_version: 'v11', onebot_version: '11' },
			summary: `${BOT} read the backend version`,
		}),
		get_group_list: () => ({
			data: world.chats('onebot').filter((c) => c.kind === 'group').map(groupInfo),
			summary: `${BOT} read its group list`,
		}),
		get_group_info: (p) => {
			const chat = groupOf(p);
			return { data: groupInfo(chat), chatId: chat.id, summary: `${BOT} read the info of ${chat.name}` };
		},
		get_group_member_list: (p) => {
			const chat = groupOf(p);
			return { data: chat.members.map((m) => memberInfo(chat, m)), chatId: chat.id, summary: `${BOT} read the member list of ${chat.name}` };
		},
		get_group_member_info: (p) => {
			const chat = groupOf(p);
			const m = memberOf(chat, idParam(p, 'user_id'));
			return { data: memberInfo(chat, m), chatId: chat.id, summary: `${BOT} read ${m.name}'s member info in ${chat.name}` };
		},
		get_friend_list: () => ({
			data: world
				.chats('onebot')
				.filter((c) => c.kind === 'private')
				.map((c) => {
					const userId = c.id.split(':')[2];
					return { user_id: Number(userId), nickname: world.user('onebot', userId)?.name ?? c.name, remark: '' };
				}),
			summary: `${BOT} read its friend list`,
		}),
		get_stranger_info: (p) => {
			const userId = idParam(p, 'user_id');
			const user = world.user('onebot', userId);
			return {
				data: { user_id: Number(userId), nickname: user?.name ?? `QQ user ${userId}`, sex: 'unknown', age: 0, level: 1, login_days: 0 },
				summary: `${BOT} looked up ${user?.name ?? `user ${userId}`}`,
			};
		},
		set_msg_emoji_like: (p) => {
			const message = storedMessage(idParam(p, 'message_id'));
			const emoji = idParam(p, 'emoji_id');
			const add = bool(p.set, true);
			const reactions = (message.reactions ??= []);
			let r = reactions.find((x) => x.emoji === emoji);
			if (add) {
				if (!r) reactions.push((r = { emoji, userIds: [] }));
				if (!r.userIds.includes(selfId)) r.userIds.push(selfId);
			} else if (r) {
				r.userIds = r.userIds.filter((u) => u !== selfId);
			}
			message.reactions = reactions.filter((x) => x.userIds.length > 0);
			if (message.reactions.length === 0) delete message.reactions;
			world.updateMessage(message);
			const chat = world.chat(message.chatId);
			return {
				data: null,
				chatId: message.chatId,
				summary: `${BOT} ${add ? 'reacted' : 'removed its reaction'} (emoji ${emoji}) ${add ? 'to' : 'from'} a message in ${chat?.name ?? message.chatId}`,
			};
		},
		group_poke: (p) => poke(p),
		friend_poke: (p) => poke(p),
		send_poke: (p) => poke(p),
		send_like: (p) => {
			const userId = idParam(p, 'user_id');
			const times = numberParam(p, 'times', 1);
			if (times < 1 || times > 20) bad('times must be between 1 and 20');
			return { data: null, summary: `${BOT} liked ${world.nameOf('onebot', userId)}'s profile ${times === 1 ? 'once' : `${times} times`}` };
		},
		'.handle_quick_operation': (p) => quickOperation(p.context as JsonObject, p.operation as JsonObject),
	};

	function poke(p: JsonObject): Outcome {
		const userId = idParam(p, 'user_id', true) ?? idParam(p, 'target_id');
		const gid = idParam(p, 'group_id', true);
		if (gid) {
			const chat = groupChat(gid);
			memberOf(chat, userId);
			return { data: null, chatId: chat.id, summary: `${BOT} poked ${nameIn(chat, userId)} in ${chat.name}` };
		}
		const chat = privateChat(userId);
		return { data: null, chatId: chat.id, summary: `${BOT} poked ${chat.name}` };
	}

	function deleteNotice(p: JsonObject): Outcome {
		const chat = groupOf(p);
		const id = typeof p.notice_id === 'string' || typeof p.notice_id === 'number' ? String(p.notice_id) : bad('notice_id is required');
		const before = chat.notices.length;
		chat.notices = chat.notices.filter((n) => n.id !== id);
		if (chat.notices.length === before) notFound('NOTICE_NOT_FOUND', `notice ${id} not found in group ${groupId(chat)}`);
		world.chatChanged(chat);
		return { data: null, chatId: chat.id, summary: `${BOT} deleted a group notice in ${chat.name}` };
	}

	/** `.handle_quick_operation` (and HTTP POST answers): reply, delete, kick, ban on the event's context. */
	function quickOperation(context: JsonObject | undefined, operation: JsonObject | undefined): Outcome {
		if (!context || typeof context !== 'object') bad('context is required');
		if (!operation || typeof operation !== 'object') bad('operation is required');
		const isGroup = context.message_type === 'group' || context.group_id !== undefined;
		const chat = isGroup ? groupChat(idParam(context, 'group_id')) : privateChat(idParam(context, 'user_id'));
		const done: string[] = [];
		if (operation.reply !== undefined && operation.reply !== '') {
			const segments = messageParam({ reply: operation.reply, auto_escape: operation.auto_escape }, 'reply');
			if (isGroup && bool(operation.at_sender, true) && context.user_id !== undefined) {
				segments.unshift({ type: 'at', data: { qq: String(context.user_id) } }, { type: 'text', data: { text: ' ' } });
			}
			postBotMessage(chat, segments);
			done.push(`replied in ${chat.name}`);
		}
		if (isGroup && bool(operation.delete, false) && context.message_id !== undefined) {
			world.deleteMessage(chat.id, String(context.message_id));
			done.push('recalled the message');
		}
		if (isGroup && bool(operation.kick, false) && context.user_id !== undefined) {
			const userId = String(context.user_id);
			chat.members = chat.members.filter((m) => m.userId !== userId);
			world.chatChanged(chat);
			done.push(`removed ${nameIn(chat, userId)}`);
		}
		if (isGroup && bool(operation.ban, false) && context.user_id !== undefined) {
			const m = chat.members.find((x) => x.userId === String(context.user_id));
			const duration = numberParam(operation, 'ban_duration', 30 * 60);
			if (m) {
				m.mutedUntil = Date.now() + duration * 1000;
				world.chatChanged(chat);
				done.push(`muted ${m.name} for ${formatDuration(duration)}`);
			}
		}
		return { data: null, chatId: chat.id, summary: `${BOT} ${done.length ? done.join(', ') : 'did nothing'} (quick operation)` };
	}

	const wrap = (action: string, fn: Modelled): OneBotHandler => (params) => {
		const event = { platform: 'onebot' as const, action, params: compactParams(params), modelled: true };
		try {
			const outcome = fn(params);
			world.record({ ...event, chatId: outcome.chatId ?? null, summary: outcome.summary, ok: true });
			return outcome.data;
		} catch (error) {
			const e = error as Error;
			const gid = typeof params.group_id === 'number' || typeof params.group_id === 'string' ? String(params.group_id) : undefined;
			const chatId = gid && world.chat(`qq:group:${gid}`) ? `qq:group:${gid}` : null;
			world.record({ ...event, chatId, summary: `${BOT} called ${action}: failed (${e.message})`, ok: false, error: e.message });
			if (error instanceof ActionFailure) return failed(error.retcode, error.code, error.message);
			return failed(100, 'HANDLER_ERROR', e.message);
		}
	};

	const handlers: Record<string, OneBotHandler> = {};
	for (const [action, fn] of Object.entries(modelled)) handlers[action] = wrap(action, fn);

	const fallback: OneBotHandler = (params, call) => {
		const action = call.action.replace(/_async$/, '');
		if (!CATALOG_ACTIONS.has(action)) {
			world.record({
				platform: 'onebot',
				chatId: null,
				action,
				params: compactParams(params),
				summary: `${BOT} called ${action}: no such action`,
				modelled: false,
				ok: false,
				error: 'API_NOT_FOUND',
			});
			return failed(1404, 'API_NOT_FOUND', 'API不存在');
		}
		const gid = typeof params.group_id === 'number' || typeof params.group_id === 'string' ? String(params.group_id) : undefined;
		const chatId = gid && world.chat(`qq:group:${gid}`) ? `qq:group:${gid}` : null;
		world.record({
			platform: 'onebot',
			chatId,
			action,
			params: compactParams(params),
			summary: `${BOT} called ${action} (not modelled)`,
			modelled: false,
			ok: true,
		});
		return plausibleData(action, world);
	};

	return { handlers, fallback };
}

/** go-cqhttp / NapCat answer shapes of actions whose data is not a plain object or list. */
const KNOWN_SHAPES: Record<string, () => unknown> = {
	get_cookies: () => ({ cookies: '' }),
	get_csrf_token: () => ({ token: 0 }),
	get_credentials: () => ({ cookies: '', csrf_token: 0 }),
	get_image: () => ({ size: 0, filename: 'image.png', file: '/tmp/sandbox/image.png' }),
	get_record: () => ({ file: '/tmp/sandbox/record.mp3' }),
	get_file: () => ({ file: '/tmp/sandbox/file.bin', url: '', file_size: '0', file_name: 'file.bin' }),
	get_group_root_files: () => ({ files: [], folders: [] }),
	get_group_files_by_folder: () => ({ files: [], folders: [] }),
	get_group_file_system_info: () => ({ file_count: 0, limit_count: 10000, used_space: 0, total_space: 10737418240 }),
	get_group_file_url: () => ({ url: 'https://example.invalid/sandbox-file' }),
	get_private_file_url: () => ({ url: 'https://example.invalid/sandbox-file' }),
	get_group_system_msg: () => ({ invited_requests: [], join_requests: [] }),
	get_group_honor_info: () => ({ current_talkative: null, talkative_list: [], performer_list: [], legend_list: [], strong_newbie_list: [], emotion_list: [] }),
	get_group_at_all_remain: () => ({ can_at_all: true, remain_at_all_count_for_group: 10, remain_at_all_count_for_uin: 10 }),
	get_online_clients: () => ({ clients: [] }),
	_get_model_show: () => ({ variants: [] }),
	get_version: () => ({ version: '1.0.0' }),
	check_url_safely: () => ({ level: 1 }),
	'.get_word_slices': () => ({ slices: [] }),
	'.ocr_image': () => ({ texts: [], language: 'zh' }),
	ocr_image: () => ({ texts: [], language: 'zh' }),
	get_supported_actions: () => [...CATALOG_ACTIONS],
	get_essence_msg_list: () => [],
	get_rkey: () => [],
};

/** A success answer shaped like what a backend returns for an action the sandbox does not model. */
export function plausibleData(action: string, world: World): unknown {
	const known = KNOWN_SHAPES[action];
	if (known) return known();
	if (/^can_/.test(action)) return { yes: true };
	if (/history/.test(action)) return { messages: [] };
	if (/^(send_|forward_).*(msg|_ark_share|poke)?$/.test(action) && /msg|share/.test(action)) {
		return { message_id: world.nextOneBotMessageId() };
	}
	if (/^(get_|fetch_|_get_|nc_get_|qidian_get_)/.test(action) || /\.get_/.test(action)) {
		return /(_list|_files|_requests|_notifies|_members|_roles|_likes|_slices|_characters|_feeds|_contact)$/.test(action) ? [] : {};
	}
	if (/^(upload_|create_)/.test(action)) return { file_id: `sandbox-${world.nextOneBotMessageId()}` };
	return null;
}
