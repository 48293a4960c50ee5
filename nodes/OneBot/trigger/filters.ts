import type { IDataObject } from 'n8n-workflow';

import { BoundedPairSet, type FrameCheck } from '../../shared/connection';
import { idKey } from '../../shared/trigger/ids';
import {
	addDerivedFields,
	eventSegments,
	idText,
	isBotId,
	isMessageEvent,
	matchSortedCommand,
	mentionsBot,
	messageText,
	sortPrefixes,
	type CommandMatch,
	type OneBotEvent,
} from './derive';
import { eventTypeMatcher } from './eventTypes';
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
	/** Pairs (self_id, message_id), ids as idKey makes them ('' for a missing self_id). */
	private readonly seen: BoundedPairSet | undefined;

	private readonly typeSelected: (event: Record<string, unknown>) => boolean;

	private readonly prefixes: readonly string[];

	private readonly selfIds: IdMatcher;

	private readonly groupAllow: IdMatcher;

	private readonly groupDeny: IdMatcher;

	private readonly userAllow: IdMatcher;

	private readonly userDeny: IdMatcher;

	constructor(
		readonly config: FilterConfig,
		seen?: BoundedPairSet,
	) {
		this.seen = config.dedupeSize > 0 ? (seen ?? new BoundedPairSet(config.dedupeSize)) : undefined;
		this.typeSelected = eventTypeMatcher(config.eventTypes);
		this.prefixes = sortPrefixes(config.commandPrefixes);
		this.selfIds = idMatcher(config.selfIds);
		this.groupAllow = idMatcher(config.groupAllow);
		this.groupDeny = idMatcher(config.groupDeny);
		this.userAllow = idMatcher(config.userAllow);
		this.userDeny = idMatcher(config.userDeny);
	}

	/**
	 * `owned`: the event was parsed for this call and nothing else holds it (a WebSocket frame), so
	 * the item is the event itself with the derived fields added, not a copy: same keys, same order.
	 */
	apply(event: OneBotEvent, owned = false): TriggerFilterResult {
		const c = this.config;
		if (!this.typeSelected(event)) return drop(`event type ${describeType(event)} is not selected`);

		// Ids are compared as sent (numbers as numbers): the text of an id is only made for a reason or a key.
		if (c.selfIds.size > 0 && !this.selfIds(event.self_id)) {
			return drop(`self_id ${idText(event.self_id) ?? '(none)'} is not in the bot list`);
		}

		const message = isMessageEvent(event);
		if (message && c.messageTypes.size > 0) {
			const type = typeof event.message_type === 'string' ? event.message_type : '';
			if (!c.messageTypes.has(type)) return drop(`message_type ${type || '(none)'} is not selected`);
		}

		// The cheap fields first: the segments and the item are only built for events that get this far.
		if (message && c.ignoreSelf && (event.post_type === 'message_sent' || isBotId(event.user_id, event))) return OWN_MESSAGE;

		if (c.groupAllow.size > 0 && !this.groupAllow(event.group_id)) {
			return drop(`group ${idText(event.group_id) ?? '(none)'} is not in the allowed groups`);
		}
		if (c.groupDeny.size > 0 && this.groupDeny(event.group_id)) return drop(`group ${idText(event.group_id)} is ignored`);

		if (c.userAllow.size > 0 && !this.userAllow(event.user_id)) {
			return drop(`user ${idText(event.user_id) ?? '(none)'} is not in the allowed users`);
		}
		if (c.userDeny.size > 0 && this.userDeny(event.user_id)) return drop(`user ${idText(event.user_id)} is ignored`);

		let command: CommandMatch | undefined;
		if (message) {
			const type = event.message_type;
			if (c.onlyWhenMentioned && type !== 'private' && !mentionsBot(eventSegments(event), event)) {
				return NOT_MENTIONED;
			}
			const needsText = c.keywords.length > 0 || c.regex !== undefined || c.commandPrefixes.length > 0;
			const text = needsText ? messageText(event) : '';
			if (c.keywords.length > 0 && !containsKeyword(text.toLowerCase(), c.keywords)) return NO_KEYWORD;
			if (c.regex) {
				c.regex.lastIndex = 0;
				if (!c.regex.test(text)) return NO_REGEX_MATCH;
			}
			if (c.commandPrefixes.length > 0) {
				command = matchSortedCommand(text, this.prefixes);
				if (!command) return NO_PREFIX;
				if (c.commandNames.size > 0 && !c.commandNames.has(command.command.toLowerCase())) {
					return drop(`command "${command.command}" is not in the command list`);
				}
			}
		}

		if (this.seen && message) {
			// keyed by the ids as sent (idKey): no text is made for a numeric id
			const messageKey = idKey(event.message_id);
			if (messageKey !== undefined && !this.seen.add(idKey(event.self_id) ?? '', messageKey)) {
				return drop(`message ${idText(event.message_id)} was already delivered`);
			}
		}
		// Object.assign, not `{ ...event, ...derived }`: on Node 20 spreading a JSON.parse object
		// together with more properties costs tens of microseconds (see bench/), Object.assign does not.
		const item = addDerivedFields(owned ? event : Object.assign({}, event), event) as IDataObject;
		if (command) {
			item.command = command.command;
			item.args = command.args;
		}
		return { pass: true, item };
	}
}

/** Whether an id as sent (number, digit string, BigInt) is in a set of id texts: `set.has(idText(value))`. */
export type IdMatcher = (value: unknown) => boolean;

/**
 * The matcher of a set of id texts. A number is looked up as a number among the ids whose text is
 * that number's own text ("007" is not 7, as before), so no string is made for it.
 */
export function idMatcher(ids: ReadonlySet<string>): IdMatcher {
	const numbers = new Set<number>();
	for (const id of ids) {
		const n = Number(id);
		if (Number.isSafeInteger(n) && String(n) === id) numbers.add(n);
	}
	return (value) => {
		if (typeof value === 'number' && Number.isSafeInteger(value)) return numbers.has(value);
		const text = idText(value);
		return text !== undefined && ids.has(text);
	};
}

function containsKeyword(lower: string, keywords: readonly string[]): boolean {
	for (let i = 0; i < keywords.length; i++) if (lower.includes(keywords[i])) return true;
	return false;
}

function drop(reason: string): TriggerFilterResult {
	return { pass: false, reason };
}

// The drops whose reason names nothing of the event: one object each, not one per event.
const OWN_MESSAGE = Object.freeze(drop("it is the bot's own message"));
const NOT_MENTIONED = Object.freeze(drop('the bot is not @-mentioned'));
const NO_KEYWORD = Object.freeze(drop('no keyword matched'));
const NO_REGEX_MATCH = Object.freeze(drop('the regular expression did not match'));
const NO_PREFIX = Object.freeze(drop('no command prefix matched'));

function describeType(event: Record<string, unknown>): string {
	let text = '';
	for (const part of [event.post_type, event.message_type ?? event.notice_type ?? event.request_type ?? event.meta_event_type, event.sub_type]) {
		if (typeof part === 'string' && part !== '') text = text === '' ? part : `${text}.${part}`;
	}
	return text || '(unknown)';
}
