// The composer's pure parts: the UserInput frames it sends (sandbox/world/types.ts UserInput), slash-command parsing for Heychat
// channels, and "@" autocompletion. No DOM; importable by Node tests.

/** The sandbox bot's commands when the snapshot does not list them (the sandbox world: /roll, /qq, /help). */
export const DEFAULT_COMMANDS = [
	{ name: '/roll', description: 'Roll a die', options: [{ name: 'sides', type: 'number', description: 'number of sides' }] },
	{ name: '/qq', description: 'Send text to QQ', options: [{ name: 'text', type: 'string', description: 'the text' }] },
	{ name: '/help', description: 'List the commands', options: [] },
];

/** Normalises a command list from the snapshot (names with or without "/", options as array or object). */
export function normaliseCommands(list) {
	if (!Array.isArray(list) || list.length === 0) return DEFAULT_COMMANDS;
	return list.map((c) => {
		const name = String(c?.name ?? c?.command ?? '').trim();
		let options = c?.options ?? [];
		if (!Array.isArray(options)) options = Object.entries(options).map(([n, t]) => ({ name: n, type: typeof t === 'string' ? t : t?.type }));
		return {
			name: name.startsWith('/') ? name : `/${name}`,
			description: String(c?.description ?? ''),
			options: options.map((o) => ({ name: String(o?.name ?? ''), type: String(o?.type ?? 'string'), description: String(o?.description ?? '') })),
		};
	}).filter((c) => c.name.length > 1);
}

function tokens(text) {
	const out = [];
	const re = /(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g;
	for (const m of text.matchAll(re)) out.push(m[0]);
	return out;
}

function unquote(value) {
	if (/^".*"$/s.test(value)) return value.slice(1, -1).replace(/\\(.)/g, '$1');
	if (/^'.*'$/s.test(value)) return value.slice(1, -1);
	return value;
}

/**
 * "/roll sides=20" → {command:"/roll", options:{sides:"20"}}. Positional words fill the options in order;
 * the last option takes the rest of the line ("/qq hello world" → {text:"hello world"}).
 * Returns {error} for an unknown command or option, or a number option that is not a number.
 */
export function parseCommand(text, commands = DEFAULT_COMMANDS) {
	const trimmed = String(text ?? '').trim();
	const m = /^(\/\S+)\s*([\s\S]*)$/.exec(trimmed);
	if (!m) return { error: 'a command starts with "/"' };
	const command = commands.find((c) => c.name === m[1]);
	if (!command) return { error: `unknown command ${m[1]} (known: ${commands.map((c) => c.name).join(', ')})` };
	const options = {};
	const positional = [];
	const parts = tokens(m[2]);
	for (const part of parts) {
		const kv = /^([\w-]+)=([\s\S]*)$/.exec(part);
		if (kv && command.options.some((o) => o.name === kv[1])) options[kv[1]] = unquote(kv[2]);
		else positional.push(part);
	}
	const free = command.options.filter((o) => !(o.name in options));
	if (positional.length > 0) {
		if (free.length === 0) return { error: `${command.name} takes no more options` };
		free.forEach((o, index) => {
			if (index >= positional.length) return;
			options[o.name] = index === free.length - 1 ? positional.slice(index).map(unquote).join(' ') : unquote(positional[index]);
		});
	}
	for (const o of command.options) {
		if (o.type === 'number' && o.name in options && !/^-?\d+(\.\d+)?$/.test(options[o.name])) {
			return { error: `${command.name}: "${o.name}" must be a number, got "${options[o.name]}"` };
		}
	}
	return { command: command.name, options };
}

/**
 * The "@" being typed before the caret: {start, query} (start = index of "@"), or null.
 * "@" must start the text or follow whitespace.
 */
export function mentionQuery(text, caret) {
	const before = String(text).slice(0, caret);
	const m = /(^|\s)@([^\s@]{0,32})$/.exec(before);
	if (!m) return null;
	return { start: before.length - m[2].length - 1, query: m[2] };
}

/** Members whose name (or card) starts with / contains the query, best first, at most `limit`. */
export function matchMembers(members, query, limit = 8) {
	const q = String(query).toLowerCase();
	const scored = [];
	for (const m of members ?? []) {
		const names = [m.name, m.card].filter(Boolean).map((n) => String(n).toLowerCase());
		let score = -1;
		if (names.some((n) => n.startsWith(q))) score = 0;
		else if (names.some((n) => n.includes(q))) score = 1;
		else if (String(m.userId).startsWith(q)) score = 2;
		if (score >= 0) scored.push({ m, score });
	}
	scored.sort((a, b) => a.score - b.score || String(a.m.name).localeCompare(String(b.m.name)));
	return scored.slice(0, limit).map((s) => s.m);
}

/** Replaces the "@query" at `start` with "@Name " and returns {text, caret}. */
export function applyMention(text, start, caret, name) {
	const insert = `@${name} `;
	return { text: text.slice(0, start) + insert + text.slice(caret), caret: start + insert.length };
}

/** The users the page may speak as in a chat: the non-bot members (a private chat's partner first). */
export function speakers(chat, botIds = []) {
	const bots = new Set(botIds.map(String));
	return (chat?.members ?? []).filter((m) => !bots.has(String(m.userId)));
}

/**
 * The 'input' frame for what the composer holds. Slash text in a Heychat channel becomes a command; a reply
 * (QQ chats) is sent as a leading [CQ:reply,id=…] code, which the sandbox turns into a reply segment.
 */
export function inputFrame({ chat, userId, text, commands, replyTo }) {
	const value = String(text ?? '');
	if (chat?.kind === 'channel' && chat?.platform === 'heychat' && /^\/\S/.test(value.trim())) {
		const parsed = parseCommand(value, commands);
		if (parsed.error) return { error: parsed.error };
		return { frame: { type: 'input', input: { kind: 'command', chatId: chat.id, userId, command: parsed.command, options: parsed.options } } };
	}
	if (value.trim() === '') return { error: 'type a message first' };
	const reply = replyTo && chat?.platform === 'onebot' ? `[CQ:reply,id=${String(replyTo).replace(/[^\w-]/g, '')}]` : '';
	return { frame: { type: 'input', input: { kind: 'message', chatId: chat.id, userId, text: reply + value } } };
}
