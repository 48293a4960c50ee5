// Filters, derived fields and event types, without any connection.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { deriveFields, eventSegments, matchCommand } from '../../nodes/OneBot/trigger/derive';
import {
	ANY_EVENT,
	EVENT_POST_TYPES,
	EVENT_TYPE_VALUES,
	eventPaths,
	eventTypeOptions,
	matchesEventTypes,
} from '../../nodes/OneBot/trigger/eventTypes';
import { checkOneBotFrame, defaultFilterConfig, EventFilter, type FilterConfig } from '../../nodes/OneBot/trigger/filters';
import { parseRegex, readFilterConfig } from '../../nodes/OneBot/trigger/parameters';
import { groupMessageEvent, heartbeatEvent, lifecycleEvent, privateMessageEvent } from '../fakes/onebot';

const SELF = 10001;
const ROOT = join(__dirname, '..', '..');

type Event = Record<string, unknown> & { post_type: string };

function filter(overrides: Partial<FilterConfig> = {}): EventFilter {
	return new EventFilter(defaultFilterConfig(overrides));
}

function passes(f: EventFilter, event: Record<string, unknown>): boolean {
	return f.apply(event as Event).pass;
}

const text = (t: string) => ({ type: 'text', data: { text: t } });
const at = (qq: number | string) => ({ type: 'at', data: { qq: String(qq) } });

describe('event types (events.json)', () => {
	test('accepts every post type, detail type and sub type of the reference', () => {
		const values = EVENT_TYPE_VALUES;
		for (const v of [
			ANY_EVENT,
			'message',
			'message.private.friend',
			'message.private.group',
			'message.private.other',
			'message.group.anonymous',
			'message.group.notice',
			'message.guild.channel',
			'message_sent.group.normal',
			'notice.notify.poke',
			'notice.notify.poke_recall',
			'notice.notify.input_status',
			'notice.group_decrease.disband',
			'notice.flash_file.uploaded',
			'notice.bot_online',
			'notice.reaction.remove',
			'request.friend',
			'request.group.invite',
			'meta_event.lifecycle.connect',
			'meta_event.heartbeat',
		]) {
			assert.ok(values.has(v), `missing option ${v}`);
		}
		assert.deepEqual(
			EVENT_POST_TYPES.map((p) => p.value),
			['message', 'message_sent', 'notice', 'request', 'meta_event'],
		);
		const names = eventTypeOptions().map((o) => o.name);
		assert.ok(names.length <= 30, `${names.length} choices: the node creator lists each one`);
		for (const o of eventTypeOptions()) assert.ok(values.has(String(o.value)), `choice ${o.name}: ${String(o.value)}`);
		assert.equal(new Set(names).size, names.length, 'option names are unique');
		assert.deepEqual([...names].sort((a, b) => a.localeCompare(b, 'en')), names, 'options sorted by name');
	});

	test('the checked-in events.json is what the generator produces', (t) => {
		const shared = join(ROOT, '..', 'shared', 'reference', 'onebot', 'events.json');
		if (!existsSync(shared)) return t.skip('../shared is not available');
		const dir = mkdtempSync(join(tmpdir(), 'onebot-events-'));
		try {
			const out = join(dir, 'events.json');
			const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'generate-onebot-events.mjs')], {
				env: { ...process.env, OUT: out },
				encoding: 'utf8',
			});
			assert.equal(run.status, 0, run.stderr);
			assert.equal(readFileSync(out, 'utf8'), readFileSync(join(ROOT, 'nodes', 'OneBot', 'trigger', 'events.json'), 'utf8'));
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('event paths and matching', () => {
		const poke = { post_type: 'notice', notice_type: 'notify', sub_type: 'poke' };
		assert.deepEqual(eventPaths(poke), ['notice', 'notice.notify', 'notice.notify.poke']);
		assert.deepEqual(eventPaths({ post_type: 'message_sent', message_type: 'group', sub_type: 'normal' }), [
			'message_sent',
			'message_sent.group',
			'message_sent.group.normal',
		]);
		assert.ok(matchesEventTypes(poke, new Set(['notice'])));
		assert.ok(matchesEventTypes(poke, new Set(['notice.notify'])));
		assert.ok(matchesEventTypes(poke, new Set(['notice.notify.poke'])));
		assert.ok(!matchesEventTypes(poke, new Set(['notice.notify.honor'])));
		assert.ok(matchesEventTypes(poke, new Set()), 'empty selection: everything but meta events');
		assert.ok(!matchesEventTypes(heartbeatEvent(SELF), new Set()));
		assert.ok(!matchesEventTypes(heartbeatEvent(SELF), new Set(['message', 'notice'])));
		assert.ok(matchesEventTypes(heartbeatEvent(SELF), new Set(['meta_event.heartbeat'])));
		assert.ok(!matchesEventTypes(lifecycleEvent(SELF), new Set(['meta_event.heartbeat'])));
		const unknown = { post_type: 'custom_thing' };
		assert.ok(!matchesEventTypes(unknown, new Set(['message'])));
		assert.ok(matchesEventTypes(unknown, new Set([ANY_EVENT])), '"any" passes unknown types');
		assert.ok(matchesEventTypes(heartbeatEvent(SELF), new Set([ANY_EVENT])));
	});
});

describe('derived fields', () => {
	test('array messages: text, segments, isAtMe, isSelf', () => {
		const event = groupMessageEvent(SELF, 1, 2, [at(SELF), text(' hello '), { type: 'face', data: null }, text('world')]);
		const d = deriveFields(event);
		assert.equal(d.text, 'hello world');
		assert.deepEqual(d.segments, [at(SELF), text(' hello '), { type: 'face', data: {} }, text('world')]);
		assert.equal(d.isAtMe, true);
		assert.equal(d.isSelf, false);
		assert.equal(deriveFields(groupMessageEvent(SELF, 1, 2, [at(999), text('x')])).isAtMe, false);
	});

	test('CQ-code string messages are parsed into segments', () => {
		const event = groupMessageEvent(SELF, 1, 2, `[CQ:at,qq=${SELF}] /roll 1d6 &#91;x&#93; [CQ:face,id=178]`);
		const d = deriveFields(event);
		assert.equal(d.isAtMe, true);
		assert.equal(d.text, '/roll 1d6 [x]');
		assert.deepEqual(d.segments, [
			{ type: 'at', data: { qq: String(SELF) } },
			{ type: 'text', data: { text: ' /roll 1d6 [x] ' } },
			{ type: 'face', data: { id: '178' } },
		]);
		assert.ok(Array.isArray(deriveFields(privateMessageEvent(SELF, 2, '')).segments));
	});

	test('a single segment object, raw_message fallback and non-message events', () => {
		assert.deepEqual(eventSegments({ message: text('one') }), [text('one')]);
		assert.deepEqual(eventSegments({ raw_message: 'a[CQ:face,id=1]' }), [text('a'), { type: 'face', data: { id: '1' } }]);
		assert.deepEqual(eventSegments({ message: [1, null, { data: {} }, text('ok')] }), [text('ok')]);
		assert.deepEqual(deriveFields({ post_type: 'notice', notice_type: 'group_increase', user_id: SELF, self_id: SELF }), {
			text: '',
			segments: [],
			isAtMe: false,
			isSelf: false,
		});
	});

	test('isSelf: message_sent, or user_id equal to self_id (numbers or strings)', () => {
		assert.equal(deriveFields({ ...groupMessageEvent(SELF, 1, 2, 'x'), post_type: 'message_sent' }).isSelf, true);
		assert.equal(deriveFields(groupMessageEvent(SELF, 1, SELF, 'x')).isSelf, true);
		assert.equal(deriveFields({ ...groupMessageEvent(SELF, 1, 2, 'x'), self_id: '10001', user_id: 10001 }).isSelf, true);
	});

	test('commands', () => {
		assert.deepEqual(matchCommand('/weather  Beijing tomorrow', ['/']), {
			prefix: '/',
			command: 'weather',
			args: ['Beijing', 'tomorrow'],
		});
		assert.deepEqual(matchCommand('!!ban 123', ['!', '!!']), { prefix: '!!', command: 'ban', args: ['123'] });
		assert.equal(matchCommand('/', ['/']), undefined);
		assert.equal(matchCommand('hello', ['/']), undefined);
		assert.equal(matchCommand('/x', []), undefined);
	});
});

describe('EventFilter', () => {
	const groupMsg = (message: unknown, extra: Record<string, unknown> = {}) => groupMessageEvent(SELF, 100, 200, message, extra);

	test('event types: meta events off by default, on when chosen', () => {
		const defaults = filter({ eventTypes: new Set(['message', 'message_sent', 'notice', 'request']) });
		assert.ok(passes(defaults, groupMsg('hi')));
		assert.ok(!passes(defaults, heartbeatEvent(SELF)));
		assert.ok(!passes(defaults, lifecycleEvent(SELF)));
		assert.ok(passes(filter({ eventTypes: new Set(['meta_event.heartbeat']) }), heartbeatEvent(SELF)));
		assert.ok(passes(filter({ eventTypes: new Set(['meta_event']) }), lifecycleEvent(SELF)));
		const onlyPrivate = filter({ eventTypes: new Set(['message.private']) });
		assert.ok(!passes(onlyPrivate, groupMsg('hi')));
		assert.ok(passes(onlyPrivate, privateMessageEvent(SELF, 2, 'hi')));
		const poke = { post_type: 'notice', notice_type: 'notify', sub_type: 'poke', self_id: SELF, user_id: 2, target_id: SELF };
		assert.ok(passes(filter({ eventTypes: new Set(['notice.notify.poke']) }), poke));
		assert.ok(!passes(filter({ eventTypes: new Set(['notice.notify.honor']) }), poke));
	});

	test('message types', () => {
		const f = filter({ messageTypes: new Set(['group']) });
		assert.ok(passes(f, groupMsg('hi')));
		assert.ok(!passes(f, privateMessageEvent(SELF, 2, 'hi')));
		assert.ok(passes(f, { post_type: 'notice', notice_type: 'friend_add', user_id: 2 }), 'other events unaffected');
	});

	test('self_id list', () => {
		const f = filter({ selfIds: new Set(['10001']) });
		assert.ok(passes(f, groupMsg('hi')));
		assert.ok(!passes(f, groupMessageEvent(10002, 100, 200, 'hi')));
	});

	test('group and user allow/deny lists', () => {
		const onlyGroup = filter({ groupAllow: new Set(['100']) });
		assert.ok(passes(onlyGroup, groupMsg('hi')));
		assert.ok(!passes(onlyGroup, groupMessageEvent(SELF, 101, 200, 'hi')));
		assert.ok(!passes(onlyGroup, privateMessageEvent(SELF, 200, 'hi')), 'no group: dropped');
		const denyGroup = filter({ groupDeny: new Set(['100']) });
		assert.ok(!passes(denyGroup, groupMsg('hi')));
		assert.ok(passes(denyGroup, privateMessageEvent(SELF, 200, 'hi')));
		const onlyUser = filter({ userAllow: new Set(['200']) });
		assert.ok(passes(onlyUser, groupMsg('hi')));
		assert.ok(!passes(onlyUser, groupMessageEvent(SELF, 100, 201, 'hi')));
		const denyUser = filter({ userDeny: new Set(['200']) });
		assert.ok(!passes(denyUser, groupMsg('hi')));
		assert.ok(passes(denyUser, groupMessageEvent(SELF, 100, 201, 'hi')));
	});

	test('keywords, regex and command prefix (message events only)', () => {
		const kw = filter({ keywords: ['hello', '你好'] });
		assert.ok(passes(kw, groupMsg([text('Say HELLO there')])));
		assert.ok(passes(kw, groupMsg('你好呀')));
		assert.ok(!passes(kw, groupMsg('bye')));
		assert.ok(passes(kw, { post_type: 'request', request_type: 'friend', user_id: 2 }), 'non-messages unaffected');

		const re = filter({ regex: parseRegex('re', '/^ping$/i') });
		assert.ok(passes(re, groupMsg('PING')));
		assert.ok(!passes(re, groupMsg('ping pong')));
		const g = filter({ regex: parseRegex('re', '/a/g') });
		assert.ok(passes(g, groupMsg('a')) && passes(g, groupMsg('a')), 'no lastIndex state between events');

		const cmd = filter({ commandPrefixes: ['/', '!'], commandNames: new Set(['roll']) });
		const result = cmd.apply(groupMsg(`[CQ:at,qq=${SELF}] /Roll 1d6 2`) as Event);
		assert.ok(result.pass);
		assert.equal(result.item.command, 'Roll');
		assert.deepEqual(result.item.args, ['1d6', '2']);
		assert.ok(!passes(cmd, groupMsg('/help')), 'not in the command list');
		assert.ok(!passes(cmd, groupMsg('roll')), 'no prefix');
		const noCommand = filter().apply(groupMsg('/roll') as Event);
		assert.ok(noCommand.pass && !('command' in noCommand.item), 'command only when a prefix is configured');
	});

	test('only when @-mentioned', () => {
		const f = filter({ onlyWhenMentioned: true });
		assert.ok(passes(f, groupMsg([at(SELF), text('hi')])));
		assert.ok(!passes(f, groupMsg([at(999), text('hi')])));
		assert.ok(!passes(f, groupMsg('hi')));
		assert.ok(passes(f, privateMessageEvent(SELF, 2, 'hi')), 'private messages always pass');
	});

	test('guild messages (go-cqhttp) name the bot by self_tiny_id: @-mentions and own messages', () => {
		// go-cqhttp's guild message: user ids, @ targets and self_tiny_id are tiny ids (beyond 2^53, strings)
		const tiny = '144115218676520045';
		const guild = (userId: string, message: unknown) =>
			({
				time: 1700000000,
				self_id: SELF,
				post_type: 'message',
				message_type: 'guild',
				sub_type: 'channel',
				guild_id: '9123456789012345678',
				channel_id: '1234567',
				message_id: 'BAC3HLRYvXdY',
				user_id: userId,
				self_tiny_id: tiny,
				message,
				sender: { user_id: 0, tiny_id: userId, nickname: 'x' },
			}) as Event;
		const mentioned = guild('144115218676520099', [at(tiny), text(' hi')]);
		assert.ok(passes(filter({ onlyWhenMentioned: true }), mentioned), 'an @ of the bot by its tiny id passes Only When Mentioned');
		assert.equal(deriveFields(mentioned).isAtMe, true);
		assert.ok(!passes(filter({ onlyWhenMentioned: true }), guild('144115218676520099', [at('144115218676520098'), text(' hi')])));
		assert.ok(passes(filter({ onlyWhenMentioned: true }), guild('144115218676520099', `[CQ:at,qq=${tiny}] hi`)), 'CQ-code string');
		const own = guild(tiny, [text('my own reply')]);
		assert.equal(deriveFields(own).isSelf, true);
		assert.ok(!passes(filter(), own), "the bot's own guild message is dropped by Ignore Own Messages");
		assert.ok(passes(filter({ ignoreSelf: false }), own));
	});

	test("ignore the bot's own messages (default on)", () => {
		const f = filter();
		assert.ok(!passes(f, { ...groupMsg('x'), post_type: 'message_sent' }));
		assert.ok(!passes(f, groupMessageEvent(SELF, 100, SELF, 'x')));
		const keep = filter({ ignoreSelf: false });
		const sent = keep.apply({ ...groupMsg('x'), post_type: 'message_sent' } as Event);
		assert.ok(sent.pass && sent.item.isSelf === true);
	});

	test('de-duplication by self_id + message_id, bounded', () => {
		const f = filter({ dedupeSize: 2 });
		const a = groupMsg('a', { message_id: 1 });
		assert.ok(passes(f, a));
		assert.ok(!passes(f, { ...a }), 'same id again');
		assert.ok(passes(f, { ...a, self_id: 10002 }), 'another bot, same id');
		assert.ok(passes(f, groupMsg('b', { message_id: 2 })));
		assert.ok(passes(f, groupMsg('c', { message_id: 3 })));
		assert.ok(passes(f, { ...a }), 'forgotten after the memory filled up');
		const off = filter({ dedupeSize: 0 });
		assert.ok(passes(off, a) && passes(off, a));
	});

	test('a filtered event is not remembered as delivered', () => {
		const f = filter({ keywords: ['yes'] });
		const e = groupMsg('no', { message_id: 42 });
		assert.ok(!passes(f, e));
		assert.ok(passes(f, { ...e, message: 'yes' }));
	});

	test('the item holds the event as sent plus the derived fields', () => {
		const event = groupMsg('[CQ:face,id=1]hi');
		const result = filter().apply(event as Event);
		assert.ok(result.pass);
		for (const [k, v] of Object.entries(event)) assert.deepEqual(result.item[k], v);
		assert.equal(result.item.message, '[CQ:face,id=1]hi', 'the message stays as sent');
		assert.deepEqual(result.item.segments, [{ type: 'face', data: { id: '1' } }, text('hi')]);
		assert.equal(result.item.text, 'hi');
	});
});

describe('frame shape check', () => {
	test('events accepted, API answers ignored, others rejected', () => {
		assert.equal(checkOneBotFrame(groupMessageEvent(SELF, 1, 2, 'x')).kind, 'accept');
		assert.equal(checkOneBotFrame({ status: 'ok', retcode: 0, data: null, echo: '1' }).kind, 'ignore');
		assert.equal(checkOneBotFrame({ foo: 1 }).kind, 'reject');
		assert.equal(checkOneBotFrame([1, 2]).kind, 'reject');
		assert.equal(checkOneBotFrame('text').kind, 'reject');
		assert.equal(checkOneBotFrame({ post_type: '' }).kind, 'reject');
	});
});

describe('reading the parameters', () => {
	const reader = (params: Record<string, unknown>) => (name: string, fallback: unknown) => params[name] ?? fallback;

	test('lists, defaults and options', () => {
		const config = readFilterConfig(
			reader({
				events: ['message.group', 'notice'],
				filters: {
					groupAllow: '100, 200，300',
					userDeny: '5',
					keywords: 'Hi, 你好',
					commandPrefixes: '/, !',
					commandNames: 'Roll',
					regex: 'a+b',
					messageTypes: ['group'],
					selfIds: '10001',
				},
				options: { dedupeSize: 5 },
			}),
		);
		assert.deepEqual([...config.eventTypes], ['message.group', 'notice']);
		assert.deepEqual([...config.groupAllow], ['100', '200', '300']);
		assert.deepEqual([...config.userDeny], ['5']);
		assert.deepEqual(config.keywords, ['hi', '你好']);
		assert.deepEqual(config.commandPrefixes, ['/', '!']);
		assert.deepEqual([...config.commandNames], ['roll']);
		assert.equal(config.regex?.source, 'a+b');
		assert.deepEqual([...config.messageTypes], ['group']);
		assert.equal(config.ignoreSelf, true);
		assert.equal(config.onlyWhenMentioned, false);
		assert.equal(config.dedupeSize, 5);
		assert.equal(readFilterConfig(reader({ options: { deduplicate: false } })).dedupeSize, 0);
	});

	test('invalid values are reported by field', () => {
		assert.throws(() => readFilterConfig(reader({ filters: { groupAllow: '12, abc' } })), /Only Groups.*"abc"/);
		assert.throws(() => readFilterConfig(reader({ filters: { regex: '(' } })), /not a valid regular expression/);
		assert.throws(() => readFilterConfig(reader({ events: ['nope'] })), /Unknown event type "nope"/);
	});

	test('Command Names without Command Prefixes is refused (it would filter nothing: every message started the workflow)', () => {
		assert.throws(
			() => readFilterConfig(reader({ filters: { commandNames: 'help' } })),
			/"Command Names" only applies with "Command Prefixes"/,
		);
		assert.deepEqual([...readFilterConfig(reader({ filters: { commandNames: 'help', commandPrefixes: '/' } })).commandNames], ['help']);
		assert.equal(readFilterConfig(reader({ filters: { commandNames: ' , ' } })).commandNames.size, 0, 'a blank list is no list');
	});
});
