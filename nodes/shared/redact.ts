/**
 * Removes secrets (tokens, signing secrets) from text before it reaches an error message, a log
 * line or an output item, without corrupting the rest of the text.
 *
 * - A secret of MIN_SUBSTRING_LENGTH characters or more is masked wherever it occurs: text that
 *   long does not occur by chance.
 * - A shorter secret (a token "e" would otherwise turn "GROUP_NOT_FOUND" into "GROUP_NO***_FOUND")
 *   is masked only where it stands as a whole value: the whole text, a `token`/`access_token`/
 *   `secret` header, query or JSON field, an `Authorization` header, or a word of its own
 *   (delimited by spaces, quotes or punctuation on both sides).
 * - Whatever the secret, `access_token=` query values, `Authorization: Bearer|Token|Basic` values
 *   and the password of a URL's `user:password@` (or a lone `user@`) are always masked (they are
 *   credentials by their place).
 *
 * Redaction is the second line of defence: the transports never put request headers or URLs with
 * credentials into errors in the first place.
 */

import { setOwn } from './json';

export const MASK = '***';

/** `scheme://userinfo@` of a URL: its password (or a lone user name, which may be a token) is a credential by its place. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;

/** Secrets at least this long are masked wherever they occur. */
export const MIN_SUBSTRING_LENGTH = 8;

/**
 * What may not follow a short secret for it to be a word of its own: a character that can be part
 * of a token, or a dot that continues one ("e.g." is not the token "e"; "token e." ends a sentence).
 */
const NOT_WORD_END = '(?![A-Za-z0-9_\\-~+/=%]|\\.[A-Za-z0-9_])';

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `key: value`, `key=value`, `"key": "value"` for keys that name a secret; the value is group 2..4. */
const SECRET_FIELD =
	/((?:["']?)\b(?:token|access[_-]?token|secret|x-signature|password)\b["']?\s*[:=]\s*)(?:"([^"\\]*)"|'([^'\\]*)'|([^\s,;&}\]"')]+))/gi;

function secretList(secrets: Array<string | undefined>): string[] {
	const out: string[] = [];
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret === '') continue;
		const trimmed = secret.trim();
		for (const form of [secret, trimmed]) {
			if (form === '' || out.includes(form)) continue;
			out.push(form);
			// as a body may echo it: JSON-escaped ("/" written "\/", as some encoders do) and URL-encoded
			for (const encoded of [form.replace(/\//g, '\\/'), JSON.stringify(form).slice(1, -1), encodeURIComponent(form)]) {
				if (encoded !== form && !out.includes(encoded)) out.push(encoded);
			}
		}
	}
	// longest first, so a secret containing another is masked whole
	return out.sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: Array<string | undefined>): string {
	const list = secretList(secrets);
	if (list.length > 0 && list.includes(text.trim())) return MASK;
	let out = text;
	for (const secret of list) {
		if (secret.length >= MIN_SUBSTRING_LENGTH) out = out.split(secret).join(MASK);
	}
	out = out
		.replace(URL_USERINFO, (_whole: string, scheme: string, info: string) => {
			const colon = info.indexOf(':');
			return `${scheme}${colon === -1 ? MASK : `${info.slice(0, colon)}:${MASK}`}@`;
		})
		.replace(/(access_token=)[^&\s"'#]+/gi, `$1${MASK}`)
		.replace(/(authorization["']?\s*[:=]\s*["']?(?:bearer|token|basic)\s+)[^\s"',}]+/gi, `$1${MASK}`);
	if (list.length === 0) return out;
	out = out.replace(SECRET_FIELD, (whole: string, key: string, dq?: string, sq?: string, bare?: string) => {
		const value = dq ?? sq ?? bare ?? '';
		if (!list.includes(value) && !list.includes(value.trim())) return whole;
		if (dq !== undefined) return `${key}"${MASK}"`;
		if (sq !== undefined) return `${key}'${MASK}'`;
		return `${key}${MASK}`;
	});
	for (const secret of list) {
		if (secret.length >= MIN_SUBSTRING_LENGTH) continue;
		const word = new RegExp(`(^|[^A-Za-z0-9_\\-.~+/=%])${escapeRegExp(secret)}${NOT_WORD_END}`, 'g');
		out = out.replace(word, `$1${MASK}`);
	}
	return out;
}

/** Deep-redacts every string inside a JSON-like value (a string equal to a secret becomes ***). */
export function redactDeep<T>(value: T, secrets: Array<string | undefined>): T {
	if (typeof value === 'string') return redact(value, secrets) as T;
	if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) setOwn(out, k, redactDeep(v, secrets));
		return out as T;
	}
	return value;
}
