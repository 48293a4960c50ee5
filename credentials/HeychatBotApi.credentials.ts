import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_API_URL,
	DEFAULT_GATEWAY_URL,
	DEFAULT_UPLOAD_URL,
} from '../nodes/Heychat/transport/constants';
import { HEYCHAT_DEFAULT_SEND_RATE } from '../nodes/Heychat/transport/pacing';

export class HeychatBotApi implements ICredentialType {
	name = 'heychatBotApi';

	displayName = 'Heychat Bot API';

	icon: Icon = {
		light: 'file:../nodes/Heychat/heychat.svg',
		dark: 'file:../nodes/Heychat/heychat.dark.svg',
	};

	documentationUrl = 'https://open.xiaoheihe.cn/zh_cn/chat_robot/home';

	properties: INodeProperties[] = [
		{
			displayName: 'Bot Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The bot's token from the Heychat bot developer platform (机器人开发平台, open.xiaoheihe.cn). Sent as the \"token\" header.",
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: DEFAULT_API_URL,
			description: 'Where the /chatroom/... endpoints are. Change it only for a proxy or a test server.',
		},
		{
			displayName: 'Upload URL',
			name: 'uploadUrl',
			type: 'string',
			default: DEFAULT_UPLOAD_URL,
			description: 'Where files are uploaded (POST {URL}/upload). Change it only for a proxy or a test server.',
		},
		{
			displayName: 'Send Rate (Messages per Minute)',
			name: 'sendRate',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: HEYCHAT_DEFAULT_SEND_RATE,
			description:
				'At most this many messages per minute from this bot, with a random extra pause of up to 20% between two; every send waits its turn, across items, batches and workflows of one n8n process (in queue mode each worker keeps its own pace: divide by the number of workers). 0: only the limits below.',
		},
		{
			displayName: "Stay Within Heychat's Limits",
			name: 'withinLimits',
			type: 'boolean',
			default: true,
			description:
				"Whether to wait so that at most 300 requests and 9 private messages per minute go out, Heychat's documented limits, counted per n8n process (turn off only for a test server or a raised limit)",
		},
		{
			displayName: 'WebSocket Gateway URL',
			name: 'gatewayUrl',
			type: 'string',
			default: DEFAULT_GATEWAY_URL,
			description: 'The event gateway the Heychat trigger connects to. Change it only for a proxy or a test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { token: '={{$credentials.token}}' },
		},
	};
}
