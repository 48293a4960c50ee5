/**
 * JSON.stringify that writes BigInt values as bare JSON numbers, so int64 ids beyond 2^53 reach
 * the wire exactly as typed.
 */
export function stringifyWithBigInt(value: unknown): string {
	const marker = '\u0000bigint:';
	const text = JSON.stringify(value, (_key, v: unknown) =>
		typeof v === 'bigint' ? `${marker}${v.toString()}` : v,
	);
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
