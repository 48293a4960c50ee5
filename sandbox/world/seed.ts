// The sandbox's starting world (SANDBOX.md): the ids the example workflows use stay fixed.
import type { Chat, Member, MemberRole, User } from './types';

export const ONEBOT_SELF = { id: '10001', name: 'Sandbox Bot' };
export const HEYCHAT_SELF = { id: '9001', name: 'Sandbox Bot' };

export const LOBBY_GROUP = '123456789';
export const DEV_GROUP = '987654321';
export const GAMES_GROUP = '555000111';
export const ROOM_ID = '3663316788315193344';
export const ROOM_NAME = 'Sandbox Room';
export const GENERAL_CHANNEL = '3665944781964836864';
export const COMMANDS_CHANNEL = '3665944781964836865';

/** The bot commands registered for the Heychat bot (option values arrive as strings). */
export const HEYCHAT_COMMANDS = [
	{ id: '1831636113196855201', name: '/roll', description: 'Roll a die', options: [{ name: 'sides', type: 4 }] },
	{ id: '1831636113196855202', name: '/qq', description: 'Send a message to QQ', options: [{ name: 'text', type: 3 }] },
	{ id: '1831636113196855203', name: '/help', description: 'What the bot can do', options: [] },
];

export interface HeychatRole {
	id: string;
	name: string;
	color: number;
	permissions: string;
	type: number;
	position: number;
	hoist: number;
	mentionable: number;
}

export const SEED_ROLES: HeychatRole[] = [
	{ id: '3642878923738988546', name: 'Admin', color: 3198065, permissions: '1', type: 7, position: 0, hoist: 1, mentionable: 0 },
	{ id: '3642878923738988547', name: 'Players', color: 0, permissions: '16384', type: 0, position: 1, hoist: 0, mentionable: 1 },
];

const QQ_NAMES: Record<string, string> = { '20001': 'Alice', '20002': 'Bob', '20003': 'Carol' };
const HC_NAMES: Record<string, string> = { '30001': 'Alice', '30002': 'Bob' };

export function member(userId: string, name: string, role: MemberRole = 'member'): Member {
	return { userId, name, role, mutedUntil: 0, card: '', title: '', roles: [] };
}

export function seedUsers(): User[] {
	return [
		...Object.entries(QQ_NAMES).map(([userId, name]) => ({ id: `qq:${userId}`, platform: 'onebot' as const, userId, name, avatar: null })),
		...Object.entries(HC_NAMES).map(([userId, name]) => ({ id: `hc:${userId}`, platform: 'heychat' as const, userId, name, avatar: null })),
	];
}

function group(id: string, name: string, userIds: string[]): Chat {
	return {
		id: `qq:group:${id}`,
		platform: 'onebot',
		kind: 'group',
		name,
		members: [member(ONEBOT_SELF.id, ONEBOT_SELF.name, 'owner'), ...userIds.map((u) => member(u, QQ_NAMES[u]))],
		notices: [],
		wholeBan: false,
	};
}

function roomMembers(): Member[] {
	return [member(HEYCHAT_SELF.id, HEYCHAT_SELF.name, 'admin'), ...Object.entries(HC_NAMES).map(([u, n]) => member(u, n))];
}

export function seedChats(): Chat[] {
	const lobby = group(LOBBY_GROUP, 'Sandbox Lobby', ['20001', '20002', '20003']);
	lobby.members[1].role = 'admin';
	return [
		lobby,
		group(DEV_GROUP, 'Sandbox Dev', ['20001', '20002']),
		group(GAMES_GROUP, 'Sandbox Games', ['20003']),
		...['20001', '20002'].map(
			(u): Chat => ({
				id: `qq:private:${u}`,
				platform: 'onebot',
				kind: 'private',
				name: QQ_NAMES[u],
				members: [member(ONEBOT_SELF.id, ONEBOT_SELF.name), member(u, QQ_NAMES[u])],
				notices: [],
			}),
		),
		{
			id: `hc:channel:${ROOM_ID}:${GENERAL_CHANNEL}`,
			platform: 'heychat',
			kind: 'channel',
			name: 'general',
			room: ROOM_NAME,
			members: roomMembers(),
			notices: [],
		},
		{
			id: `hc:channel:${ROOM_ID}:${COMMANDS_CHANNEL}`,
			platform: 'heychat',
			kind: 'channel',
			name: 'commands',
			room: ROOM_NAME,
			members: roomMembers(),
			notices: [],
		},
		...Object.entries(HC_NAMES).map(
			([u, n]): Chat => ({
				id: `hc:dm:${u}`,
				platform: 'heychat',
				kind: 'dm',
				name: n,
				members: [member(HEYCHAT_SELF.id, HEYCHAT_SELF.name), member(u, n)],
				notices: [],
			}),
		),
	];
}
