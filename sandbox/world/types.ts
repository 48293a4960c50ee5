// The sandbox world as the page sees it (SANDBOX.md): users, chats, messages, feed events, and the
// frames the feed WebSocket sends. Everything here is plain JSON.

export type Platform = 'onebot' | 'heychat';

/** A message segment, normalised across both platforms. */
export type Segment =
	| { type: 'text'; text: string }
	| { type: 'at'; userId: string; name: string }
	| { type: 'image'; url: string }
	| { type: 'face'; id: string }
	| { type: 'reply'; messageId: string }
	| { type: 'markdown'; text: string }
	| { type: 'card'; data: unknown }
	| { type: 'forward'; nodes: ForwardNode[] }
	| { type: 'file'; name: string; url?: string }
	| { type: 'record' | 'video'; url: string }
	| { type: 'json' | 'xml'; data: string }
	| { type: 'raw'; kind: string; data: unknown };

export interface ForwardNode {
	name: string;
	userId: string;
	segments: Segment[];
}

export interface Sender {
	userId: string;
	name: string;
	bot: boolean;
}

export interface Reaction {
	emoji: string;
	userIds: string[];
}

export interface Message {
	id: string;
	chatId: string;
	time: number;
	from: Sender;
	segments: Segment[];
	replyTo?: string;
	/** Heychat reactions (emoji → who reacted); absent when none. */
	reactions?: Reaction[];
	/** Set once a Heychat message was edited. */
	edited?: number;
}

export type MemberRole = 'owner' | 'admin' | 'member';

export interface Member {
	userId: string;
	name: string;
	role: MemberRole;
	/** ms since epoch until which the member is muted; 0 = not muted. */
	mutedUntil: number;
	card: string;
	title: string;
	/** Heychat role names granted to the member. */
	roles: string[];
}

export interface Notice {
	id: string;
	text: string;
	time: number;
	image?: string;
}

export type ChatKind = 'group' | 'private' | 'channel' | 'dm';

export interface Chat {
	id: string;
	platform: Platform;
	kind: ChatKind;
	name: string;
	members: Member[];
	notices: Notice[];
	/** Heychat channel: the room's name. */
	room?: string;
	/** QQ group: everyone but admins is muted (set_group_whole_ban). */
	wholeBan?: boolean;
}

export interface User {
	/** "qq:<userId>" or "hc:<userId>". */
	id: string;
	platform: Platform;
	userId: string;
	name: string;
	avatar: string | null;
}

export interface FeedEvent {
	id: string;
	time: number;
	platform: Platform;
	chatId: string | null;
	action: string;
	params: Record<string, unknown>;
	summary: string;
	modelled: boolean;
	ok: boolean;
	error?: string;
}

export interface PlatformSelf {
	self: { id: string; name: string };
}

export interface Snapshot {
	platforms: { onebot: PlatformSelf; heychat: PlatformSelf };
	users: User[];
	chats: Chat[];
	messages: Record<string, Message[]>;
	events: FeedEvent[];
}

export type UserInput =
	| { kind: 'message'; chatId: string; userId: string; text: string }
	| { kind: 'join'; chatId: string; name: string }
	| { kind: 'leave'; chatId: string; userId: string }
	| { kind: 'poke'; chatId: string; userId: string; targetUserId?: string }
	| { kind: 'command'; chatId: string; userId: string; command: string; options?: Record<string, string> };

/**
 * Who is listening to the sandbox's bots now (n8n's triggers and workflows): OneBot forward WebSocket clients on `/`
 * and `/event`, reverse WebSocket connections open, HTTP POST URLs configured; Heychat gateway connections open.
 */
export interface Consumers {
	onebot: { forward: number; reverse: number; post: number };
	heychat: { gateway: number };
}

export type FeedFrame =
	| { type: 'snapshot'; world: Snapshot; consumers: Consumers }
	| { type: 'consumers'; consumers: Consumers }
	| { type: 'message'; message: Message }
	| { type: 'update'; message: Message }
	| { type: 'delete'; chatId: string; messageId: string }
	| { type: 'chat'; chat: Chat }
	| { type: 'event'; event: FeedEvent }
	| { type: 'error'; message: string };
