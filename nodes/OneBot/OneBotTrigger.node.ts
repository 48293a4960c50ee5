import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { eventFilterProperties, sharedOptionProperties } from './trigger/properties';
import {
	createOneBotTrigger,
	DEFAULT_LISTEN_ADDRESS,
	DEFAULT_REVERSE_PATH,
	DEFAULT_REVERSE_PORT,
	type OneBotTriggerTuning,
} from './trigger/trigger';
import { DEFAULT_MAX_REVERSE_CONNECTIONS } from './trigger/reverse';
import { testOneBotCredential } from './methods/credentialTest';
import { connectTimeoutOption, maxEventSizeOption } from '../shared/trigger/options';

/**
 * Starts workflows on OneBot v11 events received over a forward or reverse WebSocket
 * (trigger/: connection modes, filters, derived fields; shared/connection: reconnects, watchdog).
 */
export class OneBotTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OneBot Trigger',
		name: 'oneBotTrigger',
		icon: { light: 'file:onebot.svg', dark: 'file:onebot.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["connection"] === "reverse" ? "Reverse WebSocket" : "Forward WebSocket"}}',
		// n8n's node creator shows one "OneBot" entry for the action node and this trigger, under THIS
		// description (it replaces the action node's): so it describes both.
		description:
			'QQ bots over OneBot v11 (NapCat, LLOneBot, Lagrange.OneBot, go-cqhttp): send messages, manage groups, and start workflows on messages and events',
		defaults: { name: 'OneBot Trigger' },
		// A trigger is never an AI tool: the key is only here for the node-usable-as-tool lint rule,
		// which wants it present (undefined = not usable as a tool, same as leaving it out).
		usableAsTool: undefined,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'oneBotV11Api', required: true, testedBy: 'oneBotApiTest' }],
		properties: [
			{
				displayName: 'Connection',
				name: 'connection',
				type: 'options',
				options: [
					{
						name: 'Forward WebSocket (Connect to the Backend)',
						value: 'forward',
						description: "Connect to the backend's WebSocket server at the credential's WebSocket URL (/ or /event)",
					},
					{
						name: 'Reverse WebSocket (the Backend Connects Here)',
						value: 'reverse',
						description: "Listen on a port; the backend's WebSocket client (ws-reverse) connects to it",
					},
				],
				default: 'forward',
			},
			{
				displayName:
					"Connects to the credential's WebSocket URL with its access token and reconnects by itself when the connection drops. Enable the backend's WebSocket server (NapCat/LLOneBot: \"WebSocket server\", go-cqhttp: servers → ws, Lagrange: ForwardWebSocket).",
				name: 'forwardNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { connection: ['forward'] } },
			},
			{
				displayName:
					"Point the backend's WebSocket client (NapCat/LLOneBot: \"WebSocket client\", go-cqhttp: servers → ws-reverse universal, Lagrange: ReverseWebSocket) at ws://<n8n host>:<port><path>. It must send the credential's access token (required unless n8n listens on 127.0.0.1 only); several bots may connect at once.",
				name: 'reverseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { connection: ['reverse'] } },
			},
			{
				displayName: 'Port',
				name: 'port',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 65535 },
				default: DEFAULT_REVERSE_PORT,
				description: 'TCP port n8n listens on for backends (each active workflow needs its own port)',
				displayOptions: { show: { connection: ['reverse'] } },
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: DEFAULT_REVERSE_PATH,
				placeholder: DEFAULT_REVERSE_PATH,
				description: 'URL path backends connect to; other paths are refused',
				displayOptions: { show: { connection: ['reverse'] } },
			},
			...eventFilterProperties,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Allow Connections Without Token',
						name: 'allowNoToken',
						type: 'boolean',
						default: false,
						description:
							'Whether the reverse WebSocket may listen on an address others can reach (e.g. 0.0.0.0) while the credential has no Access Token. Anyone reaching the port can then connect and inject events: only for a network where every host is trusted.',
						displayOptions: { show: { '/connection': ['reverse'] } },
					},
					connectTimeoutOption(
						'Forward WebSocket: how long one connection attempt may take. Reverse WebSocket: how long a new connection may take to complete its WebSocket handshake before it is closed.',
					),
					...sharedOptionProperties,
					{
						displayName: 'Heartbeat Watchdog',
						name: 'heartbeatWatchdog',
						type: 'boolean',
						default: true,
						description:
							"Whether to drop and re-open a connection when nothing arrives for 2.5 × the backend's heartbeat interval (turn off for a backend whose heartbeat interval is wrong; the Ping Interval check still drops a dead connection)",
					},
					{
						displayName: 'Listen Address',
						name: 'listenAddress',
						type: 'string',
						default: DEFAULT_LISTEN_ADDRESS,
						description:
							'Reverse WebSocket: the interface to listen on. 0.0.0.0 (every interface, needed for a backend in another Docker container or on another host) requires an Access Token in the credential; 127.0.0.1 accepts the same machine only.',
						displayOptions: { show: { '/connection': ['reverse'] } },
					},
					{
						displayName: 'Max Connections',
						name: 'maxConnections',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_MAX_REVERSE_CONNECTIONS,
						description:
							'Reverse WebSocket: how many backends may be connected at once; further connections are closed with code 1013 (try again later)',
						displayOptions: { show: { '/connection': ['reverse'] } },
					},
					maxEventSizeOption,
					{
						displayName: 'Ping Interval (Seconds)',
						name: 'pingInterval',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 30,
						description:
							'Send a WebSocket ping this often (reverse: to every connected backend), so a dead or silent connection is dropped after 2.5 × this even when the backend sends no heartbeat (0: never)',
					},
				],
			},
		],
	};

	methods = { credentialTest: { oneBotApiTest: testOneBotCredential } };

	trigger: (this: ITriggerFunctions) => Promise<ITriggerResponse>;

	/** `tuning` shortens backoff and watchdog timing in tests; n8n constructs the node without it. */
	constructor(tuning: OneBotTriggerTuning = {}) {
		this.trigger = createOneBotTrigger(tuning);
	}
}
