// The sandbox's state: who is where, what was said, what the bots did. Every change is announced
// to the listeners as a feed frame (SANDBOX.md), so the page follows live.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { HEYCHAT_SELF, ONEBOT_SELF, SEED_ROLES, seedChats, seedUsers, type HeychatRole } from './seed';
import type { Chat, FeedEvent, FeedFrame, ForwardNode, Member, Message, Platform, Snapshot, User } from './types';

/** A OneBot message as a backend stores it (get_msg, history). */
export interface OneBotStored {
	messageId: number;
	/** OneBot segments exactly as the backend reports them. */
	message: Array<{ type: string; data: Record<string, unknown> }>;
	rawMessage: string;
}

export interface WorldState {
	version: 1;
	users: User[];
	chats: Chat[];
	messages: Record<string, Message[]>;
	events: FeedEvent[];
	onebot: Record<string, OneBotStored>;
	forwards: Record<string, ForwardNode[]>;
	roles: HeychatRole[];
	counters: { onebotMessage: number; heychatMessage: string; event: number; notice: number; user: number };
	/** Uploaded media kept on disk (with a state file): id → type and name. */
	media?: Record<string, { mimeType: string; name: string }>;
}

export interface Media {
	data: Buffer;
	mimeType: string;
	name: string;
}

const MAX_EVENTS = 200;
const MAX_MESSAGES_PER_CHAT = 500;

type Listener = (frame: FeedFrame) => void;

export class World {
	readonly onebotSelf = ONEBOT_SELF;
	readonly heychatSelf = HEYCHAT_SELF;
	state: WorldState;
	private readonly listeners = new Set<Listener>();
	private readonly media = new Map<string, Media>();
	private changeListeners = new Set<() => void>();
	/** Where uploaded media is written (beside the state file), so it outlives a restart. */
	mediaDir: string | undefined;

	constructor(state?: WorldState) {
		this.state = state ?? World.seed();
	}

	static seed(): WorldState {
		return {
			version: 1,
			users: seedUsers(),
			chats: seedChats(),
			messages: {},
			events: [],
			onebot: {},
			forwards: {},
			roles: SEED_ROLES.map((r) => ({ ...r })),
			counters: { onebotMessage: 1000, heychatMessage: '1836295184143134720', event: 0, notice: 0, user: 0 },
		};
	}

	// ----- listeners -------------------------------------------------------------------------

	/** Calls `listener` with every feed frame; returns the unsubscribe function. */
	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Calls `listener` after every change (persistence). */
	onChange(listener: () => void): () => void {
		this.changeListeners.add(listener);
		return () => this.changeListeners.delete(listener);
	}

	private emit(frame: FeedFrame): void {
		for (const l of this.listeners) {
			try {
				l(frame);
			} catch {
				// a broken listener must not break the world
			}
		}
		for (const l of this.changeListeners) l();
	}

	snapshot(): Snapshot {
		return {
			platforms: { onebot: { self: { ...this.onebotSelf } }, heychat: { self: { ...this.heychatSelf } } },
			users: this.state.users,
			chats: this.state.chats,
			messages: this.state.messages,
			events: this.state.events,
		};
	}

	// ----- look-ups --------------------------------------------------------------------------

	chat(id: string): Chat | undefined {
		return this.state.chats.find((c) => c.id === id);
	}

	chats(platform?: Platform): Chat[] {
		return platform ? this.state.chats.filter((c) => c.platform === platform) : this.state.chats;
	}

	user(platform: Platform, userId: string): User | undefined {
		return this.state.users.find((u) => u.platform === platform && u.userId === userId);
	}

	member(chatId: string, userId: string): Member | undefined {
		return this.chat(chatId)?.members.find((m) => m.userId === userId);
	}

	/** The display name of a user: the member card in a chat, else the user's name, else the id. */
	nameOf(platform: Platform, userId: string, chatId?: string): string {
		if (platform === 'onebot' && userId === this.onebotSelf.id) return this.onebotSelf.name;
		if (platform === 'heychat' && userId === this.heychatSelf.id) return this.heychatSelf.name;
		const m = chatId ? this.member(chatId, userId) : undefined;
		if (m?.card) return m.card;
		return m?.name ?? this.user(platform, userId)?.name ?? userId;
	}

	messages(chatId: string): Message[] {
		return this.state.messages[chatId] ?? [];
	}

	findMessage(id: string): Message | undefined {
		for (const list of Object.values(this.state.messages)) {
			const m = list.find((x) => x.id === id);
			if (m) return m;
		}
		return undefined;
	}

	// ----- ids -------------------------------------------------------------------------------

	nextOneBotMessageId(): number {
		return ++this.state.counters.onebotMessage;
	}

	nextHeychatMessageId(): string {
		const next = (BigInt(this.state.counters.heychatMessage) + 1n).toString();
		this.state.counters.heychatMessage = next;
		return next;
	}

	nextNoticeId(): string {
		return `notice-${++this.state.counters.notice}`;
	}

	/** A new user id on a platform (members created by 'join'). */
	nextUserId(platform: Platform): string {
		const n = ++this.state.counters.user;
		return platform === 'onebot' ? String(20100 + n) : String(30100 + n);
	}

	// ----- changes ---------------------------------------------------------------------------

	addUser(user: User): User {
		const existing = this.user(user.platform, user.userId);
		if (existing) return existing;
		this.state.users.push(user);
		return user;
	}

	addMessage(message: Message): Message {
		const list = (this.state.messages[message.chatId] ??= []);
		list.push(message);
		if (list.length > MAX_MESSAGES_PER_CHAT) {
			for (const dropped of list.splice(0, list.length - MAX_MESSAGES_PER_CHAT)) delete this.state.onebot[dropped.id];
		}
		this.emit({ type: 'message', message });
		return message;
	}

	updateMessage(message: Message): void {
		this.emit({ type: 'update', message });
	}

	deleteMessage(chatId: string, messageId: string): boolean {
		const list = this.state.messages[chatId];
		const index = list?.findIndex((m) => m.id === messageId) ?? -1;
		if (!list || index < 0) return false;
		list.splice(index, 1);
		delete this.state.onebot[messageId];
		this.emit({ type: 'delete', chatId, messageId });
		return true;
	}

	/** Announces that a chat's name, members or notices changed. */
	chatChanged(chat: Chat): void {
		this.emit({ type: 'chat', chat });
	}

	record(event: Omit<FeedEvent, 'id' | 'time'>): FeedEvent {
		const full: FeedEvent = { id: `e${++this.state.counters.event}`, time: Date.now(), ...event };
		this.state.events.push(full);
		if (this.state.events.length > MAX_EVENTS) this.state.events.splice(0, this.state.events.length - MAX_EVENTS);
		this.emit({ type: 'event', event: full });
		return full;
	}

	// ----- media -----------------------------------------------------------------------------

	/** Keeps uploaded bytes; returns the id the page port serves them under (/media/<id>). */
	storeMedia(media: Media): string {
		const ext = /\.([A-Za-z0-9]{1,8})$/.exec(media.name)?.[1] ?? 'bin';
		const id = `${randomBytes(8).toString('hex')}.${ext.toLowerCase()}`;
		this.media.set(id, media);
		if (this.mediaDir) {
			try {
				mkdirSync(this.mediaDir, { recursive: true });
				writeFileSync(join(this.mediaDir, id), media.data);
				(this.state.media ??= {})[id] = { mimeType: media.mimeType, name: media.name };
			} catch {
				// kept in memory only
			}
		}
		return id;
	}

	getMedia(id: string): Media | undefined {
		const kept = this.media.get(id);
		if (kept) return kept;
		const meta = this.state.media?.[id];
		if (!meta || !this.mediaDir || !/^[0-9a-f]{16}\.[a-z0-9]{1,8}$/.test(id)) return undefined;
		const file = join(this.mediaDir, id);
		if (!existsSync(file)) return undefined;
		const media = { ...meta, data: readFileSync(file) };
		this.media.set(id, media);
		return media;
	}

	// ----- persistence -----------------------------------------------------------------------

	toJSON(): WorldState {
		return this.state;
	}

	static fromJSON(value: unknown): World {
		const state = value as Partial<WorldState> | null;
		if (!state || state.version !== 1 || !Array.isArray(state.chats) || !Array.isArray(state.users)) {
			throw new Error('not a sandbox world state (version 1)');
		}
		const seed = World.seed();
		return new World({ ...seed, ...(state as WorldState), counters: { ...seed.counters, ...state.counters } });
	}
}
