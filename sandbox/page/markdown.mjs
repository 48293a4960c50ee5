// Safe markdown subset → vnodes: paragraphs, headings, **bold**, *italic*, ~~strike~~, `code`, fenced code,
// [links](url), ![images](url), bare URLs, lists, > quotes, --- rules, and Heychat's @{id:…} mentions.
// Everything else (HTML included) stays literal text. Pure; importable by Node tests.
import { h, safeUrl } from './vnode.mjs';

const MAX_DEPTH = 8;

/**
 * @param {string} text
 * @param {{mentionName?: (id: string) => string|undefined, botId?: string}} [ctx]
 * @returns {import('./vnode.mjs').VNode}
 */
export function renderMarkdown(text, ctx = {}) {
	return h('div', { class: 'md' }, blocks(String(text ?? '').replace(/\r\n?/g, '\n').split('\n'), ctx, 0));
}

const FENCE = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

function blocks(lines, ctx, depth) {
	const out = [];
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (line.trim() === '') {
			i++;
			continue;
		}
		const fence = FENCE.exec(line);
		if (fence) {
			const body = [];
			i++;
			while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
			i++; // the closing fence (or the end)
			out.push(h('pre', { class: 'md-code', 'data-lang': fence[2] || null }, h('code', {}, body.join('\n'))));
			continue;
		}
		if (RULE.test(line)) {
			out.push(h('hr', { class: 'md-rule' }));
			i++;
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading) {
			out.push(h('p', { class: `md-heading md-h${heading[1].length}` }, h('strong', {}, inline(heading[2], ctx, depth))));
			i++;
			continue;
		}
		if (QUOTE.test(line)) {
			const body = [];
			while (i < lines.length && QUOTE.test(lines[i])) body.push(QUOTE.exec(lines[i++])[1]);
			out.push(h('blockquote', { class: 'md-quote' }, depth < MAX_DEPTH ? blocks(body, ctx, depth + 1) : body.join('\n')));
			continue;
		}
		if (BULLET.test(line) || ORDERED.test(line)) {
			const ordered = !BULLET.test(line);
			const pattern = ordered ? ORDERED : BULLET;
			const items = [];
			const start = ordered ? Number(ORDERED.exec(line)[1]) : 1;
			while (i < lines.length && pattern.test(lines[i])) {
				const m = pattern.exec(lines[i++]);
				const itemLines = [ordered ? m[2] : m[1]];
				// indented continuation lines belong to the item
				while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !pattern.test(lines[i])) itemLines.push(lines[i++].trim());
				items.push(h('li', {}, joinLines(itemLines, ctx, depth)));
			}
			out.push(h(ordered ? 'ol' : 'ul', { class: 'md-list', start: ordered && start !== 1 ? start : null }, items));
			continue;
		}
		const para = [];
		while (
			i < lines.length && lines[i].trim() !== '' && !FENCE.test(lines[i]) && !HEADING.test(lines[i]) &&
			!QUOTE.test(lines[i]) && !BULLET.test(lines[i]) && !ORDERED.test(lines[i]) && !RULE.test(lines[i])
		) {
			para.push(lines[i++]);
		}
		out.push(h('p', { class: 'md-p' }, joinLines(para, ctx, depth)));
	}
	return out;
}

function joinLines(lines, ctx, depth) {
	const out = [];
	lines.forEach((line, index) => {
		if (index > 0) out.push(h('br', {}));
		out.push(...inline(line, ctx, depth));
	});
	return out;
}

const INLINE = [
	['escape', /\\([\\`*_{}[\]()#+\-.!~>|@<])/y],
	['code', /(`+)([\s\S]*?[^`])\1(?!`)/y],
	['image', /!\[([^\]]*)\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)>?(?:\s+"[^"]*")?\s*\)/y],
	['link', /\[((?:[^[\]]|\[[^\]]*\])+)\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)>?(?:\s+"[^"]*")?\s*\)/y],
	['strong', /\*\*(?=\S)([\s\S]*?\S)\*\*(?!\*)/y],
	['strong', /__(?=\S)([\s\S]*?\S)__(?!_)/y],
	['del', /~~(?=\S)([\s\S]*?\S)~~/y],
	['em', /\*(?=[^\s*])((?:[^*]|\*\*[^*]+\*\*)*?[^\s*])\*(?!\*)/y],
	['em_', /_(?=[^\s_])([^_]*?[^\s_])_(?![\p{L}\p{N}])/uy],
	['mention', /@\{\s*(?:id:\s*)?([^}\s]+)\s*\}/y],
	['channel', /#\{\s*id:\s*([^}\s]+)\s*\}/y],
	['br', /<br\s*\/?>/iy],
	['url', /https?:\/\/[^\s<>"'`]+/y],
];
const SPECIAL = /[\\`!\[*_~@#<h]/;

/**
 * Inline markdown → children (strings and vnodes).
 * @returns {Array<import('./vnode.mjs').VNode|string>}
 */
export function inline(text, ctx = {}, depth = 0) {
	const out = [];
	let buffer = '';
	const flush = () => {
		if (buffer) out.push(buffer);
		buffer = '';
	};
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (!SPECIAL.test(ch)) {
			buffer += ch;
			i++;
			continue;
		}
		let matched = false;
		for (const [kind, pattern] of INLINE) {
			if (kind === 'em_' && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1])) continue; // snake_case stays text
			if (kind === 'url' && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1])) continue;
			pattern.lastIndex = i;
			const m = pattern.exec(text);
			if (!m) continue;
			const node = inlineNode(kind, m, ctx, depth);
			if (node === undefined) continue;
			flush();
			let consumed = m[0].length;
			if (kind === 'url') {
				const trimmed = trimUrl(m[0]);
				consumed = trimmed.length;
				out.push(...[].concat(inlineNode('url', [trimmed], ctx, depth)));
			} else {
				out.push(...[].concat(node));
			}
			i += consumed;
			matched = true;
			break;
		}
		if (!matched) {
			buffer += ch;
			i++;
		}
	}
	flush();
	return out;
}

function trimUrl(url) {
	let end = url.length;
	while (end > 0 && /[.,;:!?'")\]}>，。！？）]/.test(url[end - 1])) {
		// keep a closing parenthesis that balances one inside the URL
		if (url[end - 1] === ')' && (url.slice(0, end).match(/\(/g) ?? []).length >= (url.slice(0, end).match(/\)/g) ?? []).length) break;
		end--;
	}
	return url.slice(0, end);
}

function inlineNode(kind, m, ctx, depth) {
	const deeper = (s) => (depth < MAX_DEPTH ? inline(s, ctx, depth + 1) : [s]);
	switch (kind) {
		case 'escape':
			return m[1];
		case 'code':
			return h('code', { class: 'md-inline-code' }, m[2].replace(/^ (.*) $/, '$1'));
		case 'image': {
			const src = safeUrl(m[2], 'media');
			if (!src) return m[0];
			return h('a', { class: 'md-image-link', href: safeUrl(m[2]) ?? null, target: '_blank', rel: 'noopener noreferrer' },
				h('img', { class: 'md-image', src, alt: m[1] || 'image', loading: 'lazy' }));
		}
		case 'link': {
			const href = safeUrl(m[2]);
			if (!href) return deeper(m[1]);
			return h('a', { class: 'md-link', href, target: '_blank', rel: 'noopener noreferrer' }, deeper(m[1]));
		}
		case 'strong':
			return h('strong', {}, deeper(m[1]));
		case 'del':
			return h('del', {}, deeper(m[1]));
		case 'em':
		case 'em_':
			return h('em', {}, deeper(m[1]));
		case 'mention': {
			const id = m[1];
			const special = id === 'all' ? 'all' : id === 'here' ? 'here' : undefined;
			const name = special ? (special === 'all' ? 'all' : 'here') : (ctx.mentionName?.(id) ?? id);
			return h('span', {
				class: `mention${ctx.botId !== undefined && id === ctx.botId ? ' mention-bot' : ''}${special ? ' mention-all' : ''}`,
				'data-testid': 'mention',
				'data-user-id': id,
			}, `@${name}`);
		}
		case 'channel':
			return h('span', { class: 'channel-link', 'data-channel-id': m[1] }, `#${ctx.channelName?.(m[1]) ?? m[1]}`);
		case 'br':
			return h('br', {});
		case 'url': {
			const href = safeUrl(m[0]);
			if (!href) return undefined;
			return h('a', { class: 'md-link', href, target: '_blank', rel: 'noopener noreferrer' }, m[0]);
		}
		default:
			return undefined;
	}
}

/** Markdown → a one-line plain preview (for reply quotes, forward previews and notifications). */
export function markdownToPlain(text) {
	return String(text ?? '')
		.replace(/```[\s\S]*?```/g, '[code]')
		.replace(/!\[[^\]]*\]\([^)]*\)/g, '[image]')
		.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
		.replace(/@\{\s*(?:id:\s*)?([^}\s]+)\s*\}/g, '@$1')
		.replace(/(\*\*|__|~~|`)/g, '')
		.replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
		.replace(/\s+/g, ' ')
		.trim();
}
