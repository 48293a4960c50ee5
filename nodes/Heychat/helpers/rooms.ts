import type { IDataObject } from 'n8n-workflow';

import { splitNames } from '../../shared/listParameters';
import { InputError, parseJson } from '../../shared/validation';

/*
 * Reading Heychat's room list and channel trees, whose answers the reference marks UNCERTAIN
 * (heychat-api §3.5): every shape a source documents is accepted, nothing else is guessed.
 *   GET /chatroom/v2/room/joined: result{rooms:[Room], total, offset, limit} (doc, ONEBOTS)
 *                                 or result{rooms:{rooms:[Room], total, offset, limit}} (APIFOX, HBNET)
 *   GET /chatroom/v2/room/view:   result{room{…}, channels:[{channel_id, channel_name, channel_type,
 *                                 parent_id, channel_list:[…nested]}]}
 * Channel types (§8.2, CERTAIN): 0 voice, 1 text, 2 announcement, 3 category, 4 temporary,
 * 5 temporary-channel manager.
 */

/** Rooms per page of room/joined (its documented maximum). */
export const ROOM_PAGE_SIZE = 50;
/** The most pages read (10,000 rooms): a list that does not end by then is an error, not a guess. */
export const MAX_ROOM_PAGES = 200;

export const TEXT_CHANNEL_TYPE = 1;

const CHANNEL_TYPE_NAMES: Record<number, string> = {
	0: 'voice',
	1: 'text',
	2: 'announcement',
	3: 'category',
	4: 'temporary',
	5: 'temporary manager',
};

/** A channel type's name ("voice"), or undefined for a type the reference does not list. */
export function channelTypeName(type: unknown): string | undefined {
	const n = channelTypeOf(type);
	return n === undefined ? undefined : CHANNEL_TYPE_NAMES[n];
}

function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An id as Heychat sends it (digit string, number or bigint) as a digit string; undefined otherwise. */
export function idText(value: unknown): string | undefined {
	const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'bigint' ? value.toString() : '';
	return /^\d+$/.test(text) ? text : undefined;
}

function count(value: unknown): number | undefined {
	const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** channel_type as a number (Heychat sends 1; "1" is read too); undefined when absent or not a number. */
export function channelTypeOf(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isInteger(value)) return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
	return undefined;
}

export interface RoomPage {
	rooms: IDataObject[];
	/** How many rooms the bot is in, when the answer says. */
	total?: number;
}

/**
 * One page of room/joined, flat or nested (or a bare array of rooms). Undefined when the answer
 * has no list of rooms at all.
 */
export function readRoomPage(result: unknown): RoomPage | undefined {
	if (Array.isArray(result)) return { rooms: result.filter(isObject) };
	if (!isObject(result)) return undefined;
	let holder: IDataObject = result;
	let list: unknown = result.rooms;
	if (isObject(list)) {
		holder = list;
		list = list.rooms;
	}
	if (!Array.isArray(list)) return undefined;
	return { rooms: list.filter(isObject), total: count(holder.total) ?? count(result.total) };
}

/** Channels in a channel tree, every depth of channel_list flattened, in tree order, each once. */
export function flattenChannels(list: unknown, out: IDataObject[] = [], seen = new Set<string>()): IDataObject[] {
	if (!Array.isArray(list)) return out;
	for (const channel of list as unknown[]) {
		if (!isObject(channel)) continue;
		if (channel.channel_id !== undefined && channel.channel_id !== null) {
			const key = String(channel.channel_id);
			if (!seen.has(key)) {
				seen.add(key);
				out.push(channel);
			}
		}
		flattenChannels(channel.channel_list, out, seen);
	}
	return out;
}

/**
 * The channels of a room/view answer, flattened: `channels` (also under `room`, or nested as
 * `channels.channels`). Undefined when the answer has no channel list.
 */
export function roomViewChannels(result: unknown): IDataObject[] | undefined {
	if (!isObject(result)) return undefined;
	let list: unknown = result.channels ?? (isObject(result.room) ? result.room.channels : undefined);
	if (isObject(list)) list = list.channels ?? list.channel_list;
	return Array.isArray(list) ? flattenChannels(list) : undefined;
}

function nameKey(name: unknown): string {
	return typeof name === 'string' ? name.normalize('NFC').trim().toLowerCase() : '';
}

function describeChannel(channel: IDataObject): string {
	const type = channelTypeName(channel.channel_type);
	const id = idText(channel.channel_id) ?? String(channel.channel_id);
	const kind = type ? `${type} channel` : `channel of type ${String(channel.channel_type)}`;
	return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} ${id}`;
}

export type ChannelPick =
	| { channel: { channel_id: string; channel_name: string } }
	| { problem: string; description: string };

/**
 * The text channel named `wanted` (case-insensitive, exact) among a room's channels. Exactly one
 * must match; a channel of that name without a channel_type counts against it, because the node
 * cannot tell it from a voice channel. Never picks a channel that is not a text channel.
 */
export function pickTextChannel(channels: IDataObject[], wanted: string): ChannelPick {
	const key = nameKey(wanted);
	const named = channels.filter((c) => nameKey(c.channel_name) === key);
	const text = named.filter((c) => channelTypeOf(c.channel_type) === TEXT_CHANNEL_TYPE);
	const untyped = named.filter((c) => channelTypeOf(c.channel_type) === undefined);
	const other = named.filter((c) => !text.includes(c) && !untyped.includes(c));
	if (untyped.length > 0) {
		return {
			problem: `has a channel named "${wanted}" without a channel type (channel ${untyped.map((c) => String(c.channel_id)).join(', ')})`,
			description:
				'Heychat\'s room view did not say whether it is a text channel, and the node sends only to text channels (channel_type 1) without guessing. Send to it with "List of Channels", or leave the room out with "Except Rooms".',
		};
	}
	if (text.length > 1) {
		return {
			problem: `has ${text.length} text channels named "${wanted}" (${text.map((c) => idText(c.channel_id) ?? String(c.channel_id)).join(', ')})`,
			description: 'The node does not pick one of them. Rename all but one, or leave the room out with "Except Rooms".',
		};
	}
	if (text.length === 0) {
		return {
			problem: `has no text channel named "${wanted}"${other.length > 0 ? ` (only ${other.map(describeChannel).join(', ')})` : ''}`,
			description:
				'Channel names are matched exactly, ignoring case, and only text channels are used. Leave the room out with "Except Rooms", or add a text channel of that name to it.',
		};
	}
	const id = idText(text[0].channel_id);
	if (id === undefined) {
		return {
			problem: `has a text channel named "${wanted}" whose channel_id is not an ID (${JSON.stringify(text[0].channel_id)})`,
			description: 'Heychat answered a channel id the node cannot send to.',
		};
	}
	return { channel: { channel_id: id, channel_name: typeof text[0].channel_name === 'string' ? text[0].channel_name : wanted } };
}

/**
 * A list of room IDs typed into `field`: separated by commas (`,` `，` `、`) or new lines, or a JSON array of IDs
 * (or of {"room_id"} objects). Empty is allowed.
 */
export function parseRoomIds(field: string, value: unknown): Set<string> {
	const text = typeof value === 'string' ? value.trim() : '';
	const json = Array.isArray(value) ? value : text.startsWith('[') ? parseJson(field, text) : undefined;
	if (json !== undefined && !Array.isArray(json)) throw new InputError(field, `"${field}" must be a JSON array of room IDs`);
	const entries: unknown[] = Array.isArray(json) ? json : typeof value === 'number' || typeof value === 'bigint' ? [value] : splitNames(text);
	const ids = new Set<string>();
	entries.forEach((entry, i) => {
		const raw = isObject(entry) ? (entry.room_id ?? entry.roomId) : entry;
		const id = idText(raw);
		if (id === undefined) {
			throw new InputError(field, `"${field}" entry ${i + 1} must be a room ID (digits), e.g. 3663316788315193344, got ${JSON.stringify(typeof raw === 'bigint' ? String(raw) : raw)}`);
		}
		ids.add(id);
	});
	return ids;
}
