// Types for composer.mjs.
import type { Chat, Member } from './render.mjs';
export interface Command {
	name: string;
	description: string;
	options: Array<{ name: string; type: string; description: string }>;
}
export const DEFAULT_COMMANDS: Command[];
export function normaliseCommands(list: unknown): Command[];
export function parseCommand(text: string, commands?: Command[]): { command: string; options: Record<string, string> } | { error: string; command?: undefined };
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null;
export function matchMembers<M extends { userId: string; name: string; card?: string }>(members: M[], query: string, limit?: number): M[];
export function applyMention(text: string, start: number, caret: number, name: string): { text: string; caret: number };
export function speakers(chat: Chat | undefined, botIds?: string[]): Member[];
export function inputFrame(args: { chat: Chat; userId: string; text: string; commands?: Command[]; replyTo?: string }):
	{ frame: { type: 'input'; input: Record<string, unknown> }; error?: undefined } | { error: string; frame?: undefined };
