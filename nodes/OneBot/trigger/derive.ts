import { parseCQString, type Segment } from '../message/cqcode';

/** A OneBot event as it arrived: a JSON object with at least a `post_type` string. */
export type OneBotEvent = Record<string, unknown> & { post_type: string };

/** The fields the trigger adds to every emitted event. */
export interface DerivedFields {
	/** The message's plain text: every text segment joined, trimmed ('' for non-message events). */
	text: string;
	/** The message as segments, always an array (parsed from CQ code when the event has a string). */
	segments: Segment[];
	/** Whether a segment `at` names the bot (`data.qq` = self_id). */
	isAtMe: boolean;
	/** Whether the message is the bot's own (`message_sent`, or `user_id` = `self_id`). */
	isSelf: boolean;
	/** The command name, when a command prefix matched. */
	command?: string;
	/** The words after the command, when a command prefix matched. */
	args?: string[];
}

export function isMessageEvent(event: Record<string, unknown>): boolean {
	return event.post_type === 'message' || event.post_type === 'message_sent';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids as strings, whether the backend sent numbers or strings (no precision games). */
export function idText(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	return undefined;
}

/**
 * Any `message` value as a segment array, tolerant of what backends send: a CQ-code string is
 * parsed, an array keeps its well-formed segments (`data: null` → `{}`), a single segment object
 * becomes a one-element array. Falls back to `raw_message` (CQ code) when `message` is missing.
 */
export function eventSegments(event: Record<string, unknown>): Segment[] {
	const message = event.message !== undefined ? event.message : event.raw_message;
	if (typeof message === 'string') return parseCQString(message);
	const items = Array.isArray(message) ? message : isPlainObject(message) ? [message] : [];
	const out: Segment[] = [];
	for (const item of items) {
		if (!isPlainObject(item) || typeof item.type !== 'string') continue;
		out.push({ type: item.type, data: isPlainObject(item.data) ? { ...item.data } : {} });
	}
	return out;
}

export function segmentsText(segments: readonly Segment[]): string {
	return segments
		.filter((s) => s.type === 'text')
		.map((s) => (typeof s.data.text === 'string' ? s.data.text : s.data.text === undefined ? '' : String(s.data.text)))
		.join('')
		.trim();
}

/**
 * The same text as `segmentsText(eventSegments(event))`, without building the segments when the
 * message is already an array (what the filters need for every event).
 */
export function messageText(event: Record<string, unknown>): string {
	const message = event.message !== undefined ? event.message : event.raw_message;
	if (!Array.isArray(message)) return segmentsText(eventSegments(event));
	let text = '';
	for (const item of message) {
		if (!isPlainObject(item) || item.type !== 'text') continue;
		const value = isPlainObject(item.data) ? item.data.text : undefined;
		text += typeof value === 'string' ? value : value === undefined ? '' : String(value);
	}
	return text.trim();
}

/** Whether the message is the bot's own (`message_sent`, or `user_id` = `self_id`). */
export function isOwnMessage(event: Record<string, unknown>, selfId: string | undefined, userId: string | undefined): boolean {
	return event.post_type === 'message_sent' || (selfId !== undefined && userId === selfId);
}

export function mentionsSelf(segments: readonly Segment[], selfId: string | undefined): boolean {
	if (selfId === undefined) return false;
	return segments.some((s) => s.type === 'at' && idText(s.data.qq) === selfId);
}

export interface CommandMatch {
	prefix: string;
	command: string;
	args: string[];
}

/**
 * Splits `<prefix><command> <arg> <arg>...` (longest prefix first). An empty prefix list or text
 * without one of them matches nothing; so does a prefix followed by nothing.
 */
export function matchCommand(text: string, prefixes: readonly string[]): CommandMatch | undefined {
	const trimmed = text.trim();
	const sorted = [...prefixes].filter((p) => p !== '').sort((a, b) => b.length - a.length);
	for (const prefix of sorted) {
		if (!trimmed.startsWith(prefix)) continue;
		const words = trimmed.slice(prefix.length).trim().split(/\s+/).filter((w) => w !== '');
		if (words.length === 0) return undefined;
		return { prefix, command: words[0], args: words.slice(1) };
	}
	return undefined;
}

/** The derived fields of one event (command/args are added by the filter when a prefix matched). */
export function deriveFields(event: Record<string, unknown>): DerivedFields {
	if (!isMessageEvent(event)) return { text: '', segments: [], isAtMe: false, isSelf: false };
	const segments = eventSegments(event);
	const selfId = idText(event.self_id);
	const userId = idText(event.user_id);
	return {
		text: segmentsText(segments),
		segments,
		isAtMe: mentionsSelf(segments, selfId),
		isSelf: isOwnMessage(event, selfId, userId),
	};
}
