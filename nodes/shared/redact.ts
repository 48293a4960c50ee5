/**
 * Removes secrets (tokens, secrets) from text before it reaches an error message, a log line or
 * an output item. Also masks `access_token=` query values and `Authorization`/`token` header
 * values that might have been echoed back by a server or an HTTP library.
 */
export function redact(text: string, secrets: Array<string | undefined>): string {
	let out = text;
	for (const secret of secrets) {
		if (secret && secret.length > 0) out = out.split(secret).join('***');
	}
	return out
		.replace(/(access_token=)[^&\s"']+/gi, '$1***')
		.replace(/(authorization["']?\s*[:=]\s*["']?(?:bearer|token)\s+)[^\s"',}]+/gi, '$1***');
}

/** Deep-redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, secrets: Array<string | undefined>): T {
	if (typeof value === 'string') return redact(value, secrets) as T;
	if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, secrets);
		return out as T;
	}
	return value;
}
