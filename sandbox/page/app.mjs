// The chat page: keeps the world from the feed WebSocket (sandbox/world/types.ts) and renders it with render.mjs.
// Plain ES module, no framework, no build step; every DOM node comes from toDom (no innerHTML).
import { toDom } from './vnode.mjs';
import {
	chatGroups, colorIndex, formatTime, initials, isSystemEvent, plainText, renderBotCall, renderMember, renderMessage, renderNotice,
	renderListeners, renderRecalled, renderSystemLine, sortMembers,
} from './render.mjs';
import { applyMention, inputFrame, matchMembers, mentionQuery, normaliseCommands, speakers } from './composer.mjs';

const $ = (id) => document.getElementById(id);
const el = (vnode) => toDom(vnode, document);

const GROUP_GAP_MS = 5 * 60 * 1000;
const MAX_CALLS = 500;

const state = {
	world: null,
	chats: new Map(), // id → Chat
	messages: new Map(), // chatId → Message[] (recalled ones keep their place, flagged)
	byId: new Map(), // messageId → Message
	events: [], // FeedEvent[] oldest first
	unread: new Map(),
	speaker: new Map(), // chatId → userId
	active: null,
	replyTo: null, // {chatId, messageId} the next QQ message replies to
	botIds: { onebot: '10001', heychat: '9001' },
	commands: normaliseCommands(undefined),
	filter: '',
	socket: null,
	retry: 0,
	seenSnapshot: false,
	newCalls: 0,
	panel: 'members',
};

// ---------- helpers ----------

function platformOf(chatId) {
	return String(chatId).startsWith('hc:') ? 'heychat' : 'onebot';
}

function botIdFor(chatId) {
	return state.botIds[platformOf(chatId)];
}

function userName(platform, userId) {
	const id = String(userId);
	for (const u of state.world?.users ?? []) if (u.platform === platform && String(u.userId) === id) return u.name;
	if (id === state.botIds[platform]) return state.world?.platforms?.[platform]?.self?.name ?? 'Bot';
	return undefined;
}

function ctxFor(chatId) {
	const chat = state.chats.get(chatId);
	const platform = platformOf(chatId);
	return {
		now: Date.now(),
		botId: botIdFor(chatId),
		lookup: (id) => state.byId.get(id),
		mentionName: (id) => chat?.members?.find((m) => String(m.userId) === String(id))?.name ?? userName(platform, id),
		channelName: (id) => [...state.chats.values()].find((c) => c.id.endsWith(`:${id}`))?.name,
	};
}

function timelineOf(chatId) {
	const items = (state.messages.get(chatId) ?? []).map((m) => ({ kind: 'message', time: m.time, message: m }));
	for (const e of state.events) if (e.chatId === chatId && isSystemEvent(e)) items.push({ kind: 'event', time: e.time, event: e });
	return items.sort((a, b) => a.time - b.time);
}

function lastMessage(chatId) {
	const list = state.messages.get(chatId) ?? [];
	return list[list.length - 1];
}

// ---------- sidebar ----------

function renderChatList() {
	const list = $('chat-list');
	const filter = state.filter.toLowerCase();
	const chats = [...state.chats.values()].filter((c) => !filter || c.name.toLowerCase().includes(filter) || c.id.includes(filter));
	list.replaceChildren();
	for (const section of chatGroups(chats)) {
		const group = document.createElement('section');
		group.className = 'chat-group';
		group.dataset.testid = 'chat-group';
		group.dataset.group = section.key;
		const title = document.createElement('h2');
		title.className = 'chat-group-title';
		title.textContent = section.title;
		group.appendChild(title);
		for (const chat of section.chats) group.appendChild(chatItem(chat));
		list.appendChild(group);
	}
	const total = [...state.unread.values()].reduce((a, b) => a + b, 0);
	document.title = `${total ? `(${total}) ` : ''}Chat sandbox · OneBot & Heychat`;
}

function chatItem(chat) {
	const last = lastMessage(chat.id);
	const unread = state.unread.get(chat.id) ?? 0;
	const ctx = ctxFor(chat.id);
	const preview = last ? (last.recalled ? `A message from ${last.from?.name ?? 'someone'} was recalled` : `${last.from?.name ?? ''}: ${plainText(last.segments, ctx)}`) : chatKindLabel(chat);
	const button = document.createElement('button');
	button.type = 'button';
	button.className = `chat-item${chat.id === state.active ? ' active' : ''}${unread ? ' has-unread' : ''}`;
	button.dataset.testid = 'chat-item';
	button.dataset.chatId = chat.id;
	button.dataset.unread = String(unread);
	button.setAttribute('aria-current', chat.id === state.active ? 'true' : 'false');
	button.appendChild(chatAvatar(chat));
	const main = document.createElement('span');
	main.className = 'chat-item-main';
	const top = document.createElement('span');
	top.className = 'chat-item-top';
	const name = document.createElement('span');
	name.className = 'chat-item-name';
	name.textContent = chat.name;
	top.appendChild(name);
	if (last) {
		const time = document.createElement('time');
		time.className = 'chat-item-time';
		time.textContent = formatTime(last.time);
		top.appendChild(time);
	}
	const bottom = document.createElement('span');
	bottom.className = 'chat-item-bottom';
	const text = document.createElement('span');
	text.className = 'chat-item-preview';
	text.textContent = preview;
	bottom.appendChild(text);
	if (unread) {
		const badge = document.createElement('span');
		badge.className = 'unread';
		badge.dataset.testid = 'unread';
		badge.textContent = unread > 99 ? '99+' : String(unread);
		bottom.appendChild(badge);
	}
	main.append(top, bottom);
	button.appendChild(main);
	button.addEventListener('click', () => openChat(chat.id));
	return button;
}

function chatAvatar(chat, big = false) {
	const a = document.createElement('span');
	a.className = `avatar${big ? '' : ' avatar-chat'} c${colorIndex(chat.id)} kind-${chat.kind}`;
	a.setAttribute('aria-hidden', 'true');
	a.textContent = chat.kind === 'channel' ? '#' : initials(chat.name);
	return a;
}

function chatKindLabel(chat) {
	const platform = chat.platform === 'heychat' ? 'Heychat' : 'QQ';
	if (chat.kind === 'group') return `${platform} group · ${chat.members?.length ?? 0} members`;
	if (chat.kind === 'channel') return `${platform} channel in ${chat.room ?? 'a room'}`;
	return `${platform} ${chat.kind === 'dm' ? 'direct message' : 'private chat'}`;
}

// ---------- conversation ----------

function openChat(chatId, { fromHash = false } = {}) {
	if (!state.chats.has(chatId)) return;
	state.active = chatId;
	state.unread.set(chatId, 0);
	if (!fromHash && decodeURIComponent(location.hash.replace(/^#chat=/, '')) !== chatId) {
		history.replaceState(null, '', `#chat=${encodeURIComponent(chatId)}`);
	}
	document.body.classList.remove('sidebar-open');
	if (state.replyTo && state.replyTo.chatId !== chatId) setReply(null);
	renderChatList();
	renderHeader();
	renderTimeline();
	renderComposer();
	renderSidePanel();
	$('composer-input').focus({ preventScroll: true });
}

function renderHeader() {
	const chat = state.chats.get(state.active);
	const avatar = $('chat-avatar');
	if (!chat) return;
	avatar.replaceWith(Object.assign(chatAvatar(chat, true), { id: 'chat-avatar' }));
	$('chat-avatar').classList.add('chat-head-avatar');
	$('chat-title').textContent = chat.kind === 'channel' ? `# ${chat.name}` : chat.name;
	$('chat-title').dataset.chatId = chat.id;
	$('chat-subtitle').textContent = `${chatKindLabel(chat)}${chat.wholeBan ? ' · everyone muted' : ''} · ${chat.id}`;
	$('conversation').dataset.chatId = chat.id;
	$('conversation').dataset.kind = chat.kind;
	$('conversation').dataset.platform = chat.platform;
	const notices = chat.notices ?? [];
	const banner = $('notice-banner');
	if (notices.length) {
		const latest = notices[notices.length - 1];
		banner.replaceChildren();
		const label = document.createElement('strong');
		const pin = document.createElement('span');
		pin.className = 'icon icon-pin';
		label.append(pin, ' Notice ');
		const text = document.createElement('span');
		text.textContent = latest.text;
		banner.append(label, text);
		banner.hidden = false;
	} else banner.hidden = true;
}

function atBottom(node) {
	return node.scrollHeight - node.scrollTop - node.clientHeight < 80;
}

let stick = true; // whether the timeline follows new content (the user has not scrolled up)

function scrollToBottom() {
	const t = $('timeline');
	t.scrollTop = t.scrollHeight;
	stick = true;
	$('jump-latest').hidden = true;
}

function messageNode(message, previous) {
	if (message.recalled) return el(renderRecalled(message));
	const continued = previous?.kind === 'message' && !previous.message.recalled &&
		String(previous.message.from?.userId) === String(message.from?.userId) && message.time - previous.message.time < GROUP_GAP_MS;
	const chat = state.chats.get(message.chatId);
	const role = chat?.members?.find((m) => String(m.userId) === String(message.from?.userId))?.role;
	const canReply = chat?.platform === 'onebot';
	return el(renderMessage(message, ctxFor(message.chatId), { continued, role, canReply }));
}

function dayLabel(time) {
	const d = new Date(time);
	const today = new Date();
	if (d.toDateString() === today.toDateString()) return 'Today';
	return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

function itemNode(item, previous) {
	return item.kind === 'message' ? messageNode(item.message, previous) : el(renderSystemLine(item.event));
}

function renderTimeline() {
	const timeline = $('timeline');
	const items = timelineOf(state.active);
	const frag = document.createDocumentFragment();
	let previous;
	let lastDay = '';
	if (items.length === 0) {
		const empty = document.createElement('div');
		empty.className = 'empty-state';
		const p = document.createElement('p');
		p.textContent = 'No messages yet.';
		const hint = document.createElement('p');
		hint.className = 'empty-hint';
		hint.textContent = 'Pick who you are in “Speak as” and type below: your n8n workflows answer as Sandbox Bot, and every call they make shows up under “Bot calls”.';
		empty.append(p, hint);
		frag.appendChild(empty);
	}
	for (const item of items) {
		const day = dayLabel(item.time);
		if (day !== lastDay) {
			const sep = document.createElement('div');
			sep.className = 'day-separator';
			sep.textContent = day;
			frag.appendChild(sep);
			lastDay = day;
			previous = undefined;
		}
		frag.appendChild(itemNode(item, previous));
		previous = item;
	}
	timeline.replaceChildren(frag);
	timeline.dataset.chatId = state.active ?? '';
	scrollToBottom();
}

/** Appends one new item to the open conversation, or re-renders when it belongs earlier. */
function appendToTimeline(item) {
	const timeline = $('timeline');
	const items = timelineOf(state.active);
	const index = items.findIndex((x) => (x.kind === 'message' ? x.message === item.message : x.event === item.event));
	if (index !== items.length - 1 || timeline.querySelector('.empty-state')) {
		const stick = atBottom(timeline);
		const top = timeline.scrollTop;
		renderTimeline();
		if (!stick) timeline.scrollTop = top;
		return;
	}
	const stick = atBottom(timeline);
	const previous = items[index - 1];
	if (!previous || dayLabel(previous.time) !== dayLabel(item.time)) {
		const sep = document.createElement('div');
		sep.className = 'day-separator';
		sep.textContent = dayLabel(item.time);
		timeline.appendChild(sep);
	}
	timeline.appendChild(itemNode(item, previous && dayLabel(previous.time) === dayLabel(item.time) ? previous : undefined));
	const mine = item.kind === 'message' && !item.message.from?.bot && String(item.message.from?.userId) === String(state.speaker.get(state.active));
	if (stick || mine) scrollToBottom();
	else $('jump-latest').hidden = false;
}

function replaceMessageNode(message) {
	const timeline = $('timeline');
	const old = timeline.querySelector(`[data-message-id="${CSS.escape(String(message.id))}"]`);
	if (!old) return;
	const items = timelineOf(state.active);
	const index = items.findIndex((x) => x.kind === 'message' && x.message === message);
	old.replaceWith(itemNode(items[index], items[index - 1]));
}

function jumpTo(messageId) {
	const node = $('timeline').querySelector(`[data-message-id="${CSS.escape(messageId)}"]`);
	if (!node) {
		toast('The replied message is not in this conversation any more');
		return;
	}
	node.scrollIntoView({ block: 'center', behavior: 'smooth' });
	node.classList.remove('flash');
	void node.offsetWidth;
	node.classList.add('flash');
}

// ---------- side panel ----------

function renderSidePanel() {
	renderMembers();
	renderCalls();
}

function renderMembers() {
	const chat = state.chats.get(state.active);
	const members = $('members');
	members.replaceChildren();
	const ctx = ctxFor(state.active ?? '');
	for (const m of sortMembers(chat?.members ?? [], ctx.botId)) {
		const row = el(renderMember(m, ctx));
		if (String(m.userId) !== String(ctx.botId)) {
			const as = document.createElement('button');
			as.type = 'button';
			as.className = 'member-action';
			as.dataset.action = 'speak-as';
			as.dataset.userId = m.userId;
			as.title = `Speak as ${m.name}`;
			as.appendChild(Object.assign(document.createElement('span'), { className: 'icon icon-chat' }));
			row.appendChild(as);
		}
		members.appendChild(row);
	}
	$('members-count').textContent = chat ? String(chat.members?.length ?? 0) : '';
	const notices = $('notices');
	const hasNotices = chat?.kind === 'group';
	notices.hidden = !hasNotices;
	$('notices-title').hidden = !hasNotices;
	notices.replaceChildren();
	for (const n of [...(chat?.notices ?? [])].reverse()) notices.appendChild(el(renderNotice(n)));
	if (!chat?.notices?.length) {
		const li = document.createElement('li');
		li.className = 'muted-text';
		li.textContent = 'No notices';
		notices.appendChild(li);
	}
}

function callVisible(event) {
	return !$('calls-this-chat').checked || event.chatId === state.active;
}

function renderCalls() {
	const list = $('bot-calls');
	const frag = document.createDocumentFragment();
	for (const e of [...state.events].reverse()) if (callVisible(e)) frag.appendChild(el(renderBotCall(e)));
	list.replaceChildren(frag);
	updateCallCount();
}

function updateCallCount() {
	const text = state.newCalls && state.panel !== 'calls' ? String(state.newCalls) : '';
	$('calls-count').textContent = text;
	$('calls-count-tab').textContent = text;
}

function setPanel(name, open = true) {
	state.panel = name;
	$('side-panel').dataset.tab = name;
	for (const tab of document.querySelectorAll('.tab')) tab.setAttribute('aria-selected', tab.dataset.tab === name ? 'true' : 'false');
	if (name === 'calls') state.newCalls = 0;
	updateCallCount();
	if (open) document.body.classList.add('panel-open');
}

// ---------- composer ----------

function speakerChoices(chat) {
	const list = speakers(chat, [botIdFor(chat.id)]);
	if (list.length) return list;
	// a chat without listed members: every user of the platform
	return (state.world?.users ?? []).filter((u) => u.platform === chat.platform).map((u) => ({ userId: u.userId, name: u.name }));
}

function renderComposer() {
	const chat = state.chats.get(state.active);
	const picker = $('user-picker');
	picker.replaceChildren();
	if (!chat) return;
	const choices = speakerChoices(chat);
	for (const m of choices) {
		const option = document.createElement('option');
		option.value = String(m.userId);
		option.textContent = m.card || m.name || String(m.userId);
		picker.appendChild(option);
	}
	let chosen = state.speaker.get(chat.id);
	if (!choices.some((m) => String(m.userId) === chosen)) chosen = choices[0] ? String(choices[0].userId) : '';
	state.speaker.set(chat.id, chosen);
	picker.value = chosen;
	picker.dataset.chatId = chat.id;
	const channel = chat.platform === 'heychat' && chat.kind === 'channel';
	const group = chat.kind === 'group' || chat.kind === 'channel';
	$('command-button').hidden = !channel;
	$('poke-button').hidden = chat.platform !== 'onebot';
	$('join-button').hidden = !group;
	$('leave-button').hidden = !group;
	$('composer-input').placeholder = channel
		? 'Message, or a slash command like /roll sides=20 · Enter to send'
		: 'Type a message, @ to mention · Enter to send, Shift+Enter for a new line';
	$('composer').dataset.chatId = chat.id;
}

function send(frame) {
	if (!state.socket || state.socket.readyState !== WebSocket.OPEN) {
		toast('Not connected to the sandbox; retrying…', 'error');
		return false;
	}
	state.socket.send(JSON.stringify(frame));
	return true;
}

function submitComposer() {
	const chat = state.chats.get(state.active);
	if (!chat) return;
	const input = $('composer-input');
	const userId = $('user-picker').value;
	if (!userId) {
		toast('Pick a user to speak as', 'error');
		return;
	}
	const replyTo = state.replyTo?.chatId === chat.id ? state.replyTo.messageId : undefined;
	const result = inputFrame({ chat, userId, text: input.value, commands: state.commands, replyTo });
	if (result.error) {
		if (input.value.trim() !== '') toast(result.error, 'error');
		return;
	}
	if (send(result.frame)) {
		setReply(null);
		input.value = '';
		autosize();
		hideSuggestions();
	}
}

/** The message the next text replies to (QQ chats), shown above the text box. */
function setReply(message) {
	state.replyTo = message ? { chatId: message.chatId, messageId: String(message.id) } : null;
	const bar = $('composer-reply');
	if (!message) {
		bar.hidden = true;
		bar.replaceChildren();
		return;
	}
	const label = document.createElement('span');
	label.className = 'composer-reply-text';
	const name = document.createElement('strong');
	name.textContent = `Replying to ${message.from?.name ?? ''}: `;
	label.append(name, plainText(message.segments, ctxFor(message.chatId)));
	const cancel = document.createElement('button');
	cancel.type = 'button';
	cancel.className = 'icon-button composer-reply-cancel';
	cancel.dataset.testid = 'composer-reply-cancel';
	cancel.setAttribute('aria-label', 'Cancel the reply');
	cancel.appendChild(Object.assign(document.createElement('span'), { className: 'icon icon-x' }));
	cancel.addEventListener('click', () => setReply(null));
	bar.replaceChildren(label, cancel);
	bar.dataset.messageId = String(message.id);
	bar.hidden = false;
	$('composer-input').focus();
}

function autosize() {
	const input = $('composer-input');
	input.style.height = 'auto';
	input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

// suggestions: "@" members, "/" commands
let suggestion = { items: [], index: 0, kind: null, start: 0 };

function hideSuggestions() {
	$('suggestions').hidden = true;
	suggestion = { items: [], index: 0, kind: null, start: 0 };
}

function showSuggestions(kind, items, start) {
	const box = $('suggestions');
	if (!items.length) {
		hideSuggestions();
		return;
	}
	suggestion = { items, index: Math.min(suggestion.kind === kind ? suggestion.index : 0, items.length - 1), kind, start };
	box.replaceChildren();
	items.forEach((item, i) => {
		const li = document.createElement('li');
		li.className = `suggestion${i === suggestion.index ? ' selected' : ''}`;
		li.dataset.testid = kind === 'mention' ? 'mention-suggestion' : 'command-suggestion';
		li.dataset.index = String(i);
		li.setAttribute('role', 'option');
		if (kind === 'mention') {
			const a = document.createElement('span');
			a.className = `avatar avatar-xs c${colorIndex(item.userId)}`;
			a.textContent = initials(item.name);
			const name = document.createElement('span');
			name.textContent = item.card || item.name;
			const id = document.createElement('small');
			id.textContent = String(item.userId);
			li.append(a, name, id);
			li.dataset.userId = String(item.userId);
		} else {
			const name = document.createElement('code');
			name.textContent = item.name + item.options.map((o) => ` ${o.name}=`).join('');
			const desc = document.createElement('small');
			desc.textContent = item.description;
			li.append(name, desc);
		}
		li.addEventListener('mousedown', (e) => {
			e.preventDefault();
			suggestion.index = i;
			acceptSuggestion();
		});
		box.appendChild(li);
	});
	box.hidden = false;
}

function updateSuggestions() {
	const input = $('composer-input');
	const chat = state.chats.get(state.active);
	if (!chat) return hideSuggestions();
	const text = input.value;
	if (chat.kind === 'channel' && chat.platform === 'heychat' && /^\/\S*$/.test(text)) {
		return showSuggestions('command', state.commands.filter((c) => c.name.startsWith(text)), 0);
	}
	const q = mentionQuery(text, input.selectionStart ?? text.length);
	if (!q) return hideSuggestions();
	const pool = chat.members?.length ? chat.members : speakerChoices(chat);
	showSuggestions('mention', matchMembers(pool, q.query), q.start);
}

function acceptSuggestion() {
	const input = $('composer-input');
	const item = suggestion.items[suggestion.index];
	if (!item) return;
	if (suggestion.kind === 'mention') {
		const caret = input.selectionStart ?? input.value.length;
		const next = applyMention(input.value, suggestion.start, caret, item.card || item.name);
		input.value = next.text;
		input.setSelectionRange(next.caret, next.caret);
	} else {
		input.value = `${item.name}${item.options.length ? ` ${item.options[0].name}=` : ''}`;
		input.setSelectionRange(input.value.length, input.value.length);
	}
	hideSuggestions();
	input.focus();
}

// ---------- popovers (join, command picker) ----------

function closePopover() {
	$('popover').hidden = true;
	$('popover').replaceChildren();
}

function openPopover(anchor, title, build) {
	const pop = $('popover');
	pop.replaceChildren();
	const form = document.createElement('form');
	form.className = 'popover-form';
	const h = document.createElement('div');
	h.className = 'popover-title';
	h.textContent = title;
	form.appendChild(h);
	build(form);
	pop.appendChild(form);
	pop.hidden = false;
	const r = anchor.getBoundingClientRect();
	pop.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - pop.offsetWidth - 8))}px`;
	pop.style.top = `${Math.max(8, r.top - pop.offsetHeight - 8)}px`;
	form.querySelector('input, select, button')?.focus();
}

function field(form, label, input) {
	const l = document.createElement('label');
	l.className = 'popover-field';
	const span = document.createElement('span');
	span.textContent = label;
	l.append(span, input);
	form.appendChild(l);
}

function actions(form, submitText, testid) {
	const row = document.createElement('div');
	row.className = 'popover-actions';
	const cancel = document.createElement('button');
	cancel.type = 'button';
	cancel.className = 'ghost';
	cancel.textContent = 'Cancel';
	cancel.addEventListener('click', closePopover);
	const ok = document.createElement('button');
	ok.type = 'submit';
	ok.className = 'primary';
	ok.dataset.testid = testid;
	ok.textContent = submitText;
	row.append(cancel, ok);
	form.appendChild(row);
}

function openJoin() {
	const chat = state.chats.get(state.active);
	if (!chat) return;
	openPopover($('join-button'), `A new member joins ${chat.name}`, (form) => {
		const input = document.createElement('input');
		input.type = 'text';
		input.placeholder = 'Their name, e.g. Dave';
		input.dataset.testid = 'join-name';
		input.required = true;
		field(form, 'Name', input);
		actions(form, 'Join', 'join-submit');
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const name = input.value.trim();
			if (!name) return;
			if (send({ type: 'input', input: { kind: 'join', chatId: chat.id, name } })) closePopover();
		});
	});
}

function openCommandPicker() {
	const chat = state.chats.get(state.active);
	if (!chat) return;
	openPopover($('command-button'), 'Bot command', (form) => {
		const select = document.createElement('select');
		select.dataset.testid = 'command-picker';
		for (const c of state.commands) {
			const o = document.createElement('option');
			o.value = c.name;
			o.textContent = `${c.name}${c.description ? ` — ${c.description}` : ''}`;
			select.appendChild(o);
		}
		field(form, 'Command', select);
		const options = document.createElement('div');
		options.className = 'command-options';
		form.appendChild(options);
		const renderOptions = () => {
			options.replaceChildren();
			const command = state.commands.find((c) => c.name === select.value);
			for (const o of command?.options ?? []) {
				const input = document.createElement('input');
				input.type = o.type === 'number' ? 'number' : 'text';
				input.name = o.name;
				input.dataset.testid = `command-option-${o.name}`;
				input.placeholder = o.description || o.type;
				field(options, o.name, input);
			}
		};
		select.addEventListener('change', renderOptions);
		renderOptions();
		actions(form, 'Send command', 'command-submit');
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const values = {};
			for (const input of options.querySelectorAll('input')) if (input.value !== '') values[input.name] = input.value;
			const frame = { type: 'input', input: { kind: 'command', chatId: chat.id, userId: $('user-picker').value, command: select.value, options: values } };
			if (send(frame)) closePopover();
		});
	});
}

// ---------- toasts ----------

function toast(message, kind = 'error') {
	const t = document.createElement('div');
	t.className = `toast toast-${kind}`;
	t.dataset.testid = 'toast';
	t.setAttribute('role', kind === 'error' ? 'alert' : 'status');
	t.textContent = message;
	$('toasts').appendChild(t);
	setTimeout(() => t.classList.add('leaving'), 5000);
	setTimeout(() => t.remove(), 5400);
}

// ---------- feed ----------

function feedUrl() {
	const param = new URLSearchParams(location.search).get('feed');
	if (param) return param;
	const url = new URL('feed', location.href);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.hash = '';
	url.search = '';
	return url.href;
}

function setConnection(s, text) {
	const c = $('connection');
	c.dataset.state = s;
	c.textContent = text;
	document.body.dataset.feed = s;
}

function connect() {
	setConnection('connecting', state.retry ? 'reconnecting…' : 'connecting…');
	let socket;
	try {
		socket = new WebSocket(feedUrl());
	} catch (error) {
		scheduleReconnect();
		return;
	}
	state.socket = socket;
	socket.addEventListener('open', () => {
		state.retry = 0;
		setConnection('open', 'live');
	});
	socket.addEventListener('message', (e) => {
		let frame;
		try {
			frame = JSON.parse(e.data);
		} catch {
			return;
		}
		try {
			handle(frame);
		} catch (error) {
			console.error('feed frame failed', frame, error);
		}
	});
	socket.addEventListener('close', () => {
		if (state.socket !== socket) return;
		setConnection('closed', 'offline · retrying');
		scheduleReconnect();
	});
}

function scheduleReconnect() {
	const delay = Math.min(8000, 400 * 2 ** state.retry) * (0.8 + Math.random() * 0.4);
	state.retry++;
	setTimeout(connect, delay);
}

function indexMessage(message) {
	state.byId.set(String(message.id), message);
}

function applySnapshot(world) {
	const previousIds = state.seenSnapshot ? new Set(state.byId.keys()) : null;
	state.world = world;
	state.botIds = {
		onebot: String(world.platforms?.onebot?.self?.id ?? '10001'),
		heychat: String(world.platforms?.heychat?.self?.id ?? '9001'),
	};
	state.commands = normaliseCommands(world.platforms?.heychat?.commands);
	state.chats = new Map((world.chats ?? []).map((c) => [c.id, c]));
	state.messages = new Map();
	state.byId = new Map();
	for (const [chatId, list] of Object.entries(world.messages ?? {})) {
		state.messages.set(chatId, [...list].sort((a, b) => a.time - b.time));
		list.forEach(indexMessage);
	}
	state.events = [...(world.events ?? [])];
	if (previousIds) {
		for (const [chatId, list] of state.messages) {
			if (chatId === state.active) continue;
			const fresh = list.filter((m) => !previousIds.has(String(m.id)) && !m.from?.bot).length;
			if (fresh) state.unread.set(chatId, (state.unread.get(chatId) ?? 0) + fresh);
		}
	}
	state.seenSnapshot = true;
	const self = world.platforms?.onebot?.self?.name ?? 'Sandbox Bot';
	$('bot-identity').textContent = `QQ ${state.botIds.onebot} · Heychat ${state.botIds.heychat}`;
	$('bot-identity').title = `${self}: OneBot self_id ${state.botIds.onebot}, Heychat bot id ${state.botIds.heychat}`;
	const wanted = chatFromHash() ?? state.active;
	const first = [...state.chats.keys()][0];
	state.active = wanted && state.chats.has(wanted) ? wanted : first ?? null;
	renderChatList();
	if (state.active) openChat(state.active, { fromHash: true });
	document.body.dataset.ready = 'true';
}

/** A chat the snapshot did not have (a frame raced a 'chat' frame): a placeholder until the chat frame comes. */
function ensureChat(chatId, from) {
	if (state.chats.has(chatId)) return;
	const [prefix, kind] = String(chatId).split(':');
	const platform = prefix === 'hc' ? 'heychat' : 'onebot';
	const direct = kind === 'private' || kind === 'dm';
	state.chats.set(chatId, { id: chatId, platform, kind, name: direct && from && !from.bot ? from.name : chatId, members: [], notices: [] });
}

function addMessage(message) {
	const chatId = message.chatId;
	ensureChat(chatId, message.from);
	if (!state.messages.has(chatId)) state.messages.set(chatId, []);
	const list = state.messages.get(chatId);
	if (state.byId.has(String(message.id))) return updateMessage(message);
	list.push(message);
	if (list.length > 1 && list[list.length - 2].time > message.time) list.sort((a, b) => a.time - b.time);
	indexMessage(message);
	if (chatId === state.active) appendToTimeline({ kind: 'message', time: message.time, message });
	else state.unread.set(chatId, (state.unread.get(chatId) ?? 0) + 1);
	renderChatList();
}

function updateMessage(message) {
	const list = state.messages.get(message.chatId) ?? [];
	const index = list.findIndex((m) => String(m.id) === String(message.id));
	const updated = { ...message, edited: true };
	if (index < 0) return addMessage(updated);
	list[index] = updated;
	indexMessage(updated);
	if (message.chatId === state.active) replaceMessageNode(updated);
	renderChatList();
}

function deleteMessage(chatId, messageId) {
	const list = state.messages.get(chatId) ?? [];
	const index = list.findIndex((m) => String(m.id) === String(messageId));
	if (index < 0) return;
	list[index] = { ...list[index], recalled: true };
	indexMessage(list[index]);
	if (chatId === state.active) replaceMessageNode(list[index]);
	renderChatList();
}

function updateChat(chat) {
	state.chats.set(chat.id, chat);
	if (state.world) {
		const i = state.world.chats.findIndex((c) => c.id === chat.id);
		if (i >= 0) state.world.chats[i] = chat;
		else state.world.chats.push(chat);
	}
	renderChatList();
	if (chat.id === state.active) {
		renderHeader();
		renderComposer();
		renderMembers();
	}
}

function addEvent(event) {
	state.events.push(event);
	if (state.events.length > MAX_CALLS) state.events.splice(0, state.events.length - MAX_CALLS);
	if (event.chatId && event.chatId === state.active && isSystemEvent(event)) {
		appendToTimeline({ kind: 'event', time: event.time, event });
	}
	if (callVisible(event)) {
		$('bot-calls').prepend(el(renderBotCall(event)));
		while ($('bot-calls').children.length > MAX_CALLS) $('bot-calls').lastElementChild.remove();
	}
	if (state.panel !== 'calls') state.newCalls++;
	updateCallCount();
}

/** The "bot online" lines: how many of n8n's triggers/workflows listen to each bot (snapshot and 'consumers' frames). */
function showListeners(consumers) {
	const next = el(renderListeners(consumers));
	next.id = 'listeners';
	$('listeners').replaceWith(next);
}

function handle(frame) {
	switch (frame?.type) {
		case 'snapshot':
			showListeners(frame.consumers);
			return applySnapshot(frame.world ?? {});
		case 'consumers': return showListeners(frame.consumers);
		case 'message': return addMessage(frame.message);
		case 'update': return updateMessage(frame.message);
		case 'delete': return deleteMessage(frame.chatId, frame.messageId);
		case 'chat': return updateChat(frame.chat);
		case 'event': return addEvent(frame.event);
		case 'error': return toast(String(frame.message ?? 'error'), 'error');
		default: return undefined;
	}
}

function chatFromHash() {
	const m = /^#chat=(.+)$/.exec(location.hash);
	return m ? decodeURIComponent(m[1]) : undefined;
}

// ---------- wiring ----------

/** The side panel is a column on wide screens (open unless closed) and a drawer on narrower ones (closed unless opened). */
function panelOpen() {
	const body = document.body.classList;
	return window.matchMedia('(min-width: 1181px)').matches ? !body.contains('panel-closed') : body.contains('panel-open');
}

function wire() {
	$('composer').addEventListener('submit', (e) => {
		e.preventDefault();
		submitComposer();
	});
	const input = $('composer-input');
	input.addEventListener('keydown', (e) => {
		if (!$('suggestions').hidden && suggestion.items.length) {
			if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
				e.preventDefault();
				const n = suggestion.items.length;
				suggestion.index = (suggestion.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
				showSuggestions(suggestion.kind, suggestion.items, suggestion.start);
				return;
			}
			if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey && suggestion.kind === 'mention')) {
				e.preventDefault();
				acceptSuggestion();
				return;
			}
			if (e.key === 'Escape') {
				hideSuggestions();
				return;
			}
		}
		if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
			e.preventDefault();
			submitComposer();
		}
	});
	input.addEventListener('input', () => {
		autosize();
		updateSuggestions();
	});
	input.addEventListener('click', updateSuggestions);
	input.addEventListener('blur', () => setTimeout(() => {
		if (document.activeElement !== input) hideSuggestions();
	}, 150));
	$('user-picker').addEventListener('change', (e) => state.speaker.set(state.active, e.target.value));
	$('join-button').addEventListener('click', openJoin);
	$('command-button').addEventListener('click', openCommandPicker);
	$('poke-button').addEventListener('click', () => {
		const userId = $('user-picker').value;
		send({ type: 'input', input: { kind: 'poke', chatId: state.active, userId, targetUserId: botIdFor(state.active) } });
	});
	$('leave-button').addEventListener('click', () => {
		const userId = $('user-picker').value;
		const chat = state.chats.get(state.active);
		const name = chat?.members?.find((m) => String(m.userId) === userId)?.name ?? userId;
		if (send({ type: 'input', input: { kind: 'leave', chatId: state.active, userId } })) toast(`${name} left the chat`, 'info');
	});
	$('chat-filter').addEventListener('input', (e) => {
		state.filter = e.target.value;
		renderChatList();
	});
	$('timeline').addEventListener('click', (e) => {
		const replyButton = e.target.closest('[data-action="reply"]');
		if (replyButton) {
			const message = state.byId.get(replyButton.dataset.messageId);
			if (message) setReply(message);
			return;
		}
		const quote = e.target.closest('[data-reply-to]');
		if (quote) jumpTo(quote.dataset.replyTo);
	});
	$('timeline').addEventListener('keydown', (e) => {
		const quote = e.target.closest?.('[data-reply-to]');
		if (quote && (e.key === 'Enter' || e.key === ' ')) {
			e.preventDefault();
			jumpTo(quote.dataset.replyTo);
		}
	});
	$('timeline').addEventListener('scroll', () => {
		stick = atBottom($('timeline'));
		if (stick) $('jump-latest').hidden = true;
	});
	// images load after the messages are placed: keep following the bottom if we were there
	$('timeline').addEventListener('load', () => {
		if (stick) scrollToBottom();
	}, true);
	$('jump-latest').addEventListener('click', scrollToBottom);
	$('members').addEventListener('click', (e) => {
		const b = e.target.closest('[data-action="speak-as"]');
		if (!b) return;
		state.speaker.set(state.active, b.dataset.userId);
		$('user-picker').value = b.dataset.userId;
		$('composer-input').focus();
	});
	$('bot-calls').addEventListener('click', (e) => {
		const a = e.target.closest('[data-open-chat]');
		if (!a) return;
		e.preventDefault();
		openChat(a.dataset.openChat);
	});
	for (const tab of document.querySelectorAll('.tab, .tab-toggle')) {
		tab.addEventListener('click', () => {
			const name = tab.dataset.tab ?? tab.dataset.panel;
			if (tab.classList.contains('tab-toggle') && state.panel === name && panelOpen()) {
				document.body.classList.remove('panel-open');
				document.body.classList.add('panel-closed');
				return;
			}
			document.body.classList.remove('panel-closed');
			setPanel(name);
		});
	}
	$('close-panel').addEventListener('click', () => {
		document.body.classList.remove('panel-open');
		document.body.classList.add('panel-closed');
	});
	$('calls-this-chat').addEventListener('change', renderCalls);
	$('calls-clear').addEventListener('click', () => {
		state.events = state.events.filter((e) => e.chatId && isSystemEvent(e)); // system lines stay in chats
		$('bot-calls').replaceChildren();
		state.newCalls = 0;
		updateCallCount();
	});
	$('toggle-sidebar').addEventListener('click', () => document.body.classList.toggle('sidebar-open'));
	$('scrim').addEventListener('click', () => {
		document.body.classList.remove('sidebar-open', 'panel-open');
		document.body.classList.add('panel-closed');
	});
	document.addEventListener('keydown', (e) => {
		if (e.key === 'Escape') {
			closePopover();
			document.body.classList.remove('sidebar-open');
		}
	});
	document.addEventListener('mousedown', (e) => {
		const pop = $('popover');
		if (!pop.hidden && !pop.contains(e.target) && !e.target.closest('#join-button, #command-button')) closePopover();
	});
	window.addEventListener('hashchange', () => {
		const id = chatFromHash();
		if (id && id !== state.active) openChat(id, { fromHash: true });
	});
	// muted-until countdowns in the members panel
	setInterval(() => {
		if (state.active && state.panel === 'members') renderMembers();
	}, 30000);
	setPanel('members', false);
}

wire();
connect();
