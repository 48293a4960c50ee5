// The JSON hot paths keep int64 exactness on their fast paths: stringify without a BigInt is
// JSON.stringify, parse without a 16+ digit integer outside strings is JSON.parse, and neither
// ever loses digits beyond 2^53. Checked against a straightforward reference on random JSON.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { mayHoldUnsafeInteger, parseJsonExact, parseJsonLossless, quoteUnsafeIntegers, stringifyWithBigInt } from '../../nodes/shared/json';

const BIG = 7234567890123456789n;

/** A deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): (n: number) => number {
	let a = seed;
	return (n) => {
		a |= 0;
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
	};
}

/** The reference: every token visited, integer literals beyond 2^53 outside strings quoted. */
function referenceQuote(text: string): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (ch === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
		} else if (ch === '-' || (ch >= '0' && ch <= '9')) {
			let j = i + 1;
			while (j < text.length && /[\d.eE+-]/.test(text[j])) j++;
			const token = text.slice(i, j);
			out += /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${token}"` : token;
			i = j;
		} else {
			out += ch;
			i++;
		}
	}
	return out;
}

/** Random JSON text with ids of every length as numbers and as strings, floats, escapes, whitespace. */
function randomJson(rnd: (n: number) => number): string {
	const digits = (n: number) => String(1 + rnd(9)) + Array.from({ length: n - 1 }, () => rnd(10)).join('');
	const ws = () => [' ', '', '\n', '\t', ''][rnd(5)];
	const value = (depth: number): string => {
		switch (rnd(depth > 3 ? 5 : 7)) {
			case 0:
				return `"${rnd(2) ? 'id ' : ''}${digits(1 + rnd(24))}${rnd(3) === 0 ? '\\"' + digits(1 + rnd(20)) : ''}"`;
			case 1:
				return `${rnd(3) === 0 ? '-' : ''}${digits(1 + rnd(24))}`;
			case 2:
				return `${digits(1 + rnd(20))}.${digits(1 + rnd(20))}${rnd(3) === 0 ? 'e' + rnd(30) : ''}`;
			case 3:
				return ['true', 'false', 'null', '0'][rnd(4)];
			case 4:
				return `"${'x'.repeat(rnd(40))}"`;
			case 5:
				return `[${ws()}${Array.from({ length: rnd(5) }, () => value(depth + 1)).join(`,${ws()}`)}${ws()}]`;
			default:
				return `{${ws()}${Array.from({ length: rnd(5) }, () => `"k${digits(1 + rnd(20))}":${ws()}${value(depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
		}
	};
	return value(0);
}

describe('lossless parse: the fast path', () => {
	test('finds every integer beyond 2^53 outside strings, wherever it stands', () => {
		for (const text of [
			`${BIG}`,
			`-${BIG}`,
			`[${BIG}]`,
			`[1,${BIG}]`,
			`{"a":${BIG}}`,
			`{"a": ${BIG} }`,
			`{"a":\n\t${BIG}\n}`,
			`{"a":"x","b":[0,-${BIG}]}`,
			`{"padding":"${'p'.repeat(37)}","id":${BIG}}`,
		]) {
			assert.equal(mayHoldUnsafeInteger(text), true, text);
			const parsed = JSON.stringify(parseJsonLossless(text));
			assert.ok(parsed.includes(`"${text.includes(`-${BIG}`) ? '-' : ''}${BIG}"`), `${text} → ${parsed}`);
		}
	});

	test('ids sent as strings, floats and safe integers need no exact work', () => {
		for (const text of [
			`{"msg_id":"${BIG}","room_id":"3611849174284943360"}`,
			'{"t":1725531286040,"n":123456789012345}',
			'{"f":1234567890123456789.5,"e":12345678901234567890e2}',
			`{"s":"id ${BIG}x"}`,
		]) {
			assert.equal(mayHoldUnsafeInteger(text), false, text);
			assert.deepEqual(parseJsonLossless(text), JSON.parse(text));
		}
		assert.deepEqual(parseJsonLossless(`{"id":9007199254740993,"s":"${BIG}"}`), { id: '9007199254740993', s: String(BIG) });
		assert.deepEqual(parseJsonLossless('{"n":9007199254740991}'), { n: 9007199254740991 }, '16 digits but safe: a number');
	});

	test('gives the reference result on 20,000 random documents', () => {
		const rnd = prng(11);
		for (let k = 0; k < 20_000; k++) {
			const text = randomJson(rnd);
			assert.equal(quoteUnsafeIntegers(text), referenceQuote(text), text);
			assert.deepEqual(parseJsonLossless(text), JSON.parse(referenceQuote(text)), text);
		}
	});

	test('invalid JSON still throws a SyntaxError', () => {
		assert.throws(() => parseJsonLossless(`{"a":${BIG}`), SyntaxError);
		assert.throws(() => parseJsonLossless('{"a":"1234567890123456789'), SyntaxError);
		assert.throws(() => parseJsonLossless('{"a":1,'), SyntaxError);
	});
});

describe('stringifyWithBigInt: the fast path', () => {
	test('a value without BigInt is exactly JSON.stringify', () => {
		const value = { a: 1, b: 'x "y"', c: [1.5, null, true, { d: new Date(0) }], e: undefined, big: '7234567890123456789' };
		assert.equal(stringifyWithBigInt(value), JSON.stringify(value));
		assert.equal(stringifyWithBigInt([]), '[]');
		assert.equal(stringifyWithBigInt('s'), '"s"');
	});

	test('BigInt anywhere (deep, in arrays, negative) is written as its exact digits', () => {
		const proto = BigInt.prototype as unknown as { toJSON?: () => string };
		const previous = proto.toJSON;
		proto.toJSON = function (this: bigint) {
			return this.toString(); // as n8n installs it
		};
		try {
			let deep: unknown = { id: BIG };
			for (let i = 0; i < 100; i++) deep = { next: deep };
			const text = stringifyWithBigInt({ list: [1, [2, [-BIG]]], deep });
			assert.ok(text.startsWith(`{"list":[1,[2,[-${BIG}]]],"deep":`), text);
			assert.ok(text.includes(`{"id":${BIG}}`), 'beyond the scan depth too');
			assert.equal(stringifyWithBigInt({ group_id: BIG, message: 'hi' }), `{"group_id":${BIG},"message":"hi"}`);
		} finally {
			if (previous) proto.toJSON = previous;
			else delete proto.toJSON;
		}
	});

	test('an object with its own toJSON goes the exact way, and round trips with parseJsonExact', () => {
		const custom = { toJSON: () => ({ id: BIG }) };
		assert.equal(stringifyWithBigInt({ custom }), `{"custom":{"id":${BIG}}}`);
		const text = `{"a":[${BIG},{"b":-${BIG}}],"c":"${BIG}"}`;
		assert.equal(stringifyWithBigInt(parseJsonExact(text)), text);
	});

	test('a cycle throws like JSON.stringify', () => {
		const cycle: Record<string, unknown> = {};
		cycle.self = cycle;
		assert.throws(() => stringifyWithBigInt(cycle), TypeError);
	});
});
