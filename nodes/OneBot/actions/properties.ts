import type { INodeProperties } from 'n8n-workflow';

import { oneBotCatalog } from '../catalog';
import { buildCatalogProperties, type LocatorSpec } from '../../shared/catalog/properties';
import { handlerProperties, isOwnParam } from './handlers';
import { fanOutProperties, hideFanOutParam } from './targets';
import { batchingOption } from '../../shared/batch/options';
import { DEFAULT_MAX_UPLOAD_MIB } from './handlers/binary';
import { DEFAULT_MAX_ANSWER_MIB } from '../transport/answerSize';

/** Group ids and QQ numbers are 1 or more (the catalog's min of every locator field): digits, no sign, not 0. */
const INT_ID = { idRegex: '^0*[1-9]\\d*$', idPlaceholder: 'e.g. 123456789' };

/** ParamSpec.locator → the list that fills it (methods/listSearch.ts). */
export const ONEBOT_LOCATORS: Record<string, LocatorSpec> = {
	group: { searchListMethod: 'searchGroups', noun: 'group', idError: 'A group ID is a number (1 or more, digits only)', ...INT_ID },
	friend: { searchListMethod: 'searchFriends', noun: 'friend', idError: 'A QQ number is a number (1 or more, digits only)', ...INT_ID },
	member: { searchListMethod: 'searchMembers', noun: 'member', idError: 'A QQ number is a number (1 or more, digits only)', ...INT_ID },
};

const nodeOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		batchingOption,
		{
			displayName: 'Max Answer Size (MiB)',
			name: 'maxAnswerSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_ANSWER_MIB,
			description:
				"The largest answer read from the backend for one call; a larger one fails the call and is not read further (over WebSocket, the other calls go on). The biggest answers are NapCat's stream downloads, the file as base64 (a third larger): the default carries a file of about 95 MiB; raise it for bigger downloads. Member lists and histories take a few MiB. A send whose answer was too large has been carried out: Retry On Fail does not send it again.",
		},
		{
			displayName: 'Max Upload Size (MiB)',
			name: 'maxUploadSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_UPLOAD_MIB,
			description:
				'The largest input binary file sent to the backend (file uploads, images in messages). A larger file is refused before it is read. Files travel as base64 inside the call, a third larger than the file.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: "How long to wait for the backend to answer each call (for NapCat's stream downloads: for each next packet)",
		},
		{
			displayName: 'Transport',
			name: 'transport',
			type: 'options',
			options: [
				{
					name: 'HTTP',
					value: 'http',
					description: "POST to the backend's HTTP server (credential's HTTP API URL)",
				},
				{
					name: 'WebSocket',
					value: 'websocket',
					description:
						"Call over the backend's forward WebSocket server (credential's WebSocket URL); one connection serves all items",
				},
			],
			default: 'http',
		},
	],
};

/** Every property of the OneBot node, generated from the catalog plus the handlers' own fields. */
export const oneBotProperties: INodeProperties[] = buildCatalogProperties(oneBotCatalog, {
	locators: ONEBOT_LOCATORS,
	defaultResource: 'message',
	defaultOperations: { message: 'send_group_msg' },
	skipParam: isOwnParam,
	extraProperties: [...fanOutProperties(), ...handlerProperties(oneBotCatalog.operations)],
	hideParam: hideFanOutParam,
	trailingProperties: [nodeOptions],
});
