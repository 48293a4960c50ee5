// Types for render.mjs; the shapes are the feed frames of sandbox/world/types.ts.
import type { Child, VNode } from './vnode.mjs';
import type { MarkdownContext } from './markdown.mjs';

export type Segment = { type: string; [key: string]: unknown };
export interface Message {
	id: string;
	chatId: string;
	time: number;
	from: { userId: string; name: string; bot: boolean };
	segments: Segment[];
	replyTo?: string;
	edited?: boolean | number;
	reactions?: Array<{ emoji: string; userIds: string[] }>;
	recalled?: boolean;
}
export interface FeedEvent {
	id: string;
	time: number;
	platform: 'onebot' | 'heychat';
	chatId: string | null;
	action: string;
	params: unknown;
	summary: string;
	modelled: boolean;
	ok: boolean;
	error?: string;
}
export interface Member {
	userId: string;
	name: string;
	role?: string;
	mutedUntil?: number;
	card?: string;
	title?: string;
	roles?: Array<string | { id?: string; name?: string }>;
}
export interface Chat {
	id: string;
	platform: 'onebot' | 'heychat';
	kind: 'group' | 'private' | 'channel' | 'dm';
	name: string;
	members?: Member[];
	notices?: Array<{ id: string; text: string; time: number }>;
	room?: string;
}
export interface RenderContext extends MarkdownContext {
	lookup?: (messageId: string) => Message | undefined;
	now?: number;
}

export const FACES: Record<number, string>;
export function initials(name: unknown): string;
export function colorIndex(key: unknown): number;
export function formatTime(ms: number, now?: number): string;
export function toMs(value: unknown): number;
export function plainText(segments: unknown, ctx?: RenderContext): string;
export function linkify(text: string): Child[];
export function renderReplyQuote(messageId: string, ctx?: RenderContext): VNode;
export function renderCard(data: unknown, ctx?: RenderContext): VNode;
export function renderSegment(seg: Segment, ctx?: RenderContext, depth?: number): VNode;
export function renderSegments(segments: unknown, ctx?: RenderContext, depth?: number): VNode[];
export function renderMessage(message: Message, ctx?: RenderContext, opts?: { continued?: boolean; role?: string; highlight?: boolean; canReply?: boolean }): VNode;
export function renderRecalled(message: Message): VNode;
export function renderSystemLine(event: FeedEvent, ctx?: RenderContext): VNode;
export function renderBotCall(event: FeedEvent, ctx?: RenderContext): VNode;
export function sortMembers(members: Member[], botId?: string): Member[];
export function formatDuration(ms: number): string;
export function renderMember(member: Member, ctx?: RenderContext): VNode;
export function renderNotice(notice: { id: string; text: string; time: number }, ctx?: RenderContext): VNode;
export function chatGroups(chats: Chat[]): Array<{ key: string; title: string; icon: string; chats: Chat[] }>;
export function isSystemEvent(event: FeedEvent): boolean;
export function renderReactions(reactions: unknown, ctx?: RenderContext): VNode | null;
export function reactionEmoji(emoji: unknown): string;
export interface Consumers {
	onebot?: { forward?: number; reverse?: number; post?: number };
	heychat?: { gateway?: number };
}
export function renderListeners(consumers: Consumers | undefined): VNode;
