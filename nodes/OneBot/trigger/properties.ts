import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_EVENT_TYPES, EVENT_POST_TYPES, eventTypeOptions } from './eventTypes';
import { DEFAULT_DEDUPE_SIZE } from './filters';

const LIST_HINT = 'Comma-separated; empty for no restriction';

function messageTypeOptions(): INodePropertyOptions[] {
	const message = EVENT_POST_TYPES.find((p) => p.value === 'message');
	return (message?.details ?? [])
		.map((d) => ({ name: d.name, value: d.value, description: `Messages with message_type ${d.value} (${d.title})` }))
		.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** Events, the two always-visible switches and the Filters collection: shared by both trigger nodes. */
export const eventFilterProperties: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: eventTypeOptions(),
		default: [...DEFAULT_EVENT_TYPES],
		description:
			'Which events start the workflow. Choosing a post type (e.g. Notice) takes all its detail and sub types. Heartbeat and lifecycle meta events start nothing unless chosen here. Empty: every event except meta events.',
	},
	{
		displayName: 'Ignore Own Messages',
		name: 'ignoreSelf',
		type: 'boolean',
		default: true,
		description:
			"Whether to drop the bot's own messages: message_sent events and messages whose user_id is the bot's self_id (in a guild: its self_tiny_id)",
	},
	{
		displayName: 'Only When Mentioned',
		name: 'onlyWhenMentioned',
		type: 'boolean',
		default: false,
		description:
			'Whether group (and guild) messages must @ the bot to start the workflow; private messages always pass, other events are not affected',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Every filter that is set must pass. Text filters apply to message events only.',
		options: [
			{
				displayName: 'Bot QQ Numbers (Self_id)',
				name: 'selfIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 10001, 10002',
				description: `Only events received by these bots. ${LIST_HINT}.`,
			},
			{
				displayName: 'Command Names',
				name: 'commandNames',
				type: 'string',
				default: '',
				placeholder: 'e.g. help, weather',
				description: `Only these commands (case-insensitive); needs Command Prefixes. ${LIST_HINT}.`,
			},
			{
				displayName: 'Command Prefixes',
				name: 'commandPrefixes',
				type: 'string',
				default: '',
				placeholder: 'e.g. /, !',
				description:
					'Only messages whose text starts with one of these prefixes; the output then has "command" (the first word) and "args" (the other words). Comma-separated.',
			},
			{
				displayName: 'Ignore Groups',
				name: 'groupDeny',
				type: 'string',
				default: '',
				placeholder: 'e.g. 123456789',
				description: `Drop events from these group IDs. ${LIST_HINT}.`,
			},
			{
				displayName: 'Ignore Users',
				name: 'userDeny',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2854196310',
				description: `Drop events from these QQ numbers. ${LIST_HINT}.`,
			},
			{
				displayName: 'Keywords',
				name: 'keywords',
				type: 'string',
				default: '',
				placeholder: 'e.g. hello, 你好',
				description: 'Only messages whose text contains at least one of these words (case-insensitive). Comma-separated.',
			},
			{
				displayName: 'Message Types',
				name: 'messageTypes',
				type: 'multiOptions',
				options: messageTypeOptions(),
				default: [],
				description: 'Only message events of these types; other events are not affected',
			},
			{
				displayName: 'Only Groups',
				name: 'groupAllow',
				type: 'string',
				default: '',
				placeholder: 'e.g. 123456789, 987654321',
				description:
					'Only events from these group IDs; events without a group (private messages, friend requests) are dropped too. Comma-separated.',
			},
			{
				displayName: 'Only Users',
				name: 'userAllow',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2854196310',
				description: 'Only events whose user_id is one of these QQ numbers. Comma-separated.',
			},
			{
				displayName: 'Regular Expression',
				name: 'regex',
				type: 'string',
				default: '',
				placeholder: 'e.g. ^ping$ or /^ping$/i',
				description: 'Only messages whose text matches. Write /pattern/flags to use flags.',
			},
		],
	},
];

/** Options shared by both trigger nodes (de-duplication, frame size). */
export const sharedOptionProperties: INodeProperties[] = [
	{
		displayName: 'De-Duplicate Messages',
		name: 'deduplicate',
		type: 'boolean',
		default: true,
		description:
			'Whether to drop a message whose self_id and message_id were already delivered (reconnect replays, retries, two connections)',
	},
	{
		displayName: 'De-Duplication Memory',
		name: 'dedupeSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_DEDUPE_SIZE,
		description: 'How many recent message IDs to remember',
	},
];
