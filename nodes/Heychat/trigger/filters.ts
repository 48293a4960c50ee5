import type { IDataObject } from 'n8n-workflow';

import { BoundedPairSet } from '../../shared/connection';
import { idSet, splitList, type ParameterReader } from '../../shared/listParameters';
import { InputError } from '../../shared/validation';
import { idKey } from '../../shared/trigger/ids';
import {
	addDerivedFields,
	ALL_EVENTS,
	channelIdOf,
	commandNameOf,
	idText,
	KNOWN_EVENT_TYPES,
	roomIdOf,
	sequenceKey,
	type HeychatFrame,
} from './events';
import type { TriggerFilterResult } from '../../shared/trigger/listenerTrigger';

/** Everything that decides whether a Heychat event starts an execution. */
export interface HeychatFilterConfig {
	/** Selected wire types; ALL_EVENTS lets every type through (empty: the four known types). */
	eventTypes: ReadonlySet<string>;
	/** Normalised command names (see normaliseCommand); empty: every command. */
	commandNames: ReadonlySet<string>;
	/** Room ids; empty: every room. */
	roomIds: ReadonlySet<string>;
	/** Channel ids; empty: every channel. */
	channelIds: ReadonlySet<string>;
	/** Remember this many keys and drop repeats (0: no de-duplication). */
	dedupeSize: number;
}

export const DEFAULT_DEDUPE_SIZE = 1000;

export function defaultHeychatFilterConfig(overrides: Partial<HeychatFilterConfig> = {}): HeychatFilterConfig {
	return {
		eventTypes: new Set(['50']),
		commandNames: new Set(),
		roomIds: new Set(),
		channelIds: new Set(),
		dedupeSize: DEFAULT_DEDUPE_SIZE,
		...overrides,
	};
}

/** "/Weather", "weather " and "weather" all name the same command. */
export function normaliseCommand(name: string): string {
	return name.trim().replace(/^\/+/, '').toLowerCase();
}

function drop(reason: string): TriggerFilterResult {
	return { pass: false, reason };
}

/**
 * Applies the filters and builds the item to emit. Keeps the de-duplication memory (a bot
 * command's msg_id; a frame's sequence within one connection), so one instance serves one trigger.
 */
export class HeychatEventFilter {
	/** Pairs (COMMANDS, msg_id) for commands, (connection, sequence) for other frames; ids as idKey makes them. */
	private readonly seen: BoundedPairSet | undefined;

	constructor(readonly config: HeychatFilterConfig) {
		this.seen = config.dedupeSize > 0 ? new BoundedPairSet(config.dedupeSize) : undefined;
	}

	/** Command names as sent → normalised: a bot has few commands, so this stays small (and is bounded). */
	private readonly normalised = new Map<string, string>();

	private normalisedCommand(name: string): string {
		let value = this.normalised.get(name);
		if (value === undefined) {
			if (this.normalised.size >= 256) this.normalised.clear();
			value = normaliseCommand(name);
			this.normalised.set(name, value);
		}
		return value;
	}

	/**
	 * `connection` numbers the gateway connection the frame came on (sequences restart per
	 * connection). `owned`: nothing else holds the frame, so the item is built in place (addDerivedFields).
	 */
	apply(frame: HeychatFrame, connection = 0, owned = false): TriggerFilterResult {
		const c = this.config;
		const types = c.eventTypes;
		if (!types.has(ALL_EVENTS)) {
			const selected = types.size > 0 ? types.has(frame.type) : KNOWN_EVENT_TYPES.has(frame.type);
			if (!selected) return drop(`event type "${frame.type}" is not selected`);
		}

		// The cheap fields first: the derived fields and the item are only built for frames that pass.
		const { data } = frame;
		if (frame.type === '50' && c.commandNames.size > 0) {
			const command = commandNameOf(data);
			const name = command === undefined ? '' : this.normalisedCommand(command);
			if (!c.commandNames.has(name)) return drop(`command "${command ?? '(none)'}" is not in the command list`);
		}
		if (c.roomIds.size > 0) {
			const roomId = roomIdOf(data);
			if (roomId === undefined || !c.roomIds.has(roomId)) return drop(`room ${roomId ?? '(none)'} is not in the room list`);
		}
		if (c.channelIds.size > 0) {
			const channelId = channelIdOf(data);
			if (channelId === undefined || !c.channelIds.has(channelId)) {
				return drop(`channel ${channelId ?? '(none)'} is not in the channel list`);
			}
		}

		if (this.seen) {
			// A command is known by its msg_id, which names it across connections (a replay after a
			// reconnect carries a new sequence); its sequence adds nothing. Other frames have no id of
			// their own (a reaction's msg_id is the reacted message): (connection, sequence).
			const msgKey = frame.type === '50' ? idKey(data.msg_id) : undefined;
			if (msgKey !== undefined) {
				if (!this.seen.add(COMMANDS, msgKey)) return drop(`command message ${idText(data.msg_id)} was already delivered`);
			} else {
				const seqKey = sequenceKey(frame);
				if (seqKey !== undefined && !this.seen.add(connection, seqKey)) {
					return drop(`sequence ${frame.sequence} was already delivered on this connection`);
				}
			}
		}
		// Object.assign, not `{ ...raw }`: on Node 20, adding properties to a spread copy of a
		// JSON.parse object costs tens of microseconds (see bench/), Object.assign does not.
		return { pass: true, item: addDerivedFields(owned ? (frame.raw as IDataObject) : Object.assign({}, frame.raw as IDataObject), frame) };
	}
}

/** The de-duplication scope of command msg_ids (connection numbers, the scopes of sequences, are numbers). */
const COMMANDS = 'cmd';

/** The filter configuration from the node's parameters; throws InputError for invalid values. */
export function readHeychatFilterConfig(read: ParameterReader): HeychatFilterConfig {
	const events = read('events', []);
	const eventTypes = new Set<string>();
	for (const value of Array.isArray(events) ? events : []) {
		const v = String(value);
		if (v !== ALL_EVENTS && !KNOWN_EVENT_TYPES.has(v)) throw new InputError('events', `Unknown event type "${v}"`);
		eventTypes.add(v);
	}
	const filters = (read('filters', {}) ?? {}) as IDataObject;
	const options = (read('options', {}) ?? {}) as IDataObject;
	const size = Number(options.dedupeSize ?? DEFAULT_DEDUPE_SIZE);
	return {
		eventTypes,
		commandNames: new Set(splitList(filters.commandNames).map(normaliseCommand).filter((n) => n !== '')),
		roomIds: idSet('Only Rooms', filters.roomIds),
		channelIds: idSet('Only Channels', filters.channelIds),
		dedupeSize:
			options.deduplicate === false ? 0 : Number.isFinite(size) && size >= 1 ? Math.floor(size) : DEFAULT_DEDUPE_SIZE,
	};
}
