import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError, toInt64, toStringId } from '../../shared/validation';
import { answeredItem } from '../../shared/toolMode';
import type { HeychatOperationSpec } from '../catalog';
import { mentionUser } from '../helpers/mentions';
import { deriveFields } from '../trigger/events';
import { roomOfChannel } from './joinedRooms';
import { buildMessage } from './message';
import { MSG_TYPE, type BuiltMessage } from './builtMessage';
import { checkPostOptions, postMessage, type MessageDestination } from './post';

/*
 * Reply: answers the event of the input item (from the Heychat Trigger) where it happened: in its
 * channel, quoting its message, or privately to its user when the event has no channel. A channel
 * without its room (the reaction event, 5003, as Heychat documents it) is looked up in the rooms
 * the bot is in.
 */

export const REPLY_OPTIONS = 'replyOptions';

const FROM_TRIGGER =
	'Reply answers the item the Heychat Trigger emitted (it needs roomId and channelId, or userId). Connect it after a Heychat Trigger, or use Send Channel Message / Send Private Message.';

/** Where an event happened, from a Heychat Trigger item. */
export interface HeychatReplyPlace {
	kind: 'channel' | 'private';
	/** Absent for a channel event that did not name its room (see channelRoom). */
	roomId?: string;
	channelId?: string;
	userId?: string;
	msgId?: string;
}

/** An id of the input item as text (toStringId: a number beyond 2^53 has lost digits and fails naming the field); absent: undefined. */
function idOf(field: string, value: unknown): string | undefined {
	const present = typeof value === 'number' ? Number.isFinite(value) : typeof value === 'bigint' || (typeof value === 'string' && value.trim() !== '');
	return present ? toStringId(field, value) : undefined;
}

/** Reads the place from the trigger's derived fields (or, for a raw event, derives them). */
export function heychatReplyPlace(json: IDataObject): HeychatReplyPlace {
	let fields: { roomId?: unknown; channelId?: unknown; userId?: unknown; msgId?: unknown } = json;
	if (json.roomId === undefined && json.userId === undefined && json.data && typeof json.data === 'object' && json.type !== undefined) {
		fields = deriveFields({ raw: json, type: String(json.type), data: json.data as Record<string, unknown> });
	}
	const place = {
		roomId: idOf('roomId', fields.roomId),
		channelId: idOf('channelId', fields.channelId),
		userId: idOf('userId', fields.userId),
		msgId: idOf('msgId', fields.msgId),
	};
	// An event in a channel whose room is not named (Heychat's documented reaction event has no
	// room_id) happened in a channel too: replyMessage finds the room; it is not answered privately.
	if (place.channelId) return { kind: 'channel', ...place };
	if (place.userId) return { kind: 'private', ...place };
	const missing = place.roomId ? 'channelId' : 'roomId';
	throw new InputError(missing, `The input item has no ${place.roomId ? 'channelId' : 'roomId and channelId'} and no userId. ${FROM_TRIGGER}`);
}

/**
 * The room of a channel the event did not name the room of: the room the bot is in whose channel
 * tree holds it (roomOfChannel). None: an error naming roomId, before anything is sent.
 */
async function channelRoom(this: IExecuteFunctions, itemIndex: number, channelId: string): Promise<string> {
	const found = await roomOfChannel.call(this, itemIndex, channelId);
	if (found.roomId !== undefined) return found.roomId;
	const unread = found.unreadable > 0 ? `; the channels of ${found.unreadable} could not be read` : '';
	throw new InputError(
		'roomId',
		`The input item has a channelId but no roomId (Heychat's reaction events leave room_id out), and channel ${channelId} is in no room the bot is in (${found.rooms} read${unread}), so the reply cannot be sent to its channel. Use Send Channel Message with the room set, or answer the user with Send Private Message.`,
	);
}

/** The message with the sender mentioned in front (markdown becomes msg_type 10); images and cards stay as they are. */
export function withSenderMention(built: BuiltMessage, userId: string): BuiltMessage {
	if (built.msg === undefined || (built.msg_type !== MSG_TYPE.markdown && built.msg_type !== MSG_TYPE.markdownMentions)) {
		return built;
	}
	const token = mentionUser(userId);
	const users = (built.at_user_id ?? '').split(',').filter((id) => id !== '');
	return {
		...built,
		msg_type: MSG_TYPE.markdownMentions,
		msg: built.msg.includes(token) ? built.msg : `${token} ${built.msg}`,
		at_user_id: [userId, ...users.filter((id) => id !== userId)].join(','),
		at_role_id: built.at_role_id ?? '',
		mention_channel_id: built.mention_channel_id ?? '',
	};
}

export const replyProperties: INodeProperties[] = [
	{
		displayName: 'Reply Options',
		name: REPLY_OPTIONS,
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['message'], operation: ['reply'] } },
		options: [
			{
				displayName: 'Mention the Sender',
				name: 'mention',
				type: 'boolean',
				default: false,
				description: 'Whether to @mention the user of the event in front of the reply (text and markdown, in channels)',
			},
			{
				displayName: 'Quote the Message',
				name: 'quote',
				type: 'boolean',
				default: true,
				description: 'Whether to quote the message of the event (a command, a reacted or clicked message)',
			},
		],
	},
];

/** The Reply handler: builds the message like Send Channel Message and posts it where the event happened. */
export async function replyMessage(this: IExecuteFunctions, op: HeychatOperationSpec, itemIndex: number): Promise<IDataObject[]> {
	const place = heychatReplyPlace(answeredItem(this, itemIndex));
	const options = this.getNodeParameter('messageOptions', itemIndex, {}) as IDataObject;
	const replyOptions = this.getNodeParameter(REPLY_OPTIONS, itemIndex, {}) as IDataObject;
	// the options a post refuses, then where it goes: checked before any read, and before
	// buildMessage uploads any image
	checkPostOptions(this, options, place.kind);
	if (place.kind === 'channel' && place.roomId === undefined) place.roomId = await channelRoom.call(this, itemIndex, place.channelId!);
	const destination: MessageDestination =
		place.kind === 'channel'
			? {
					kind: 'channel',
					room_id: place.roomId,
					channel_id: place.channelId,
					reply_id: replyOptions.quote !== false ? place.msgId : undefined,
				}
			: // user IDs go out as numbers, as Heychat expects (catalog type `id`)
				{ kind: 'private', to_user_id: toInt64('userId', place.userId) };
	let built = await buildMessage.call(this, itemIndex, options, place.kind === 'private');
	if (place.kind === 'channel' && replyOptions.mention === true && place.userId) built = withSenderMention(built, place.userId);
	return [await postMessage.call(this, op, itemIndex, built, options, destination)];
}
