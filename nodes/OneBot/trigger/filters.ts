import type { IDataObject } from 'n8n-workflow';

import { BoundedSet, type FrameCheck } from '../../shared/connection';
import {
	deriveFields,
	eventSegments,
	idText,
	isMessageEvent,
	isOwnMessage,
	matchCommand,
	mentionsSelf,
	messageText,
	type CommandMatch,
	type OneBotEvent,
} from './derive';
import { matchesEventTypes } from './eventTypes';
import type { TriggerFilterResult } from '../../shared/trigger/listenerTrigger';

/** Everything that decides whether an event starts an execution. */
export interface FilterConfig {
	/** Selected event-type paths (empty: everything except meta events). */
	eventTypes: ReadonlySet<string>;
	/** message_type values for message events (empty: all). */
	messageTypes: ReadonlySet<string>;
	/** Bot QQ numbers (self_id) to listen to (empty: all). */
	selfIds: ReadonlySet<string>;
	groupAllow: ReadonlySet<string>;
	groupDeny: ReadonlySet<string>;
	userAllow: ReadonlySet<string>;
	userDeny: ReadonlySet<string>;
	/** Lower-cased keywords; a message must contain at least one (empty: no keyword filter). */
	keywords: readonly string[];
	regex?: RegExp;
	/** Command prefixes such as `/`; when set, a message must start with one of them. */
	commandPrefixes: readonly string[];
	/** Lower-cased command names; when set, the command must be one of them. */
	commandNames: ReadonlySet<string>;
	/** Group and guild messages must @ the bot. */
	onlyWhenMentioned: boolean;
	/** Drop `message_sent` and messages whose user_id is the bot's self_id. */
	ignoreSelf: boolean;
	/** Remember this many message ids and drop repeats (0: no de-duplication). */
	dedupeSize: number;
}

export const DEFAULT_DEDUPE_SIZE = 1000;

export function defaultFilterConfig(overrides: Partial<FilterConfig> = {}): FilterConfig {
	return {
		eventTypes: new Set(),
		messageTypes: new Set(),
		selfIds: new Set(),
		groupAllow: new Set(),
		groupDeny: new Set(),
		userAllow: new Set(),
		userDeny: new Set(),
		keywords: [],
		commandPrefixes: [],
		commandNames: new Set(),
		onlyWhenMentioned: false,
		ignoreSelf: true,
		dedupeSize: DEFAULT_DEDUPE_SIZE,
		...overrides,
	};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shape check for frames from a OneBot backend: events pass, API answers are ignored. */
export function checkOneBotFrame(value: unknown): FrameCheck<OneBotEvent> {
	if (!isPlainObject(value)) return { kind: 'reject', reason: 'it is not a JSON object' };
	if (typeof value.post_type === 'string' && value.post_type !== '') {
		return { kind: 'accept', value: value as OneBotEvent };
	}
	if ('retcode' in value || 'echo' in value) return { kind: 'ignore' };
	return { kind: 'reject', reason: 'it has no post_type, so it is not a OneBot event' };
}

/**
 * Applies the filters in a fixed order and builds the item to emit: the event as sent plus
 * `text`, `segments`, `isAtMe`, `isSelf` and, when a command prefix matched, `command` and `args`.
 * Keeps the de-duplication memory, so one instance serves one trigger (all its connections).
 */
export class EventFilter {
	private readonly seen: BoundedSet | undefined;

	constructor(
		readonly config: FilterConfig,
		seen?: BoundedSet,
	) {
		this.seen = config.dedupeSize > 0 ? (seen ?? new BoundedSet(config.dedupeSize)) : undefined;
	}

	apply(event: OneBotEvent): TriggerFilterResult {
		const c = this.config;
		if (!matchesEventTypes(event, c.eventTypes)) return drop(`event type ${describeType(event)} is not selected`);

		const selfId = idText(event.self_id);
		if (c.selfIds.size > 0 && (selfId === undefined || !c.selfIds.has(selfId))) {
			return drop(`self_id ${selfId ?? '(none)'} is not in the bot list`);
		}

		const message = isMessageEvent(event);
		if (message && c.messageTypes.size > 0) {
			const type = typeof event.message_type === 'string' ? event.message_type : '';
			if (!c.messageTypes.has(type)) return drop(`message_type ${type || '(none)'} is not selected`);
		}

		// The cheap fields first: the segments and the item are only built for events that get this far.
		const userId = idText(event.user_id);
		if (message && c.ignoreSelf && isOwnMessage(event, selfId, userId)) return drop("it is the bot's own message");

		const groupId = idText(event.group_id);
		if (c.groupAllow.size > 0 && (groupId === undefined || !c.groupAllow.has(groupId))) {
			return drop(`group ${groupId ?? '(none)'} is not in the allowed groups`);
		}
		if (groupId !== undefined && c.groupDeny.has(groupId)) return drop(`group ${groupId} is ignored`);

		if (c.userAllow.size > 0 && (userId === undefined || !c.userAllow.has(userId))) {
			return drop(`user ${userId ?? '(none)'} is not in the allowed users`);
		}
		if (userId !== undefined && c.userDeny.has(userId)) return drop(`user ${userId} is ignored`);

		let command: CommandMatch | undefined;
		if (message) {
			const type = event.message_type;
			if (c.onlyWhenMentioned && type !== 'private' && !mentionsSelf(eventSegments(event), selfId)) {
				return drop('the bot is not @-mentioned');
			}
			const needsText = c.keywords.length > 0 || c.regex !== undefined || c.commandPrefixes.length > 0;
			const text = needsText ? messageText(event) : '';
			if (c.keywords.length > 0) {
				const lower = text.toLowerCase();
				if (!c.keywords.some((k) => lower.includes(k))) return drop('no keyword matched');
			}
			if (c.regex) {
				c.regex.lastIndex = 0;
				if (!c.regex.test(text)) return drop('the regular expression did not match');
			}
			if (c.commandPrefixes.length > 0) {
				command = matchCommand(text, c.commandPrefixes);
				if (!command) return drop('no command prefix matched');
				if (c.commandNames.size > 0 && !c.commandNames.has(command.command.toLowerCase())) {
					return drop(`command "${command.command}" is not in the command list`);
				}
			}
		}

		if (this.seen && message) {
			const messageId = idText(event.message_id);
			if (messageId !== undefined && !this.seen.add(`${selfId ?? ''}:${messageId}`)) {
				return drop(`message ${messageId} was already delivered`);
			}
		}
		// Object.assign, not `{ ...event, ...derived }`: on Node 20 spreading a JSON.parse object
		// together with more properties costs tens of microseconds (see bench/), Object.assign does not.
		const item: IDataObject = Object.assign({}, event, deriveFields(event)) as IDataObject;
		if (command) {
			item.command = command.command;
			item.args = command.args;
		}
		return { pass: true, item };
	}
}

function drop(reason: string): TriggerFilterResult {
	return { pass: false, reason };
}

function describeType(event: Record<string, unknown>): string {
	let text = '';
	for (const part of [event.post_type, event.message_type ?? event.notice_type ?? event.request_type ?? event.meta_event_type, event.sub_type]) {
		if (typeof part === 'string' && part !== '') text = text === '' ? part : `${text}.${part}`;
	}
	return text || '(unknown)';
}
