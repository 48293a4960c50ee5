#!/usr/bin/env node
// Regenerates nodes/OneBot/trigger/events.json — the tree of OneBot event types the trigger's
// "Events" multi-select is built from — out of the reference list of event shapes in
// ../shared/reference/onebot/events.json (standard OneBot 11, go-cqhttp, NapCat, LLOneBot, Lagrange).
//
//   node scripts/generate-onebot-events.mjs
//   SHARED_DIR=/path/to/shared OUT=/tmp/events.json node scripts/generate-onebot-events.mjs
//
// The package never reads ../shared at run time: events.json is checked in. The output depends only
// on the input (sorted, no dates), so two runs give the same bytes. A post type, detail type or sub
// type without an English label below stops the script with an error, so a new event in the
// reference cannot slip in unnamed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = resolve(process.env.SHARED_DIR || join(ROOT, '..', 'shared'));
const SOURCE = 'reference/onebot/events.json';
const OUT = resolve(process.env.OUT || join(ROOT, 'nodes', 'OneBot', 'trigger', 'events.json'));

/** `origin` in the reference → backend id used across the package. */
const BACKENDS = {
	standard: 'onebot11',
	'go-cqhttp': 'gocqhttp',
	napcat: 'napcat',
	llonebot: 'llonebot',
	lagrange: 'lagrange',
};
const BACKEND_ORDER = ['onebot11', 'gocqhttp', 'napcat', 'llonebot', 'lagrange'];

const POST_TYPES = {
	message: 'Message',
	message_sent: 'Message Sent by the Bot',
	notice: 'Notice',
	request: 'Request',
	meta_event: 'Meta Event',
};
const POST_TYPE_ORDER = Object.keys(POST_TYPES);

/** English labels: `<post_type>.<detail>` and `<post_type>.<detail>.<sub_type>`. */
const LABELS = {
	'message.private': 'Private Message',
	'message.private.friend': 'From a Friend',
	'message.private.group': 'Temporary Chat From a Group',
	'message.private.other': 'Other',
	'message.group': 'Group Message',
	'message.group.normal': 'Normal',
	'message.group.anonymous': 'Anonymous',
	'message.group.notice': 'System Notice',
	'message.guild': 'Guild Channel Message',
	'message.guild.channel': 'Channel',
	'message_sent.private': 'Private Message',
	'message_sent.private.friend': 'To a Friend',
	'message_sent.group': 'Group Message',
	'message_sent.group.normal': 'Normal',
	'notice.group_upload': 'Group File Uploaded',
	'notice.group_admin': 'Group Admin Changed',
	'notice.group_admin.set': 'Admin Set',
	'notice.group_admin.unset': 'Admin Removed',
	'notice.group_decrease': 'Group Member Left',
	'notice.group_decrease.leave': 'Left',
	'notice.group_decrease.kick': 'Kicked',
	'notice.group_decrease.kick_me': 'Bot Kicked',
	'notice.group_decrease.disband': 'Group Disbanded',
	'notice.group_increase': 'Group Member Joined',
	'notice.group_increase.approve': 'Approved by an Admin',
	'notice.group_increase.invite': 'Invited',
	'notice.group_ban': 'Group Mute',
	'notice.group_ban.ban': 'Muted',
	'notice.group_ban.lift_ban': 'Unmuted',
	'notice.friend_add': 'Friend Added',
	'notice.group_recall': 'Group Message Recalled',
	'notice.friend_recall': 'Private Message Recalled',
	'notice.notify': 'Notify',
	'notice.notify.poke': 'Poke',
	'notice.notify.poke_recall': 'Poke Recalled',
	'notice.notify.lucky_king': 'Red Packet Lucky King',
	'notice.notify.honor': 'Member Honor Changed',
	'notice.notify.title': 'Member Title Changed',
	'notice.notify.gray_tip': 'Gray Tip',
	'notice.notify.group_name': 'Group Name Changed',
	'notice.notify.input_status': 'Peer Is Typing',
	'notice.notify.profile_like': 'Profile Liked',
	'notice.group_card': 'Member Card Changed',
	'notice.offline_file': 'Offline File Received',
	'notice.client_status': 'Other Client Status Changed',
	'notice.essence': 'Essence Message',
	'notice.essence.add': 'Added',
	'notice.essence.delete': 'Removed',
	'notice.message_reactions_updated': 'Guild Message Reactions Updated',
	'notice.guild_channel_recall': 'Guild Channel Message Recalled',
	'notice.channel_updated': 'Guild Channel Updated',
	'notice.channel_created': 'Guild Channel Created',
	'notice.channel_destroyed': 'Guild Channel Deleted',
	'notice.bot_offline': 'Bot Offline',
	'notice.bot_online': 'Bot Online',
	'notice.group_name_change': 'Group Name Changed (Lagrange)',
	'notice.group_msg_emoji_like': 'Group Message Emoji Reaction',
	'notice.reaction': 'Group Message Reaction (Lagrange)',
	'notice.reaction.add': 'Added',
	'notice.reaction.remove': 'Removed',
	'notice.online_file_receive': 'Online File Receive',
	'notice.online_file_receive.cancel': 'Cancelled',
	'notice.online_file_send': 'Online File Send',
	'notice.online_file_send.receive': 'Received',
	'notice.online_file_send.refuse': 'Refused',
	'notice.group_dismiss': 'Group Dismissed',
	'notice.flash_file': 'Flash File Transfer',
	'notice.flash_file.downloading': 'Downloading',
	'notice.flash_file.downloaded': 'Downloaded',
	'notice.flash_file.uploading': 'Uploading',
	'notice.flash_file.uploaded': 'Uploaded',
	'request.friend': 'Friend Request',
	'request.group': 'Group Request',
	'request.group.add': 'Join Request',
	'request.group.invite': 'Invitation for the Bot',
	'meta_event.lifecycle': 'Lifecycle',
	'meta_event.lifecycle.enable': 'Enabled',
	'meta_event.lifecycle.disable': 'Disabled',
	'meta_event.lifecycle.connect': 'Connected',
	'meta_event.heartbeat': 'Heartbeat',
};

/**
 * The trigger's "Events" choices, as people name them (n8n's node creator lists each one as a
 * trigger action, "On new message", "On member joined"). Each value is one path of the tree below
 * (`post_type`, `post_type.detail` or `post_type.detail.sub_type`, or `*`); it matches every event
 * under it. The full tree stays accepted (expressions, older workflows) but is not offered one by one.
 */
const CHOICES = [
	['*', 'Any Event (Including Heartbeats)', 'On any event', 'Every event, heartbeats, lifecycle events and types this node does not know included'],
	['message', 'New Message', 'On new message', 'A private or group message to the bot'],
	['message.group', 'New Group Message', 'On new group message', 'A message in a group the bot is in'],
	['message.private', 'New Private Message', 'On new private message', 'A private message to the bot, from a friend or a temporary chat'],
	['message.guild', 'New Guild Channel Message', 'On new guild channel message', 'A message in a QQ guild channel (go-cqhttp)'],
	['message_sent', 'Message Sent by the Bot', 'On message sent by the bot', "The bot's own messages, reported by go-cqhttp (turn off Ignore Own Messages)"],
	['notice.group_recall', 'Group Message Recalled', 'On group message recalled', 'Someone recalled a group message'],
	['notice.friend_recall', 'Private Message Recalled', 'On private message recalled', 'A friend recalled a private message'],
	['notice.group_increase', 'Member Joined', 'On member joined', 'Someone joined a group (approved or invited)'],
	['notice.group_decrease', 'Member Left or Removed', 'On member left', 'Someone left or was removed from a group, or the bot was removed'],
	['notice.group_admin', 'Admin Set or Removed', 'On admin changed', 'A member became or stopped being a group admin'],
	['notice.group_ban', 'Member Muted or Unmuted', 'On member muted or unmuted', 'A member (or the whole group) was muted or unmuted'],
	['notice.group_card', 'Member Card Changed', 'On member card changed', "A member's group nickname changed (go-cqhttp)"],
	['notice.group_upload', 'Group File Uploaded', 'On group file uploaded', 'A file was uploaded to a group'],
	['notice.notify.poke', 'Poke', 'On poke', 'Someone poked the bot or a member'],
	['notice.essence', 'Essence Message Set or Removed', 'On essence message changed', 'A message was added to or removed from the group essence'],
	['notice.group_msg_emoji_like', 'Message Reaction', 'On message reaction', 'An emoji reaction on a group message (NapCat, LLOneBot)'],
	['notice.reaction', 'Message Reaction (Lagrange)', 'On message reaction (Lagrange)', 'An emoji reaction added to or removed from a group message, as Lagrange reports it'],
	['notice.friend_add', 'Friend Added', 'On friend added', 'A new friend was added'],
	['request.friend', 'Friend Request', 'On friend request', 'Someone asked to become a friend of the bot'],
	['request.group', 'Group Join Request or Invitation', 'On group join request', 'Someone asked to join a group, or invited the bot to one'],
	['notice.bot_offline', 'Bot Offline', 'On bot offline', 'The bot account went offline (NapCat, Lagrange)'],
	['notice', 'Any Notice', 'On any notice', 'Every notice event: recalls, members, files, pokes, reactions, and those not listed here'],
	['request', 'Any Request', 'On any request', 'Every friend request, join request and invitation'],
	['meta_event', 'Heartbeat or Lifecycle (Meta Event)', 'On heartbeat or lifecycle event', 'Meta events of the connection: heartbeats and lifecycle (connect, enable, disable)'],
];

function fail(message) {
	console.error(`generate-onebot-events: ${message}`);
	process.exit(1);
}

function label(key) {
	const text = LABELS[key];
	if (!text) fail(`no English label for "${key}": add it to LABELS in scripts/generate-onebot-events.mjs`);
	return text;
}

function addBackend(set, origin, where) {
	const id = BACKENDS[origin];
	if (!id) fail(`unknown origin "${origin}" on ${where}`);
	set.add(id);
}

const sortBackends = (set) => BACKEND_ORDER.filter((b) => set.has(b));

const entries = JSON.parse(readFileSync(join(SHARED_DIR, SOURCE), 'utf8'));
if (!Array.isArray(entries) || entries.length === 0) fail(`${SOURCE} is not a non-empty array`);

/** post → { detailKey, details: Map<detail, { titles:Set, backends:Set, subs: Map<sub, {titles, backends}> }> } */
const tree = new Map();
for (const [index, entry] of entries.entries()) {
	const where = `${SOURCE}[${index}] (${entry.title})`;
	const post = entry.post_type;
	if (!POST_TYPES[post]) fail(`unknown post_type "${post}" on ${where}: add it to POST_TYPES`);
	if (typeof entry.detail_type_key !== 'string' || typeof entry.detail_type !== 'string') {
		fail(`${where} has no detail_type_key / detail_type`);
	}
	let node = tree.get(post);
	if (!node) {
		node = { detailKey: entry.detail_type_key, details: new Map() };
		tree.set(post, node);
	} else if (node.detailKey !== entry.detail_type_key) {
		fail(`${where}: post_type "${post}" has two detail keys (${node.detailKey}, ${entry.detail_type_key})`);
	}
	let detail = node.details.get(entry.detail_type);
	if (!detail) {
		detail = { titles: new Set(), backends: new Set(), subs: new Map() };
		node.details.set(entry.detail_type, detail);
	}
	detail.titles.add(entry.title);
	addBackend(detail.backends, entry.origin, where);
	for (const sub of entry.sub_types ?? []) {
		let s = detail.subs.get(sub);
		if (!s) {
			s = { titles: new Set(), backends: new Set() };
			detail.subs.set(sub, s);
		}
		s.titles.add(entry.title);
		addBackend(s.backends, entry.origin, where);
	}
}

const postTypes = POST_TYPE_ORDER.filter((p) => tree.has(p)).map((post) => {
	const node = tree.get(post);
	const details = [...node.details.keys()].sort().map((detail) => {
		const d = node.details.get(detail);
		const key = `${post}.${detail}`;
		return {
			value: detail,
			name: label(key),
			// The shortest reference title (without a backend suffix) names the detail type in Chinese.
			title: [...d.titles].sort((a, b) => a.length - b.length || a.localeCompare(b))[0],
			backends: sortBackends(d.backends),
			subTypes: [...d.subs.keys()].sort().map((sub) => ({
				value: sub,
				name: label(`${key}.${sub}`),
				backends: sortBackends(d.subs.get(sub).backends),
			})),
		};
	});
	return { value: post, name: POST_TYPES[post], detailKey: node.detailKey, details };
});

const unused = Object.keys(LABELS).filter((key) => {
	const [post, detail, sub] = key.split('.');
	const d = tree.get(post)?.details.get(detail);
	return !d || (sub !== undefined && !d.subs.has(sub));
});
if (unused.length > 0) fail(`labels for event types the reference does not have: ${unused.join(', ')}`);

const paths = new Set(['*']);
for (const p of postTypes) {
	paths.add(p.value);
	for (const d of p.details) {
		paths.add(`${p.value}.${d.value}`);
		for (const sub of d.subTypes) paths.add(`${p.value}.${d.value}.${sub.value}`);
	}
}
const choices = CHOICES.map(([value, name, action, description]) => {
	if (!paths.has(value)) fail(`choice "${name}" names "${value}", which is not an event type of the reference`);
	return { value, name, action, description };
}).sort((a, b) => a.name.localeCompare(b.name, 'en'));
for (const key of ['value', 'name', 'action']) {
	const seen = new Set(choices.map((c) => c[key]));
	if (seen.size !== choices.length) fail(`two choices share a ${key}`);
}

const output = {
	$comment: `Generated by scripts/generate-onebot-events.mjs from ${SOURCE}. Do not edit by hand.`,
	backends: BACKEND_ORDER,
	choices,
	postTypes,
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(output, null, '\t')}\n`);
const counts = postTypes.reduce(
	(acc, p) => {
		acc.details += p.details.length;
		acc.subs += p.details.reduce((n, d) => n + d.subTypes.length, 0);
		return acc;
	},
	{ details: 0, subs: 0 },
);
console.log(
	`wrote ${OUT}: ${postTypes.length} post types, ${counts.details} detail types, ${counts.subs} sub types from ${entries.length} event shapes`,
);
