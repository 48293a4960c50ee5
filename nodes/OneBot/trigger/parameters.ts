import type { IDataObject } from 'n8n-workflow';

import { idSet, splitList, type ParameterReader } from '../../shared/listParameters';
import { InputError } from '../../shared/validation';
import { ANY_EVENT, EVENT_TYPE_VALUES } from './eventTypes';
import { DEFAULT_DEDUPE_SIZE, defaultFilterConfig, type FilterConfig } from './filters';

/** `/pattern/flags` or a plain pattern; `g` and `y` are dropped (they would make test() stateful). */
export function parseRegex(field: string, text: string): RegExp | undefined {
	const source = text.trim();
	if (source === '') return undefined;
	const literal = /^\/(.+)\/([a-z]*)$/s.exec(source);
	const pattern = literal ? literal[1] : source;
	const flags = literal ? literal[2].replace(/[gy]/g, '') : '';
	let problem: string | undefined;
	try {
		return new RegExp(pattern, flags);
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new InputError(field, `"${field}" is not a valid regular expression: ${problem}`);
}

/** The filter configuration from the node's parameters; throws InputError for invalid values. */
export function readFilterConfig(read: ParameterReader): FilterConfig {
	const events = read('events', []) as unknown;
	const eventTypes = new Set<string>();
	for (const value of Array.isArray(events) ? events : []) {
		const v = String(value);
		if (v !== ANY_EVENT && !EVENT_TYPE_VALUES.has(v)) throw new InputError('events', `Unknown event type "${v}"`);
		eventTypes.add(v);
	}
	const filters = (read('filters', {}) ?? {}) as IDataObject;
	const options = (read('options', {}) ?? {}) as IDataObject;
	const dedupe = options.deduplicate !== false;
	const size = Number(options.dedupeSize ?? DEFAULT_DEDUPE_SIZE);
	const messageTypes = Array.isArray(filters.messageTypes) ? filters.messageTypes.map(String) : [];
	const commandPrefixes = splitList(filters.commandPrefixes);
	const commandNames = splitList(filters.commandNames).map((c) => c.toLowerCase());
	if (commandNames.length > 0 && commandPrefixes.length === 0) {
		// the names are matched against the word after a prefix: without one they would filter nothing
		throw new InputError(
			'commandNames',
			'"Command Names" only applies with "Command Prefixes": add the prefix the commands start with (e.g. /), or clear Command Names',
		);
	}
	return defaultFilterConfig({
		eventTypes,
		messageTypes: new Set(messageTypes),
		selfIds: idSet('Bot QQ Numbers', filters.selfIds, { signed: true }),
		groupAllow: idSet('Only Groups', filters.groupAllow, { signed: true }),
		groupDeny: idSet('Ignore Groups', filters.groupDeny, { signed: true }),
		userAllow: idSet('Only Users', filters.userAllow, { signed: true }),
		userDeny: idSet('Ignore Users', filters.userDeny, { signed: true }),
		keywords: splitList(filters.keywords).map((k) => k.toLowerCase()),
		regex: parseRegex('Regular Expression', String(filters.regex ?? '')),
		commandPrefixes,
		commandNames: new Set(commandNames),
		onlyWhenMentioned: read('onlyWhenMentioned', false) === true,
		ignoreSelf: read('ignoreSelf', true) !== false,
		dedupeSize: dedupe ? (Number.isFinite(size) && size >= 1 ? Math.floor(size) : DEFAULT_DEDUPE_SIZE) : 0,
	});
}
