import { idText, sameId } from '../../shared/trigger/ids';
import { parseCQString, type Segment } from '../message/cqcode';

/** A OneBot event as it arrived: a JSON object with at least a `post_type` string. */
export type OneBotEvent = Record<string, unknown> & { post_type: string };

/** The fields the trigger adds to every emitted event. */
export interface DerivedFields {
	/** The message's plain text: every text segment joined, trimmed ('' for non-message events). */
	text: string;
	/** The message as segments, always an array (parsed from CQ code when the event has a string). */
	segments: Segment[];
	/** Whether a segment `at` names the bot (`data.qq` = self_id; in a guild, self_tiny_id). */
	isAtMe: boolean;
	/** Whether the message is the bot's own (`message_sent`, or `user_id` = `self_id`; in a guild, self_tiny_id). */
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
export { idText };

/**
 * Any `message` value as a segment array, tolerant of what backends send: a CQ-code string is
 * parsed, an array keeps its well-formed segments (`data: null` → `{}`), a single segment object
 * becomes a one-element array. Falls back to `raw_message` (CQ code) when `message` is missing.
 */
export function eventSegments(event: Record<string, unknown>): Segment[] {
	const message = event.message !== undefined ? event.message : event.raw_message;
	if (typeof message === 'string') return parseCQString(message);
	const out: Segment[] = [];
	if (Array.isArray(message)) {
		for (let i = 0; i < message.length; i++) {
			const segment = toSegment(message[i]);
			if (segment) out.push(segment);
		}
	} else {
		const segment = toSegment(message);
		if (segment) out.push(segment);
	}
	return out;
}

/** A well-formed segment as a copy (`data: null` → `{}`), or undefined. */
function toSegment(item: unknown): Segment | undefined {
	if (!isPlainObject(item) || typeof item.type !== 'string') return undefined;
	return { type: item.type, data: isPlainObject(item.data) ? { ...item.data } : {} };
}

/** A text segment's text: a string as is, a missing one as '', anything else through String. */
function textOf(value: unknown): string {
	return typeof value === 'string' ? value : value === undefined ? '' : String(value);
}

export function segmentsText(segments: readonly Segment[]): string {
	let text = '';
	for (let i = 0; i < segments.length; i++) {
		const s = segments[i];
		if (s.type === 'text') text += textOf(s.data.text);
	}
	return text.trim();
}

/**
 * The same text as `segmentsText(eventSegments(event))`, without building the segments when the
 * message is already an array (what the filters need for every event).
 */
export function messageText(event: Record<string, unknown>): string {
	const message = event.message !== undefined ? event.message : event.raw_message;
	if (!Array.isArray(message)) return segmentsText(eventSegments(event));
	let text = '';
	for (let i = 0; i < message.length; i++) {
		const item: unknown = message[i];
		if (!isPlainObject(item) || item.type !== 'text') continue;
		text += textOf(isPlainObject(item.data) ? item.data.text : undefined);
	}
	return text.trim();
}

/**
 * Whether the message is the bot's own (`message_sent`, or `user_id` = `self_id`). In a guild
 * (go-cqhttp's message_type guild) users are named by tiny id: there `user_id` is compared with
 * `self_tiny_id` as well.
 */
export function isOwnMessage(
	event: Record<string, unknown>,
	selfId: string | undefined,
	userId: string | undefined,
	selfTinyId?: string,
): boolean {
	if (event.post_type === 'message_sent') return true;
	if (userId === undefined) return false;
	return userId === selfId || userId === selfTinyId;
}

/** Whether an `at` segment names the bot: its QQ number, or in a guild its tiny id (`self_tiny_id`). */
export function mentionsSelf(segments: readonly Segment[], selfId: string | undefined, selfTinyId?: string): boolean {
	if (selfId === undefined && selfTinyId === undefined) return false;
	for (let i = 0; i < segments.length; i++) {
		if (segments[i].type !== 'at') continue;
		const qq = idText(segments[i].data.qq);
		if (qq !== undefined && (qq === selfId || qq === selfTinyId)) return true;
	}
	return false;
}

/**
 * Whether an id as sent is the bot's: `self_id`, or in a guild `self_tiny_id` (guild messages name
 * users, the bot included, by tiny id). Compared as sent (sameId): no text is made for a number.
 */
export function isBotId(value: unknown, event: Record<string, unknown>): boolean {
	if (sameId(value, event.self_id)) return true;
	const tiny = event.self_tiny_id;
	return tiny !== undefined && sameId(value, tiny);
}

/** Whether an `at` segment names the bot (isBotId: `self_id`, in a guild `self_tiny_id`), the ids compared as sent. */
export function mentionsBot(segments: readonly Segment[], event: Record<string, unknown>): boolean {
	for (let i = 0; i < segments.length; i++) {
		if (segments[i].type === 'at' && isBotId(segments[i].data.qq, event)) return true;
	}
	return false;
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
	return matchSortedCommand(text, sortPrefixes(prefixes));
}

/** Command prefixes as matchCommand tries them: blanks dropped, longest first. */
export function sortPrefixes(prefixes: readonly string[]): string[] {
	return prefixes.filter((p) => p !== '').sort((a, b) => b.length - a.length);
}

/** matchCommand with prefixes already sorted by sortPrefixes (the trigger sorts them once). */
export function matchSortedCommand(text: string, sorted: readonly string[]): CommandMatch | undefined {
	const trimmed = text.trim();
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
	return addDerivedFields({}, event) as unknown as DerivedFields;
}

/**
 * Sets the derived fields of `event` on `target` (text, segments, isAtMe, isSelf, in that order)
 * and returns it: `addDerivedFields(copy, event)` is `Object.assign(copy, deriveFields(event))`
 * without the intermediate object. `target` may be the event itself.
 */
export function addDerivedFields(target: Record<string, unknown>, event: Record<string, unknown>): Record<string, unknown> {
	if (!isMessageEvent(event)) {
		target.text = '';
		target.segments = [];
		target.isAtMe = false;
		target.isSelf = false;
		return target;
	}
	const segments = eventSegments(event);
	// isOwnMessage and mentionsSelf, with the ids compared as sent (sameId): no text is made for them
	const isSelf = event.post_type === 'message_sent' || isBotId(event.user_id, event);
	const isAtMe = mentionsBot(segments, event);
	target.text = segmentsText(segments);
	target.segments = segments;
	target.isAtMe = isAtMe;
	target.isSelf = isSelf;
	return target;
}
