// What a regular expression's matches need (regexScan.ts), read from its source, lets the OneBot
// Trigger drop a message without parsing it. It must be a necessary condition: any text the
// expression matches holds the literals of one alternative. Checked on chosen patterns, and on
// thousands of random patterns against random texts (with the characters that case folding joins).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { regexNeeds, RegexScan, type RegexNeeds } from '../../nodes/shared/trigger/regexScan';

/** Whether `text` holds every literal of some alternative (case-insensitive: ASCII letters folded). */
function satisfies(needs: RegexNeeds, text: string, ignoreCase: boolean): boolean {
	const folded = ignoreCase ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text;
	return needs.some((term) => term.every((literal) => folded.includes(literal)));
}

/** A small deterministic random source (the failures must be reproducible). */
function random(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

describe('regexNeeds: the literal text every match needs', () => {
	const cases: Array<[RegExp, RegexNeeds | undefined]> = [
		[/^\/deploy\b/, [['deploy']]],
		[/^\/(deploy|rollback) now$/, [['deploy', ' now'], ['rollback', ' now']]],
		[/hello\s+world/i, [['hello', 'world']]],
		[/ab+c/, [['ab', 'c']]],
		[/abc?d/, [['ab', 'd']]],
		[/ab{0,2}c/, [['a', 'c']]],
		[/ab{2,}c/, [['ab', 'c']]],
		[/(?:ab)*c/, [['c']]],
		[/(?:ab)+c/, [['ab', 'c']]],
		[/a(?=bc)d/, [['a', 'd']]],
		[/a(?<!x)d/, [['a', 'd']]],
		[/(?<word>天气)预报/, [['天气', '预报']]],
		[/a\.b/, [['a.b']]],
		[/a\/b/, [['a', 'b']]],
		[/a&b/, [['a', 'b']]],
		[/a[bc]d/, [['a', 'd']]],
		[/a.d\d/, [['a', 'd']]],
		[/\x41bc/, [['bc']]],
		[/(a)\1b/, [['a', 'b']]],
		[/kiss/iu, [['i']]],
		[/kiss/i, [['kiss']]],
		[/KISS/, [['KISS']]],
		[/😀x/u, [['x']]],
		[/😀?x/, [['x']]],
		[/x|/, undefined],
		[/.*/, undefined],
		[/\d+/, undefined],
		[/a{/, undefined],
		[new RegExp(String.raw`\p{L}x`), undefined], // a constructor: tsc rejects these literals for the es2022 target
		[/a]b/, [['a', 'b']]],
		[new RegExp('x', 'v'), undefined],
	];
	for (const [regex, expected] of cases) {
		test(`${String(regex)}`, () => {
			const needs = regexNeeds(regex);
			assert.deepEqual(
				needs?.map((term) => [...term].sort()),
				expected?.map((term) => [...term].sort()),
			);
		});
	}

	test('case-insensitive literals use only ASCII characters that no other character folds to (every code point checked)', () => {
		// every ASCII character a case-insensitive literal may hold, as one class
		const usable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter(
			(c) => regexNeeds(new RegExp(`x${c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}x`, 'iu'))?.[0]?.[0] === `x${c.toLowerCase()}x`,
		);
		assert.ok(usable.includes('a') && usable.includes('1') && !usable.includes('k') && !usable.includes('s'));
		const legacy = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter(
			(c) => regexNeeds(new RegExp(`x${c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}x`, 'i'))?.[0]?.[0] === `x${c.toLowerCase()}x`,
		);
		assert.ok(legacy.includes('k') && legacy.includes('s'));
		for (const [chars, flags] of [
			[usable, 'iu'],
			[legacy, 'i'],
		] as const) {
			// one class of all of them: any other character it matches would be a form the scan misses
			const any = new RegExp(`^[${chars.map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]$`, flags);
			const strays: string[] = [];
			for (let cp = 0; cp < 0x110000; cp++) {
				if (cp >= 0xd800 && cp <= 0xdfff) continue;
				const x = String.fromCodePoint(cp);
				if (any.test(x) && !chars.includes(x.toLowerCase()) && !chars.includes(x)) strays.push(`U+${cp.toString(16)}`);
				else if (cp >= 0x80 && any.test(x)) strays.push(`U+${cp.toString(16)}`);
			}
			assert.deepEqual(strays, [], `/${flags}`);
			for (const c of chars) {
				for (let cp = 0x20; cp < 0x80; cp++) {
					const x = String.fromCharCode(cp);
					const same = new RegExp(`^[${c.replace(/[\\\]^-]/g, '\\$&')}]$`, flags).test(x);
					assert.equal(same, x.toLowerCase() === c.toLowerCase(), `${c} ~ ${x} /${flags}`);
				}
			}
		}
	});

	test('random patterns: every text a pattern matches holds what regexNeeds says it needs', () => {
		const next = random(20261207);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
		const letters = ['a', 'b', 'k', 's', 'K', 'S', '中', ' ', '/', '&', '.'];
		const quantifiers = ['', '', '', '*', '+', '?', '{2}', '{0,1}', '{1,}', '+?', '??'];
		const atom = (depth: number): string => {
			const roll = next();
			if (depth < 2 && roll < 0.15) return `(${pattern(depth + 1)})`;
			if (depth < 2 && roll < 0.22) return `(?:${pattern(depth + 1)})`;
			if (depth < 2 && roll < 0.26) return `(?=${pattern(depth + 1)})`;
			if (depth < 2 && roll < 0.29) return `(?<!${pattern(depth + 1)})`;
			if (roll < 0.33) return pick(['[ab]', '[^a]', '\\d', '\\b', '\\s', '.', '^', '$', '\\.', '\\/', '\\x61', '\\u006b']);
			return pick(letters.map((c) => (c === '.' || c === '/' ? `\\${c}` : c)));
		};
		const sequence = (depth: number): string => {
			let out = '';
			const length = 1 + Math.floor(next() * 5);
			for (let i = 0; i < length; i++) {
				const a = atom(depth);
				const assertion = a === '^' || a === '$' || a === '\\b' || a.startsWith('(?=') || a.startsWith('(?<!');
				out += a + (assertion ? '' : pick(quantifiers));
			}
			return out;
		};
		const pattern = (depth: number): string => (next() < 0.2 ? `${sequence(depth)}|${sequence(depth)}` : sequence(depth));
		const alphabet = ['a', 'b', 'k', 's', 'A', 'B', 'K', 'S', '\u212a', '\u017f', '中', ' ', '/', '&', '.', '1'];
		let matched = 0;
		let checked = 0;
		for (let p = 0; p < 3000; p++) {
			const source = pattern(0);
			const flags = pick(['', 'i', 'u', 'iu']);
			let regex: RegExp;
			try {
				regex = new RegExp(source, flags);
			} catch {
				continue;
			}
			const needs = regexNeeds(regex);
			if (!needs) continue;
			checked++;
			for (let t = 0; t < 150; t++) {
				// texts made of the pattern's own pieces and random characters, so that many match
				let text = '';
				const length = Math.floor(next() * 10);
				for (let i = 0; i < length; i++) text += next() < 0.5 ? pick(alphabet) : pick(needs.flat().join('').split('').concat(alphabet));
				if (!regex.test(text)) continue;
				matched++;
				assert.ok(satisfies(needs, text, flags.includes('i')), `/${source}/${flags} matches ${JSON.stringify(text)} without needing ${JSON.stringify(needs)}`);
			}
		}
		assert.ok(checked > 1000, `patterns with a condition: ${checked}`);
		assert.ok(matched > 5000, `texts that matched: ${matched}`);
	});
});

describe('RegexScan: the condition checked on a frame', () => {
	const frame = (text: string) => Buffer.from(`{"message":[{"type":"text","data":{"text":${JSON.stringify(text)}}}],"post_type":"message"}`);
	test('whole text: the literal must occur as it is; split text: only its characters', () => {
		const scan = RegexScan.for(/^\/deploy\b/)!;
		assert.equal(scan.cannotMatch(frame('hello'), true), true);
		assert.equal(scan.cannotMatch(frame('/deploy now'), true), false);
		assert.equal(scan.cannotMatch(frame('hello'), false), false, 'every letter of "deploy" is in the frame');
		assert.equal(scan.cannotMatch(Buffer.from('{"a":"dep"}'), false), true, 'no "l" "o" "y" at all');
	});
	test('case-insensitive: ASCII letters in either case', () => {
		const scan = RegexScan.for(/deploy/i)!;
		assert.equal(scan.cannotMatch(frame('DePLoY'), true), false);
		assert.equal(scan.cannotMatch(frame('deplo y'), true), true);
		assert.equal(RegexScan.for(/deploy/)!.cannotMatch(frame('DEPLOY'), true), true);
	});
	test('alternatives: one present is enough', () => {
		const scan = RegexScan.for(/^(deploy|rollback)/)!;
		assert.equal(scan.cannotMatch(frame('rollback'), true), false);
		assert.equal(scan.cannotMatch(frame('roll back'), true), true);
	});
	test('nothing to check: no scan', () => {
		assert.equal(RegexScan.for(/.*/), undefined);
		assert.equal(RegexScan.for(undefined), undefined);
	});
});
