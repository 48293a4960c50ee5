import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ALL_EVENTS, DEFAULT_EVENT_TYPES, HEYCHAT_EVENT_TYPES } from './events';
import { DEFAULT_DEDUPE_SIZE } from './filters';
import { connectTimeoutOption, maxEventSizeOption } from '../../shared/trigger/options';

const LIST_HINT = 'Comma-separated; empty for no restriction';

function eventTypeOptions(): INodePropertyOptions[] {
	// `action`: what n8n's node creator lists for each choice
	const known = HEYCHAT_EVENT_TYPES.map((t) => ({ name: t.name, value: t.value, action: t.action, description: t.description }));
	return [
		{
			name: 'All (Also Unknown Types)',
			value: ALL_EVENTS,
			action: 'On any event',
			description: 'Every event the gateway sends, including types this node does not know (they have typeName "unknown")',
		},
		...known,
	].sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

export const heychatTriggerProperties: INodeProperties[] = [
	{
		displayName:
			"Connects to the credential's WebSocket Gateway URL with the bot token, sends PING every 30 seconds and reconnects by itself when the connection drops. Heychat bots only receive slash commands, member joins and leaves, reactions and card button clicks: not ordinary chat messages.",
		name: 'gatewayNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: eventTypeOptions(),
		default: [...DEFAULT_EVENT_TYPES],
		description:
			'Which events start the workflow. Empty: the four known types. Choose "All" to also get event types Heychat adds later.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Every filter that is set must pass',
		options: [
			{
				displayName: 'Command Names',
				name: 'commandNames',
				type: 'string',
				default: '',
				placeholder: 'e.g. /weather, help',
				description: `Only bot commands with these names (case-insensitive, the leading / is optional); other event types are not affected. ${LIST_HINT}.`,
			},
			{
				displayName: 'Only Channels',
				name: 'channelIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 3665944781964836864',
				description: `Only events from these channel IDs; events without a channel (member joins and leaves) are dropped too. ${LIST_HINT}.`,
			},
			{
				displayName: 'Only Rooms',
				name: 'roomIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 3663316788315193344',
				description: `Only events from these room IDs; events without a room ID are dropped too (reactions may carry only a channel ID: filter them by channel). ${LIST_HINT}.`,
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			connectTimeoutOption('How long one connection attempt to the gateway may take'),
			{
				displayName: 'De-Duplicate Events',
				name: 'deduplicate',
				type: 'boolean',
				default: true,
				description:
					"Whether to drop a bot command whose msg_id was already delivered, and another event whose sequence repeats on the same connection",
			},
			{
				displayName: 'De-Duplication Memory',
				name: 'dedupeSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_DEDUPE_SIZE,
				description: 'How many recent IDs to remember',
			},
			{
				displayName: 'Heartbeat Watchdog',
				name: 'heartbeatWatchdog',
				type: 'boolean',
				default: true,
				description:
					'Whether to drop and re-open the connection when nothing (no PONG, no event) arrives for 2.5 × the 30-second PING interval. Turned off, a WebSocket ping is sent every 30 seconds and its pong counts too, so a dead connection is still dropped.',
			},
			maxEventSizeOption,
		],
	},
];
