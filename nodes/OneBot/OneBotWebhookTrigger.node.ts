import {
	NodeConnectionTypes,
	type IDisplayOptions,
	type IHookFunctions,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { eventFilterProperties, sharedOptionProperties } from './trigger/properties';
import { checkWebhookSettings, oneBotWebhook } from './trigger/webhook';
import { DEFAULT_REPLAY_WINDOW_SECONDS } from './trigger/replay';
import { testOneBotCredential } from './methods/credentialTest';
import { maxEventSizeOption } from '../shared/trigger/options';

/** The Signature Check field; its default depends on the node's version (see `version`). */
function signatureCheck(defaultValue: 'none' | 'secret', show: IDisplayOptions['show']): INodeProperties {
	return {
		displayName: 'Signature Check',
		name: 'signature',
		type: 'options',
		options: [
			{
				name: 'None (Anyone Reaching the URL Can Start the Workflow)',
				value: 'none',
				description: 'Accept unsigned requests: only when no one else can reach n8n',
			},
			{
				name: 'Secret Entered Below',
				value: 'secret',
				description: "Type the backend's secret into this node",
			},
			{
				name: "Secret Is the Credential's Access Token",
				value: 'credential',
				description: "Use the OneBot credential's Access Token as the backend's secret",
			},
		],
		default: defaultValue,
		displayOptions: { show },
		description:
			'Verify X-Signature (HMAC-SHA1 of the body with the secret). A missing or wrong signature is answered with 401 and starts nothing.',
	};
}

/**
 * Starts workflows on events a OneBot backend POSTs to n8n (the backend's "HTTP client" /
 * `http_post`), with signature check and quick-operation answers. A separate node from the
 * WebSocket trigger because n8n treats a node type with `webhook()` as a webhook trigger.
 */
export class OneBotWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OneBot Webhook Trigger',
		name: 'oneBotWebhookTrigger',
		icon: { light: 'file:onebot.svg', dark: 'file:onebot.dark.svg' },
		group: ['trigger'],
		// Version 2 checks signatures by default. Version 1 (workflows saved before) keeps its old
		// default, None, so they still activate; the editor shows them the notice below.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: 'HTTP POST',
		description:
			'Starts the workflow on QQ bot events that a OneBot v11 backend (NapCat, LLOneBot, Lagrange.OneBot, go-cqhttp) POSTs to n8n',
		defaults: { name: 'OneBot Webhook Trigger' },
		// A trigger is never an AI tool: the key is only here for the node-usable-as-tool lint rule,
		// which wants it present (undefined = not usable as a tool, same as leaving it out).
		usableAsTool: undefined,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'oneBotV11Api',
				required: true,
				testedBy: 'oneBotApiTest',
				displayOptions: { show: { signature: ['credential'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{$parameter["respond"]}}',
				responseData: 'firstEntryJson',
				path: 'onebot',
			},
		],
		properties: [
			{
				displayName:
					"Set the backend's HTTP POST URL to this node's webhook URL (NapCat/LLOneBot: \"HTTP client\", go-cqhttp: servers → http → post, Lagrange: HttpPost). Use the Production URL once the workflow is active.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			signatureCheck('secret', { '@version': [{ _cnd: { gte: 2 } }] }),
			signatureCheck('none', { '@version': [1] }),
			{
				displayName:
					'Without a signature check, anyone who can reach this webhook URL can start the workflow with any event they invent (a fake message, a fake friend request to approve). Choose None only when n8n cannot be reached by others.',
				name: 'noSignatureNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { signature: ['none'] } },
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				description: "The backend's secret (go-cqhttp: secret, NapCat/LLOneBot: the HTTP client's token)",
				displayOptions: { show: { signature: ['secret'] } },
			},
			{
				displayName: 'Respond',
				name: 'respond',
				type: 'options',
				options: [
					{
						name: 'Immediately',
						value: 'onReceived',
						description: 'Answer at once: with the quick operation below, or with 204 (no operation)',
					},
					{
						name: "Using 'Respond to Webhook' Node",
						value: 'responseNode',
						description:
							"A Respond to Webhook node answers with the quick operation as JSON. Only its version 1 does: from 1.1 on it answers only for n8n's own Webhook node (the activation then fails), so prefer When Last Node Finishes.",
					},
					{
						name: 'When Last Node Finishes',
						value: 'lastNode',
						description:
							"The first item of the last node is the quick operation, e.g. {\"reply\": \"hi\"}; the backend must wait that long (go-cqhttp's timeout is at least 5 s)",
					},
				],
				default: 'onReceived',
			},
			{
				displayName: 'Quick Operation',
				name: 'quickOperation',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				description:
					'What the backend does right away with the event; fields that do not apply to an event are left out',
				displayOptions: { show: { respond: ['onReceived'] } },
				options: [
					{
						displayName: 'Approve Request',
						name: 'approve',
						type: 'boolean',
						default: true,
						description: 'Whether to accept (or, when off, reject) a friend or group request',
					},
					{
						displayName: 'At Sender',
						name: 'atSender',
						type: 'boolean',
						default: false,
						description: 'Whether to @ the sender in a group reply',
					},
					{
						displayName: 'Auto Escape',
						name: 'autoEscape',
						type: 'boolean',
						default: false,
						description: 'Whether the reply is plain text (CQ codes are not parsed)',
					},
					{
						displayName: 'Ban Duration (Seconds)',
						name: 'banDuration',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 1800,
						description: 'How long the sender is muted when Mute Sender is on',
					},
					{
						displayName: 'Friend Remark',
						name: 'remark',
						type: 'string',
						default: '',
						description: 'Remark for an approved friend (not every backend applies it)',
					},
					{
						displayName: 'Kick Sender',
						name: 'kick',
						type: 'boolean',
						default: false,
						description: 'Whether to kick the sender from the group',
					},
					{
						displayName: 'Mute Sender',
						name: 'ban',
						type: 'boolean',
						default: false,
						description: 'Whether to mute the sender in the group',
					},
					{
						displayName: 'Recall Message',
						name: 'delete',
						type: 'boolean',
						default: false,
						description: 'Whether to recall the group message',
					},
					{
						displayName: 'Reject Reason',
						name: 'reason',
						type: 'string',
						default: '',
						description: 'Reason given when a group request is rejected',
					},
					{
						displayName: 'Reply',
						name: 'reply',
						type: 'string',
						default: '',
						description: 'Message to send back to the chat (CQ code allowed unless Auto Escape is on)',
					},
				],
			},
			...eventFilterProperties,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					...sharedOptionProperties,
					{
						...maxEventSizeOption,
						description: 'Larger requests are answered with 413 and start nothing',
					},
					{
						displayName: 'Replay Window (Seconds)',
						name: 'replayWindow',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_REPLAY_WINDOW_SECONDS,
						description:
							"Refuse (403, no execution) events whose time is further than this from n8n's clock, in the past or the future, so a captured request cannot be sent again later; an exact re-send of a signed request is refused too. Inside the window a replay of a different request stays possible: De-Duplicate Messages drops repeated message IDs. 0: off.",
					},
				],
			},
		],
	};

	methods = { credentialTest: { oneBotApiTest: testOneBotCredential } };

	/**
	 * The backend's HTTP POST URL is set by hand: there is nothing to register with it or remove.
	 * checkExists checks the settings, so a bad configuration fails the activation.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// Called on every activation: a signature check without a secret fails it here.
				await checkWebhookSettings.call(this);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await oneBotWebhook.call(this);
	}
}
