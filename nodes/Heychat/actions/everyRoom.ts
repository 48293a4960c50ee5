import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { EXCEPT_LIST, TARGET_MODE, sendToTargets, type TargetFailure, type TargetOutcome } from '../../shared/targets';
import { InputError } from '../../shared/validation';
import { parseRoomIds, pickTextChannel } from '../helpers/rooms';
import { joinedRooms, roomChannels, roomLabel, type JoinedRoom } from './joinedRooms';

/*
 * Send Channel Message → Send To → Every Room the Bot Is In: the rooms from room/joined (every
 * page), minus Except Rooms; in each room the text channel named by Channel Name (from room/view).
 * One outcome per room, in the order Heychat lists the rooms; a room without such a channel, or
 * whose view fails, gets an error outcome and the others go on. The rooms and their channels are
 * read once per execution (joinedRooms.ts); a listing failure fails the item before anything is sent.
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
