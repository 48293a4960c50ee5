// What a pretend user does on the page (SANDBOX.md UserInput) becomes a real event for the bots:
// a QQ message → a OneBot message event, a join/leave → group_increase/decrease, a poke →
// notify.poke (to every OneBot consumer); a Heychat slash command → a gateway event "50", a join or
// leave → "3001" (to every gateway connection).
import { toCQString } from '../nodes/OneBot/message/cqcode';
import type { FakeHeychat, JsonObject } from './heychat/server';
import type { OneBotConsumers } from './onebot/consumers';
import { groupMessageEvent, privateMessageEvent } from './onebot/server';
import { fromOneBot, splitMentions, typedTextToOneBot } from './onebot/segments';
import { HEYCHAT_COMMANDS, member as newMember, ROOM_ID, ROOM_NAME } from './world/seed';
import type { Chat, Member, Segment, UserInput } from './world/types';
import type { World } from './world/world';

export class InputError extends Error {}

export interface InputContext {
	world: World;
	onebot: OneBotConsumers;
	heychat: FakeHeychat;
	mediaBase: () => string;
}

const unix = () => Math.floor(Date.now() / 1000);

function need(value: unknown, name: string): string {
	if (typeof value !== 'string' && typeof value !== 'number') throw new InputError(`${name} is required`);
	const text = String(value).trim();
	if (text === '') throw new InputError(`${name} is required`);
	return text;
}

export function createInputHandler(ctx: InputContext): (input: UserInput) => void {
	const { world } = ctx;
	const selfQQ = Number(world.onebotSelf.id);

	const chatOf = (input: { chatId?: unknown }): Chat => {
		const id = need(input.chatId, 'chatId');
		const chat = world.chat(id);
		if (!chat) throw new InputError(`no chat ${id}`);
		return chat;
	};
	const memberOf = (chat: Chat, userId: string): Member => {
		const m = chat.members.find((x) => x.userId === userId);
		if (!m) throw new InputError(`user ${userId} is not in ${chat.name}`);
		if (m.userId === world.onebotSelf.id || (chat.platform === 'heychat' && m.userId === world.heychatSelf.id)) {
			throw new InputError('type as a user, not as the bot');
		}
		return m;
	};
	const groupIdOf = (chat: Chat) => Number(chat.id.split(':')[2]);
	const roomBase = () => ({ room_avatar: '', room_id: ROOM_ID, room_name: ROOM_NAME });
	const heychatUser = (m: Member) => ({
		avatar: '',
		avatar_decoration: { src_type: 'image', src_url: '' },
		bot: false,
		level: 1,
		medals: null,
		nickname: world.user('heychat', m.userId)?.name ?? m.name,
		roles: m.roles.length ? m.roles.map((n) => world.state.roles.find((r) => r.name === n)?.id ?? n) : null,
		room_nickname: m.card,
		tag: null,
		user_id: Number(m.userId),
	});
	const roomChats = () => world.chats('heychat').filter((c) => c.kind === 'channel');
	const note = (chat: Chat, action: string, summary: string, params: Record<string, unknown>) =>
		world.record({ platform: chat.platform, chatId: chat.id, action, params, summary, modelled: true, ok: true });

	function qqMessage(chat: Chat, userId: string, text: string): void {
		const m = memberOf(chat, userId);
		if (chat.kind === 'group') {
			if (m.mutedUntil > Date.now()) throw new InputError(`${m.name} is muted in ${chat.name}`);
			if (chat.wholeBan && m.role === 'member') throw new InputError(`everyone is muted in ${chat.name}`);
		}
		const segments = typedTextToOneBot(text, world, chat.id);
		if (segments.length === 0) throw new InputError('text is empty');
		const messageId = world.nextOneBotMessageId();
		const rawMessage = toCQString(segments);
		const normal = fromOneBot(segments, { world, chatId: chat.id, mediaBase: ctx.mediaBase() });
		world.state.onebot[String(messageId)] = { messageId, message: segments, rawMessage };
		const nickname = world.user('onebot', userId)?.name ?? m.name;
		const common = { message_id: messageId, real_id: messageId, message_seq: messageId, raw_message: rawMessage, message_format: 'array' };
		const event =
			chat.kind === 'group'
				? groupMessageEvent(selfQQ, groupIdOf(chat), Number(userId), segments, {
						...common,
						sender: { user_id: Number(userId), nickname, card: m.card, sex: 'unknown', age: 0, area: '', level: '1', role: m.role, title: m.title },
					})
				: privateMessageEvent(selfQQ, Number(userId), segments, {
						...common,
						target_id: selfQQ,
						sender: { user_id: Number(userId), nickname, sex: 'unknown', age: 0 },
					});
		world.addMessage({
			id: String(messageId),
			chatId: chat.id,
			time: Date.now(),
			from: { userId, name: m.card || m.name, bot: false },
			segments: normal.segments,
			...(normal.replyTo ? { replyTo: normal.replyTo } : {}),
		});
		ctx.onebot.push(event);
	}

	function heychatText(chat: Chat, text: string): Segment[] {
		const names = [{ name: world.heychatSelf.name, userId: world.heychatSelf.id }, ...chat.members.map((m) => ({ name: m.card || m.name, userId: m.userId }))]
			.filter((n) => n.name)
			.sort((a, b) => b.name.length - a.name.length);
		return splitMentions(text, names).map((p): Segment => (typeof p === 'string' ? { type: 'text', text: p } : { type: 'at', userId: p.userId, name: p.name }));
	}

	function heychatMessage(chat: Chat, userId: string, text: string): void {
		const m = memberOf(chat, userId);
		if (text.trim() === '') throw new InputError('text is empty');
		world.addMessage({
			id: world.nextHeychatMessageId(),
			chatId: chat.id,
			time: Date.now(),
			from: { userId, name: m.card || m.name, bot: false },
			segments: heychatText(chat, text),
		});
		// Heychat pushes no event for an ordinary message: bots only hear slash commands.
	}

	function command(chat: Chat, userId: string, name: string, options: Record<string, unknown>): void {
		if (chat.kind !== 'channel') throw new InputError('slash commands run in a Heychat channel');
		const m = memberOf(chat, userId);
		const commandName = name.startsWith('/') ? name : `/${name}`;
		const def = HEYCHAT_COMMANDS.find((c) => c.name === commandName);
		if (!def) throw new InputError(`unknown command ${commandName}; the bot has ${HEYCHAT_COMMANDS.map((c) => c.name).join(', ')}`);
		const values = Object.entries(options ?? {})
			.filter(([, v]) => v !== undefined && v !== null && String(v) !== '')
			.map(([k, v]) => {
				const opt = def.options.find((o) => o.name === k);
				if (!opt) throw new InputError(`${commandName} has no option "${k}"`);
				return { name: k, type: opt.type, value: String(v) };
			});
		const msgId = world.nextHeychatMessageId();
		const shown = [commandName, ...values.map((v) => `${v.name}: ${v.value}`)].join(' ');
		const now = Date.now();
		world.addMessage({ id: msgId, chatId: chat.id, time: now, from: { userId, name: m.card || m.name, bot: false }, segments: [{ type: 'text', text: shown }] });
		const channelId = chat.id.split(':')[3];
		ctx.heychat.pushEvent(
			ctx.heychat.event('50', {
				bot_id: Number(world.heychatSelf.id),
				channel_base_info: { channel_id: channelId, channel_name: chat.name, channel_type: 1 },
				command_info: { id: def.id, name: commandName, options: values, type: 0 },
				msg_id: msgId,
				room_base_info: roomBase(),
				send_time: now,
				sender_info: heychatUser(m),
			}),
		);
	}

	function join(chat: Chat, name: string): void {
		const platform = chat.platform;
		if (platform === 'onebot' && chat.kind !== 'group') throw new InputError('new members join a group');
		if (platform === 'heychat' && chat.kind !== 'channel') throw new InputError('new members join the room through a channel');
		const userId = world.nextUserId(platform);
		world.addUser({ id: `${platform === 'onebot' ? 'qq' : 'hc'}:${userId}`, platform, userId, name, avatar: null });
		const m = newMember(userId, name);
		if (platform === 'onebot') {
			chat.members.push(m);
			world.chatChanged(chat);
			note(chat, 'notice.group_increase', `${name} joined ${chat.name}`, { user_id: Number(userId) });
			ctx.onebot.push({
				time: unix(),
				self_id: selfQQ,
				post_type: 'notice',
				notice_type: 'group_increase',
				sub_type: 'approve',
				group_id: groupIdOf(chat),
				operator_id: 0,
				user_id: Number(userId),
			});
		} else {
			for (const c of roomChats()) {
				c.members.push({ ...m });
				world.chatChanged(c);
			}
			note(chat, 'event.3001', `${name} joined ${ROOM_NAME}`, { user_id: Number(userId), state: 1 });
			ctx.heychat.pushEvent(ctx.heychat.event('3001', { room_base_info: roomBase(), state: 1, user_info: heychatUser(m) }));
		}
	}

	function leave(chat: Chat, userId: string): void {
		const m = memberOf(chat, userId);
		const name = m.card || m.name;
		if (chat.platform === 'onebot') {
			if (chat.kind !== 'group') throw new InputError('members leave a group');
			chat.members = chat.members.filter((x) => x !== m);
			world.chatChanged(chat);
			note(chat, 'notice.group_decrease', `${name} left ${chat.name}`, { user_id: Number(userId) });
			ctx.onebot.push({
				time: unix(),
				self_id: selfQQ,
				post_type: 'notice',
				notice_type: 'group_decrease',
				sub_type: 'leave',
				group_id: groupIdOf(chat),
				operator_id: Number(userId),
				user_id: Number(userId),
			});
		} else {
			if (chat.kind !== 'channel') throw new InputError('members leave the room through a channel');
			for (const c of roomChats()) {
				c.members = c.members.filter((x) => x.userId !== userId);
				world.chatChanged(c);
			}
			note(chat, 'event.3001', `${name} left ${ROOM_NAME}`, { user_id: Number(userId), state: 0 });
			ctx.heychat.pushEvent(ctx.heychat.event('3001', { room_base_info: roomBase(), state: 0, user_info: heychatUser(m) }));
		}
	}

	function poke(chat: Chat, userId: string, target: string): void {
		if (chat.platform !== 'onebot') throw new InputError('pokes are a QQ thing');
		memberOf(chat, userId);
		if (!chat.members.some((x) => x.userId === target)) throw new InputError(`user ${target} is not in ${chat.name}`);
		const event: JsonObject = {
			time: unix(),
			self_id: selfQQ,
			post_type: 'notice',
			notice_type: 'notify',
			sub_type: 'poke',
			user_id: Number(userId),
			target_id: Number(target),
			...(chat.kind === 'group' ? { group_id: groupIdOf(chat) } : { sender_id: Number(userId) }),
		};
		note(chat, 'notice.notify.poke', `${world.nameOf('onebot', userId, chat.id)} poked ${world.nameOf('onebot', target, chat.id)}`, { user_id: Number(userId), target_id: Number(target) });
		ctx.onebot.push(event);
	}

	return (input: UserInput) => {
		if (!input || typeof input !== 'object') throw new InputError('input must be an object');
		const chat = chatOf(input);
		switch (input.kind) {
			case 'message': {
				const userId = need(input.userId, 'userId');
				const text = typeof input.text === 'string' ? input.text : '';
				if (chat.platform === 'onebot') qqMessage(chat, userId, text);
				else heychatMessage(chat, userId, text);
				return;
			}
			case 'join':
				return join(chat, need(input.name, 'name'));
			case 'leave':
				return leave(chat, need(input.userId, 'userId'));
			case 'poke':
				return poke(chat, need(input.userId, 'userId'), input.targetUserId ? String(input.targetUserId) : world.onebotSelf.id);
			case 'command':
				return command(chat, need(input.userId, 'userId'), need(input.command, 'command'), input.options ?? {});
			default:
				throw new InputError(`unknown input kind ${JSON.stringify((input as { kind?: unknown }).kind)}`);
		}
	};
}
