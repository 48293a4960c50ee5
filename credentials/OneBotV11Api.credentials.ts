import type {
	IAuthenticate,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { ONEBOT_DEFAULT_SEND_RATE } from '../nodes/OneBot/actions/pacing';
import { oneBotAuth, toOneBotCredentials } from '../nodes/OneBot/transport/auth';

export class OneBotV11Api implements ICredentialType {
	name = 'oneBotV11Api';

	displayName = 'OneBot API';

	icon: Icon = {
		light: 'file:../nodes/OneBot/onebot.svg',
		dark: 'file:../nodes/OneBot/onebot.dark.svg',
	};

	documentationUrl = 'https://github.com/botuniverse/onebot-11/blob/master/communication/authorization.md';

	properties: INodeProperties[] = [
		{
			displayName: 'HTTP API URL',
			name: 'httpUrl',
			type: 'string',
			default: 'http://127.0.0.1:3000',
			placeholder: 'http://127.0.0.1:3000',
			description:
				"Base URL of the backend's HTTP server (NapCat/LLOneBot default port 3000, go-cqhttp 5700, Lagrange as configured). Actions are POSTed to {URL}/{action}.",
		},
		{
			displayName: 'WebSocket URL',
			name: 'wsUrl',
			type: 'string',
			default: 'ws://127.0.0.1:3001',
			placeholder: 'ws://127.0.0.1:3001',
			description:
				"URL of the backend's forward WebSocket server (NapCat/LLOneBot default port 3001, go-cqhttp 6700). Used by the WebSocket transport and the trigger.",
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The backend's access_token / token setting. Leave empty if the backend has none.",
		},
		{
			displayName: 'Send Token As',
			name: 'authLocation',
			type: 'options',
			options: [
				{ name: 'Authorization Header (Bearer)', value: 'header' },
				{ name: 'Access_token Query Parameter', value: 'query' },
			],
			default: 'header',
			description: 'Where the token goes; use the query parameter only for backends that cannot read headers',
		},
		{
			displayName: 'Backend',
			name: 'backend',
			type: 'options',
			options: [
				{
					name: 'Auto-Detect',
					value: 'auto',
					description: 'Ask the backend (get_version_info) and remember the answer for 10 minutes',
				},
				{ name: 'go-cqhttp', value: 'gocqhttp' },
				{ name: 'Lagrange.OneBot', value: 'lagrange' },
				{ name: 'LLOneBot', value: 'llonebot' },
				{ name: 'NapCat', value: 'napcat' },
				{
					name: 'Other',
					value: 'other',
					description: 'Any other OneBot 11 backend: everything is sent as entered, unchecked',
				},
			],
			default: 'auto',
			description:
				'Which OneBot implementation this is. With a known backend the node sends the parameter names and types it reads, and refuses (before sending) what it would drop or ignore.',
		},
		{
			displayName: 'Send Rate (Messages per Minute)',
			name: 'sendRate',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: ONEBOT_DEFAULT_SEND_RATE,
			description:
				'At most this many messages per minute from this bot, with a random extra pause of up to 20% between two. Every send waits its turn, across items, batches and workflows of one n8n process (in queue mode each worker keeps its own pace: divide by the number of workers). QQ risk-controls accounts that send too fast; 0 turns pacing off.',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the TLS certificate cannot be verified',
		},
	];

	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const auth = oneBotAuth(toOneBotCredentials(credentials));
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), ...auth.headers },
			qs: { ...(requestOptions.qs ?? {}), ...auth.query },
		};
	};
}
