// Types for markdown.mjs.
import type { Child, VNode } from './vnode.mjs';
export interface MarkdownContext {
	mentionName?: (id: string) => string | undefined;
	channelName?: (id: string) => string | undefined;
	botId?: string;
}
export function renderMarkdown(text: unknown, ctx?: MarkdownContext): VNode;
export function inline(text: string, ctx?: MarkdownContext, depth?: number): Child[];
export function markdownToPlain(text: unknown): string;
