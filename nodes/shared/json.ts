import { randomUUID } from 'node:crypto';

/**
 * JSON.stringify that writes BigInt values as bare JSON numbers, so int64 ids beyond 2^53 reach
 * the wire exactly as typed.
 *
 * The replacer reads the raw value from its holder (`this[key]`): n8n installs
 * `BigInt.prototype.toJSON` (→ a string), which runs before the replacer sees the value. The
 * marker is printable (JSON.stringify escapes control characters) and unique per call.
 */
export function stringifyWithBigInt(value: unknown): string {
	const marker = `bigint-${randomUUID()}:`;
	const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
		const raw = this[key];
		return typeof raw === 'bigint' ? `${marker}${raw.toString()}` : v;
	});
	return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

/** Reads a dotted path (`a.b.c`) inside a JSON value. */
export function getPath(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * JSON.parse that keeps every integer literal beyond 2^53 exact, as a BigInt (written back as a
 * bare number by stringifyWithBigInt). Strings, floats and safe integers parse as usual. Throws
 * SyntaxError like JSON.parse.
 */
export function parseJsonExact(text: string): unknown {
	if (!/\d{16,}/.test(text)) return JSON.parse(text) as unknown;
	const marker = `bigint-${randomUUID()}:`;
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
			out += /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${marker}${token}"` : token;
			i = j;
		} else {
			out += ch;
			i++;
		}
	}
	return JSON.parse(out, (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value,
	) as unknown;
}
