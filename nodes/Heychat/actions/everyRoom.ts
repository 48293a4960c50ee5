import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { EXCEPT_LIST, TARGET_MODE, sendToTargets, type TargetFailure, type TargetOutcome } from '../../shared/targets';
import { InputError } from '../../shared/validation';
import {
	MAX_ROOM_PAGES,
	ROOM_PAGE_SIZE,
	idText,
	parseRoomIds,
	pickTextChannel,
	readRoomPage,
	roomViewChannels,
} from '../helpers/rooms';
import { callOptions } from './common';
import { catalogGet } from './generic';

/*
 * Send Channel Message → Send To → Every Room the Bot Is In: the rooms from room/joined (every
 * page), minus Except Rooms; in each room the text channel named by Channel Name (from room/view).
 * One outcome per room, in the order Heychat lists the rooms; a room without such a channel, or
 * whose view fails, gets an error outcome and the others go on. Listing the rooms is read once per
 * execution (all items share it, as they share the 300 requests per minute); a listing failure
 * fails the item before anything is sent.
 */

export const CHANNEL_NAME = 'channelName';

/** The "every room" wording of Send To (the other modes count channels). */
export const EVERY_ROOM = {
	noun: 'room',
	plural: 'rooms',
	description: 'Send to one channel (picked by name) in every room the bot is in, except those listed: one output item per room',
	listHint: 'room IDs separated by commas or new lines, or a JSON array',
	listPlaceholder: 'e.g. 3663316788315193344, 3611849174284943360',
};

/** The field that picks the channel in each room (shown for "Every Room the Bot Is In"). */
export function everyRoomProperties(show: { resource: string[]; operation: string[] }): INodeProperties[] {
	return [
		{
			displayName: 'Channel Name',
			name: CHANNEL_NAME,
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. announcements',
			displayOptions: { show: { ...show, [TARGET_MODE]: ['all'] } },
			description:
				'In each room, the text channel with this name (exact, ignoring case). A room without exactly one such text channel gets an error item; voice and other channels are never used.',
		},
	];
}

export interface EveryRoomParams {
	except: Set<string>;
	channelName: string;
}

/** Except Rooms and Channel Name of an item, checked (errors name the field) before anything is fetched. */
export function readEveryRoomParams(this: IExecuteFunctions, itemIndex: number): EveryRoomParams {
	const except = parseRoomIds(EXCEPT_LIST, this.getNodeParameter(EXCEPT_LIST, itemIndex, ''));
	const raw = this.getNodeParameter(CHANNEL_NAME, itemIndex, '');
	const channelName = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (channelName === '') {
		throw new InputError(CHANNEL_NAME, `"Channel Name" (${CHANNEL_NAME}) is required: the name of the text channel to post to in each room`);
	}
	return { except, channelName };
}

export interface JoinedRoom {
	room_id: string;
	room_name?: string;
}

interface RoomCache {
	rooms?: Promise<JoinedRoom[]>;
	channels: Map<string, Promise<IDataObject[]>>;
}

/** What the items of one execution (one node context) have read: the room list and channel trees. */
const caches = new WeakMap<object, RoomCache>();

function cacheOf(ctx: IExecuteFunctions): RoomCache {
	let cache = caches.get(ctx);
	if (!cache) {
		cache = { channels: new Map() };
		caches.set(ctx, cache);
	}
	return cache;
}

/**
 * Every room the bot is in, in Heychat's order, each once: pages of 50 from offset 0 until a page
 * is empty, the answer's total is reached or a page brings no room not seen (a server ignoring
 * offset); more than MAX_ROOM_PAGES pages is an error.
 */
async function readJoinedRooms(this: IExecuteFunctions, itemIndex: number): Promise<JoinedRoom[]> {
	const rooms: JoinedRoom[] = [];
	const seen = new Set<string>();
	let offset = 0;
	for (let page = 0; ; page++) {
		if (page === MAX_ROOM_PAGES) {
			throw new NodeOperationError(
				this.getNode(),
				`Heychat's list of joined rooms did not end within ${MAX_ROOM_PAGES} pages (${MAX_ROOM_PAGES * ROOM_PAGE_SIZE} rooms)`,
				{ itemIndex, description: 'Nothing was sent. Use "List of Channels" to send to a chosen set of channels.' },
			);
		}
		const result = await catalogGet.call(this, 'list_joined_rooms', { offset, limit: ROOM_PAGE_SIZE }, callOptions.call(this, itemIndex));
		const read = readRoomPage(result);
		if (!read) {
			throw new NodeOperationError(this.getNode(), 'Heychat answered list_joined_rooms without a list of rooms', {
				itemIndex,
				description: `Nothing was sent. Expected result.rooms (or result.rooms.rooms) to be a list; got ${JSON.stringify(result)?.slice(0, 200)}`,
			});
		}
		if (read.rooms.length === 0) break;
		let added = 0;
		for (const entry of read.rooms) {
			const id = idText(entry.room_id);
			if (id === undefined) {
				this.logger?.warn(`Heychat: list_joined_rooms listed a room without a usable room_id (${JSON.stringify(entry.room_id)}); it is skipped`);
				continue;
			}
			if (seen.has(id)) continue;
			seen.add(id);
			added++;
			rooms.push(typeof entry.room_name === 'string' ? { room_id: id, room_name: entry.room_name } : { room_id: id });
		}
		offset += read.rooms.length;
		if (read.total !== undefined && offset >= read.total) break;
		if (added === 0) break;
	}
	return rooms;
}

/** The rooms the bot is in, read once per execution (a failed read is not kept). */
async function joinedRooms(this: IExecuteFunctions, itemIndex: number): Promise<JoinedRoom[]> {
	const cache = cacheOf(this);
	if (!cache.rooms) {
		const rooms = readJoinedRooms.call(this, itemIndex);
		cache.rooms = rooms;
		rooms.catch(() => {
			if (cache.rooms === rooms) cache.rooms = undefined;
		});
	}
	return await cache.rooms;
}

/** A room's channels (room/view, flattened), read once per execution (a failed read is not kept). */
async function roomChannels(this: IExecuteFunctions, itemIndex: number, room: JoinedRoom): Promise<IDataObject[]> {
	const cache = cacheOf(this);
	let channels = cache.channels.get(room.room_id);
	if (!channels) {
		channels = (async () => {
			const result = await catalogGet.call(this, 'get_room', { room_id: room.room_id }, callOptions.call(this, itemIndex));
			const list = roomViewChannels(result);
			if (!list) {
				throw new NodeOperationError(this.getNode(), `Heychat answered get_room for room ${roomLabel(room)} without its channels`, {
					itemIndex,
					description: 'Expected result.channels to be a list of channels.',
				});
			}
			return list;
		})();
		const read = channels;
		cache.channels.set(room.room_id, read);
		read.catch(() => {
			if (cache.channels.get(room.room_id) === read) cache.channels.delete(room.room_id);
		});
	}
	return await channels;
}

function roomLabel(room: JoinedRoom): string {
	return room.room_name ? `"${room.room_name}" (${room.room_id})` : room.room_id;
}

export interface RoomChannel {
	room_id: string;
	channel_id: string;
}

/**
 * Sends to the named text channel of every room the bot is in except the listed ones: one outcome
 * per room, `{room_id, room_name, channel_id, channel_name, …}`. The room list is read first (its
 * failure is thrown: nothing sent, and so is a list with no room left to send to); each room's
 * channel tree just before its send.
 */
export async function sendToEveryRoom(
	this: IExecuteFunctions,
	itemIndex: number,
	params: EveryRoomParams,
	post: (target: RoomChannel) => Promise<IDataObject>,
	failure: (error: unknown) => TargetFailure | Promise<TargetFailure>,
): Promise<TargetOutcome[]> {
	const joined = await joinedRooms.call(this, itemIndex);
	const rooms = joined.filter((room) => !params.except.has(room.room_id));
	// Nothing to send is not a success: the item would leave no trace in the output.
	if (rooms.length === 0) {
		throw joined.length === 0
			? new InputError(TARGET_MODE, 'No room to send to: list_joined_rooms lists no rooms the bot is in')
			: new InputError(EXCEPT_LIST, `No room to send to: "${EXCEPT_LIST}" leaves out every room the bot is in (${joined.length})`);
	}
	const picked = new Map<string, { channel_id: string; channel_name: string }>();
	const describe = (room: JoinedRoom): IDataObject => {
		const json: IDataObject = { room_id: room.room_id };
		if (room.room_name !== undefined) json.room_name = room.room_name;
		const channel = picked.get(room.room_id);
		if (channel) Object.assign(json, channel);
		return json;
	};
	return await sendToTargets(
		rooms,
		describe,
		async (room) => {
			const pick = pickTextChannel(await roomChannels.call(this, itemIndex, room), params.channelName);
			if ('problem' in pick) {
				throw new NodeOperationError(this.getNode(), `Room ${roomLabel(room)} ${pick.problem}`, {
					itemIndex,
					description: pick.description,
				});
			}
			picked.set(room.room_id, pick.channel);
			return { ...pick.channel, ...(await post({ room_id: room.room_id, channel_id: pick.channel.channel_id })) };
		},
		failure,
	);
}
