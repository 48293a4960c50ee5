import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	createTransport,
	OneBotCallError,
	ONEBOT_CREDENTIAL_TYPE,
	toOneBotCredentials,
	type TransportKind,
} from '../transport';
import { redact } from '../../shared/redact';
import { toInt64 } from '../../shared/validation';

async function callList(ctx: ILoadOptionsFunctions, action: string, params: Record<string, unknown>): Promise<IDataObject[]> {
	const credentials = toOneBotCredentials(await ctx.getCredentials(ONEBOT_CREDENTIAL_TYPE));
	let kind: TransportKind = 'http';
	try {
		const options = ctx.getCurrentNodeParameter('options') as { transport?: TransportKind } | undefined;
		if (options?.transport === 'websocket') kind = 'websocket';
	} catch {
		// no options set
	}
	const transport = createTransport(kind, credentials, { timeoutMs: 15000 });
	try {
		const response = await transport.call(action, params);
		return Array.isArray(response.data) ? (response.data as IDataObject[]) : [];
	} catch (error) {
		const message = redact((error as Error).message, [credentials.accessToken]);
		if (error instanceof OneBotCallError) {
			throw new NodeApiError(ctx.getNode(), { action, kind: error.kind }, { message });
		}
		throw new NodeOperationError(ctx.getNode(), message);
	} finally {
		await transport.close();
	}
}

function toResults(
	entries: IDataObject[],
	idKey: string,
	label: (entry: IDataObject) => string,
	filter?: string,
): INodeListSearchResult {
	const needle = filter?.trim().toLowerCase();
	const results: INodeListSearchItems[] = entries
		.map((entry) => ({ name: `${label(entry)} (${String(entry[idKey])})`, value: String(entry[idKey]) }))
		.filter((item) => !needle || item.name.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** Groups the bot is in, from get_group_list. */
export async function searchGroups(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const groups = await callList(this, 'get_group_list', {});
	return toResults(groups, 'group_id', (g) => String(g.group_name ?? ''), filter);
}

/** The bot's friends, from get_friend_list. */
export async function searchFriends(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const friends = await callList(this, 'get_friend_list', {});
	return toResults(
		friends,
		'user_id',
		(f) => String((f.remark as string) || (f.nickname as string) || ''),
		filter,
	);
}

/** Members of the group chosen in the node's Group field, from get_group_member_list. */
export async function searchMembers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const groupValue = this.getCurrentNodeParameter('group_id', { extractValue: true });
	if (groupValue === undefined || groupValue === '') {
		throw new NodeOperationError(this.getNode(), 'Choose the group first: members are listed per group');
	}
	let groupId: number | bigint;
	try {
		groupId = toInt64('group_id', groupValue);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message);
	}
	const members = await callList(this, 'get_group_member_list', { group_id: groupId });
	return toResults(
		members,
		'user_id',
		(m) => String((m.card as string) || (m.nickname as string) || ''),
		filter,
	);
}
