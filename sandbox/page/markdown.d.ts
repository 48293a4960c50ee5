// Types for markdown.js.
import type { Child, VNode } from './vnode.js';
export interface MarkdownContext {
	mentionName?: (id: string) => string | undefined;
	channelName?: (id: string) => string | undefined;
	botId?: string;
}
export function renderMarkdown(text: unknown, ctx?: MarkdownContext): VNode;
export function inline(text: string, ctx?: MarkdownContext, depth?: number): Child[];
export function markdownToPlain(text: unknown): string;
