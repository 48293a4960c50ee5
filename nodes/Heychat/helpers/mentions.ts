import { InputError } from '../../shared/validation';

/**
 * Heychat's markdown mention syntax (msg_type 10):
 *   user or role  @{id:<id>}   and the id listed in at_user_id / at_role_id (comma-joined)
 *   channel link  #{id:<id>}   and the id listed in mention_channel_id
 *   everyone      @{all}       (notifies every member; needs the mention-everyone permission)
 *   online        @{here}
 */

export interface MentionInput {
	users?: unknown;
	roles?: unknown;
	channels?: unknown;
	everyone?: boolean;
	here?: boolean;
}

export type MentionPlacement = 'start' | 'end' | 'none';

export interface MentionFields {
	msg: string;
	at_user_id: string;
	at_role_id: string;
	mention_channel_id: string;
}

export const mentionUser = (id: string): string => `@{id:${id}}`;
export const mentionRole = (id: string): string => `@{id:${id}}`;
export const mentionChannel = (id: string): string => `#{id:${id}}`;
export const MENTION_ALL = '@{all}';
export const MENTION_HERE = '@{here}';

/** Ids from a comma-separated text, a JSON array text, an array or a single number. */
export function idList(field: string, value: unknown): string[] {
	let items: unknown[];
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) items = value;
	else if (typeof value === 'number' || typeof value === 'bigint') items = [value];
	else if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('[')) {
			// ids inside a JSON array must be strings or small numbers; big bare numbers are kept as text
			const inner = text.replace(/^\[|\]$/g, '');
			items = inner.split(',').map((part) => part.trim().replace(/^"|"$/g, ''));
		} else {
			items = text.split(/[,\s]+/);
		}
	} else {
		throw new InputError(field, `"${field}" must be a list of IDs, comma-separated`);
	}
	const ids: string[] = [];
	for (const item of items) {
		const id = String(item).trim();
		if (id === '') continue;
		if (typeof item === 'number' && !Number.isSafeInteger(item)) {
			throw new InputError(field, `"${field}": ${id} lost precision as a number; pass IDs as text`);
		}
		if (!/^\d+$/.test(id)) throw new InputError(field, `"${field}" must contain only numeric IDs, got "${id}"`);
		if (!ids.includes(id)) ids.push(id);
	}
	return ids;
}

/** Channel ids already written as #{id:…} in the text. */
export function channelMentionsIn(text: string): string[] {
	return [...text.matchAll(/#\{id:\s*(\d+)\s*\}/g)].map((m) => m[1]);
}

/** User/role ids already written as @{id:…} in the text. */
export function idMentionsIn(text: string): string[] {
	return [...text.matchAll(/@\{id:\s*(\d+)\s*\}/g)].map((m) => m[1]);
}

function unique(values: string[]): string[] {
	return [...new Set(values)];
}

/**
 * Builds the text and the mention fields of a msg_type 10 message. The mentions are written into
 * the text at the start or the end (or not at all, when the text already has them), and every
 * mentioned id is listed in its field. Channel links already in the text are listed too.
 */
export function applyMentions(text: string, input: MentionInput, placement: MentionPlacement): MentionFields {
	const users = idList('users', input.users);
	const roles = idList('roles', input.roles);
	const channels = idList('channels', input.channels);

	const tokens = [
		...(input.everyone ? [MENTION_ALL] : []),
		...(input.here ? [MENTION_HERE] : []),
		...users.map(mentionUser),
		...roles.map(mentionRole),
		...channels.map(mentionChannel),
	];
	let msg = text;
	if (tokens.length > 0 && placement !== 'none') {
		const block = tokens.join(' ');
		if (msg.trim() === '') msg = block;
		else msg = placement === 'start' ? `${block} ${msg}` : `${msg} ${block}`;
	}
	return {
		msg,
		at_user_id: users.join(','),
		at_role_id: roles.join(','),
		mention_channel_id: unique([...channels, ...channelMentionsIn(msg)]).join(','),
	};
}
