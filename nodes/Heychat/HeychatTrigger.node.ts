import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { ALL_EVENTS, HEYCHAT_EVENT_TYPES } from './trigger/events';
import { heychatTriggerProperties } from './trigger/properties';
import { createHeychatTrigger, type HeychatTriggerTuning } from './trigger/trigger';
import { testHeychatCredential } from './methods/credentialTest';

/** The selected events by name, e.g. "Bot Command, Reaction Added or Removed". */
const EVENT_NAMES = JSON.stringify({
	[ALL_EVENTS]: 'All Events',
	...Object.fromEntries(HEYCHAT_EVENT_TYPES.map((t) => [t.value, t.name])),
});
const EVENTS_SUBTITLE = `={{ ($parameter["events"] || []).map((e) => (${EVENT_NAMES})[e] || e).join(", ") }}`;

/**
 * Starts workflows on Heychat (黑盒语音) bot events from the WebSocket gateway: slash commands,
 * member joins and leaves, reactions and card button clicks (trigger/: gateway connection, event
 * parsing, filters; shared/connection: reconnects, watchdog, frame guard).
 */
export class HeychatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Heychat Trigger',
		name: 'heychatTrigger',
		icon: { light: 'file:heychat.svg', dark: 'file:heychat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		// n8n's node creator shows one "Heychat" entry for the action node and this trigger, under THIS
		// description (it replaces the action node's): so it describes both.
		description:
			'Heychat (黑盒语音) bots: send channel messages, manage rooms and roles, and start workflows on slash commands, members, reactions and card clicks',
		defaults: { name: 'Heychat Trigger' },
		// A trigger is never an AI tool: the key is only here for the node-usable-as-tool lint rule,
		// which wants it present (undefined = not usable as a tool, same as leaving it out).
		usableAsTool: undefined,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heychatBotApi', required: true, testedBy: 'heychatApiTest' }],
		properties: heychatTriggerProperties,
	};

	methods = { credentialTest: { heychatApiTest: testHeychatCredential } };

	trigger: (this: ITriggerFunctions) => Promise<ITriggerResponse>;

	/** `tuning` shortens the PING interval, backoff and close waits in tests; n8n constructs the node without it. */
	constructor(tuning: HeychatTriggerTuning = {}) {
		this.trigger = createHeychatTrigger(tuning);
	}
}
