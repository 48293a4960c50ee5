import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { escapeValue, type Segment } from '../../message/cqcode';
import { messageProperties, readMessage } from '../../message/properties';
import { InputError, toInt64 } from '../../../shared/validation';
import { answeredItem } from '../../../shared/toolMode';
import { binaryResolver } from './binary';
import type { OperationHandler, PreparedCall } from './types';

export const REPLY_OPTIONS = 'replyOptions';

const FROM_TRIGGER =
	'Reply answers the item a OneBot Trigger or OneBot Webhook Trigger emitted. Connect it after one of them (the item needs message_type, group_id or user_id), or use Send Group Message / Send Private Message.';

/** Where an event happened and what to quote, read from a trigger's item. */
export interface ReplyPlace {
	kind: 'group' | 'private';
	groupId?: number | bigint;
	userId?: number | bigint;
	messageId?: string;
}

function present(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/** Reads the place of an event item; throws an error that says what is missing. */
export function replyPlace(json: IDataObject): ReplyPlace {
	const type = json.message_type;
	const hasGroup = present(json.group_id);
	const hasUser = present(json.user_id);
	if (type !== undefined && type !== 'group' && type !== 'private') {
		throw new InputError('message_type', `Reply can answer group and private messages; this item's message_type is "${String(type)}"`);
	}
	const kind = type === 'group' || (type === undefined && hasGroup) ? 'group' : type === 'private' || hasUser ? 'private' : undefined;
	if (!kind) throw new InputError('message_type', `The input item has no message_type, group_id or user_id. ${FROM_TRIGGER}`);
	if (kind === 'group' && !hasGroup) {
		throw new InputError('group_id', `The input item is a group message without group_id. ${FROM_TRIGGER}`);
	}
	if (kind === 'private' && !hasUser) {
		throw new InputError('user_id', `The input item is a private message without user_id. ${FROM_TRIGGER}`);
	}
	const id = (value: unknown) => (typeof value === 'bigint' ? value.toString() : String(value));
	return {
		kind,
		groupId: kind === 'group' ? toInt64('group_id', json.group_id) : undefined,
		userId: hasUser ? toInt64('user_id', json.user_id) : undefined,
		messageId: present(json.message_id) ? id(json.message_id) : undefined,
	};
}

/** The message with a quote of the event and a mention of its sender in front. */
export function withReplyPrefix(message: string | Segment[], autoEscape: boolean | undefined, prefix: Segment[]): string | Segment[] {
	if (prefix.length === 0) return message;
	if (typeof message === 'string') {
		if (autoEscape !== false) return [...prefix, { type: 'text', data: { text: message } }];
		const cq = prefix
			.map((s) =>
				s.type === 'text'
					? String(s.data.text)
					: `[CQ:${s.type},${Object.entries(s.data)
							.map(([k, v]) => `${k}=${escapeValue(String(v))}`)
							.join(',')}]`,
			)
			.join('');
		return `${cq}${message}`;
	}
	return [...prefix, ...message];
}

/** Reply: the message builder's message, sent to the group or private chat of the input item. */
export const replyHandler: OperationHandler = {
	// The message parameters of the send it makes are built here, as the message handler does.
	ownParams: ['message', 'auto_escape'],
	properties: (show): INodeProperties[] => [
		...messageProperties({ show }),
		{
			displayName: 'Reply Options',
			name: REPLY_OPTIONS,
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'Mention the Sender',
					name: 'mention',
					type: 'boolean',
					default: false,
					description: 'Whether to @mention the sender in front of the reply (group chats only)',
				},
				{
					displayName: 'Quote the Message',
					name: 'quote',
					type: 'boolean',
					default: true,
					description: 'Whether to quote the message being answered (when the item is a message)',
				},
			],
		},
	],
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedCall> {
		// the trigger's item; as an AI agent's tool, the agent's item (the tool's input is the model's arguments)
		const place = replyPlace(answeredItem(this, itemIndex));
		const options = this.getNodeParameter(REPLY_OPTIONS, itemIndex, {}) as IDataObject;
		const { message, autoEscape } = await readMessage(
			(name: string) => this.getNodeParameter(name, itemIndex, undefined as never),
			binaryResolver(this, itemIndex),
		);
		const prefix: Segment[] = [];
		if (options.quote !== false && place.messageId !== undefined) {
			prefix.push({ type: 'reply', data: { id: place.messageId } });
		}
		if (options.mention === true && place.kind === 'group' && place.userId !== undefined) {
			prefix.push({ type: 'at', data: { qq: String(place.userId) } }, { type: 'text', data: { text: ' ' } });
		}
		const params: IDataObject = {
			message: withReplyPrefix(message, autoEscape, prefix) as unknown as IDataObject[string],
		};
		if (typeof params.message === 'string' && autoEscape !== undefined) params.auto_escape = autoEscape;
		if (place.kind === 'group') {
			params.group_id = place.groupId as unknown as IDataObject[string];
			return { action: 'send_group_msg', params };
		}
		params.user_id = place.userId as unknown as IDataObject[string];
		return { action: 'send_private_msg', params };
	},
};
