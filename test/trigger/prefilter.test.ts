// The triggers' prefilters drop events from the frame's bytes, before JSON.parse. They must never
// drop an event the full path (lossless parse, shape check, the filter) would emit: every frame
// here, adversarial ones included, is decided both ways and compared. And they must actually drop
// the plain frames they are for (or the benchmark figures would mean nothing).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DEFAULT_MAX_EVENT_BYTES, FrameGuard, type FrameCheck } from '../../nodes/shared/connection/frames';
import { FrameScanner, NOT_STRING } from '../../nodes/shared/trigger/rawScan';
import { isScannableChar, keywordForms, KeywordScan } from '../../nodes/shared/trigger/keywordScan';
import { checkOneBotFrame, defaultFilterConfig, EventFilter, type FilterConfig } from '../../nodes/OneBot/trigger/filters';
import { OneBotPrefilter } from '../../nodes/OneBot/trigger/prefilter';
import { checkHeychatFrame } from '../../nodes/Heychat/trigger/events';
import { defaultHeychatFilterConfig, HeychatEventFilter, type HeychatFilterConfig } from '../../nodes/Heychat/trigger/filters';
import { HeychatPrefilter } from '../../nodes/Heychat/trigger/prefilter';

const SELF = 2854196310;

function groupMessage(text: string, extra = ''): string {
	return (
		`{"time":1733500000,"self_id":${SELF},"post_type":"message","message_type":"group","sub_type":"normal","message_id":7,` +
		`"group_id":736120001,"user_id":1000000007,"anonymous":null,"message":[{"type":"text","data":{"text":${JSON.stringify(text)}}}],` +
		`"raw_message":${JSON.stringify(text)},"font":0,"sender":{"user_id":1000000007,"nickname":"小明","card":"","role":"member"}${extra}}`
	);
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Whether the full path emits the frame: the listeners' FrameGuard (parse and shape check) without
 * a prefilter, then the filter.
 */
function fullPathEmits<T>(check: (value: unknown) => FrameCheck<T>, text: string, pass: (value: T) => boolean): boolean {
	const value = new FrameGuard<T>({ maxBytes: DEFAULT_MAX_EVENT_BYTES, check, logger: quiet, source: 'test' }).accept(Buffer.from(text, 'utf8'));
	return value !== undefined && pass(value);
}

function oneBotEmits(config: FilterConfig, text: string): boolean {
	return fullPathEmits(checkOneBotFrame, text, (event) => new EventFilter(config).apply(event, true).pass);
}

function assertOneBotExact(config: FilterConfig, frames: readonly string[]): number {
	const prefilter = OneBotPrefilter.for(config);
	let dropped = 0;
	for (const frame of frames) {
		const drops = prefilter?.drops(Buffer.from(frame, 'utf8')) ?? false;
		if (drops) {
			dropped++;
			assert.equal(oneBotEmits(config, frame), false, `the prefilter dropped a frame the full path emits: ${frame}`);
		}
	}
	return dropped;
}

describe('FrameScanner reads top-level values exactly as JSON.parse does', () => {
	const scanner = new FrameScanner({ post_type: true, message_type: true, data: { name: true } });
	test('strings at the top level and in nested objects; absent keys are absent', () => {
		assert.deepEqual(scanner.scan(Buffer.from('{"post_type":"notice","x":[1,{"post_type":"message"}],"data":{"name":"你好"}}')), {
			post_type: 'notice',
			data: { name: '你好' },
		});
	});
	test('white space, key order and duplicate keys (the last one wins)', () => {
		assert.deepEqual(scanner.scan(Buffer.from(' {\n "message_type" : "group" ,\t"post_type":"a", "post_type" : "b" } ')), {
			message_type: 'group',
			post_type: 'b',
		});
	});
	test('a key text inside a string value is not a key', () => {
		assert.deepEqual(scanner.scan(Buffer.from('{"raw":"\\"post_type\\":\\"message\\"","post_type":"notice"}')), { post_type: 'notice' });
		assert.deepEqual(scanner.scan(Buffer.from('{"raw":"\\\\","post_type":"notice"}')), { post_type: 'notice' }, 'an escaped backslash before the closing quote');
	});
	test('values that are not strings are reported as such; plain integers of up to 15 digits as numbers', () => {
		assert.deepEqual(scanner.scan(Buffer.from('{"post_type":5,"message_type":{"a":"b"},"data":"x"}')), {
			post_type: 5,
			message_type: NOT_STRING,
			data: NOT_STRING,
		});
		for (const literal of ['1.5', '1e2', '-0.0', '1234567890123456', 'true', 'null', '[]', '-']) {
			assert.deepEqual(scanner.scan(Buffer.from(`{"post_type":${literal}}`))?.post_type ?? NOT_STRING, NOT_STRING, literal);
		}
		assert.equal(scanner.scan(Buffer.from('{"post_type":-123456789012345}'))?.post_type, -123456789012345);
	});
	test('peek: the first value along a path (not exact: duplicates are not looked for)', () => {
		const frame = Buffer.from('{"a":{"x":1},"data":{"room":{"id":"r1"},"room":{"id":"r2"}},"n":42}');
		assert.equal(scanner.peek(frame, ['data', 'room', 'id']), 'r1');
		assert.equal(scanner.peek(frame, ['n']), 42);
		assert.equal(scanner.peek(frame, ['data', 'none']), undefined);
		assert.equal(scanner.peek(frame, ['a']), undefined, 'an object is no value');
	});
	test('peekIs: the bytes of the value peek gives, compared without making a string', () => {
		const candidates = [Buffer.from('50'), Buffer.from('你好')];
		for (const text of ['{"type":"50"}', '{"sequence":1,"type":"50","data":{}}', '{"type":"5"}', '{"type":"500"}', '{"type":" 50"}', '{"type":50}', '{"type":"你好"}', '{"data":{"type":"50"}}', '{"type":"5\\u0030"}', '{"type":"50"']) {
			const frame = Buffer.from(text);
			const peeked = scanner.peek(frame, ['type']);
			const expected = typeof peeked === 'string' && (peeked === '50' || peeked === '你好') && !text.includes('\\');
			assert.equal(scanner.peekIs(frame, ['type'], candidates), expected, text);
		}
		assert.equal(scanner.peekIs(Buffer.from('{"type":"50"}'), ['type'], []), false);
	});
	test('unknown: escapes in keys or wanted values, not an object, a structure it cannot follow', () => {
		for (const text of [
			'{"post\\u005ftype":"notice"}',
			'{"post_type":"mess\\u0061ge"}',
			'{"post_type":"a\\"b"}',
			'[{"post_type":"notice"}]',
			'{"post_type" "notice"}',
			'\ufeff{"post_type":"notice"}',
		]) {
			assert.equal(scanner.scan(Buffer.from(text)), undefined, text);
		}
	});
	test('it stops once no wanted key occurs later (a broken rest is then not seen: the full path would not emit such a frame)', () => {
		assert.deepEqual(scanner.scan(Buffer.from('{"post_type":"notice"} x')), { post_type: 'notice' });
		assert.deepEqual(scanner.scan(Buffer.from('{"post_type":"notice","a":{"post_type":1}}')), { post_type: 'notice' }, 'a nested key of the same name');
		assert.deepEqual(scanner.scan(Buffer.from('{"post_type":"notice","a":[1,"post_type"],"post_type":"message"}')), { post_type: 'message' });
	});
	test('any frame: what the scanner reports is what JSON.parse gives', () => {
		const frames = [
			groupMessage('hi'),
			'{"post_type":"notice","notice_type":"notify","sub_type":"poke","data":{"name":"x"}}',
			'{"data":{"name":"a","name":"b"},"data":{"other":1}}',
			'{"a":"\\\\\\"","post_type":"x"}',
			'{"a":[[[]]],"b":{"c":[{"d":"}"}]},"post_type":"]"}',
			'{"a":-1.5e+3,"b":true,"c":null,"post_type":""}',
			'{"post_type":-12,"message_type":123456789012345}',
		];
		for (const text of frames) {
			const parsed = JSON.parse(text) as Record<string, unknown>;
			const scanned = scanner.scan(Buffer.from(text));
			assert.ok(scanned, text);
			for (const key of ['post_type', 'message_type'] as const) {
				const v: unknown = scanned[key];
				if (v === undefined) assert.equal(key in parsed, false, text);
				else if (v === NOT_STRING) assert.notEqual(typeof parsed[key], 'string', text);
				else if (typeof v === 'number') assert.equal(v, parsed[key], text);
				else assert.equal(v, parsed[key], text);
			}
			const data = scanned.data;
			if (typeof data === 'object') assert.equal(data.name, (parsed.data as Record<string, unknown>).name, text);
		}
	});
});

describe('KeywordScan: the forms of a character are every character that lower-cases to it', () => {
	test('checked against every Unicode code point', () => {
		const missing: string[] = [];
		for (let cp = 0; cp < 0x110000; cp++) {
			if (cp >= 0xd800 && cp <= 0xdfff) continue;
			const x = String.fromCodePoint(cp);
			const lower = x.toLowerCase();
			for (const ch of new Set(lower)) {
				if (ch === x || !isScannableChar(ch)) continue;
				if (!keywordForms(ch).includes(x)) missing.push(`U+${cp.toString(16)} → ${ch}`);
			}
		}
		assert.deepEqual(missing, []);
	});
	test('keywords with characters that may stand in another form are not used', () => {
		for (const keyword of ['a/b', 'a&b', '[x]', 'a"b', 'a\\b', 'σοφία', 'straße', '']) assert.equal(KeywordScan.for([keyword]), undefined, keyword);
		assert.ok(KeywordScan.for(['zebra', '你好', 'k8s']));
	});
});

describe('OneBot prefilter: same emit decision as the full path', () => {
	const notice =
		'{"time":1733500000,"self_id":2854196310,"post_type":"notice","notice_type":"group_increase","sub_type":"approve","group_id":1,"operator_id":1,"user_id":2}';
	const adversarial = [
		groupMessage('hello'),
		groupMessage('a zebra here'),
		groupMessage('A ZEBRA HERE'),
		groupMessage('ZEBRA', ',"extra":{"post_type":"notice"}'),
		notice,
		// post_type text inside a message string, as key text and as a value
		groupMessage('"post_type":"notice"'),
		`{"message":"{\\"post_type\\":\\"notice\\"}","post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":1}`,
		// post_type only nested: the full path rejects the frame
		'{"data":{"post_type":"notice"},"retcode":0}',
		'{"data":{"post_type":"message"}}',
		// duplicate keys: JSON.parse keeps the last
		`{"post_type":"message","post_type":"notice","notice_type":"x","self_id":${SELF}}`,
		`{"post_type":"notice","post_type":"message","message_type":"private","sub_type":"friend","message":"zebra","user_id":5,"self_id":${SELF},"message_id":2}`,
		// escapes: the keyword or the key spelled with \\u
		groupMessage('a \u007aebra'),
		groupMessage('x').replace('{"text":"x"}', '{"text":"\\u007aebra"}'),
		groupMessage('x').replace('"x","font"', '"\\u007aebra","font"'),
		`{"post\\u005ftype":"message","message_type":"private","sub_type":"friend","message":"zebra","user_id":5,"self_id":${SELF},"message_id":3}`,
		// keys in unusual order and white space
		`{ "message" : [ { "data" : { "text" : "Zebra!" } , "type" : "text" } ] , "user_id" : 5 ,\n "message_type" : "private", "self_id" : ${SELF}, "post_type" : "message", "message_id": 4, "sub_type":"friend" }`,
		// the keyword split over two text segments, or around a CQ code, or behind an entity
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":5,"message":[{"type":"text","data":{"text":"ze"}},{"type":"face","data":{"id":"1"}},{"type":"text","data":{"text":"bra"}}]}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":6,"message":"ze[CQ:face,id=1]bra"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":7,"message":"a&#91;b"}`,
		// text that is not a string: turned into text by the full path
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":8,"message":[{"type":"text","data":{"text":{}}}]}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":9,"message":[{"type":"text","data":{"text":1e2}}]}`,
		// no message: raw_message is read
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":10,"raw_message":"Zebra"}`,
		// the keyword only in a field the filter does not read, or in a key
		groupMessage('hello', ',"sender2":{"nickname":"zebra"}'),
		groupMessage('hello', ',"zebra":1'),
		// case: Kelvin sign and dotted capital I lower-case to k and i
		groupMessage('\u212a8\u0130'),
		// broken JSON and API answers
		'{"post_type":"notice",',
		'{"status":"ok","retcode":0,"data":null,"echo":"1"}',
		// meta events always reach the listener
		`{"post_type":"meta_event","meta_event_type":"heartbeat","interval":5000,"self_id":${SELF}}`,
		// message_sent, and an unknown post type
		`{"post_type":"message_sent","message_type":"group","sub_type":"normal","group_id":1,"user_id":${SELF},"self_id":${SELF},"message_id":11,"message":"zebra"}`,
		`{"post_type":"custom_post","custom_post_type":"x","self_id":${SELF}}`,
		// detail type not a string
		`{"post_type":"notice","notice_type":5,"sub_type":"poke","self_id":${SELF}}`,
		// ids: as strings (trimmed by the filter), beyond 2^53, not plain integers, absent, duplicated, nested decoys
		groupMessage('x').replace('"group_id":736120001', '"group_id":" 736120001 "'),
		groupMessage('x').replace('"group_id":736120001', '"group_id":"999"'),
		groupMessage('x').replace('"group_id":736120001', '"group_id":9007199254740993'),
		groupMessage('x').replace('"group_id":736120001', '"group_id":736120001.0'),
		groupMessage('x').replace('"group_id":736120001', '"group_id":7.36120001e8'),
		groupMessage('x').replace('"group_id":736120001', '"group_id":999,"group_id":736120001'),
		groupMessage('x').replace('"group_id":736120001', '"group_id":736120001,"group_id":999'),
		groupMessage('x').replace('"user_id":1000000007,"anonymous"', '"anonymous"'),
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":12,"message":"hi","sender":{"group_id":736120001}}`,
		`{"post_type":"meta_event","meta_event_type":"heartbeat","interval":5000,"self_id":1}`,
		'{"status":"ok","retcode":0,"data":{"group_id":1},"echo":"1"}',
		// regular expressions: the literal as it is, in another case, split over text segments or
		// around a CQ code, only in raw_message, behind an escape or an entity, in text that is not a string
		groupMessage('/deploy now'),
		groupMessage('/DEPLOY NOW'),
		groupMessage('rollback now'),
		groupMessage('\u212aiss'),
		groupMessage('KISS'),
		groupMessage('今天天气不错'),
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":13,"message":[{"type":"text","data":{"text":"/dep"}},{"type":"text","data":{"text":"loy"}}]}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":14,"message":"/dep[CQ:face,id=1]loy"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":15,"message":"[CQ:text,text=/deploy]"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":16,"raw_message":"/dep[CQ:at,qq=1]loy"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":17,"message":[{"type":"at","data":{"qq":"1"}},{"type":"text","data":{"text":"/deploy"}}],"raw_message":"[CQ:at,qq=1]/deploy"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":18,"message":[{"type":"at","data":{"qq":"1"}},{"type":"text","data":{"text":"hello"}}],"raw_message":"[CQ:at,qq=1]hello"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":19,"message":{"type":"text","data":{"text":"/deploy"}}}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":20,"message":null,"raw_message":"/deploy"}`,
		`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":21,"message":"/deploy&amp;go"}`,
		groupMessage('x').replace('{"text":"x"}', '{"text":"/\\u0064eploy"}'),
		groupMessage('x').replace('{"text":"x"}', '{"text":1e2}'),
		`{"post_type":"message_sent","message_type":"group","sub_type":"normal","group_id":1,"user_id":${SELF},"self_id":${SELF},"message_id":22,"message":"/deploy"}`,
	];
	const configs: Array<[string, FilterConfig]> = [
		['type: notice', defaultFilterConfig({ eventTypes: new Set(['notice']) })],
		['type: message.private', defaultFilterConfig({ eventTypes: new Set(['message.private']) })],
		['type: notice.notify.poke', defaultFilterConfig({ eventTypes: new Set(['notice.notify.poke', 'request']) })],
		['default types', defaultFilterConfig()],
		['all types', defaultFilterConfig({ eventTypes: new Set(['*']) })],
		['keyword zebra', defaultFilterConfig({ keywords: ['zebra'] })],
		['keywords k8s, i', defaultFilterConfig({ keywords: ['k8s', 'i'] })],
		['keyword 你好', defaultFilterConfig({ keywords: ['你好'] })],
		['keyword a[b', defaultFilterConfig({ keywords: ['a[b'] })],
		['only group 736120001', defaultFilterConfig({ groupAllow: new Set(['736120001']) })],
		['only group 9007199254740993', defaultFilterConfig({ groupAllow: new Set(['9007199254740993']) })],
		['ignore group 999', defaultFilterConfig({ groupDeny: new Set(['999']) })],
		['only user 1000000007 (sender.user_id is a decoy)', defaultFilterConfig({ userAllow: new Set(['1000000007']) })],
		['ignore user 5', defaultFilterConfig({ userDeny: new Set(['5']) })],
		['only bot 1', defaultFilterConfig({ selfIds: new Set(['1']) })],
		['only group 999, type notice, keyword zebra', defaultFilterConfig({ groupAllow: new Set(['999']), eventTypes: new Set(['notice']), keywords: ['zebra'] })],
		['keyword obj (in "[object Object]")', defaultFilterConfig({ keywords: ['obj'] })],
		['keyword 100 (in 1e2)', defaultFilterConfig({ keywords: ['100'] })],
		['keyword zebra, all types, own messages kept', defaultFilterConfig({ keywords: ['zebra'], eventTypes: new Set(['*']), ignoreSelf: false })],
		['regex ^/deploy\\b', defaultFilterConfig({ regex: /^\/deploy\b/ })],
		['regex deploy, case-insensitive, own messages kept', defaultFilterConfig({ regex: /deploy/i, ignoreSelf: false })],
		['regex kiss (Unicode, case-insensitive: the Kelvin sign folds to k)', defaultFilterConfig({ regex: /kiss/iu })],
		['regex (deploy|rollback) now', defaultFilterConfig({ regex: /(deploy|rollback) now/ })],
		['regex 100 (in 1e2)', defaultFilterConfig({ regex: /100/ })],
		['regex 天气', defaultFilterConfig({ regex: /天气/ })],
		['regex go and keyword zebra', defaultFilterConfig({ regex: /go/, keywords: ['zebra'] })],
	];
	for (const [name, config] of configs) {
		test(`${name}: never drops an event the full path emits`, () => {
			assertOneBotExact(config, adversarial);
		});
	}
	test('plain frames of an unselected type, or without a keyword, are dropped without parsing', () => {
		assert.equal(assertOneBotExact(defaultFilterConfig({ eventTypes: new Set(['notice']) }), [groupMessage('hello'), groupMessage('x')]), 2);
		assert.equal(assertOneBotExact(defaultFilterConfig({ keywords: ['zebra'] }), [groupMessage('今天下午三点开会'), groupMessage('hello')]), 2);
		assert.equal(assertOneBotExact(defaultFilterConfig({ eventTypes: new Set(['message.private']) }), [groupMessage('x')]), 1);
		assert.equal(assertOneBotExact(defaultFilterConfig({ eventTypes: new Set(['message']) }), [notice]), 1);
		assert.equal(assertOneBotExact(defaultFilterConfig({ groupAllow: new Set(['999999999']) }), [groupMessage('x'), notice]), 2);
		assert.equal(assertOneBotExact(defaultFilterConfig({ groupAllow: new Set(['736120001']) }), [groupMessage('x')]), 0);
		// a regular expression: its literal is not in the frame (the message as one text segment, a CQ
		// code only in raw_message), or its letters are not in the frame at all
		const withAt = `{"post_type":"message","message_type":"group","sub_type":"normal","group_id":1,"user_id":5,"self_id":${SELF},"message_id":30,"message":[{"type":"at","data":{"qq":"1"}},{"type":"text","data":{"text":" hello"}}],"raw_message":"[CQ:at,qq=1] hello"}`;
		assert.equal(assertOneBotExact(defaultFilterConfig({ regex: /^\/deploy\b/ }), [groupMessage('hello'), groupMessage('今天下午三点开会'), withAt, groupMessage('/deploy')]), 3);
		assert.equal(assertOneBotExact(defaultFilterConfig({ regex: /^(deploy|rollback)/i }), [groupMessage('hello'), groupMessage('Rollback')]), 1);
		assert.equal(assertOneBotExact(defaultFilterConfig({ regex: /zebra/ }), [`{"post_type":"message","message_type":"private","sub_type":"friend","user_id":5,"self_id":${SELF},"message_id":31,"message":[{"type":"text","data":{"text":"a"}},{"type":"text","data":{"text":"b"}}]}`]), 1);
	});
	test('frames it cannot read exactly are left to the full path', () => {
		const prefilter = OneBotPrefilter.for(defaultFilterConfig({ eventTypes: new Set(['notice']), keywords: ['zebra'] }));
		for (const frame of [
			`{"post\\u005ftype":"message","message_type":"private"}`,
			`{"post_type":"mess\\u0061ge"}`,
			`{"post_type":"meta_event","meta_event_type":"heartbeat","interval":5000}`,
		]) {
			assert.equal(prefilter?.drops(Buffer.from(frame)), false, frame);
		}
		const keyword = OneBotPrefilter.for(defaultFilterConfig({ eventTypes: new Set(['*']), keywords: ['zebra'] }));
		assert.equal(keyword?.drops(Buffer.from(groupMessage('x').replace('"x","font"', '"\\u007aebra","font"'))), false, 'a \\u escape anywhere');
		assert.equal(keyword?.drops(Buffer.from(groupMessage('ZEBRA'))), false, 'upper case');
		assert.equal(OneBotPrefilter.for(defaultFilterConfig({ eventTypes: new Set(['*']) })), undefined, 'nothing to shortcut');
		const byGroup = OneBotPrefilter.for(defaultFilterConfig({ groupAllow: new Set(['999']), keywords: ['zebra'], eventTypes: new Set(['notice']) }));
		for (const frame of [
			`{"post_type":"meta_event","meta_event_type":"heartbeat","interval":5000,"self_id":1}`,
			`{"post_type":"meta_event","post_type":"meta_event","meta_event_type":"lifecycle","sub_type":"connect"}`,
			`{"post_type":"message","post_type":"meta_event","meta_event_type":"heartbeat","interval":5000}`,
			'{"status":"ok","retcode":0,"data":{"group_id":1},"echo":"1"}',
		]) {
			assert.equal(byGroup?.drops(Buffer.from(frame)), false, `meta events and API answers reach the listener: ${frame}`);
		}
	});
});

describe('Heychat prefilter: same emit decision as the full path', () => {
	const command = (name: string, extra = '') =>
		`{"sequence":11736260019,"type":"50","notify_type":"","data":{"bot_id":72053518,"channel_base_info":{"channel_id":"3611849174307799042","channel_name":"默认频道","channel_type":1},` +
		`"command_info":{"id":"1831636113196855296","name":${JSON.stringify(name)},"options":[{"name":"city","type":3,"value":"上海"}],"type":0},` +
		`"msg_id":"1831637085605466112","room_base_info":{"room_avatar":"","room_id":"3611849174284943360","room_name":"测试房间"},"send_time":1725531286039${extra}},"timestamp":1725531286040}`;
	const frames = [
		command('/weather'),
		command('/Zebra'),
		command(' /zebra '),
		command('zebra'),
		// type text nested (command_info.type, options[].type) and in strings
		'{"data":{"type":"3001"},"type":"50"}',
		'{"type":"50","data":{"type":"3001","room_id":"1"},"msg":"\\"type\\":\\"3001\\""}',
		'{"type":"3001","type":"50","data":{}}',
		'{"type":"50","type":"3001","data":{"room_id":"1"}}',
		'{"type":" 3001 ","data":{}}',
		'{"type":3001,"data":{}}',
		'{"type":"3001","data":"x"}',
		'{"type":"30\\u00301","data":{}}',
		'{"typ\\u0065":"3001","data":{}}',
		// command name: duplicates, nested decoys, escapes, non-strings
		'{"type":"50","data":{"command_info":{"name":"/weather","name":"/zebra"}}}',
		'{"type":"50","data":{"command_info":{"options":[{"name":"/zebra"}],"name":"/weather"}}}',
		'{"type":"50","data":{"command_info":{"name":"/zebr\\u0061"}}}',
		'{"type":"50","data":{"command_info":{"name":5}}}',
		'{"type":"50","data":{"command_info":"x"}}',
		'{"type":"50","data":{"command_info":{"name":"/zebra"},"command_info":{"name":"/weather"}}}',
		'{"type":"50","data":{"command_info":{"name":"/weather"},"command_info":{"name":"/zebra"}}}',
		'{"type":"50","data":{}}',
		'{"type":"50","data":{"command_info":{"name":"/zebra"}},"data":{"command_info":{"name":"/weather"}}}',
		'{"type":"50","data":{"command_info":{"name":"/weather"}},"data":{"command_info":{"name":"/zebra"}}}',
		'{"type":"50"',
		'PONG',
		// rooms and channels: nested or flat, blank, numbers (beyond 2^53 too), duplicates, decoys
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":"1"'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":" 1 "'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":"  "'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":"  "').replace('"bot_id"', '"room_id":"1","bot_id"'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":1'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":1.0'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":3611849174284943360'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":"2","room_id":"1"'),
		command('/weather').replace('"room_id":"3611849174284943360"', '"room_id":"1","room_id":"2"'),
		command('/weather').replace('"room_base_info":{', '"room_base_info":"x","old":{'),
		command('/weather').replace('"room_base_info":{', '"room_base_info":{"room_id":"1"},"room_base_info":{'),
		command('/weather').replace('"room_base_info":{', '"other":{"room_id":"1"},"room_base_info":{'),
		'{"type":"3001","data":{"room_id":"1","user_info":{"room_id":"2"}}}',
		'{"type":"5003","data":{"channel_id":"3638452309568749568","emoji":"[cube_doge]","is_add":1,"msg_id":"1","user_id":8829926}}',
		'{"type":"5003","data":{"channel_id":"9","channel_base_info":{"channel_id":"3638452309568749568"}}}',
		// ids written so that their text is not the listed id: exponents, fractions, \u escapes
		'{"type":"50","data":{"room_id":1e3,"channel_id":2.5e1}}',
		'{"type":"50","data":{"room_id":1E+3,"channel_id":25.0}}',
		'{"type":"50","data":{"room_id": 1e3,"channel_id" :\n\t2.5e1}}',
		'{"type":"50","data":{"room_id":-0.1e4}}',
		'{"type":"50","data":{"room_id":10.0e2,"channel_id":"2\u0035"}}',
		'{"type":"50","data":{"room_id":"\u0031000","channel_id":"25"}}',
		'{"type":"50","data":{"room_base_info":{"room_id":"1000"},"channel_base_info":{"channel_id":" 25 "}}}',
		// command names up to case, with slashes and spaces, the Kelvin sign, escapes, in other fields
		command('/ZEBRA'),
		command('//ZeBrA  '),
		command('/\u007aebra'),
		command('/Kiwi'),
		command('/KIWI'),
		command('/weather', ',"note":"zebra"'),
		command('/lion king'),
		command('/a/b'),
		'{"type":"50","data":{"command_info":{"name":"/a\\/b"}}}',
		command('/LION KING'),
		'{"type":"50","data":{"command_info":{"name":"/Zebra"}}}',
		'{"type":"3001","data":{"command_info":{"name":"/weather"}},"type":"50"}',
	];
	const emits = (config: HeychatFilterConfig, text: string): boolean =>
		fullPathEmits(checkHeychatFrame, text, (frame) => new HeychatEventFilter(config).apply(frame, 1, true).pass);
	const configs: Array<[string, HeychatFilterConfig]> = [
		['type 3001', defaultHeychatFilterConfig({ eventTypes: new Set(['3001']) })],
		['type 50 (default)', defaultHeychatFilterConfig()],
		['known types', defaultHeychatFilterConfig({ eventTypes: new Set() })],
		['all', defaultHeychatFilterConfig({ eventTypes: new Set(['*']) })],
		['command zebra', defaultHeychatFilterConfig({ commandNames: new Set(['zebra']) })],
		['command zebra, all types', defaultHeychatFilterConfig({ eventTypes: new Set(['*']), commandNames: new Set(['zebra']) })],
		['room 1', defaultHeychatFilterConfig({ roomIds: new Set(['1']), eventTypes: new Set(['*']) })],
		['room 3611849174284943360', defaultHeychatFilterConfig({ roomIds: new Set(['3611849174284943360']) })],
		['channel 3638452309568749568', defaultHeychatFilterConfig({ channelIds: new Set(['3638452309568749568']), eventTypes: new Set() })],
		['room 1, channel 9, command weather', defaultHeychatFilterConfig({ roomIds: new Set(['1']), channelIds: new Set(['9']), commandNames: new Set(['weather']), eventTypes: new Set(['*']) })],
		['room 1000', defaultHeychatFilterConfig({ roomIds: new Set(['1000']), eventTypes: new Set(['*']) })],
		['channel 25', defaultHeychatFilterConfig({ channelIds: new Set(['25']), eventTypes: new Set(['*']) })],
		['room 1000, channel 25', defaultHeychatFilterConfig({ roomIds: new Set(['1000']), channelIds: new Set(['25']) })],
		['command kiwi', defaultHeychatFilterConfig({ commandNames: new Set(['kiwi']) })],
		['command lion king, zebra', defaultHeychatFilterConfig({ commandNames: new Set(['lion king', 'zebra']) })],
		['command a/b (not read from the bytes)', defaultHeychatFilterConfig({ commandNames: new Set(['a/b']) })],
		['command zebra, known types (not read from the bytes)', defaultHeychatFilterConfig({ commandNames: new Set(['zebra']), eventTypes: new Set() })],
	];
	for (const [name, config] of configs) {
		test(`${name}: never drops an event the full path emits`, () => {
			const prefilter = HeychatPrefilter.for(config);
			for (const frame of frames) {
				if (prefilter?.drops(Buffer.from(frame))) assert.equal(emits(config, frame), false, frame);
			}
		});
	}
	test('plain frames are dropped without parsing: an unselected type, a command, room or channel not listed', () => {
		const drops = (config: HeychatFilterConfig, frame: string) => HeychatPrefilter.for(config)?.drops(Buffer.from(frame));
		const weather = command('/weather');
		assert.equal(drops(defaultHeychatFilterConfig({ eventTypes: new Set(['3001']) }), weather), true);
		assert.equal(drops(defaultHeychatFilterConfig({ commandNames: new Set(['zebra']) }), weather), true);
		assert.equal(drops(defaultHeychatFilterConfig({ commandNames: new Set(['zebra', 'weather']) }), weather), false);
		assert.equal(drops(defaultHeychatFilterConfig({ commandNames: new Set(['zebra']) }), command('/ZEBRA')), false);
		assert.equal(drops(defaultHeychatFilterConfig({ roomIds: new Set(['3611849174284943361']) }), weather), true);
		assert.equal(drops(defaultHeychatFilterConfig({ roomIds: new Set(['3611849174284943360']) }), weather), false);
		assert.equal(drops(defaultHeychatFilterConfig({ channelIds: new Set(['3611849174307799043']) }), weather), true);
		// the room list is decided by the full path when a number has a fraction or an exponent
		assert.equal(drops(defaultHeychatFilterConfig({ roomIds: new Set(['3611849174284943361']) }), command('/weather', ',"score":1.5')), false);
		// digits and letters inside strings (a hex name in a URL) are no number
		assert.equal(drops(defaultHeychatFilterConfig({ roomIds: new Set(['3611849174284943361']) }), command('/weather', ',"avatar":"https://a.example/3f1c0c7a5e2b.png"')), true);
		// a name with a character JSON may escape, or types beside bot commands: the full path decides
		assert.equal(HeychatPrefilter.for(defaultHeychatFilterConfig({ commandNames: new Set(['a/b']) }))?.drops(Buffer.from(weather)), false);
		assert.equal(HeychatPrefilter.for(defaultHeychatFilterConfig({ eventTypes: new Set(['*']) })), undefined);
		assert.equal(HeychatPrefilter.for(defaultHeychatFilterConfig({ eventTypes: new Set(['*']), commandNames: new Set(['zebra']) })), undefined);
	});
});
