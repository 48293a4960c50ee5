/**
 * JSON without losing big ids. Heychat's snowflake ids (room, channel, message, role, command)
 * are above 2^53; the API sends them as strings today, but a bare number would silently lose
 * digits in JSON.parse. Here every integer literal that is not a safe integer is turned into a
 * string with exactly the digits that were sent, before the text is parsed.
 */

const SAFE_DIGITS = 15;

/** True when the text may hold an integer literal of 16 or more digits. */
function mayHoldBigInteger(text: string): boolean {
	return /\d{16,}/.test(text);
}

/**
 * Quotes every integer literal outside strings whose value is not a safe integer.
 * Strings (with their escapes) are copied untouched.
 */
export function quoteUnsafeIntegers(text: string): string {
	if (!mayHoldBigInteger(text)) return text;
	let out = '';
	let i = 0;
	const n = text.length;
	while (i < n) {
		const ch = text[i];
		if (ch === '"') {
			// copy the whole string literal
			let j = i + 1;
			while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
			continue;
		}
		if (ch === '-' || (ch >= '0' && ch <= '9')) {
			let j = i + 1;
			while (j < n && /[0-9eE+\-.]/.test(text[j])) j++;
			const token = text.slice(i, j);
			const digits = token.startsWith('-') ? token.length - 1 : token.length;
			if (/^-?\d+$/.test(token) && digits > SAFE_DIGITS && !Number.isSafeInteger(Number(token))) {
				out += `"${token}"`;
			} else {
				out += token;
			}
			i = j;
			continue;
		}
		out += ch;
		i++;
	}
	return out;
}

/** JSON.parse that keeps integers beyond 2^53 as digit strings. Throws SyntaxError like JSON.parse. */
export function parseJsonLossless(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text));
}
