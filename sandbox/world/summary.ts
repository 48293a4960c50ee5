// Helpers for the feed events' plain-English summaries and their params.

/** 600 → "10 min", 90 → "1 min 30 s", 7200 → "2 h", 172800 → "2 days". */
export function formatDuration(seconds: number): string {
	const s = Math.round(seconds);
	if (s < 60) return `${s} s`;
	if (s < 3600) {
		const m = Math.floor(s / 60);
		const rest = s % 60;
		return rest ? `${m} min ${rest} s` : `${m} min`;
	}
	if (s < 86400) {
		const h = Math.floor(s / 3600);
		const m = Math.floor((s % 3600) / 60);
		return m ? `${h} h ${m} min` : `${h} h`;
	}
	const d = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	return `${d} day${d === 1 ? '' : 's'}${h ? ` ${h} h` : ''}`;
}

const MAX_STRING = 500;

/** The params as shown on the page: long strings (base64 files) shortened, BigInts as text. */
export function compactParams(params: Record<string, unknown>): Record<string, unknown> {
	return compact(params, 0) as Record<string, unknown>;
}

function compact(value: unknown, depth: number): unknown {
	if (typeof value === 'string') {
		return value.length > MAX_STRING ? `${value.slice(0, 80)}… (${value.length} characters)` : value;
	}
	if (typeof value === 'bigint') return value.toString();
	if (depth > 8) return '…';
	if (Array.isArray(value)) return value.slice(0, 50).map((v) => compact(v, depth + 1));
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = compact(v, depth + 1);
		return out;
	}
	return value;
}
