/** Workflow building blocks and small helpers of the queue-mode suite. */
import { randomUUID } from 'node:crypto';

import { readPackageInfo, sleep, type Execution } from '../../e2e/support/n8n';

export const PKG = readPackageInfo().name;

let x = 0;
export function node(name: string, type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	x += 220;
	return { id: randomUUID(), name, type, typeVersion: 1, position: [x, 0], parameters, ...extra };
}

/** A production webhook (answers at once, the execution runs on a worker). */
export function webhookNode(path: string) {
	return node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: randomUUID() });
}

/** A Set node that records which cluster process ran it (`ranOn`). */
export function whereNode(name = 'Where') {
	return node(
		name,
		'n8n-nodes-base.set',
		{
			mode: 'manual',
			assignments: { assignments: [{ id: randomUUID(), name: 'ranOn', value: '={{ $env.E2E_INSTANCE }}', type: 'string' }] },
			includeOtherFields: true,
			options: {},
		},
		{ typeVersion: 3.4 },
	);
}

export function chain(...names: string[]) {
	const out: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	for (let i = 0; i + 1 < names.length; i++) out[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return out;
}

/** Polls `check` until it returns a value (not undefined), or fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** "median 120 ms (range 80–300 ms)" */
export function describeSpread(values: number[], unit = 'ms'): string {
	return `median ${Math.round(median(values))} ${unit} (range ${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ${unit})`;
}

/** One line of the figures the README quotes (docs/scale.md), easy to find in the test output. */
export function figure(text: string): void {
	process.stdout.write(`[queue figure] ${text}\n`);
}

export function stoppedAt(execution: Execution): number {
	return Date.parse(String(execution.stoppedAt));
}
