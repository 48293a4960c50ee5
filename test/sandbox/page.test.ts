/**
 * The sandbox chat page's rendering (sandbox/page/render.mjs, markdown.mjs, vnode.mjs): feed messages → vnodes → DOM.
 * Untrusted text must stay text (no element, no handler, no javascript: URL), and each segment kind renders as
 * a chat app shows it. toDom is checked against a tiny DOM shim that records what the page would create.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findAll, h, safeUrl, textOf, toDom, type Child, type VNode } from '../../sandbox/page/vnode.mjs';
import { markdownToPlain, renderMarkdown } from '../../sandbox/page/markdown.mjs';
import {
	chatGroups, initials, isSystemEvent, plainText, reactionEmoji, renderBotCall, renderCard, renderMember, renderMessage, renderSegment,
	renderListeners, renderReactions, renderSystemLine, type Message, type RenderContext,
} from '../../sandbox/page/render.mjs';

// ---- a tiny DOM shim: elements with attributes and children, text nodes with data ----
class ShimText {
	constructor(public data: string) {}
}
class ShimElement {
	attributes = new Map<string, string>();
	children: Array<ShimElement | ShimText> = [];
	constructor(public tagName: string) {}
	setAttribute(name: string, value: string) {
		this.attributes.set(name, value);
	}
	appendChild(child: ShimElement | ShimText) {
		this.children.push(child);
		return child;
	}
}
type ShimNode = ShimElement | ShimText;
const shimDoc = {
	createElement: (tag: string) => new ShimElement(tag),
	createTextNode: (text: string) => new ShimText(text),
};
function dom(node: Child): ShimNode {
	return toDom<ShimNode>(node, shimDoc as never);
}
function elements(node: ShimNode, out: ShimElement[] = []): ShimElement[] {
	if (node instanceof ShimElement) {
		out.push(node);
		node.children.forEach((c) => elements(c, out));
	}
	return out;
}
function domText(node: ShimNode): string {
	return node instanceof ShimText ? node.data : node.children.map(domText).join('');
}

const byClass = (tree: VNode, cls: string) => findAll(tree, (n) => String(n.attrs.class ?? '').split(' ').includes(cls));
const byTestId = (tree: VNode, id: string) => findAll(tree, (n) => n.attrs['data-testid'] === id);
const tags = (tree: VNode) => findAll(tree, () => true).map((n) => n.tag);

function message(segments: Message['segments'], extra: Partial<Message> = {}): Message {
	return {
		id: 'm1', chatId: 'qq:group:123456789', time: Date.UTC(2026, 11, 7, 5, 30),
		from: { userId: '20001', name: 'Alice', bot: false }, segments, ...extra,
	};
}

const HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>';

describe('untrusted text stays text', () => {
	test('a text segment with HTML renders as that literal text, creating no script/img element', () => {
		const tree = renderMessage(message([{ type: 'text', text: HOSTILE }]));
		const node = dom(tree);
		const created = elements(node).map((e) => e.tagName);
		assert.ok(!created.includes('script') && !created.includes('img'), `elements created: ${created.join(',')}`);
		assert.ok(domText(node).includes(HOSTILE), 'the hostile text is shown verbatim');
		for (const e of elements(node)) {
			for (const name of e.attributes.keys()) assert.ok(!/^on/i.test(name), `no handler attribute (${name})`);
		}
	});

	test('markdown with HTML renders it as text; bold/italic/code around it still work', () => {
		const tree = renderMarkdown(`**bold** ${HOSTILE} *it* \`<b>code</b>\``);
		const node = dom(tree);
		const created = elements(node).map((e) => e.tagName);
		assert.deepEqual(created.filter((t) => ['script', 'img', 'a', 'b'].includes(t)), [], 'no script, img, anchor or b from the HTML');
		assert.ok(domText(node).includes('<script>alert(1)</script>'));
		assert.ok(domText(node).includes('<img src=x onerror="alert(2)">'));
		assert.equal(textOf(findAll(tree, (n) => n.tag === 'strong')[0]), 'bold');
		assert.equal(textOf(findAll(tree, (n) => n.tag === 'em')[0]), 'it');
		assert.equal(textOf(findAll(tree, (n) => n.tag === 'code')[0]), '<b>code</b>');
	});

	test('javascript: and data: links are not links; http(s) links and images are', () => {
		const tree = renderMarkdown('[evil](javascript:alert(1)) [data](data:text/html,<b>x</b>) [ok](https://example.com/a_(b)) ![pic](https://img.example/p.png) ![bad](javascript:alert(1))');
		const anchors = findAll(tree, (n) => n.tag === 'a');
		assert.deepEqual(anchors.map((a) => a.attrs.href), ['https://example.com/a_(b)', 'https://img.example/p.png']);
		assert.equal(findAll(tree, (n) => n.tag === 'img').length, 1);
		const text = textOf(tree);
		assert.ok(text.startsWith('evil [data]'), text);
		assert.ok(text.includes('![bad](javascript:alert(1))'), 'the unsafe image stays literal text');
	});

	test('safeUrl allows http(s)/mailto/relative links and http(s)/blob/data-image media only', () => {
		assert.equal(safeUrl('https://a.b/c'), 'https://a.b/c');
		assert.equal(safeUrl('/files/1.png', 'media'), '/files/1.png');
		assert.equal(safeUrl('mailto:a@b.c'), 'mailto:a@b.c');
		assert.equal(safeUrl('data:image/png;base64,iVBORw0KGgo=', 'media'), 'data:image/png;base64,iVBORw0KGgo=');
		for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'vbscript:x', 'data:text/html,<b>', 'data:image/svg+xml,<svg onload=alert(1)>']) {
			assert.equal(safeUrl(bad), undefined, bad);
			assert.equal(safeUrl(bad, 'media'), undefined, bad);
		}
	});

	test('toDom drops handler and style attributes, unknown tags become span, and re-checks href/src', () => {
		const node = dom(h('script', { onclick: 'x()', style: 'color:red', class: 'c', href: 'javascript:x', 'data-x': '1' }, 'hi')) as ShimElement;
		assert.equal(node.tagName, 'span');
		assert.deepEqual([...node.attributes.entries()], [['class', 'c'], ['data-x', '1']]);
		const img = dom(h('img', { src: 'javascript:alert(1)', alt: 'a' })) as ShimElement;
		assert.equal(img.attributes.has('src'), false);
	});
});

describe('messages', () => {
	const ctx: RenderContext = {
		botId: '10001',
		mentionName: (id) => ({ '20002': 'Bob', '30001': 'Alice' } as Record<string, string>)[id],
		lookup: (id) => (id === 'm0' ? message([{ type: 'text', text: 'the original question, which is long enough to be cut somewhere around here for the quote, as it goes on and on and on' }], { id: 'm0', from: { userId: '20002', name: 'Bob', bot: false } }) : undefined),
	};

	test('a bot message carries the test hooks, a BOT badge and the sender name', () => {
		const tree = renderMessage(message([{ type: 'text', text: 'pong' }], { id: '77', from: { userId: '10001', name: 'Sandbox Bot', bot: true } }), ctx);
		assert.equal(tree.attrs['data-testid'], 'message');
		assert.equal(tree.attrs['data-message-id'], '77');
		assert.equal(tree.attrs['data-from-bot'], 'true');
		assert.equal(tree.attrs['data-chat-id'], 'qq:group:123456789');
		assert.equal(byTestId(tree, 'bot-badge').length, 1);
		assert.equal(textOf(byTestId(tree, 'message-name')[0]), 'Sandbox Bot');
		assert.equal(textOf(byTestId(tree, 'message-body')[0]), 'pong');
		const user = renderMessage(message([{ type: 'text', text: 'hi' }]), ctx);
		assert.equal(user.attrs['data-from-bot'], 'false');
		assert.equal(byTestId(user, 'bot-badge').length, 0);
	});

	test('@mentions are highlighted spans with the user id; a mention of the bot is marked', () => {
		const tree = renderMessage(message([
			{ type: 'at', userId: '10001', name: 'Sandbox Bot' }, { type: 'text', text: ' help ' },
			{ type: 'at', userId: '20002' }, { type: 'at', userId: 'all' },
		]), ctx);
		const mentions = byTestId(tree, 'mention');
		assert.deepEqual(mentions.map(textOf), ['@Sandbox Bot', '@Bob', '@all']);
		assert.deepEqual(mentions.map((m) => m.attrs['data-user-id']), ['10001', '20002', 'all']);
		assert.ok(String(mentions[0].attrs.class).includes('mention-bot'));
		assert.ok(String(mentions[2].attrs.class).includes('mention-all'));
		assert.ok(String(tree.attrs.class).includes('mentions-bot'));
	});

	test('Heychat markdown mentions @{id:…} show the member name', () => {
		const tree = renderMarkdown('hi @{id:30001} and @{all}', ctx);
		assert.deepEqual(findAll(tree, (n) => n.attrs['data-testid'] === 'mention').map(textOf), ['@Alice', '@all']);
	});

	test('Heychat markdown split around a mention renders as one block with the mention inline', () => {
		const tree = renderMessage(message([
			{ type: 'markdown', text: '**Welcome** ' }, { type: 'at', userId: '30001', name: 'Alice' },
			{ type: 'markdown', text: '!\n- read the rules' }, { type: 'text', text: ' *not italic* <i>' },
		]), ctx);
		const body = byTestId(tree, 'message-body')[0];
		assert.equal(byClass(body, 'md').length, 1, 'one markdown block');
		const para = findAll(body, (n) => n.tag === 'p')[0];
		assert.deepEqual(findAll(para, (n) => n.attrs['data-testid'] === 'mention').map(textOf), ['@Alice'], 'the mention is inside the first paragraph');
		assert.equal(findAll(body, (n) => n.tag === 'li').length, 1);
		assert.ok(textOf(body).includes('*not italic* <i>'), 'a text segment stays literal');
		assert.equal(findAll(body, (n) => n.tag === 'em').length, 0);
	});

	test('a reply quotes the replied message (name and cut snippet) and points at its id', () => {
		const tree = renderMessage(message([{ type: 'text', text: 'answer' }, { type: 'reply', messageId: 'm0' }]), ctx);
		const quote = byTestId(tree, 'reply-quote');
		assert.equal(quote.length, 1);
		assert.equal(quote[0].attrs['data-reply-to'], 'm0');
		assert.match(textOf(quote[0]), /^Bobthe original question/);
		assert.ok(textOf(quote[0]).endsWith('…'), 'a long snippet is cut');
		// the quote comes before the text, as chat apps show it
		const body = byTestId(tree, 'message-body')[0];
		assert.equal((body.children[0] as VNode).attrs['data-testid'], 'reply-quote');
		// replyTo on the message works the same; an unknown id says so
		const viaField = renderMessage(message([{ type: 'text', text: 'x' }], { replyTo: 'nope' }), ctx);
		assert.equal(textOf(byTestId(viaField, 'reply-quote')[0]), 'Original message not loaded');
	});

	test('a forward message is a collapsible card listing its nodes, nested forwards included', () => {
		const tree = renderSegment({
			type: 'forward', nodes: [
				{ name: 'Alice', userId: '20001', segments: [{ type: 'text', text: 'first' }] },
				{ name: 'Bob', userId: '20002', segments: [{ type: 'image', url: 'https://img.example/x.png' }] },
				{ name: 'Carol', userId: '20003', segments: [{ type: 'forward', nodes: [{ name: 'Dave', userId: '1', segments: [{ type: 'text', text: 'inner' }] }] }] },
			],
		}, ctx);
		assert.equal(tree.tag, 'details');
		assert.equal(tree.attrs['data-testid'], 'forward');
		const summary = findAll(tree, (n) => n.tag === 'summary')[0];
		assert.match(textOf(summary), /Alice: first/);
		assert.match(textOf(summary), /Bob: \[image\]/);
		assert.match(textOf(summary), /3 messages/);
		const nodes = byTestId(tree, 'forward-node');
		assert.equal(nodes.length, 4, 'three nodes plus the nested one');
		assert.equal(byTestId(tree, 'segment-image').length, 1);
		assert.ok(textOf(tree).includes('inner'));
	});

	test('images are inline, faces are emoji, files/records/videos are links, json and raw are code blocks', () => {
		const tree = renderMessage(message([
			{ type: 'image', url: 'https://img.example/a.png' }, { type: 'face', id: 14 }, { type: 'face', id: 99999 },
			{ type: 'file', name: 'report.pdf', url: 'https://f.example/r.pdf' }, { type: 'record', url: 'https://f.example/v.amr' },
			{ type: 'video', url: 'javascript:alert(1)' }, { type: 'json', data: '{"a":1}' },
			{ type: 'raw', kind: 'dice', data: { result: 3 } }, { type: 'mystery', x: 1 },
		]));
		assert.equal(byTestId(tree, 'segment-image')[0].attrs.src, 'https://img.example/a.png');
		assert.deepEqual(byTestId(tree, 'face').map(textOf), ['🙂', '[face 99999]']);
		const file = byTestId(tree, 'segment-file')[0];
		assert.equal(file.tag, 'a');
		assert.equal(file.attrs.href, 'https://f.example/r.pdf');
		assert.ok(textOf(file).includes('report.pdf'));
		assert.equal(byTestId(tree, 'segment-record')[0].attrs.href, 'https://f.example/v.amr');
		assert.equal(byTestId(tree, 'segment-video')[0].tag, 'span', 'an unsafe URL is not a link');
		assert.match(textOf(byTestId(tree, 'segment-json')[0]), /"a": 1/);
		const raws = byTestId(tree, 'segment-raw');
		assert.equal(raws.length, 2);
		assert.match(textOf(raws[0]), /raw segment: dice[\s\S]*"result": 3/);
		assert.match(textOf(raws[1]), /segment: mystery/);
	});

	test('plainText previews every kind in one line', () => {
		assert.equal(
			plainText([{ type: 'text', text: 'hi\nthere ' }, { type: 'at', userId: '20002' }, { type: 'image', url: 'x' }, { type: 'markdown', text: '**b** [l](https://x.y)' }], ctx),
			'hi there @Bob[image]b l',
		);
		assert.equal(markdownToPlain('# Title\n- item `code`'), 'Title item code');
	});

	test('recalled and edited states are visible', () => {
		const tree = renderMessage(message([{ type: 'text', text: 'x' }], { edited: true }));
		assert.ok(textOf(tree).includes('edited'));
	});
});

describe('markdown blocks', () => {
	test('lists, quotes, headings, rules and fenced code', () => {
		const tree = renderMarkdown('# Title\n\n- one\n- two **b**\n\n1. first\n2. second\n\n> quoted *it*\n\n---\n\n```js\nconst a = "<b>";\n```\nsnake_case_name stays');
		assert.deepEqual(tags(tree).filter((t) => ['ul', 'ol', 'li', 'blockquote', 'hr', 'pre'].includes(t)),
			['ul', 'li', 'li', 'ol', 'li', 'li', 'blockquote', 'hr', 'pre']);
		assert.equal(textOf(byClass(tree, 'md-heading')[0]), 'Title');
		assert.equal(textOf(findAll(tree, (n) => n.tag === 'pre')[0]), 'const a = "<b>";');
		assert.ok(textOf(tree).includes('snake_case_name stays'));
		assert.equal(findAll(tree, (n) => n.tag === 'em').length, 1, 'only *it* is italic, not snake_case');
	});

	test('bare URLs become links without their trailing punctuation', () => {
		const tree = renderMarkdown('see https://example.com/x. ok');
		const a = findAll(tree, (n) => n.tag === 'a');
		assert.equal(a[0].attrs.href, 'https://example.com/x');
		assert.equal(textOf(tree), 'see https://example.com/x. ok');
	});
});

describe('Heychat cards', () => {
	const card = {
		data: [{
			type: 'card', size: 'medium', modules: [
				{ type: 'header', content: { type: 'plain-text', text: 'Daily <b>report</b>' } },
				{ type: 'section', paragraph: [{ type: 'markdown', text: '**42** rolls' }, { type: 'image', url: 'https://chat.max-c.com/a.png', size: 'small' }] },
				{ type: 'images', urls: [{ url: 'https://chat.max-c.com/1.png' }, { url: 'javascript:alert(1)' }] },
				{ type: 'divider', text: 'more' },
				{ type: 'button-group', btns: [
					{ type: 'button', event: 'link-to', value: 'https://example.com', text: 'Open', theme: 'primary' },
					{ type: 'button', event: 'server', value: 'roll', text: 'Roll again', theme: 'success' },
					{ type: 'button', event: 'link-to', value: 'javascript:alert(1)', text: 'Evil' },
				] },
				{ type: 'countdown', mode: 'default', end_time: 1796000000 },
				{ type: 'hologram', beam: 1 },
			],
		}],
	};

	test('modules render: header text, section markdown + image, images, divider, buttons, countdown, unknown as code', () => {
		const tree = renderCard(card);
		assert.equal(tree.attrs['data-testid'], 'card');
		const modules = byTestId(tree, 'card-module').map((m) => m.attrs['data-module']);
		assert.deepEqual(modules, ['header', 'section', 'images', 'divider', 'button-group', 'countdown', 'hologram']);
		const header = byTestId(tree, 'card-module')[0];
		assert.equal(textOf(header), 'Daily <b>report</b>', 'plain-text stays text');
		assert.equal(findAll(header, (n) => n.tag === 'b').length, 0);
		assert.equal(textOf(findAll(tree, (n) => n.tag === 'strong')[0]), '42');
		const images = findAll(tree, (n) => n.tag === 'img');
		assert.deepEqual(images.map((i) => i.attrs.src), ['https://chat.max-c.com/a.png', 'https://chat.max-c.com/1.png']);
		const buttons = byTestId(tree, 'card-button');
		assert.deepEqual(buttons.map(textOf), ['Open', 'Roll again', 'Evil']);
		assert.deepEqual(buttons.map((b) => b.tag), ['a', 'button', 'button'], 'only a safe link-to is a link');
		assert.equal(buttons[0].attrs.href, 'https://example.com');
		assert.ok(String(buttons[0].attrs.class).includes('theme-primary'));
		assert.match(textOf(byTestId(tree, 'card-module')[5]), /until 2026-/);
		assert.match(textOf(byTestId(tree, 'card-module')[6]), /card module: hologram/);
	});

	test('a card given as JSON text, an array, or one card renders; garbage shows as code', () => {
		const one = { type: 'card', modules: [{ type: 'divider' }] };
		for (const data of [JSON.stringify(card), [one], one]) assert.equal(renderCard(data).attrs['data-testid'], 'card');
		assert.equal(renderCard('not json').attrs['data-testid'], 'segment-raw');
		assert.equal(plainText([{ type: 'card', data: card }]), '[card] Daily <b>report</b>');
	});
});

describe('bot actions, members, chat list', () => {
	const event = {
		id: 'e1', time: Date.UTC(2026, 11, 7, 5, 31), platform: 'onebot' as const, chatId: 'qq:group:123456789',
		action: 'set_group_ban', params: { group_id: 123456789, user_id: 20001, duration: 600 },
		summary: 'Sandbox Bot muted Alice for 10 min', modelled: true, ok: true,
	};

	test('a system line shows the summary; a failed one shows the error', () => {
		const line = renderSystemLine(event);
		assert.equal(line.attrs['data-testid'], 'system-line');
		assert.equal(line.attrs['data-action'], 'set_group_ban');
		assert.ok(textOf(line).includes('Sandbox Bot muted Alice for 10 min'));
		const failed = renderSystemLine({ ...event, ok: false, error: 'not admin' });
		assert.equal(failed.attrs['data-ok'], 'false');
		assert.ok(textOf(failed).includes('failed: not admin'));
	});

	test('sends, recalls and reads get no system line (the message shows, or nothing changed); failures always do', () => {
		const line = (action: string, extra: Record<string, unknown> = {}) => isSystemEvent({ ...event, action, ...extra });
		assert.equal(line('set_group_ban'), true);
		assert.equal(line('_send_group_notice'), true, 'a notice is not a message');
		assert.equal(line('set_group_anonymous', { modelled: false, summary: 'Sandbox Bot called set_group_anonymous (not modelled)' }), true);
		for (const quiet of ['set_msg_emoji_like', 'set_message_reaction', 'send_group_msg', 'send_msg', 'send_group_forward_msg', 'delete_msg', 'send_channel_message', 'update_channel_message', 'delete_channel_message', 'get_group_info', 'get_msg']) {
			assert.equal(line(quiet), false, quiet);
		}
		assert.equal(line('room_members', { summary: 'Sandbox Bot read the member list of Sandbox Room' }), false);
		assert.equal(line('send_group_msg', { ok: false, error: 'muted' }), true);
		assert.equal(line('set_group_ban', { chatId: null }), false, 'no chat, no line');
	});

	test('Heychat reactions show one chip per emoji with its count', () => {
		const tree = renderReactions([{ emoji: '👍', userIds: ['30001', '9001'] }, { emoji: '🎉', userIds: [] }], { botId: '9001', mentionName: (id) => (id === '30001' ? 'Alice' : undefined) });
		assert.ok(tree);
		const chips = byTestId(tree, 'reaction');
		assert.equal(chips.length, 1, 'an emoji nobody reacted with is not shown');
		assert.equal(textOf(chips[0]), '👍2');
		assert.equal(chips[0].attrs.title, 'Alice, 9001');
		assert.equal(renderReactions(undefined), null);
		// QQ emoji likes carry an emoji_id: a face id or a decimal code point
		assert.deepEqual(['76', '128077', '5', '999', '❤️'].map(reactionEmoji), ['👍', '👍', '😢', '[face 999]', '❤️']);
	});

	test('a bot call lists action, summary, status and the params JSON; unmodelled ones say "raw call"', () => {
		const call = renderBotCall(event);
		assert.equal(call.attrs['data-testid'], 'bot-call');
		assert.equal(call.attrs['data-modelled'], 'true');
		assert.match(textOf(byTestId(call, 'bot-call-params')[0]), /"duration": 600/);
		assert.equal(byTestId(call, 'raw-call').length, 0);
		const raw = renderBotCall({ ...event, action: 'get_cookies', modelled: false, chatId: null, summary: 'get_cookies' });
		assert.equal(raw.attrs['data-modelled'], 'false');
		assert.equal(textOf(byTestId(raw, 'raw-call')[0]), 'raw call');
	});

	test('a member row shows role, card, title, Heychat roles and a mute that is still running', () => {
		const now = Date.UTC(2026, 11, 7, 6, 0);
		const row = renderMember({ userId: '20001', name: 'Alice', role: 'admin', mutedUntil: now / 1000 + 600, card: 'Ali', title: 'Queen', roles: ['Mod', { id: '1', name: 'VIP' }] }, { now });
		assert.equal(row.attrs['data-muted'], 'true');
		assert.equal(row.attrs['data-role'], 'admin');
		const text = textOf(row);
		for (const part of ['Ali', '(Alice)', 'admin', 'Queen', 'Mod', 'VIP', 'muted 10 min']) assert.ok(text.includes(part), `${part} in ${text}`);
		const expired = renderMember({ userId: '20001', name: 'Alice', mutedUntil: now - 1000 }, { now });
		assert.equal(expired.attrs['data-muted'], 'false');
	});

	test('the bot-online lines: listeners per bot, or a warning that no workflow listens', () => {
		const row = (node: VNode, platform: string) => findAll(node, (n) => n.attrs['data-platform'] === platform)[0];
		const some = renderListeners({ onebot: { forward: 1, reverse: 1, post: 0 }, heychat: { gateway: 1 } });
		assert.equal(some.attrs['data-testid'], 'listeners');
		assert.equal(row(some, 'onebot').attrs['data-state'], 'online');
		assert.equal(row(some, 'onebot').attrs['data-count'], '2');
		assert.equal(textOf(row(some, 'onebot')), 'QQ bot: 2 listeners connected');
		assert.match(String(row(some, 'onebot').attrs.title), /forward WebSocket 1 · reverse WebSocket 1 · HTTP POST 0/);
		assert.equal(textOf(row(some, 'heychat')), 'Heychat bot: 1 listener connected');
		const none = renderListeners({ onebot: { forward: 0, reverse: 0, post: 0 }, heychat: { gateway: 0 } });
		for (const platform of ['onebot', 'heychat']) {
			assert.equal(row(none, platform).attrs['data-state'], 'offline');
			assert.match(textOf(row(none, platform)), /no workflow listening — start n8n or activate a workflow$/);
		}
		const garbage = renderListeners(undefined);
		assert.equal(row(garbage, 'onebot').attrs['data-count'], '0');
		assert.equal(row(renderListeners({ onebot: { forward: -3, post: Number.NaN } }), 'onebot').attrs['data-count'], '0');
	});

	test('chats group by platform: QQ groups, QQ private, each Heychat room, Heychat DMs', () => {
		const groups = chatGroups([
			{ id: 'hc:dm:30001', platform: 'heychat', kind: 'dm', name: 'Alice' },
			{ id: 'hc:channel:1:2', platform: 'heychat', kind: 'channel', name: 'general', room: 'Sandbox Room' },
			{ id: 'qq:private:20001', platform: 'onebot', kind: 'private', name: 'Alice' },
			{ id: 'qq:group:1', platform: 'onebot', kind: 'group', name: 'Lobby' },
		]);
		assert.deepEqual(groups.map((g) => g.title), ['QQ groups', 'QQ private chats', 'Heychat · Sandbox Room', 'Heychat DMs']);
	});

	test('initials: two latin words, one word, CJK', () => {
		assert.equal(initials('Sandbox Bot'), 'SB');
		assert.equal(initials('alice'), 'A');
		assert.equal(initials('小明'), '小');
		assert.equal(initials(''), '?');
	});
});
