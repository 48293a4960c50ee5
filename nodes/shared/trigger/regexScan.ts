import { everyCharOccurs } from './keywordScan';

/*
 * A necessary condition for a regular expression to match, read from its source: the literal text
 * every match must contain. A message whose frame holds none of the ways a match could be spelled
 * cannot match, and the trigger can drop it without parsing it (see the OneBot prefilter).
 *
 * What a match needs is written as alternatives (any one of them may be what matches), each a list
 * of literal strings that all occur in the matched text: `^/(deploy|rollback) now` needs
 * "deploy" and " now", or "rollback" and " now". Only what is certain is kept: anything the reader
 * does not fully understand (a construct of the legacy grammar, the `v` flag, a group with flags,
 * too many alternatives) weakens the condition or gives it up, never the other way round.
 */

/** Alternatives, each a list of literals that all occur in a match; `[[]]` knows nothing. */
export type RegexNeeds = string[][];

/** More alternatives than this are not worth their checks: the condition is given up. */
const MAX_ALTERNATIVES = 16;

class Unsupported extends Error {}

const NOTHING: RegexNeeds = [[]];

/** Both conditions: every alternative of one with every alternative of the other (or the first alone when that grows too big). */
function both(a: RegexNeeds, b: RegexNeeds): RegexNeeds {
	if (a.length * b.length > MAX_ALTERNATIVES) return a.length <= b.length && knows(a) ? a : knows(b) ? b : a;
	const out: RegexNeeds = [];
	for (const x of a) for (const y of b) out.push([...new Set([...x, ...y])]);
	return out;
}

/** Either condition. */
function either(a: RegexNeeds, b: RegexNeeds): RegexNeeds {
	if (!knows(a) || !knows(b) || a.length + b.length > MAX_ALTERNATIVES) return NOTHING;
	return [...a, ...b];
}

/** Whether every alternative needs something (`[[]]`, or any empty alternative, needs nothing). */
function knows(needs: RegexNeeds): boolean {
	return needs.every((term) => term.length > 0);
}

/**
 * Characters a literal may use: they stand in the frame as they are in the text the trigger reads
 * (not a JSON escape `"` `\` `/`, not a control character; not what CQ code decodes `&` `[` `]`
 * `,`; not half of a surrogate pair). Case-insensitive: ASCII only, and in Unicode mode not k or s,
 * which the Kelvin sign and the long s fold to.
 */
function usable(char: string, ignoreCase: boolean, unicode: boolean): boolean {
	const code = char.charCodeAt(0);
	if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) return false;
	if ('"\\/&[],'.includes(char)) return false;
	if (!ignoreCase) return true;
	if (code >= 0x80) return false;
	return !(unicode && (char === 'k' || char === 'K' || char === 's' || char === 'S'));
}

type Atom = { char: string } | { needs: RegexNeeds };

/** A reader of a pattern's source, in the grammar shared by the `u` mode and the legacy one. */
class PatternReader {
	private i = 0;

	constructor(
		private readonly source: string,
		private readonly unicode: boolean,
		private readonly ignoreCase: boolean,
	) {}

	read(): RegexNeeds {
		const needs = this.alternation();
		if (this.i !== this.source.length) throw new Unsupported();
		return needs;
	}

	private alternation(): RegexNeeds {
		let needs = this.sequence();
		while (this.source[this.i] === '|') {
			this.i++;
			needs = either(needs, this.sequence());
		}
		return needs;
	}

	private sequence(): RegexNeeds {
		let needs = NOTHING;
		let run = '';
		const endRun = () => {
			if (run !== '') needs = both(needs, [[this.ignoreCase ? run.toLowerCase() : run]]);
			run = '';
		};
		while (this.i < this.source.length && this.source[this.i] !== '|' && this.source[this.i] !== ')') {
			const atom = this.atom();
			const min = this.quantifierMin();
			if ('char' in atom && usable(atom.char, this.ignoreCase, this.unicode)) {
				// a literal character continues the run; one that may repeat ends it after itself,
				// one that may be absent ends it before itself
				if (min === undefined) run += atom.char;
				else if (min >= 1) {
					run += atom.char;
					endRun();
				} else endRun();
				continue;
			}
			endRun();
			if ('needs' in atom && (min === undefined || min >= 1)) needs = both(needs, atom.needs);
		}
		endRun();
		return needs;
	}

	/** The minimum count of the quantifier at the reader's position (undefined: none), read past. */
	private quantifierMin(): number | undefined {
		const s = this.source;
		let min: number | undefined;
		const c = s[this.i];
		if (c === '*' || c === '?') min = 0;
		else if (c === '+') min = 1;
		else if (c === '{') {
			const braced = /^\{(\d+)(?:,(\d*))?\}/.exec(s.slice(this.i));
			if (!braced) throw new Unsupported(); // a literal `{` of the legacy grammar
			min = Number(braced[1]);
			this.i += braced[0].length - 1;
		} else return undefined;
		this.i++;
		if (s[this.i] === '?') this.i++; // lazy
		return min;
	}

	private atom(): Atom {
		const s = this.source;
		const c = s[this.i];
		switch (c) {
			case '(':
				return this.group();
			case '[':
				this.skipClass();
				return { needs: NOTHING };
			case '\\':
				return this.escape();
			case '.':
			case '^':
			case '$':
				this.i++;
				return { needs: NOTHING };
			case '*':
			case '+':
			case '?':
			case '{':
				throw new Unsupported();
			default: {
				const code = c.charCodeAt(0);
				const pair = this.unicode && code >= 0xd800 && code <= 0xdbff && /[\udc00-\udfff]/.test(s[this.i + 1] ?? '');
				this.i += pair ? 2 : 1;
				return pair ? { needs: NOTHING } : { char: c };
			}
		}
	}

	private group(): Atom {
		const s = this.source;
		this.i++;
		let lookaround = false;
		if (s[this.i] === '?') {
			const head = s.slice(this.i, this.i + 3);
			if (head.startsWith('?:')) this.i += 2;
			else if (head.startsWith('?=') || head.startsWith('?!')) {
				lookaround = true;
				this.i += 2;
			} else if (head === '?<=' || head === '?<!') {
				lookaround = true;
				this.i += 3;
			} else {
				const named = /^\?<[A-Za-z_$][\w$]*>/.exec(s.slice(this.i));
				if (!named) throw new Unsupported(); // a group with flags, or anything newer
				this.i += named[0].length;
			}
		}
		const inner = this.alternation();
		if (s[this.i] !== ')') throw new Unsupported();
		this.i++;
		return { needs: lookaround ? NOTHING : inner };
	}

	private skipClass(): void {
		const s = this.source;
		this.i++;
		if (s[this.i] === '^') this.i++;
		while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
		if (this.i >= s.length) throw new Unsupported();
		this.i++;
	}

	private escape(): Atom {
		const s = this.source;
		const e = s[this.i + 1];
		if (e === undefined) throw new Unsupported();
		this.i += 2;
		if (/[0-9]/.test(e)) {
			while (/[0-9]/.test(s[this.i] ?? '')) this.i++; // a back reference or (legacy) an octal escape
			return { needs: NOTHING };
		}
		if (e === 'c') {
			if (!/[A-Za-z]/.test(s[this.i] ?? '')) throw new Unsupported();
			this.i++;
			return { needs: NOTHING };
		}
		if (e === 'x') {
			if (!/^[0-9A-Fa-f]{2}/.test(s.slice(this.i))) throw new Unsupported();
			this.i += 2;
			return { needs: NOTHING };
		}
		if (e === 'u') {
			const braced = this.unicode ? /^\{[0-9A-Fa-f]+\}/.exec(s.slice(this.i)) : null;
			if (braced) this.i += braced[0].length;
			else if (/^[0-9A-Fa-f]{4}/.test(s.slice(this.i))) this.i += 4;
			else throw new Unsupported();
			return { needs: NOTHING };
		}
		if ((e === 'p' || e === 'P') && this.unicode) {
			const end = s.indexOf('}', this.i);
			if (s[this.i] !== '{' || end === -1) throw new Unsupported();
			this.i = end + 1;
			return { needs: NOTHING };
		}
		if (e === 'k' && s[this.i] === '<') {
			const end = s.indexOf('>', this.i);
			if (end === -1) throw new Unsupported();
			this.i = end + 1;
			return { needs: NOTHING };
		}
		// a letter: a class (\d \w \s), an assertion (\b \B), a control character (\n \t ...) or, in
		// the legacy grammar, the letter itself; none is used
		if (/[A-Za-z]/.test(e)) return { needs: NOTHING };
		const code = e.charCodeAt(0);
		if (code >= 0xd800 && code <= 0xdfff) throw new Unsupported();
		return { char: e }; // an escaped punctuation character stands for itself
	}
}

/**
 * What every match of `regex` needs (see RegexNeeds), or undefined when nothing useful is known:
 * the `v` flag, a construct this reader does not follow, or an alternative that needs nothing.
 * Case-insensitive expressions give lower-cased literals.
 */
export function regexNeeds(regex: RegExp): RegexNeeds | undefined {
	if (regex.flags.includes('v')) return undefined;
	const ignoreCase = regex.flags.includes('i');
	let needs: RegexNeeds;
	try {
		needs = new PatternReader(regex.source, regex.flags.includes('u'), ignoreCase).read();
	} catch {
		return undefined; // Unsupported: nothing is known (no other error is thrown by the reader)
	}
	return knows(needs) ? needs : undefined;
}

/** Index of `needle` (lower-case ASCII) in `frame`, ASCII letters compared without case; -1 when absent. */
function indexOfCaseless(frame: Buffer, needle: Buffer): number {
	const first = needle[0];
	const firstUpper = first >= 0x61 && first <= 0x7a ? first - 0x20 : first;
	const last = frame.length - needle.length;
	for (let i = 0; i <= last; i++) {
		const b = frame[i];
		if (b !== first && b !== firstUpper) continue;
		let j = 1;
		for (; j < needle.length; j++) {
			let x = frame[i + j];
			if (x >= 0x41 && x <= 0x5a) x += 0x20;
			if (x !== needle[j]) break;
		}
		if (j === needle.length) return i;
	}
	return -1;
}

/**
 * The regular-expression part of a prefilter: `cannotMatch(frame, whole)` is true when no
 * alternative of what a match needs can be in the text the trigger reads. `whole`: the text is one
 * piece of the frame (one text field, no CQ code cutting it), so a literal must occur as it is;
 * otherwise a literal could be split over pieces, and only its characters must occur.
 */
export class RegexScan {
	private readonly literals: Buffer[][];

	/** Per alternative, the distinct characters of its literals, each in the forms it may take (a byte for ASCII). */
	private readonly chars: Array<Array<Array<number | Buffer>>>;

	private constructor(
		needs: RegexNeeds,
		private readonly ignoreCase: boolean,
	) {
		this.literals = needs.map((term) => term.map((literal) => Buffer.from(literal, 'utf8')));
		this.chars = needs.map((term) =>
			[...new Set(term.join(''))].map((char) => {
				const code = char.charCodeAt(0);
				if (code >= 0x80) return [Buffer.from(char, 'utf8')];
				return ignoreCase && code >= 0x61 && code <= 0x7a ? [code, code - 0x20] : [code];
			}),
		);
	}

	static for(regex: RegExp | undefined): RegexScan | undefined {
		const needs = regex ? regexNeeds(regex) : undefined;
		return needs ? new RegexScan(needs, regex!.flags.includes('i')) : undefined;
	}

	cannotMatch(frame: Buffer, whole: boolean): boolean {
		for (let t = 0; t < this.literals.length; t++) {
			if (whole ? this.holdsLiterals(frame, this.literals[t]) : everyCharOccurs(frame, this.chars[t])) return false;
		}
		return true;
	}

	private holdsLiterals(frame: Buffer, literals: Buffer[]): boolean {
		for (const literal of literals) {
			if ((this.ignoreCase ? indexOfCaseless(frame, literal) : frame.indexOf(literal)) === -1) return false;
		}
		return true;
	}
}
