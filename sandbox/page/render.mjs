// The chat page's rendering: feed Messages / FeedEvents / Chats (sandbox/world/types.ts) → vnodes (see vnode.mjs).
// Pure functions of their inputs; no DOM, no globals; importable by Node tests (test/sandbox/page*.test.ts).
import { h, safeUrl } from './vnode.mjs';
import { markdownToPlain, renderMarkdown } from './markdown.mjs';

const MAX_DEPTH = 4; // forward-in-forward nesting rendered before "…"

// QQ system faces (a few common ids) → an emoji look-alike; others show as a labelled chip.
export const FACES = {
	0: '😮', 1: '😕', 2: '😍', 4: '😎', 5: '😢', 6: '☺️', 7: '🤐', 8: '😴', 9: '😭', 10: '😅', 11: '😠', 12: '😜',
	13: '😁', 14: '🙂', 15: '🙁', 16: '😎', 19: '🤮', 20: '🤭', 21: '😊', 23: '😤', 24: '🤤', 25: '😪', 26: '😱',
	27: '😓', 28: '😄', 29: '😌', 30: '💪', 31: '🤬', 32: '❓', 33: '🤫', 34: '😵', 36: '😖', 37: '💀', 38: '🔨',
	39: '👋', 42: '🥰', 49: '🤗', 53: '🎂', 59: '💩', 60: '☕', 63: '🌹', 64: '🥀', 66: '❤️', 67: '💔', 74: '☀️',
	75: '🌙', 76: '👍', 77: '👎', 78: '🤝', 79: '✌️', 89: '🍉', 96: '😰', 97: '😥', 98: '🥱', 99: '👏', 100: '😳',
	101: '😏', 102: '😒', 104: '🥱', 106: '🥺', 107: '😿', 109: '😘', 111: '🥺', 116: '💋', 118: '💪', 120: '👊',
	123: '👆', 124: '👌', 144: '🎉', 146: '💢', 147: '🍭', 171: '🍵', 172: '😝', 173: '😭', 174: '😶', 175: '😋',
	176: '😬', 178: '😏', 179: '🐶', 180: '😰', 181: '🤔', 182: '😂', 183: '🤪', 212: '🤔', 214: '🤗', 264: '🤦',
	265: '😳', 266: '🥲', 272: '😎', 277: '🐕', 307: '🐱', 318: '🤔', 319: '👍', 320: '🎉', 326: '😠',
};

/** Initials for an avatar: the first letters of the first two words (latin) or the first character. */
export function initials(name) {
	const text = String(name ?? '').trim();
	if (!text) return '?';
	const words = text.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
	if (words.length >= 2 && /^[A-Za-z]/.test(words[0]) && /^[A-Za-z]/.test(words[1])) {
		return (words[0][0] + words[1][0]).toUpperCase();
	}
	const first = Array.from(words[0] ?? text)[0] ?? '?';
	return first.toUpperCase();
}

/** A stable palette index (0–7) from a string, for avatar colours. */
export function colorIndex(key) {
	let hash = 0;
	for (const ch of String(key ?? '')) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
	return hash % 8;
}

function pad(n) {
	return String(n).padStart(2, '0');
}

/** "14:05" today, "12-06 14:05" another day (local time). */
export function formatTime(ms, now = Date.now()) {
	const d = new Date(ms);
	if (Number.isNaN(d.getTime())) return '';
	const today = new Date(now);
	const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
	const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
	return sameDay ? time : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** Milliseconds from a timestamp that may be in seconds (OneBot) or milliseconds. */
export function toMs(value) {
	const n = Number(value);
	if (!Number.isFinite(n) || n <= 0) return 0;
	return n < 1e12 ? n * 1000 : n;
}

function cardsOf(data) {
	let value = data;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	if (Array.isArray(value)) return value;
	if (value && typeof value === 'object' && Array.isArray(value.data)) return value.data;
	if (value && typeof value === 'object' && value.type === 'card') return [value];
	return undefined;
}

function cardPlain(data) {
	const cards = cardsOf(data) ?? [];
	for (const card of cards) {
		for (const module of card?.modules ?? []) {
			if (module?.type === 'header' && module.content?.text) return `[card] ${markdownToPlain(module.content.text)}`;
			if (module?.type === 'section') {
				const text = (module.paragraph ?? []).find((n) => typeof n?.text === 'string' && n.type !== 'button');
				if (text) return `[card] ${markdownToPlain(text.text)}`;
			}
		}
	}
	return '[card]';
}

/** A one-line plain-text preview of segments (reply quotes, forward previews, the chat list). */
export function plainText(segments, ctx = {}) {
	const parts = [];
	for (const seg of Array.isArray(segments) ? segments : []) {
		switch (seg?.type) {
			case 'text': parts.push(String(seg.text ?? '')); break;
			case 'at': parts.push(`@${mentionLabel(seg, ctx)}`); break;
			case 'image': parts.push('[image]'); break;
			case 'face': parts.push(FACES[seg.id] ?? '[face]'); break;
			case 'reply': break;
			case 'markdown': {
				const source = String(seg.text ?? '');
				parts.push(`${/^\s/.test(source) ? ' ' : ''}${markdownToPlain(source)}${/\s$/.test(source) ? ' ' : ''}`);
				break;
			}
			case 'card': parts.push(cardPlain(seg.data)); break;
			case 'forward': parts.push('[forwarded messages]'); break;
			case 'file': parts.push(`[file] ${seg.name ?? ''}`.trim()); break;
			case 'record': parts.push('[voice]'); break;
			case 'video': parts.push('[video]'); break;
			case 'json': case 'xml': parts.push(`[${seg.type}]`); break;
			case 'raw': parts.push(`[${seg.kind ?? 'raw'}]`); break;
			default: parts.push(`[${seg?.type ?? 'unknown'}]`);
		}
	}
	return parts.join('').replace(/\s+/g, ' ').trim();
}

function mentionLabel(seg, ctx) {
	if (String(seg.userId) === 'all') return 'all';
	return seg.name || ctx.mentionName?.(String(seg.userId)) || String(seg.userId ?? '');
}

function truncate(text, max) {
	const chars = Array.from(text);
	return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}，。！？）]/g;

/** Plain text with bare http(s) URLs turned into links; everything else stays text. */
export function linkify(text) {
	const out = [];
	let last = 0;
	for (const m of String(text).matchAll(URL_IN_TEXT)) {
		if (m.index > last) out.push(text.slice(last, m.index));
		out.push(h('a', { class: 'text-link', href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
		last = m.index + m[0].length;
	}
	if (last < text.length) out.push(text.slice(last));
	return out;
}

function codeBlock(label, text, testid) {
	return h('div', { class: 'seg-code', 'data-testid': testid },
		h('div', { class: 'seg-code-label' }, label),
		h('pre', {}, h('code', {}, truncate(text, 4000))));
}

function pretty(data) {
	if (typeof data === 'string') {
		try {
			return JSON.stringify(JSON.parse(data), null, 2);
		} catch {
			return data;
		}
	}
	try {
		return JSON.stringify(data, null, 2) ?? String(data);
	} catch {
		return String(data);
	}
}

function mediaLink(kind, url, label) {
	const href = safeUrl(url);
	const icon = { file: 'file', record: 'mic', video: 'video' }[kind] ?? 'file';
	return h(href ? 'a' : 'span', {
		class: `attachment attachment-${kind}`,
		'data-testid': `segment-${kind}`,
		href: href ?? null,
		target: href ? '_blank' : null,
		rel: href ? 'noopener noreferrer' : null,
	}, h('span', { class: `icon icon-${icon} attachment-icon`, 'aria-hidden': 'true' }), h('span', { class: 'attachment-name' }, label));
}

/** The quoted snippet shown above a reply; click scrolls to data-reply-to (handled by the page). */
export function renderReplyQuote(messageId, ctx = {}) {
	const original = ctx.lookup?.(String(messageId));
	const snippet = original ? truncate(plainText(original.segments, ctx), 90) || '…' : 'Original message not loaded';
	return h('blockquote', {
		class: `reply-quote${original ? '' : ' reply-missing'}`,
		'data-testid': 'reply-quote',
		'data-reply-to': String(messageId),
		role: 'button',
		tabindex: 0,
		title: 'Show the replied message',
	},
	original ? h('span', { class: 'reply-name' }, original.from?.name ?? original.from?.userId ?? '') : null,
	h('span', { class: 'reply-snippet' }, snippet));
}

function renderForward(seg, ctx, depth) {
	const nodes = Array.isArray(seg.nodes) ? seg.nodes : [];
	const preview = nodes.slice(0, 3).map((n) => h('div', { class: 'forward-preview-line' },
		`${n?.name ?? n?.userId ?? '?'}: ${truncate(plainText(n?.segments, ctx), 40)}`));
	return h('details', { class: 'forward', 'data-testid': 'forward' },
		h('summary', { class: 'forward-summary' },
			h('div', { class: 'forward-title' }, 'Forwarded chat history'),
			preview,
			h('div', { class: 'forward-count' }, `${nodes.length} message${nodes.length === 1 ? '' : 's'} · click to expand`)),
		h('div', { class: 'forward-nodes' }, nodes.map((n) => h('div', { class: 'forward-node', 'data-testid': 'forward-node' },
			h('div', { class: `avatar avatar-sm c${colorIndex(n?.userId ?? n?.name)}`, 'aria-hidden': 'true' }, initials(n?.name ?? n?.userId)),
			h('div', { class: 'forward-node-main' },
				h('div', { class: 'forward-node-name' }, String(n?.name ?? n?.userId ?? '?')),
				h('div', { class: 'forward-node-body' },
					depth < MAX_DEPTH ? renderSegments(n?.segments ?? [], ctx, depth + 1) : '…')))),
		));
}

function cardText(node, ctx) {
	if (!node || typeof node !== 'object') return null;
	if (node.type === 'markdown') return h('div', { class: 'card-text card-markdown' }, renderMarkdown(node.text, ctx));
	return h('div', { class: 'card-text' }, String(node.text ?? ''));
}

function cardButton(btn) {
	const theme = ['default', 'primary', 'success', 'danger'].includes(btn?.theme) ? btn.theme : 'default';
	const label = String(btn?.text ?? 'Button');
	const href = btn?.event === 'link-to' ? safeUrl(btn.value) : undefined;
	const attrs = {
		class: `card-button theme-${theme}`,
		'data-testid': 'card-button',
		'data-event': String(btn?.event ?? 'none'),
		'data-value': btn?.value === undefined ? null : String(btn.value),
		title: btn?.event === 'link-to' ? String(btn?.value ?? '') : `${btn?.event ?? 'none'}: ${btn?.value ?? ''}`,
	};
	if (href) return h('a', { ...attrs, href, target: '_blank', rel: 'noopener noreferrer' }, label);
	return h('button', { ...attrs, type: 'button' }, label);
}

function cardImage(node) {
	const src = safeUrl(node?.url, 'media');
	if (!src) return h('span', { class: 'card-image-missing' }, '[image]');
	const size = ['small', 'medium', 'large'].includes(node?.size) ? node.size : 'medium';
	return h('img', { class: `card-image size-${size}`, src, alt: 'card image', loading: 'lazy' });
}

function cardModule(module, ctx) {
	const type = module?.type;
	const testid = 'card-module';
	switch (type) {
		case 'header':
			return h('div', { class: 'card-header', 'data-testid': testid, 'data-module': 'header' }, cardText(module.content, ctx));
		case 'section':
			return h('div', { class: 'card-section', 'data-testid': testid, 'data-module': 'section' },
				(Array.isArray(module.paragraph) ? module.paragraph : []).map((node) => {
					if (node?.type === 'image') return cardImage(node);
					if (node?.type === 'button') return cardButton(node);
					return cardText(node, ctx);
				}));
		case 'images':
			return h('div', { class: 'card-images', 'data-testid': testid, 'data-module': 'images' },
				(Array.isArray(module.urls) ? module.urls : []).map((u) => cardImage(typeof u === 'string' ? { url: u } : u)));
		case 'image':
			return h('div', { class: 'card-images', 'data-testid': testid, 'data-module': 'image' }, cardImage(module));
		case 'button-group':
			return h('div', { class: 'card-buttons', 'data-testid': testid, 'data-module': 'button-group' },
				(Array.isArray(module.btns) ? module.btns : []).map(cardButton));
		case 'button':
			return h('div', { class: 'card-buttons', 'data-testid': testid, 'data-module': 'button' }, cardButton(module));
		case 'divider':
			return h('div', { class: `card-divider${module.text ? ' with-text' : ''}`, 'data-testid': testid, 'data-module': 'divider', role: 'separator' },
				module.text ? h('span', {}, String(module.text)) : null);
		case 'countdown': {
			const end = toMs(module.end_time);
			return h('div', { class: 'card-countdown', 'data-testid': testid, 'data-module': 'countdown', 'data-end': end || null },
				h('span', { class: 'icon icon-clock', 'aria-hidden': 'true' }), ' ', end ? `until ${new Date(end).toISOString().replace('T', ' ').slice(0, 16)} UTC` : 'countdown');
		}
		default:
			return h('div', { class: 'card-unknown', 'data-testid': testid, 'data-module': String(type ?? 'unknown') },
				codeBlock(`card module: ${String(type ?? 'unknown')}`, pretty(module), 'segment-raw'));
	}
}

/** Heychat card JSON ({"data":[cards]}, an array of cards, one card, or its JSON text) → vnodes. */
export function renderCard(data, ctx = {}) {
	const cards = cardsOf(data);
	if (!cards) return codeBlock('card (unreadable)', pretty(data), 'segment-raw');
	return h('div', { class: 'cards', 'data-testid': 'card' }, cards.map((card) => {
		const border = typeof card?.border_color === 'string' && /^#[0-9a-f]{3,8}$/i.test(card.border_color) ? card.border_color : null;
		return h('div', { class: `card size-${['small', 'medium', 'large'].includes(card?.size) ? card.size : 'medium'}`, 'data-border': border },
			(Array.isArray(card?.modules) ? card.modules : []).map((m) => cardModule(m, ctx)));
	}));
}

/** One segment → vnode(s). */
export function renderSegment(seg, ctx = {}, depth = 0) {
	switch (seg?.type) {
		case 'text':
			return h('span', { class: 'seg-text' }, linkify(String(seg.text ?? '')));
		case 'at': {
			const id = String(seg.userId ?? '');
			const cls = ['mention'];
			if (id === 'all') cls.push('mention-all');
			if (ctx.botId !== undefined && id === String(ctx.botId)) cls.push('mention-bot');
			return h('span', { class: cls.join(' '), 'data-testid': 'mention', 'data-user-id': id }, `@${mentionLabel(seg, ctx)}`);
		}
		case 'image': {
			const src = safeUrl(seg.url, 'media');
			if (!src) return h('span', { class: 'seg-missing' }, '[image]');
			return h('a', { class: 'seg-image-link', href: safeUrl(seg.url) ?? null, target: '_blank', rel: 'noopener noreferrer' },
				h('img', { class: 'seg-image', 'data-testid': 'segment-image', src, alt: 'image', loading: 'lazy' }));
		}
		case 'face': {
			const emoji = FACES[seg.id];
			return h('span', { class: `face${emoji ? '' : ' face-unknown'}`, 'data-testid': 'face', 'data-face-id': String(seg.id ?? ''), title: `QQ face ${seg.id}` },
				emoji ?? `[face ${seg.id}]`);
		}
		case 'reply':
			return renderReplyQuote(seg.messageId, ctx);
		case 'markdown':
			return renderMarkdown(seg.text, ctx);
		case 'card':
			return renderCard(seg.data, ctx);
		case 'forward':
			return renderForward(seg, ctx, depth);
		case 'file':
			return mediaLink('file', seg.url, String(seg.name ?? 'file'));
		case 'record':
			return mediaLink('record', seg.url, 'Voice message');
		case 'video':
			return mediaLink('video', seg.url, 'Video');
		case 'json':
		case 'xml':
			return codeBlock(seg.type.toUpperCase(), pretty(seg.data), `segment-${seg.type}`);
		case 'raw':
			return codeBlock(`raw segment: ${String(seg.kind ?? 'unknown')}`, pretty(seg.data), 'segment-raw');
		default:
			return codeBlock(`segment: ${String(seg?.type ?? 'unknown')}`, pretty(seg), 'segment-raw');
	}
}

const MD_SPECIAL = /[\\`*_{}[\]()#+\-.!~>|@<]/g;

/**
 * Heychat markdown arrives split around mentions (markdown, at, markdown): a run of markdown, at and text
 * segments becomes one markdown source (at → @{id:…}, text escaped) so it renders as one flowing block.
 */
function mergeMarkdownRuns(list, ctx) {
	if (!list.some((s) => s?.type === 'markdown')) return { list, ctx };
	const names = new Map();
	const out = [];
	let run = [];
	const flush = () => {
		if (run.some((s) => s.type === 'markdown')) {
			const text = run.map((s) => {
				if (s.type === 'markdown') return String(s.text ?? '');
				if (s.type === 'text') return String(s.text ?? '').replace(MD_SPECIAL, '\\$&');
				const id = String(s.userId ?? '');
				if (s.name) names.set(id, String(s.name));
				return id === 'all' ? '@{all}' : `@{id:${id}}`;
			}).join('');
			out.push({ type: 'markdown', text });
		} else out.push(...run);
		run = [];
	};
	for (const s of list) {
		if (s?.type === 'markdown' || s?.type === 'at' || s?.type === 'text') run.push(s);
		else {
			flush();
			out.push(s);
		}
	}
	flush();
	const mentionName = (id) => names.get(id) ?? ctx.mentionName?.(id);
	return { list: out, ctx: { ...ctx, mentionName } };
}

/** Segments → vnodes; a reply segment is put first (as chat apps show the quote above the text). */
export function renderSegments(segments, ctx = {}, depth = 0) {
	const merged = mergeMarkdownRuns(Array.isArray(segments) ? segments : [], ctx);
	const replies = merged.list.filter((s) => s?.type === 'reply');
	const rest = merged.list.filter((s) => s?.type !== 'reply');
	return [...replies, ...rest].map((s) => renderSegment(s, merged.ctx, depth));
}

function isBlockOnly(segments) {
	return segments.length > 0 && segments.every((s) => ['image', 'card', 'forward'].includes(s?.type));
}

/**
 * A message row. ctx: {lookup(id)→Message, mentionName(id)→name, botId, now}; opts.continued hides the
 * avatar and name (same sender a moment ago).
 */
export function renderMessage(message, ctx = {}, opts = {}) {
	const from = message.from ?? {};
	const bot = Boolean(from.bot);
	const segments = Array.isArray(message.segments) ? message.segments : [];
	const hasReplySeg = segments.some((s) => s?.type === 'reply');
	const name = String(from.name ?? from.userId ?? 'unknown');
	const mentionsBot = ctx.botId !== undefined && segments.some((s) => s?.type === 'at' && String(s.userId) === String(ctx.botId));
	const classes = ['message'];
	if (bot) classes.push('from-bot');
	if (opts.continued) classes.push('continued');
	if (mentionsBot) classes.push('mentions-bot');
	if (isBlockOnly(segments)) classes.push('block-only');
	if (opts.highlight) classes.push('highlight');
	const actions = opts.canReply
		? h('div', { class: 'message-actions' },
			h('button', { type: 'button', class: 'message-action', 'data-action': 'reply', 'data-testid': 'reply-button', 'data-message-id': String(message.id), title: 'Reply to this message' },
				h('span', { class: 'icon icon-reply', 'aria-hidden': 'true' }), ' Reply'))
		: null;
	return h('article', {
		class: classes.join(' '),
		'data-testid': 'message',
		'data-message-id': String(message.id),
		'data-chat-id': String(message.chatId ?? ''),
		'data-from-bot': bot ? 'true' : 'false',
		'data-user-id': String(from.userId ?? ''),
	},
	h('div', { class: `avatar c${colorIndex(from.userId ?? name)}${bot ? ' avatar-bot' : ''}`, 'aria-hidden': 'true', title: name },
		bot ? h('span', { class: 'icon icon-bot' }) : initials(name)),
	h('div', { class: 'message-main' },
		h('div', { class: 'message-meta' },
			h('span', { class: 'message-name', 'data-testid': 'message-name' }, name),
			bot ? h('span', { class: 'badge badge-bot', 'data-testid': 'bot-badge' }, 'BOT') : null,
			opts.role && opts.role !== 'member' ? h('span', { class: `badge badge-role role-${opts.role}` }, opts.role) : null,
			h('time', { class: 'message-time', datetime: new Date(message.time || 0).toISOString(), title: new Date(message.time || 0).toLocaleString() },
				formatTime(message.time, ctx.now)),
			message.edited ? h('span', { class: 'message-edited', title: 'edited' }, 'edited') : null),
		h('div', { class: 'bubble', 'data-testid': 'message-body' },
			message.replyTo && !hasReplySeg ? renderReplyQuote(message.replyTo, ctx) : null,
			renderSegments(segments, ctx)),
		renderReactions(message.reactions, ctx)),
	actions);
}

/** A reaction's emoji: text as is; a QQ emoji_id is a face id or a Unicode code point in decimal. */
export function reactionEmoji(emoji) {
	const text = String(emoji ?? '?');
	if (!/^\d+$/.test(text)) return text;
	const n = Number(text);
	if (FACES[n]) return FACES[n];
	if (n >= 0x2000 && n <= 0x10ffff) return String.fromCodePoint(n);
	return `[face ${text}]`;
}

/** Reactions under a message (Heychat reactions, QQ emoji likes): one chip per emoji with its count; who reacted in the tooltip. */
export function renderReactions(reactions, ctx = {}) {
	const list = (Array.isArray(reactions) ? reactions : []).filter((r) => Array.isArray(r?.userIds) && r.userIds.length > 0);
	if (list.length === 0) return null;
	return h('div', { class: 'reactions', 'data-testid': 'reactions' }, list.map((r) => {
		const names = r.userIds.map((id) => ctx.mentionName?.(String(id)) ?? String(id));
		const mine = ctx.botId !== undefined && r.userIds.map(String).includes(String(ctx.botId));
		return h('span', { class: `reaction${mine ? ' by-bot' : ''}`, 'data-testid': 'reaction', title: names.join(', ') },
			h('span', { class: 'reaction-emoji' }, reactionEmoji(r.emoji)), h('span', { class: 'reaction-count' }, String(r.userIds.length)));
	}));
}

/** A recalled message's placeholder row (the page keeps the id so replies still point somewhere). */
export function renderRecalled(message) {
	return h('div', {
		class: 'system-line recalled',
		'data-testid': 'recalled',
		'data-message-id': String(message.id),
		'data-chat-id': String(message.chatId ?? ''),
	}, `A message from ${message.from?.name ?? 'someone'} was recalled`);
}

// Bot actions that already show in the conversation as a message (sent, edited, recalled) and calls that only
// read state get no system line there; the Bot calls panel still lists them. A failed call always gets one.
const MESSAGE_ACTION = /^(send_|delete_msg$|(update|delete)_channel_message$|.*forward_msg$|mark_.*read|set_msg_emoji_like$|set_message_reaction$)/i;
const READ_ACTION = /^(get_|can_|check_|fetch_|list_|search_|\.?_?get_)/i;
const READ_SUMMARY = /\b(read|looked up)\b/;

/** Whether a FeedEvent is shown as a system line in its chat. */
export function isSystemEvent(event) {
	if (!event?.chatId) return false;
	if (event.ok === false) return true;
	const action = String(event.action ?? '');
	if (MESSAGE_ACTION.test(action) || READ_ACTION.test(action)) return false;
	return !(event.modelled !== false && READ_SUMMARY.test(String(event.summary ?? '')));
}

/** An inline system line for a bot action that is not a message (a FeedEvent with a chatId). */
export function renderSystemLine(event, ctx = {}) {
	const ok = event.ok !== false;
	return h('div', {
		class: `system-line${ok ? '' : ' failed'}`,
		'data-testid': 'system-line',
		'data-event-id': String(event.id ?? ''),
		'data-action': String(event.action ?? ''),
		'data-ok': ok ? 'true' : 'false',
	},
	h('span', { class: 'system-text' }, String(event.summary || event.action || 'bot action')),
	ok ? null : h('span', { class: 'system-error' }, ` — failed: ${event.error ?? 'error'}`),
	h('time', { class: 'system-time' }, formatTime(event.time, ctx.now)));
}

/** One entry of the "Bot calls" panel. */
export function renderBotCall(event, ctx = {}) {
	const ok = event.ok !== false;
	const modelled = event.modelled !== false;
	return h('li', {
		class: `bot-call${ok ? '' : ' failed'}${modelled ? '' : ' raw'}`,
		'data-testid': 'bot-call',
		'data-event-id': String(event.id ?? ''),
		'data-action': String(event.action ?? ''),
		'data-ok': ok ? 'true' : 'false',
		'data-modelled': modelled ? 'true' : 'false',
		'data-chat-id': event.chatId ?? null,
	},
	h('details', {},
		h('summary', {},
			h('div', { class: 'bot-call-head' },
				h('span', { class: `status-dot ${ok ? 'ok' : 'err'}`, title: ok ? 'ok' : 'failed' }),
				h('code', { class: 'bot-call-action' }, String(event.action ?? '?')),
				h('span', { class: `badge badge-platform p-${event.platform}` }, event.platform === 'heychat' ? 'Heychat' : 'OneBot'),
				modelled ? null : h('span', { class: 'badge badge-raw', 'data-testid': 'raw-call' }, 'raw call'),
				h('time', { class: 'bot-call-time' }, formatTime(event.time, ctx.now))),
			h('div', { class: 'bot-call-summary' }, String(event.summary ?? '')),
			ok ? null : h('div', { class: 'bot-call-error' }, String(event.error ?? 'error'))),
		h('div', { class: 'bot-call-details' },
			event.chatId ? h('div', { class: 'bot-call-chat' }, 'chat: ', h('a', { href: `#chat=${encodeURIComponent(event.chatId)}`, 'data-open-chat': event.chatId }, event.chatId)) : null,
			h('pre', { class: 'bot-call-params', 'data-testid': 'bot-call-params' }, h('code', {}, truncate(pretty(event.params ?? {}), 8000))))));
}

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 };

/** Members sorted: the bot, the owner, admins, then by name. */
export function sortMembers(members, botId) {
	const rank = (m) => (botId !== undefined && String(m.userId) === String(botId) ? -1 : ROLE_ORDER[m.role] ?? 3);
	return [...(members ?? [])].sort((a, b) => rank(a) - rank(b) || String(a.name).localeCompare(String(b.name)));
}

/** "10 min", "2 h 5 min", "3 d". */
export function formatDuration(ms) {
	const minutes = Math.max(1, Math.round(ms / 60000));
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
	return `${Math.round(hours / 24)} d`;
}

/** One row of the members panel. */
export function renderMember(member, ctx = {}) {
	const now = ctx.now ?? Date.now();
	const mutedUntil = toMs(member.mutedUntil);
	const muted = mutedUntil > now;
	const isBot = ctx.botId !== undefined && String(member.userId) === String(ctx.botId);
	const roles = Array.isArray(member.roles) ? member.roles : [];
	return h('li', {
		class: `member${muted ? ' muted' : ''}`,
		'data-testid': 'member',
		'data-user-id': String(member.userId),
		'data-role': String(member.role ?? 'member'),
		'data-muted': muted ? 'true' : 'false',
	},
	h('div', { class: `avatar avatar-sm c${colorIndex(member.userId)}${isBot ? ' avatar-bot' : ''}`, 'aria-hidden': 'true' }, isBot ? h('span', { class: 'icon icon-bot' }) : initials(member.name)),
	h('div', { class: 'member-main' },
		h('div', { class: 'member-name' },
			member.card ? String(member.card) : String(member.name ?? member.userId),
			member.card && member.name && member.card !== member.name ? h('span', { class: 'member-real-name' }, ` (${member.name})`) : null,
			isBot ? h('span', { class: 'badge badge-bot' }, 'BOT') : null),
		h('div', { class: 'member-tags' },
			member.role && member.role !== 'member' ? h('span', { class: `badge badge-role role-${member.role}` }, String(member.role)) : null,
			member.title ? h('span', { class: 'badge badge-title', title: 'special title' }, String(member.title)) : null,
			roles.map((r) => h('span', { class: 'badge badge-hcrole', 'data-testid': 'member-role' }, typeof r === 'string' ? r : String(r?.name ?? r?.id ?? '?'))),
			muted ? h('span', { class: 'badge badge-muted', 'data-testid': 'muted', title: new Date(mutedUntil).toLocaleString() },
				h('span', { class: 'icon icon-mute', 'aria-hidden': 'true' }), ` muted ${formatDuration(mutedUntil - now)}`) : null)));
}

/** One group notice. */
export function renderNotice(notice, ctx = {}) {
	return h('li', { class: 'notice', 'data-testid': 'notice', 'data-notice-id': String(notice.id ?? '') },
		h('div', { class: 'notice-text' }, linkify(String(notice.text ?? ''))),
		h('time', { class: 'notice-time' }, formatTime(toMs(notice.time), ctx.now)));
}

/** The sidebar's sections: QQ groups, QQ private chats, one per Heychat room, Heychat DMs. */
export function chatGroups(chats) {
	const sections = new Map();
	const add = (key, title, icon, chat) => {
		if (!sections.has(key)) sections.set(key, { key, title, icon, chats: [] });
		sections.get(key).chats.push(chat);
	};
	for (const chat of chats ?? []) {
		if (chat.platform === 'onebot' && chat.kind === 'group') add('qq:group', 'QQ groups', '👥', chat);
		else if (chat.platform === 'onebot') add('qq:private', 'QQ private chats', '👤', chat);
		else if (chat.kind === 'channel') add(`hc:room:${chat.room ?? ''}`, `Heychat · ${chat.room ?? 'room'}`, '#', chat);
		else add('hc:dm', 'Heychat DMs', '✉️', chat);
	}
	const order = (key) => (key === 'qq:group' ? 0 : key === 'qq:private' ? 1 : key === 'hc:dm' ? 3 : 2);
	return [...sections.values()].sort((a, b) => order(a.key) - order(b.key));
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * Whether n8n is listening to each bot: the feed's consumer counts (a 'consumers' frame, or the snapshot's) → one line
 * per bot, "QQ bot: 1 listener connected" or a muted warning that no workflow listens. Missing counts are zeros.
 */
export function renderListeners(consumers) {
	const n = (v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Math.floor(Number(v)) : 0);
	const ob = consumers?.onebot ?? {};
	const hc = consumers?.heychat ?? {};
	const rows = [
		{
			platform: 'onebot',
			label: 'QQ bot',
			count: n(ob.forward) + n(ob.reverse) + n(ob.post),
			detail: `OneBot: forward WebSocket ${n(ob.forward)} · reverse WebSocket ${n(ob.reverse)} · HTTP POST ${n(ob.post)}`,
		},
		{ platform: 'heychat', label: 'Heychat bot', count: n(hc.gateway), detail: `Heychat: gateway ${n(hc.gateway)}` },
	];
	return h('div', { class: 'listeners', 'data-testid': 'listeners' }, ...rows.map((row) => h('div', {
		class: 'listener',
		'data-testid': 'listener',
		'data-platform': row.platform,
		'data-count': String(row.count),
		'data-state': row.count > 0 ? 'online' : 'offline',
		title: row.detail,
	},
	h('span', { class: 'listener-dot', 'aria-hidden': 'true' }),
	h('span', { class: 'listener-label' }, `${row.label}: `),
	row.count > 0
		? `${plural(row.count, 'listener', 'listeners')} connected`
		: 'no workflow listening — start n8n or activate a workflow')));
}
