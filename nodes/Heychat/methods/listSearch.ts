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

/** The most pages one search reads (1,000 members or 500 rooms), each a request of the 300 per minute. */
export const MAX_SEARCH_PAGES = 10;

/**
 * A paged list for the editor: one page without a search. With a search, the editor asks for no
 * further page while the results do not fill its list (it cannot be scrolled), so a match on a
 * later page would never be shown: pages are read on until a page's worth of matches, the end of
 * the list, a page with no entry not seen before (a server ignoring offset) or MAX_SEARCH_PAGES.
 */
async function pagedSearch(
	filter: string | undefined,
	paginationToken: string | undefined,
	pageSize: number,
	readPage: (offset: number) => Promise<IDataObject[]>,
	keyOf: (entry: IDataObject) => string,
	toItem: (entry: IDataObject) => INodeListSearchItems | undefined,
): Promise<INodeListSearchResult> {
	let offset = Number(paginationToken) || 0;
	const results: INodeListSearchItems[] = [];
	const seen = new Set<string>();
	for (let page = 1; ; page++) {
		const entries = await readPage(offset);
		let fresh = 0;
		for (const entry of entries) {
			const key = keyOf(entry);
			if (seen.has(key)) continue;
			seen.add(key);
			fresh++;
			const item = toItem(entry);
			if (item) results.push(item);
		}
		offset += entries.length;
		// a short page ends the list
		if (entries.length < pageSize) return { results };
		if (!filter || results.length >= pageSize || page >= MAX_SEARCH_PAGES) return { results, paginationToken: String(offset) };
		if (fresh === 0) return { results };
	}
}

export async function searchRooms(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await pagedSearch(
		filter,
		paginationToken,
		ROOM_PAGE_SIZE,
		async (offset) =>
			(findList(await catalogGet.call(this, 'list_joined_rooms', { offset, limit: ROOM_PAGE_SIZE }), 'rooms') ?? []) as IDataObject[],
		(room) => text(room.room_id),
		(room) =>
			matches(filter, room.room_name, room.room_id)
				? { name: text(room.room_name) || text(room.room_id), value: text(room.room_id) }
				: undefined,
	);
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
	return await pagedSearch(
		filter,
		paginationToken,
		MEMBER_PAGE,
		async (offset) => {
			const result = await catalogGet.call(this, 'list_room_users', { room_id: room, offset, limit: MEMBER_PAGE, heybox_id: '' });
			return (findList(result, 'room_info.user_info') ?? findList(result, 'user_info') ?? []) as IDataObject[];
		},
		(user) => text(user.user_id),
		(user) => {
			if (!matches(filter, user.nickname, user.room_nickname, user.user_id)) return undefined;
			const name = text(user.room_nickname) || text(user.nickname);
			const id = text(user.user_id);
			return { name: name ? `${name} (${id})` : id, value: id };
		},
	);
}
