import type { INodeProperties } from 'n8n-workflow';

import { buildCatalogProperties, type LocatorSpec } from '../../shared/catalog/properties';
import { heychatCatalog, isHandledParam } from '../catalog';
import { requestOptionsProperty } from './common';
import { mediaProperties } from './media';
import { hideFanOutParam, messageProperties } from './message';
import { replyProperties } from './reply';

const SNOWFLAKE = { idRegex: '^\\d+$', idPlaceholder: 'e.g. 3663316788315193344' };

/** ParamSpec.locator → the list that fills it (methods/listSearch.ts). */
export const HEYCHAT_LOCATORS: Record<string, LocatorSpec> = {
	room: { searchListMethod: 'searchRooms', noun: 'room', idError: 'A room ID is a number', ...SNOWFLAKE },
	channel: { searchListMethod: 'searchChannels', noun: 'channel', idError: 'A channel ID is a number', ...SNOWFLAKE },
	role: { searchListMethod: 'searchRoles', noun: 'role', idError: 'A role ID is a number', ...SNOWFLAKE },
	roomMember: {
		searchListMethod: 'searchRoomMembers',
		noun: 'member',
		idError: 'A Heybox user ID is a number',
		idRegex: '^\\d+$',
		idPlaceholder: 'e.g. 72053518',
	},
};

/**
 * Every property of the node: resource and operation pickers and each operation's fields from the
 * catalog, the message builder and upload fields, and the request options.
 */
export const heychatProperties: INodeProperties[] = buildCatalogProperties(heychatCatalog, {
	locators: HEYCHAT_LOCATORS,
	skipParam: isHandledParam,
	extraProperties: [...messageProperties, ...replyProperties, ...mediaProperties],
	hideParam: hideFanOutParam,
	trailingProperties: [requestOptionsProperty],
});
