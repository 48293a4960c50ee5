import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
	escapeText,
	escapeValue,
	normalizeMessage,
	parseCQString,
	toCQString,
	unescapeText,
	unescapeValue,
	type Segment,
} from '../../nodes/OneBot/message/cqcode';
import { MessageInputError } from '../../nodes/OneBot/message/errors';
import { InputError } from '../../nodes/shared/validation';

const text = (t: string): Segment => ({ type: 'text', data: { text: t } });

describe('escaping', () => {
	const textTable: Array<[string, string]> = [
		['', ''],
		['plain', 'plain'],
		['a&b', 'a&amp;b'],
		['[x]', '&#91;x&#93;'],
		['a,b=c', 'a,b=c'],
		['&[],', '&amp;&#91;&#93;,'],
		['&amp;', '&amp;amp;'],
		['&#91;', '&amp;#91;'],
		['[[nested]]', '&#91;&#91;nested&#93;&#93;'],
		['你好😀[图]', '你好😀&#91;图&#93;'],
	];
	for (const [raw, escaped] of textTable) {
		it(`escapeText ${JSON.stringify(raw)}`, () => {
			assert.equal(escapeText(raw), escaped);
			assert.equal(unescapeText(escaped), raw);
		});
	}

	const valueTable: Array<[string, string]> = [
		['', ''],
		[',', '&#44;'],
		['&[],', '&amp;&#91;&#93;&#44;'],
		['a=b', 'a=b'],
		['震惊,小伙', '震惊&#44;小伙'],
		['http://x/?a=1&b=2', 'http://x/?a=1&amp;b=2'],
		['&#44;', '&amp;#44;'],
	];
	for (const [raw, escaped] of valueTable) {
		it(`escapeValue ${JSON.stringify(raw)}`, () => {
			assert.equal(escapeValue(raw), escaped);
			assert.equal(unescapeValue(escaped), raw);
		});
	}

	it('unescapes in the correct order (&amp; last, single pass)', () => {
		assert.equal(unescapeText('&amp;#91;'), '&#91;');
		assert.equal(unescapeText('&amp;#93;'), '&#93;');
		assert.equal(unescapeText('&amp;amp;'), '&amp;');
		assert.equal(unescapeValue('&amp;#44;'), '&#44;');
		assert.equal(unescapeValue('&amp;#91;&#44;&#91;'), '&#91;,[');
	});

	it('leaves other entities and lone & alone', () => {
		assert.equal(unescapeText('&lt; & &#91 &#x5B;'), '&lt; & &#91 &#x5B;');
		assert.equal(unescapeText('&#44;'), '&#44;', 'commas are not escaped in text');
		assert.equal(unescapeValue('&#44'), '&#44');
	});

	it('escape/unescape are inverse for many strings', () => {
		const samples = ['&', '&&', '&amp;&#91;', '[CQ:face,id=1]', ',,,', '=,=', '\u0000\n\t', '🙂&🙃', ']&#93;['];
		for (const s of samples) {
			assert.equal(unescapeText(escapeText(s)), s);
			assert.equal(unescapeValue(escapeValue(s)), s);
		}
	});
});

describe('parseCQString', () => {
	it('parses empty and plain text', () => {
		assert.deepEqual(parseCQString(''), []);
		assert.deepEqual(parseCQString('hello'), [text('hello')]);
		assert.deepEqual(parseCQString('a &amp; b &#91;1&#93;'), [text('a & b [1]')]);
	});

	it('parses the protocol example (escaped comma and ampersand in values)', () => {
		assert.deepEqual(
			parseCQString('[CQ:share,title=震惊&#44;小伙睡觉前居然...,url=http://baidu.com/?a=1&amp;b=2]'),
			[{ type: 'share', data: { title: '震惊,小伙睡觉前居然...', url: 'http://baidu.com/?a=1&b=2' } }],
		);
	});

	it('splits each parameter at its first "="', () => {
		assert.deepEqual(parseCQString('[CQ:image,file=https://x.test/?a=b=c,cache=0]'), [
			{ type: 'image', data: { file: 'https://x.test/?a=b=c', cache: '0' } },
		]);
		assert.deepEqual(parseCQString('[CQ:json,data=={"k":"=="}]'), [
			{ type: 'json', data: { data: '={"k":"=="}' } },
		]);
	});

	it('parses codes without data and empty values', () => {
		assert.deepEqual(parseCQString('[CQ:shake]'), [{ type: 'shake', data: {} }]);
		assert.deepEqual(parseCQString('[CQ:image,file=]'), [{ type: 'image', data: { file: '' } }]);
	});

	it('mixes text and codes, unescaping text, keeping unicode', () => {
		assert.deepEqual(parseCQString('你好😀[CQ:face,id=178]世界&amp;[CQ:at,qq=all] '), [
			text('你好😀'),
			{ type: 'face', data: { id: '178' } },
			text('世界&'),
			{ type: 'at', data: { qq: 'all' } },
			text(' '),
		]);
	});

	it('handles brackets in text (escaped and raw)', () => {
		assert.deepEqual(parseCQString('&#91;&#91;nested&#93;&#93; [CQ:at,qq=10001]'), [
			text('[[nested]] '),
			{ type: 'at', data: { qq: '10001' } },
		]);
		assert.deepEqual(parseCQString('[hello] [[x]][CQ:dice]]'), [
			text('[hello] [[x]]'),
			{ type: 'dice', data: {} },
			text(']'),
		]);
	});

	it('keeps malformed codes as literal text and merges them with neighbouring text', () => {
		const cases = [
			'[CQ:face,id=1',
			'[CQ:]',
			'[CQ:face,]',
			'[CQ:face,id]',
			'[CQ:face,=1]',
			'[CQ:fa ce,id=1]',
			'[CQ:表情,id=1]',
		];
		for (const c of cases) {
			assert.deepEqual(parseCQString(`a ${c} b`), [text(`a ${c} b`)], c);
		}
		assert.deepEqual(parseCQString('x[CQ:a[CQ:face,id=1]y'), [
			text('x[CQ:a'),
			{ type: 'face', data: { id: '1' } },
			text('y'),
		]);
	});

	it('unescapes keys too and lets a repeated key win last', () => {
		assert.deepEqual(parseCQString('[CQ:x,a&#44;b=1,k=1,k=2]'), [{ type: 'x', data: { 'a,b': '1', k: '2' } }]);
	});
});

describe('toCQString', () => {
	it('escapes text with escapeText and values with escapeValue', () => {
		assert.equal(
			toCQString([
				text('a,b [c] & d'),
				{ type: 'share', data: { title: '震惊,小伙', url: 'http://x/?a=1&b=2' } },
			]),
			'a,b &#91;c&#93; &amp; d[CQ:share,title=震惊&#44;小伙,url=http://x/?a=1&amp;b=2]',
		);
	});

	it('writes codes without data, and skips null/undefined values', () => {
		assert.equal(toCQString([{ type: 'shake', data: {} }]), '[CQ:shake]');
		assert.equal(toCQString([{ type: 'shake', data: null as never }]), '[CQ:shake]');
		assert.equal(toCQString([{ type: 'at', data: { qq: '1', name: undefined, x: null } }]), '[CQ:at,qq=1]');
	});

	it('stringifies numbers and booleans, JSON-encodes objects and arrays', () => {
		assert.equal(
			toCQString([{ type: 'x', data: { n: 12, b: true, o: { a: [1, ','] }, arr: [1, 2] } }]),
			'[CQ:x,n=12,b=true,o={"a":&#91;1&#44;"&#44;"&#93;},arr=&#91;1&#44;2&#93;]',
		);
		assert.deepEqual(parseCQString(toCQString([{ type: 'x', data: { o: { a: [1, ','] } } }])), [
			{ type: 'x', data: { o: '{"a":[1,","]}' } },
		]);
	});

	it('rejects types and keys that cannot be written', () => {
		assert.throws(() => toCQString([{ type: 'a,b', data: {} }]), MessageInputError);
		assert.throws(() => toCQString([{ type: '', data: {} }]), MessageInputError);
		assert.throws(() => toCQString([{ type: 'x', data: { 'a=b': '1' } }]), /cannot be written/);
	});
});

describe('round trips', () => {
	const trickySegments: Segment[][] = [
		[text('&[],=')],
		[text('&amp;#91;'), { type: 'face', data: { id: '1' } }, text('&#44;')],
		[{ type: 'image', data: { file: 'https://x/?a=1&b=[2],c=3', cache: '0' } }],
		[{ type: 'json', data: { data: '{"app":"x","list":[1,2],"s":"a=b,c"}' } }],
		[{ type: 'shake', data: {} }],
		[{ type: 'x', data: { v: '', w: '=', 'k,&': ']' } }],
		[text('你好 😀 '), { type: 'at', data: { qq: 'all' } }, text(' [CQ:fake] ')],
		[{ type: 'reply', data: { id: '-123' } }, { type: 'text', data: { text: '\n\t' } }],
	];
	for (const segs of trickySegments) {
		it(`parseCQString(toCQString(segs)) === segs: ${JSON.stringify(segs)}`, () => {
			assert.deepEqual(parseCQString(toCQString(segs)), segs);
		});
	}

	const trickyStrings = [
		'',
		'&',
		'&amp;#91;',
		'[CQ:face,id=1][CQ:face,id=1]',
		'a[CQ:image,file=http://x/?a=1&amp;b=2&#44;3]b',
		'[CQ:shake]',
		'[[CQ:at,qq=1]]',
		'[CQ:face,id=1',
		'[CQ:face,id]',
		'] [ & , =',
		'&#44;&#91;&#93;&amp;',
		'😀[CQ:x,a=😀]😀',
	];
	for (const s of trickyStrings) {
		it(`toCQString(parseCQString(x)) is stable: ${JSON.stringify(s)}`, () => {
			const once = toCQString(parseCQString(s));
			assert.equal(toCQString(parseCQString(once)), once);
			assert.deepEqual(parseCQString(once), parseCQString(s));
		});
	}

	// Deterministic pseudo-random inputs built from the characters that matter.
	function rng(seed: number): () => number {
		let x = seed >>> 0;
		return () => {
			x = (x * 1664525 + 1013904223) >>> 0;
			return x / 2 ** 32;
		};
	}
	const tokens = ['[', ']', '&', ',', '=', 'CQ:', '[CQ:', 'face', 'id=1', '&amp;', '&#91;', '&#93;', '&#44;', 'a', '中', '😀', ' ', '\n'];

	it('is stable for 2000 random strings', () => {
		const next = rng(42);
		for (let i = 0; i < 2000; i++) {
			let s = '';
			const n = Math.floor(next() * 20);
			for (let j = 0; j < n; j++) s += tokens[Math.floor(next() * tokens.length)];
			const once = toCQString(parseCQString(s));
			assert.equal(toCQString(parseCQString(once)), once, JSON.stringify(s));
		}
	});

	it('round-trips 1000 random string-valued segment lists', () => {
		const next = rng(7);
		const pick = () => {
			let s = '';
			const n = Math.floor(next() * 8);
			for (let j = 0; j < n; j++) s += tokens[Math.floor(next() * tokens.length)];
			return s;
		};
		const types = ['face', 'at', 'image', 'x_y', 'a-b.c'];
		for (let i = 0; i < 1000; i++) {
			const segs: Segment[] = [];
			const n = Math.floor(next() * 5);
			for (let j = 0; j < n; j++) {
				if (next() < 0.4) {
					const t = pick() || 'x';
					const last = segs[segs.length - 1];
					if (last && last.type === 'text') last.data.text = `${String(last.data.text)}${t}`;
					else segs.push(text(t));
				} else {
					const data: Record<string, unknown> = {};
					const keys = Math.floor(next() * 3);
					for (let k = 0; k < keys; k++) data[`k${k}${pick().replace(/=/g, '')}`] = pick();
					segs.push({ type: types[Math.floor(next() * types.length)], data });
				}
			}
			assert.deepEqual(parseCQString(toCQString(segs)), segs, JSON.stringify(segs));
		}
	});
});

describe('normalizeMessage', () => {
	it('parses a string as CQ code', () => {
		assert.deepEqual(normalizeMessage('hi[CQ:face,id=1]'), [text('hi'), { type: 'face', data: { id: '1' } }]);
	});

	it('takes a string literally with autoEscape', () => {
		assert.deepEqual(normalizeMessage('[CQ:face,id=1]', { autoEscape: true }), [text('[CQ:face,id=1]')]);
		assert.deepEqual(normalizeMessage('', { autoEscape: true }), []);
	});

	it('wraps a single segment and copies arrays; null data becomes {}', () => {
		assert.deepEqual(normalizeMessage({ type: 'shake', data: null as never }), [{ type: 'shake', data: {} }]);
		assert.deepEqual(normalizeMessage([{ type: 'dice' } as never, text('x')]), [{ type: 'dice', data: {} }, text('x')]);
		const input = [{ type: 'at', data: { qq: '1' } }];
		const out = normalizeMessage(input);
		assert.notEqual(out[0].data, input[0].data);
	});

	it('rejects values that are not segments, naming the field', () => {
		const bad: unknown[] = [42, null, [1], [{ data: {} }], [{ type: 'x', data: [1] }], [{ type: '' }]];
		for (const value of bad) {
			assert.throws(
				() => normalizeMessage(value, { field: 'segmentsJson' }),
				(error: unknown) => {
					assert.ok(error instanceof MessageInputError);
					assert.ok(error instanceof InputError);
					assert.ok(error instanceof Error);
					assert.equal(error.field, 'segmentsJson');
					assert.match(error.message, /segmentsJson/);
					return true;
				},
				JSON.stringify(value),
			);
		}
	});
});
