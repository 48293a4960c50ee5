// Runs ONE upload through the real node (n8n-core's engine, memory binary mode) in a process of
// its own, so that its memory can be measured cleanly, and prints `RESULT {json}`:
//   node --expose-gc --import tsx test/security/support/uploadChild.ts <onebot|heychat> <MiB> '<json config>' [default|filesystem] [padded|mime]
// config: { credentials, parameters }. 'mime' (memory mode): the item's base64 text is broken into
// lines of 76 characters by CRLF, as MIME writes it (text that is not clean padded base64). The node's execute() is wrapped: memory is taken after a
// full GC right before it starts (the input item, with the file as base64, already exists) and
// sampled every 2 ms while it runs. The fake backend runs in the parent process.
import '../../harness/env';
import type { HarnessCredentials } from '../../harness/n8n';

import { createHash, randomBytes } from 'node:crypto';

import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { HeychatBotApi } from '../../../credentials/HeychatBotApi.credentials.ts';
import { OneBotV11Api } from '../../../credentials/OneBotV11Api.credentials';
import { Heychat } from '../../../nodes/Heychat/Heychat.node.ts';
import { OneBot } from '../../../nodes/OneBot/OneBot.node.ts';

const MiB = 1024 * 1024;

interface Sample {
	rss: number;
	heap: number;
	external: number;
}

function sample(): Sample {
	const m = process.memoryUsage();
	return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

/** Incompressible bytes (their hash goes to the parent, which compares what the backend got). */
function fileOf(size: number): Buffer {
	return randomBytes(size);
}

/** Base64 text in lines of 76 characters, CRLF between them (MIME). */
function mimeLines(text: string): string {
	const lines: string[] = [];
	for (let at = 0; at < text.length; at += 76) lines.push(text.slice(at, at + 76));
	return lines.join('\r\n');
}

async function main(): Promise<void> {
	const [platform, mib, configText, binaryMode = 'default', base64Style = 'padded'] = process.argv.slice(2);
	// 'filesystem': n8n keeps the file on disk and the node streams it (getBinaryStream);
	// 'default': the item holds it as base64 (n8n's memory mode). Set before n8n-core reads it.
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = binaryMode;
	const { runNode, binaryItem } = await import('../../harness/n8n');
	const config = JSON.parse(configText) as { credentials: Record<string, unknown>; parameters: Record<string, unknown> };
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	const size = Math.round(Number(mib) * MiB);
	let data: Buffer | undefined = fileOf(size);
	const sha256 = createHash('sha256').update(data).digest('hex');
	const items = [binaryItem({}, 'data', data, 'application/octet-stream', 'big.bin')];
	data = undefined;

	const base: INodeType = platform === 'onebot' ? new OneBot() : new Heychat();
	const credentials: HarnessCredentials =
		platform === 'onebot'
			? { oneBotV11Api: { data: config.credentials as never, type: new OneBotV11Api() } }
			: { heychatBotApi: { data: config.credentials as never, type: new HeychatBotApi() } };

	let baseline: Sample | undefined;
	let peak: Sample = { rss: 0, heap: 0, external: 0 };
	const measured: INodeType = Object.create(base) as INodeType;
	let storedById = false;
	measured.execute = async function (this: IExecuteFunctions) {
		const input = this.getInputData()[0]?.binary?.data;
		storedById = Boolean(input?.id);
		// the harness's start node stores the file through n8n (clean base64): rewrapped here, as the node gets it
		if (base64Style === 'mime' && input && !input.id) input.data = mimeLines(input.data);
		gc();
		gc();
		baseline = sample();
		peak = { ...baseline };
		const take = () => {
			const now = sample();
			peak = {
				rss: Math.max(peak.rss, now.rss),
				heap: Math.max(peak.heap, now.heap),
				external: Math.max(peak.external, now.external),
			};
		};
		const timer = setInterval(take, 2);
		try {
			return await base.execute!.call(this);
		} finally {
			take();
			clearInterval(timer);
		}
	};

	const result = await runNode({ node: measured, parameters: config.parameters as never, credentials, items });
	if (!baseline) throw new Error(`the node did not run: ${result.error?.message}`);
	const out = {
		size,
		sha256,
		storedById,
		error: result.error?.message,
		output: result.output.map((o) => o.json),
		rssGrowth: peak.rss - baseline.rss,
		heapGrowth: peak.heap - baseline.heap,
		externalGrowth: peak.external - baseline.external,
	};
	process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
