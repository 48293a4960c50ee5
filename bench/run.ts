/**
 * Speed and memory figures for the hot paths (printed, never asserted): building the node
 * properties from the catalogs, CQ-code parse/serialise, and OneBot calls over HTTP and WebSocket
 * against the fake backend on 127.0.0.1. Run: npm run bench
 */
import { performance } from 'node:perf_hooks';

import { buildCatalogProperties } from '../nodes/shared/catalog/properties';
import { oneBotCatalog } from '../nodes/OneBot/catalog';
import { ONEBOT_LOCATORS } from '../nodes/OneBot/actions/properties';
import { parseCQString, toCQString } from '../nodes/OneBot/message/cqcode';
import { createTransport } from '../nodes/OneBot/transport';
import { FakeOneBot } from '../test/fakes/onebot';

function mb(bytes: number): string {
	return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

function time(label: string, runs: number, fn: () => void): void {
	fn();
	const start = performance.now();
	for (let i = 0; i < runs; i++) fn();
	const ms = (performance.now() - start) / runs;
	process.stdout.write(`${label.padEnd(48)} ${ms.toFixed(3).padStart(10)} ms/op  (${runs} runs)\n`);
}

async function timeAsync(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
	await fn();
	const start = performance.now();
	for (let i = 0; i < runs; i++) await fn();
	const ms = (performance.now() - start) / runs;
	process.stdout.write(`${label.padEnd(48)} ${ms.toFixed(3).padStart(10)} ms/op  (${runs} runs, ${(1000 / ms).toFixed(0)}/s)\n`);
}

async function main(): Promise<void> {
	const heapBefore = process.memoryUsage().heapUsed;
	time('OneBot properties from the catalog (233 ops)', 50, () => {
		buildCatalogProperties(oneBotCatalog, { locators: ONEBOT_LOCATORS });
	});
	const props = buildCatalogProperties(oneBotCatalog, { locators: ONEBOT_LOCATORS });
	process.stdout.write(`${'OneBot properties: count / JSON size'.padEnd(48)} ${props.length} / ${(JSON.stringify(props).length / 1024).toFixed(0)} KB\n`);

	const message = 'Hello [CQ:at,qq=10001] 世界 &#91;x&#93; [CQ:image,file=https://e.x/a.png?a=1&amp;b=2] '.repeat(20);
	time('parseCQString (1.6 KB message)', 2000, () => {
		parseCQString(message);
	});
	const segments = parseCQString(message);
	time('toCQString (80 segments)', 2000, () => {
		toCQString(segments);
	});

	const bot = await FakeOneBot.start({ accessToken: 'bench-token' });
	const credentials = {
		httpUrl: bot.httpUrl,
		wsUrl: bot.wsUrl,
		accessToken: 'bench-token',
		tokenPlacement: 'header' as const,
		allowUnauthorizedCerts: false,
	};
	for (const kind of ['http', 'websocket'] as const) {
		const transport = createTransport(kind, credentials, { timeoutMs: 5000 });
		await timeAsync(`send_group_msg over ${kind} (sequential)`, 300, () =>
			transport.call('send_group_msg', { group_id: 100001, message: 'hi' }),
		);
		await transport.close();
	}
	await bot.close();

	const usage = process.memoryUsage();
	process.stdout.write(`${'heap used (delta) / rss'.padEnd(48)} ${mb(usage.heapUsed - heapBefore)} / ${mb(usage.rss)}\n`);
}

void main();
