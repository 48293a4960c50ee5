import {
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { catalogGet, findList } from '../actions/generic';
import { channelTypeName, ROOM_PAGE_SIZE, roomViewChannels } from '../helpers/rooms';

/*
 * Searchable lists for the resourceLocator fields: rooms the bot joined, the channels and roles of
 * the selected room, and its members. Filtering is by name or ID, on the client side (the
 * endpoints have no search parameter).
 */

const MEMBER_PAGE = 100;

function matches(filter: string | undefined, ...values: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return values.some((v) => v !== undefined && v !== null && String(v).toLowerCase().includes(needle));
}

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value);
}

/** The room the user picked in the `room_id` field (list or ID mode). */
function selectedRoom(this: ILoadOptionsFunctions): string {
	let value: unknown;
	try {
		value = this.getCurrentNodeParameter('room_id', { extractValue: true });
	} catch {
		value = undefined;
	}
	if (value && typeof value === 'object' && 'value' in value) value = (value as { value: unknown }).value;
	const room = text(value).trim();
	if (room === '') throw new NodeOperationError(this.getNode(), 'Select a room first');
	return room;
}

function nextOffset(offset: number, received: number, page: number): string | undefined {
	return received >= page ? String(offset + received) : undefined;
}

export async function searchRooms(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken) || 0;
	const result = await catalogGet.call(this, 'list_joined_rooms', { offset, limit: ROOM_PAGE_SIZE });
	const rooms = (findList(result, 'rooms') ?? []) as IDataObject[];
	const results: INodeListSearchItems[] = rooms
		.filter((room) => matches(filter, room.room_name, room.room_id))
		.map((room) => ({ name: text(room.room_name) || text(room.room_id), value: text(room.room_id) }));
	return { results, paginationToken: nextOffset(offset, rooms.length, ROOM_PAGE_SIZE) };
}

export async function searchChannels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const room = selectedRoom.call(this);
	const channels = roomViewChannels(await catalogGet.call(this, 'get_room', { room_id: room })) ?? [];
	const results = channels
		.filter((c) => matches(filter, c.channel_name, c.channel_id))
		.map((c) => {
			const type = channelTypeName(c.channel_type);
			return {
				name: `#${text(c.channel_name) || text(c.channel_id)}${type ? ` (${type})` : ''}`,
				value: text(c.channel_id),
			};
		});
	return { results };
}

export async function searchRoles(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const room = selectedRoom.call(this);
	const result = await catalogGet.call(this, 'list_room_roles', { room_id: room });
	const roles = ((Array.isArray(result) ? result : findList(result, 'roles')) ?? []) as IDataObject[];
	const results = roles
		.filter((role) => matches(filter, role.name, role.id))
		.map((role) => ({ name: text(role.name) || text(role.id), value: text(role.id ?? role.role_id) }));
	return { results };
}

export async function searchRoomMembers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const room = selectedRoom.call(this);
	const offset = Number(paginationToken) || 0;
	const result = await catalogGet.call(this, 'list_room_users', {
		room_id: room,
		offset,
		limit: MEMBER_PAGE,
		heybox_id: '',
	});
	const users = (findList(result, 'room_info.user_info') ?? findList(result, 'user_info') ?? []) as IDataObject[];
	const results = users
		.filter((user) => matches(filter, user.nickname, user.room_nickname, user.user_id))
		.map((user) => {
			const name = text(user.room_nickname) || text(user.nickname);
			const id = text(user.user_id);
			return { name: name ? `${name} (${id})` : id, value: id };
		});
	return { results, paginationToken: nextOffset(offset, users.length, MEMBER_PAGE) };
}
