/**
 * Interleaved, repeated measurement: every variant of a row runs once per round, in a rotating
 * order, so slow phases of a shared machine hit all variants alike. Figures are medians with
 * their range over the rounds.
 */

export interface Sample {
	median: number;
	min: number;
	max: number;
	values: number[];
}

export function summarise(values: number[]): Sample {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

/**
 * A full garbage collection (with `node --expose-gc`, as `npm run bench` runs), outside any timed
 * run: each run then starts on a clean heap instead of paying for what the variant before it left
 * (a node's 10,000 output items, say), which would tax whichever variant comes next in the round.
 */
function collectGarbage(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs each variant `rounds` times, interleaved (round r starts at variant r mod n), after one
 * warm-up run of each at `warmupSize`, each run after a full garbage collection. A variant gets
 * the size to run and returns its figure.
 */
export async function interleave<K extends string>(
	variants: Record<K, (size: number) => Promise<number>>,
	rounds: number,
	size: number,
	warmupSize = Math.max(1, Math.floor(size / 5)),
): Promise<Record<K, Sample>> {
	const names = Object.keys(variants) as K[];
	for (const name of names) await variants[name](warmupSize);
	const values = Object.fromEntries(names.map((n) => [n, [] as number[]])) as unknown as Record<K, number[]>;
	for (let round = 0; round < rounds; round++) {
		for (let k = 0; k < names.length; k++) {
			const name = names[(round + k) % names.length];
			collectGarbage();
			values[name].push(await variants[name](size));
		}
	}
	return Object.fromEntries(names.map((n) => [n, summarise(values[n])])) as unknown as Record<K, Sample>;
}

/**
 * The per-round ratios of two variants of the same `interleave` (round r of `a` over round r of
 * `b`: runs made one right after the other), with their median and range. The median of these pairs
 * is what a row's verdict reads: a slow phase of the shared machine that falls on one round moves
 * both sides of that round's pair, where a ratio of the two medians would compare runs made minutes apart.
 */
export function pairedRatio(a: Sample, b: Sample): Sample {
	if (a.values.length !== b.values.length) throw new Error(`pairedRatio: ${a.values.length} rounds beside ${b.values.length}`);
	return summarise(a.values.map((value, round) => value / b.values[round]));
}

/** "0.97× (0.88–1.06)": a paired ratio's median and range. */
export function ratioText(ratio: Sample): string {
	return `${ratio.median.toFixed(2)}× (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

/** How a figure compares with its goal: lower is better (costs) or higher is better (rates). */
export type Direction = 'lower' | 'higher';

export interface Row {
	figure: string;
	value: string;
	floor: string;
	goal: string;
	ratio: string;
	verdict: 'PASS' | 'MISS' | 'n/a' | '';
}

export function fmt(value: number, digits = 0): string {
	return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "436 µs (412–470)": median and range. */
export function withRange(sample: Sample, unit: string, digits = 0, scale = 1): string {
	return `${fmt(sample.median * scale, digits)} ${unit} (${fmt(sample.min * scale, digits)}–${fmt(sample.max * scale, digits)})`;
}

export function verdict(ratio: number, goal: number, direction: Direction): 'PASS' | 'MISS' {
	return (direction === 'lower' ? ratio <= goal : ratio >= goal) ? 'PASS' : 'MISS';
}

/** Prints rows as a table (also valid Markdown). */
export function printTable(rows: Row[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
	const headers: Row = { figure: 'figure', value: 'measured (median, range)', floor: 'floor (median, range)', goal: 'goal', ratio: 'ratio', verdict: '' };
	const keys = Object.keys(headers) as Array<keyof Row>;
	const widths = keys.map((k) => Math.max(String(headers[k]).length, ...rows.map((r) => String(r[k]).length)));
	const line = (r: Row) => `| ${keys.map((k, i) => String(r[k]).padEnd(widths[i])).join(' | ')} |`;
	out(line(headers));
	out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const r of rows) out(line(r));
}
