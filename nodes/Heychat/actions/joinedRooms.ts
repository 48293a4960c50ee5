import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { MAX_ROOM_PAGES, ROOM_PAGE_SIZE, idText, readRoomPage, roomViewChannels } from '../helpers/rooms';
import { callOptions } from './common';
import { catalogGet } from './generic';

/*
 * The rooms the bot is in (room/joined, every page) and their channel trees (room/view), read
 * once per execution of the node: all its items share them, as they share Heychat's 300 requests
 * per minute. Send To → Every Room posts to each room; Reply finds the room of a channel whose
 * event did not name it (Heychat's reaction event, 5003, has no room_id).
 */

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
				{ itemIndex, description: 'Nothing was sent. To post to chosen channels, give their room and channel IDs (Send To → List of Channels).' },
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
export async function joinedRooms(this: IExecuteFunctions, itemIndex: number): Promise<JoinedRoom[]> {
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
export async function roomChannels(this: IExecuteFunctions, itemIndex: number, room: JoinedRoom): Promise<IDataObject[]> {
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

export function roomLabel(room: JoinedRoom): string {
	return room.room_name ? `"${room.room_name}" (${room.room_id})` : room.room_id;
}

/**
 * The room whose channel tree holds `channelId`: the rooms in Heychat's order, each room's
 * channels read when the rooms before it did not have it. Undefined when no room has it;
 * `unreadable` then counts the rooms whose channels could not be read (their errors are not
 * thrown: the channel may be in another room).
 */
export async function roomOfChannel(
	this: IExecuteFunctions,
	itemIndex: number,
	channelId: string,
): Promise<{ roomId?: string; rooms: number; unreadable: number }> {
	const rooms = await joinedRooms.call(this, itemIndex);
	let unreadable = 0;
	for (const room of rooms) {
		let channels: IDataObject[];
		try {
			channels = await roomChannels.call(this, itemIndex, room);
		} catch {
			unreadable++;
			continue;
		}
		if (channels.some((channel) => idText(channel.channel_id) === channelId)) return { roomId: room.room_id, rooms: rooms.length, unreadable };
	}
	return { rooms: rooms.length, unreadable };
}
