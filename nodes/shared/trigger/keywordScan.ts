/*
 * A necessary condition for a case-insensitive keyword match, read from a frame's bytes: when the
 * text the keyword filter reads is made of characters that stand in the frame as they are, every
 * character of a matching keyword must occur in the frame in one of the forms that lower-case to
 * it. A keyword with a character found in none of those forms cannot match, and the frame can be
 * dropped without parsing it. Only characters whose every such form is known are used
 * (isScannableChar says which; test/trigger/prefilter.test.ts checks the forms against every
 * Unicode code point).
 */

import { hasUnicodeEscape } from './rawScan';

/**
 * Characters a frame may hold in a form other than their own even when it has no `\u` escape:
 * JSON escapes (`"`, `\`, `/`, control characters) and what CQ code decodes (`&`, `[`, `]`; `,` in
 * values). A keyword with one of them is not used for the shortcut.
 */
const DECODED = new Set(['"', '\\', '/', '&', '[', ']', ',']);

/** Forms that lower-case to a character besides the character and its simple upper case. */
const EXTRA_FORMS: Readonly<Record<string, readonly string[]>> = {
	i: ['\u0130'], // İ → i̇
	k: ['\u212a'], // KELVIN SIGN → k
};

/**
 * Ranges whose case mappings are irregular (title-case digraphs, Greek final sigma and iota
 * subscripts, Å/Ω/ẞ signs, combining marks): a keyword with such a character is not used.
 */
const IRREGULAR_RANGES: ReadonlyArray<readonly [number, number]> = [
	[0x00c0, 0x024f], // Latin-1 letters, Latin Extended-A and -B (å ← Å sign, ß ← ẞ, ǆ ← ǅ, ...)
	[0x0300, 0x03ff], // combining marks, Greek and Coptic (σ/ς, θ ← ϴ, ω ← Ω sign)
	[0x1e00, 0x1fff], // Latin Extended Additional, Greek Extended
	[0x2100, 0x214f], // letter-like symbols (K, Å, Ω signs)
];

/** Whether a keyword character (already lower-cased) has exactly the forms keywordForms lists. */
export function isScannableChar(char: string): boolean {
	const code = char.codePointAt(0) ?? 0;
	if (code < 0x20 || DECODED.has(char)) return false;
	for (const [from, to] of IRREGULAR_RANGES) if (code >= from && code <= to) return false;
	return true;
}

/** Every character whose lower case contains `char` (a scannable, lower-cased character). */
export function keywordForms(char: string): string[] {
	const forms = [char];
	const upper = char.toUpperCase();
	if (upper !== char && [...upper].length === 1 && upper.toLowerCase() === char) forms.push(upper);
	for (const extra of EXTRA_FORMS[char] ?? []) forms.push(extra);
	return forms;
}

/**
 * The keyword part of a prefilter: `cannotMatch(frame)` is true when no keyword can be in the
 * frame's text by the necessary condition above. Built only when every keyword is scannable.
 */
export class KeywordScan {
	/**
	 * Per keyword, per distinct character: each form, as its byte when it is ASCII (a byte search is
	 * several times faster than a search for a byte sequence), else as its UTF-8 bytes.
	 */
	private readonly keywords: Array<Array<Array<number | Buffer>>>;

	private constructor(keywords: readonly string[]) {
		this.keywords = keywords.map((keyword) =>
			[...new Set(keyword)].map((char) =>
				keywordForms(char).map((form) => (form.charCodeAt(0) < 0x80 ? form.charCodeAt(0) : Buffer.from(form, 'utf8'))),
			),
		);
	}

	/** The scan for lower-cased keywords, or undefined when one of them has a character it cannot use. */
	static for(keywords: readonly string[]): KeywordScan | undefined {
		if (keywords.length === 0) return undefined;
		for (const keyword of keywords) {
			if (keyword === '') return undefined; // '' is in every text
			for (const char of keyword) if (!isScannableChar(char)) return undefined;
		}
		return new KeywordScan(keywords);
	}

	/** True when some character of every keyword occurs in the frame in none of its forms. */
	cannotMatch(frame: Buffer): boolean {
		for (const chars of this.keywords) if (everyCharOccurs(frame, chars)) return false;
		return true;
	}
}

/**
 * Whether each character occurs in the frame in one of its forms (a byte for an ASCII form, else
 * its UTF-8 bytes): the necessary condition of the keyword and regular-expression scans.
 */
export function everyCharOccurs(frame: Buffer, chars: ReadonlyArray<ReadonlyArray<number | Buffer>>): boolean {
	for (const forms of chars) {
		let found = false;
		for (const form of forms) {
			if (frame.indexOf(form) !== -1) {
				found = true;
				break;
			}
		}
		if (!found) return false;
	}
	return true;
}

const TEXT_KEY = Buffer.from('"text"', 'latin1');

/**
 * The number of `"text"` keys in the frame when each holds a string; -1 when one holds anything
 * else (a number or an object would be turned into text: `1e2` → "100", `{}` → "[object Object]").
 * A count too high is harmless (a key ending in `"text` counts): callers only trust low counts.
 */
export function textKeyCount(frame: Buffer): number {
	let count = 0;
	for (let at = frame.indexOf(TEXT_KEY); at !== -1; at = frame.indexOf(TEXT_KEY, at + TEXT_KEY.length)) {
		let i = at + TEXT_KEY.length;
		while (i < frame.length && (frame[i] === 0x20 || frame[i] === 0x0a || frame[i] === 0x0d || frame[i] === 0x09)) i++;
		if (frame[i] !== 0x3a) continue; // "text" as a value, not a key
		i++;
		while (i < frame.length && (frame[i] === 0x20 || frame[i] === 0x0a || frame[i] === 0x0d || frame[i] === 0x09)) i++;
		if (frame[i] !== 0x22) return -1;
		count++;
	}
	return count;
}

/**
 * Whether every character of the text fields in the frame stands in it as it is: no `\u` escape
 * anywhere (one could spell any character, or a key), and every `"text"` key holds a string.
 */
export function textStandsAsIs(frame: Buffer): boolean {
	return !hasUnicodeEscape(frame) && textKeyCount(frame) !== -1;
}
