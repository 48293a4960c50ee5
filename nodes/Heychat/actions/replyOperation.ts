import type { HeychatOperationSpec } from '../catalog';

/** Reply: not an endpoint of its own; it posts with Send Channel Message (or Send Private Message). */
export const HEYCHAT_REPLY_OPERATION: HeychatOperationSpec = {
	value: 'reply',
	resource: 'message',
	name: 'Reply',
	action: 'Reply to the event',
	description: 'Answer the event of the input item (from the Heychat Trigger) in its channel, or privately',
	method: 'POST',
	host: 'api',
	path: '/chatroom/v2/channel_msg/send',
	certainty: 'certain',
	params: [],
	handler: 'reply',
};
