/*
 * Ids in trigger events, as both platforms send them: numbers, digit strings (int64 ids beyond
 * 2^53 arrive as strings, see json.ts) or BigInt. Two ids are the same id when their texts
 * (idText) are equal; idKey gives the same answer without making a string for a number.
 */

/** An id as text, whether it was sent as a number, a string or a BigInt; never converted through Number. */
export function idText(value: unknown): string | undefined {
	if (typeof value === 'string') {
		// an id that starts and ends with a printable ASCII character has nothing to trim
		const length = value.length;
		if (length > 0 && isPrintableAscii(value.charCodeAt(0)) && isPrintableAscii(value.charCodeAt(length - 1))) return value;
		const text = value.trim();
		return text === '' ? undefined : text;
	}
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
	if (typeof value === 'bigint') return value.toString();
	return undefined;
}

/** `!` to `~`: none of them is white space to String.prototype.trim. */
function isPrintableAscii(code: number): boolean {
	return code > 32 && code < 127;
}

/** An id as a Set/Map key: see idKey. */
export type IdKey = number | string;

/**
 * The id as a key that two ids share exactly when their idText is the same (and both have one):
 * `idKey(a) === idKey(b)` ⟺ `idText(a) === idText(b)`, under SameValueZero (what Set and Map use).
 * A number that is a safe integer is its own key, and so is the digit string that writes it
 * ("7" and 7; not "007", "+7" or "-0", whose texts differ from "7" and "0"); every other id is
 * keyed by its text. No string is made for a safe-integer number, nor for a string id without
 * blanks around it.
 */
export function idKey(value: unknown): IdKey | undefined {
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value)) return value;
		return Number.isFinite(value) ? String(value) : undefined;
	}
	const text = idText(value);
	if (text === undefined) return undefined;
	const n = canonicalSafeInteger(text);
	return n === undefined ? text : n;
}

/**
 * The safe integer that `text` writes exactly as String(n) would (no sign but a leading minus, no
 * leading zero, not "-0"), or undefined.
 */
function canonicalSafeInteger(text: string): number | undefined {
	const length = text.length;
	if (length > 17) return undefined; // "-9007199254740991" is the longest
	let i = text.charCodeAt(0) === 45 ? 1 : 0;
	if (i === length) return undefined;
	if (text.charCodeAt(i) === 48) return length === 1 ? 0 : undefined; // "0"; "-0" and "007" are not String(n)
	for (; i < length; i++) {
		const code = text.charCodeAt(i);
		if (code < 48 || code > 57) return undefined;
	}
	const n = Number(text);
	return Number.isSafeInteger(n) ? n : undefined;
}

/** Whether two ids as sent name the same id: `idText(a) === idText(b)`, both present. */
export function sameId(a: unknown, b: unknown): boolean {
	if (typeof a === 'number' && typeof b === 'number') return a === b && Number.isFinite(a);
	const key = idKey(b);
	return key !== undefined && idKey(a) === key;
}
