/*
 * Base64 text that is not clean padded base64 (line breaks, URL-safe characters, no padding), read
 * the way Node's decoder reads it (`Buffer.from(text, 'base64')`) but without decoding it whole:
 * its size is counted from the text, its bytes decoded a slice at a time. Node's decoder reads both
 * alphabets (`+/` and `-_`), skips every other character and stops at the first `=`. It looks at a
 * character's low 8 bits only (text with characters above U+00FF is read as 16-bit units, each cut
 * to a byte): U+0141 counts as `A`, a unit ending in 0x3D as `=`. Both functions do the same, so the
 * size and the bytes are exactly Buffer.from's (test/security/binary-base64.test.ts checks it on
 * adversarial text).
 */

const EQUALS = 0x3d;

/** 1 for a byte that is a base64 character of either alphabet, 0 for one the decoder skips. */
const ALPHABET = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') ALPHABET[char.charCodeAt(0)] = 1;

const NOT_DIGITS = /[^A-Za-z0-9+/_-]+/g;
/** A character above U+00FF: the decoder reads its low byte, so the slice is read unit by unit. */
const WIDE = /[\u0100-\uffff]/;

/** Text is read this many characters at a time (the digits of one slice are held at once). */
const SLICE_CHARS = 1024 * 1024;

interface Digits {
	/** The slice's base64 digits, in order. */
	digits: string;
	/** An '=' ended the text's digits. */
	stopped: boolean;
}

/** The digits of a slice of Latin-1 text (the common case: line breaks, URL-safe, spaces). */
function narrowDigits(slice: string): Digits {
	const equals = slice.indexOf('=');
	const part = equals < 0 ? slice : slice.slice(0, equals);
	return { digits: part.replace(NOT_DIGITS, ''), stopped: equals >= 0 };
}

/** The digits of a slice with characters above U+00FF, each read by its low byte. */
function wideDigits(slice: string): Digits {
	const digits = Buffer.allocUnsafe(slice.length);
	let kept = 0;
	for (let at = 0; at < slice.length; at++) {
		const byte = slice.charCodeAt(at) & 0xff;
		if (byte === EQUALS) return { digits: digits.toString('latin1', 0, kept), stopped: true };
		if (ALPHABET[byte] === 1) digits[kept++] = byte;
	}
	return { digits: digits.toString('latin1', 0, kept), stopped: false };
}

/** The digits Node's decoder reads from `text`, a slice at a time, up to the first '='. */
function* digitSlices(text: string, sliceChars: number): Generator<string> {
	for (let start = 0; start < text.length; start += sliceChars) {
		const slice = text.slice(start, start + sliceChars);
		const { digits, stopped } = WIDE.test(slice) ? wideDigits(slice) : narrowDigits(slice);
		if (digits !== '') yield digits;
		if (stopped) return;
	}
}

/** The number of bytes `Buffer.from(text, 'base64')` gives, counted without decoding. */
export function looseBase64Length(text: string): number {
	let digits = 0;
	for (const slice of digitSlices(text, SLICE_CHARS)) digits += slice.length;
	// 6 bits a digit; a last digit that does not fill a byte gives none
	return Math.floor((digits * 3) / 4);
}

/**
 * The bytes of `Buffer.from(text, 'base64')`, reading `sliceChars` characters of text at a time:
 * the digits of each slice (carrying the ones that do not fill a group of four) are decoded.
 */
export function* looseBase64Chunks(text: string, sliceChars = SLICE_CHARS): Generator<Buffer> {
	let carry = '';
	for (const slice of digitSlices(text, sliceChars)) {
		const digits = carry + slice;
		const whole = digits.length - (digits.length % 4);
		carry = digits.slice(whole);
		if (whole > 0) yield Buffer.from(digits.slice(0, whole), 'base64');
	}
	if (carry.length > 1) yield Buffer.from(carry, 'base64');
}
