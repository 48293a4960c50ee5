import type { OneBotOperationSpec } from '../catalog';

/** The Reply operation: not a OneBot action; it answers the input item's event where it happened. */
export const REPLY_OPERATION: OneBotOperationSpec = {
	value: 'reply',
	resource: 'message',
	name: 'Reply',
	action: 'Reply to the event',
	description:
		'Answer the message or event of the input item (from a OneBot trigger) in the same group or private chat',
	params: [],
	handler: 'reply',
	backends: ['onebot11', 'gocqhttp', 'napcat', 'lagrange', 'llonebot'],
	inSeed: false,
};
