/**
 * npm run bench: the speed and memory goals of the package, each figure beside its floor,
 * measured side by side in one run: the variants of a row run interleaved (round-robin, rotating
 * start), BENCH_ROUNDS times (default 9), and the table shows medians with their range.
 *
 *   action nodes  n8n-core's WorkflowExecute (Manual Trigger → N items → node; the test harness's
 *                 runNode) against a minimal local backend, beside raw loops with the same client
 *                 library (axios; ws) on the same backend; raw keep-alive node:http beside.
 *   triggers      events/s from a WebSocket event source (child process) to the point of emit,
 *                 through the trigger node activated with n8n-core's TriggerContext, beside a raw
 *                 `ws` client running JSON.parse on every frame: each variant stays connected for
 *                 the row and gets BENCH_TRIGGER_ROUNDS (default 15) blocks of events, each block
 *                 right beside a block of the raw client (ratios are per pair; medians and ranges
 *                 shown), with an A/A row (raw beside raw) for the noise; heap growth per million
 *                 events.
 *   package       time to load the package (dist/) and each node description's size.
 *
 * The nodes are the built ones (dist/, what n8n loads; bench/lib/shipped.ts): `npm run bench` builds first.
 *
 * Sizes: BENCH_ITEMS (action items per run, default 10000), BENCH_EVENTS (events per trigger block,
 * default 10000), BENCH_TRIGGER_ROUNDS (blocks per trigger variant, default 15). Profiling one scenario: bench/profile.ts.
 */
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';

import {
	hasConcurrencyOption,
	heychatNodeRun,
	HEYCHAT_BODY,
	n8nWsFloorRun,
	oneBotNode,
	oneBotNodeRun,
	rawAxiosInFlight,
	rawAxiosLoop,
	rawHttpLoop,
	rawWsLoop,
} from './lib/actions';
import { heychatHttpBackend, oneBotHttpBackend, oneBotWsBackend } from './lib/backends';
import { loadFigures } from './lib/load';
import { fmt, interleave, pairedRatio, printTable, ratioText, summarise, verdict, withRange, type Row, type Sample } from './lib/stats';
import { heapGrowthPerMillion, measureStreams, openControl, openStream, startEventSource, type Stream, type TriggerScenario } from './lib/triggers';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Items per action run: 10,000, as in the measurements (per-execution costs spread as in a big run). */
const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const TRIGGER_ROUNDS = Number(process.env.BENCH_TRIGGER_ROUNDS ?? 15);
/** Events for the heap-growth run (one run, all passing, between full GCs). */
const HEAP_EVENTS = Math.max(100_000, EVENTS);

const rows: Row[] = [];
/** An expression that differs per item (for the row that shows per-item preparation). */
const EXPRESSION_TEXT = '={{ "hello " + $json.i }}';
const log = (line: string) => process.stdout.write(`${line}\n`);

/** A cost row: `value` beside `floor`, the verdict on their paired ratio (see pairedRatio). */
function costRow(figure: string, value: Sample, floor: Sample, floorText: string, goal: number, goalText = `≤ ${goal.toFixed(2)}×`): void {
	const ratio = pairedRatio(value, floor);
	rows.push({
		figure,
		value: withRange(value, 'µs/item'),
		floor: floorText,
		goal: goalText,
		ratio: ratioText(ratio),
		verdict: verdict(ratio.median, goal, 'lower'),
	});
}

/** "1.02×": the paired ratio's median, for the text beside a figure. */
const times = (a: Sample, b: Sample) => `${pairedRatio(a, b).median.toFixed(2)}×`;

async function oneBotHttp(): Promise<Sample> {
	const backend = await oneBotHttpBackend();
	const url = `${backend.url}/send_group_msg`;
	const s = await interleave(
		{
			node: (n) => oneBotNodeRun({ httpUrl: backend.url, transport: 'http', n }),
			axios: (n) => rawAxiosLoop(url, n),
			// A/A: the same raw loop again, to show how far two identical variants' ratio strays here.
			axiosAgain: (n) => rawAxiosLoop(url, n),
			http: (n) => rawHttpLoop(url, n),
		},
		ROUNDS,
		ITEMS,
	);
	await backend.close();
	costRow(
		`OneBot Send Group Message over HTTP, ${fmt(ITEMS)} items`,
		s.node,
		s.axios,
		`raw axios ${withRange(s.axios, 'µs')}; raw node:http ${withRange(s.http, 'µs')} (${times(s.node, s.http)} it); A/A, the raw axios loop beside itself: ${ratioText(pairedRatio(s.axiosAgain, s.axios))}`,
		1.1,
	);
	return s.node;
}

async function oneBotWs(): Promise<void> {
	const backend = await oneBotWsBackend();
	const s = await interleave(
		{
			node: (n) => oneBotNodeRun({ wsUrl: backend.url, transport: 'websocket', n }),
			// The same send with the text from an n8n expression: every item is read, checked and
			// prepared on its own (n8n evaluates the expression per item), as in most real workflows.
			expression: (n) => oneBotNodeRun({ wsUrl: backend.url, transport: 'websocket', n, text: EXPRESSION_TEXT }),
			ws: (n) => rawWsLoop(backend.url, n),
			// A/A: the same raw loop again, to show how far two identical variants' ratio strays here.
			wsAgain: (n) => rawWsLoop(backend.url, n),
			n8n: (n) => n8nWsFloorRun(backend.url, n),
			n8nExpression: (n) => n8nWsFloorRun(backend.url, n, EXPRESSION_TEXT),
		},
		ROUNDS,
		ITEMS,
	);
	await backend.close();
	// Beside the goal's floor: a node with the same description that reads the same parameters and
	// sends with raw ws, i.e. n8n's own per-item cost on top of the wire (see WsFloorNode).
	costRow(
		`OneBot Send Group Message over WebSocket, ${fmt(ITEMS)} items`,
		s.node,
		s.ws,
		`raw ws (connect, request/echo per item, clean close) ${withRange(s.ws, 'µs')}; n8n floor (a node that reads the same parameters and sends with raw ws) ${withRange(s.n8n, 'µs')} (${times(s.node, s.n8n)} it; it is ${times(s.n8n, s.ws)} raw ws); A/A, the raw loop beside itself: ${ratioText(pairedRatio(s.wsAgain, s.ws))}`,
		1.1,
	);
	costRow(
		`The same over WebSocket, text from an expression per item (${EXPRESSION_TEXT})`,
		s.expression,
		s.n8nExpression,
		`n8n floor reading the same expression per item ${withRange(s.n8nExpression, 'µs')}; the fixed-text node above ${withRange(s.node, 'µs')}; raw ws ${withRange(s.ws, 'µs')}`,
		1.1,
		'≤ 1.10× its n8n floor',
	);
}

async function heychat(): Promise<void> {
	const backend = await heychatHttpBackend();
	// The OneBot node over HTTP runs in the same rounds, against its own backend, so that the
	// Heychat-vs-OneBot figure compares runs made side by side, not rows measured at other times.
	const oneBotBackend = await oneBotHttpBackend();
	const url = `${backend.url}/chatroom/v2/channel_msg/send?client_type=heybox_chat&x_client_type=web&os_type=web&x_os_type=bot&x_app=heybox_chat&chat_os_type=bot&chat_version=1.30.0`;
	const s = await interleave(
		{
			node: (n) => heychatNodeRun(backend.url, n),
			axios: (n) => rawAxiosLoop(url, n, HEYCHAT_BODY),
			http: (n) => rawHttpLoop(url, n, HEYCHAT_BODY),
			oneBot: (n) => oneBotNodeRun({ httpUrl: oneBotBackend.url, transport: 'http', n }),
			oneBotAxios: (n) => rawAxiosLoop(`${oneBotBackend.url}/send_group_msg`, n),
		},
		ROUNDS,
		ITEMS,
	);
	await backend.close();
	await oneBotBackend.close();
	costRow(
		`Heychat Send Channel Message, ${fmt(ITEMS)} items`,
		s.node,
		s.axios,
		`raw axios ${withRange(s.axios, 'µs')}; raw keep-alive node:http ${withRange(s.http, 'µs')} (${times(s.node, s.http)} it)`,
		1.1,
	);
	costRow(
		'Heychat per item vs OneBot over HTTP per item',
		s.node,
		s.oneBot,
		`OneBot Send Group Message over HTTP in the same rounds ${withRange(s.oneBot, 'µs/item')}; the requests alone (raw axios): Heychat's ${fmt(s.axios.median)} µs, OneBot's ${fmt(s.oneBotAxios.median)} µs (${times(s.axios, s.oneBotAxios)})`,
		1,
	);
}

async function concurrency(): Promise<void> {
	const figure = '200 items, backend answers after 5 ms, Concurrency 8';
	if (!hasConcurrencyOption(oneBotNode.description.properties)) {
		rows.push({ figure, value: 'n/a: needs the Concurrency option', floor: '8 requests in flight (raw axios)', goal: '≤ 1.30×', ratio: '', verdict: 'n/a' });
		return;
	}
	const backend = await oneBotHttpBackend(5);
	const url = `${backend.url}/send_group_msg`;
	const s = await interleave(
		{
			node: (n) => oneBotNodeRun({ httpUrl: backend.url, transport: 'http', n, concurrency: 8 }),
			floor: (n) => rawAxiosInFlight(url, n, 8),
		},
		ROUNDS,
		200,
		40,
	);
	await backend.close();
	const ratio = pairedRatio(s.node, s.floor);
	const ms = 200 / 1000; // µs/item × 200 items → ms
	rows.push({
		figure,
		value: withRange(s.node, 'ms', 0, ms),
		floor: `8 in flight (raw axios) ${withRange(s.floor, 'ms', 0, ms)}`,
		goal: '≤ 1.30×',
		ratio: ratioText(ratio),
		verdict: verdict(ratio.median, 1.3, 'lower'),
	});
}

const DROP_LABELS: Record<string, string> = {
	type: 'event-type filter drops all',
	keyword: 'keyword filter never matches',
	regex: 'regular expression never matches',
	ids: 'group/room id filter drops all',
	command: 'command filter drops all',
};

async function triggers(platform: 'onebot' | 'heychat', drops: string[]): Promise<void> {
	const source = await startEventSource();
	const control = await openControl(source);
	const opened: Stream[] = [];
	try {
		// One activation per variant for the whole row, fed block after block; each block of a
		// variant runs right beside a block of the floor (see measureStreams). The figure is events
		// per CPU-second of this process (on a shared machine it does not count the time other
		// processes held the cores); wall-clock rates of the same blocks are kept beside. An A/A
		// variant (a second raw client) shows how far two identical variants' ratio strays.
		const open = async (scenario: TriggerScenario) => {
			const stream = await openStream(source, control, scenario);
			opened.push(stream);
			return stream;
		};
		const floor = await open(`${platform}-raw`);
		const variants: Record<string, Stream> = { aa: await open(`${platform}-raw`) };
		for (const name of [...drops, 'pass']) variants[name] = await open(`${platform}-${name}` as TriggerScenario);
		const m = await measureStreams({ floor, variants }, TRIGGER_ROUNDS, EVENTS);
		const raw = summarise(m.floor.cpu);
		const rawWall = summarise(m.floor.wall);
		const name = platform === 'onebot' ? 'OneBot Trigger' : 'Heychat Trigger';
		const rawText = `raw ws + JSON.parse ${withRange(raw, '/s', 0)}`;
		const cpu = (k: string) => summarise(m.variants[k].cpu);
		const ratio = (k: string) => summarise(m.variants[k].ratios);
		const wallText = (k: string) => {
			const w = summarise(m.variants[k].wall).median;
			return `wall clock ${fmt(w)}/s vs raw ${fmt(rawWall.median)}/s (${(w / rawWall.median).toFixed(2)})`;
		};
		const ratioText = (k: string) => `${ratio(k).median.toFixed(2)} (${ratio(k).min.toFixed(2)}–${ratio(k).max.toFixed(2)})`;
		rows.push({
			figure: `${name}: A/A check, a second raw client beside the floor, ${fmt(EVENTS)} events`,
			value: withRange(cpu('aa'), 'events/s'),
			floor: rawText,
			goal: '1.00',
			ratio: ratioText('aa'),
			verdict: '',
		});
		for (const drop of drops) {
			rows.push({
				figure: `${name}, ${DROP_LABELS[drop]}, ${fmt(EVENTS)} events`,
				value: `${withRange(cpu(drop), 'events/s')}; ${wallText(drop)}`,
				floor: rawText,
				goal: '≥ 0.90× raw',
				ratio: ratioText(drop),
				verdict: verdict(ratio(drop).median, 0.9, 'higher'),
			});
		}
		rows.push({
			figure: `${name}, all pass, to emit, ${fmt(EVENTS)} events`,
			value: `${withRange(cpu('pass'), 'events/s')}; ${wallText('pass')}`,
			floor: rawText,
			goal: '≥ 200,000/s',
			ratio: `${ratioText('pass')} of raw`,
			verdict: verdict(cpu('pass').median, 200_000, 'higher'),
		});
		for (const stream of opened.splice(0)) await stream.close();
		const growth = await heapGrowthPerMillion(source, `${platform}-pass`, HEAP_EVENTS);
		rows.push({
			figure: `${name}, heap growth per million events (all pass)`,
			value: growth === undefined ? 'n/a: run with --expose-gc' : `${growth.toFixed(1)} MB`,
			floor: '',
			goal: '≤ 20 MB',
			ratio: '',
			verdict: growth === undefined ? 'n/a' : verdict(growth, 20, 'lower'),
		});
	} finally {
		for (const stream of opened) await stream.close();
		control.close();
		await source.close();
	}
}

function packageFigures(): void {
	const figures = loadFigures();
	if (!figures) {
		log('package load time: n/a (run `npm run build` first: it loads dist/)');
		return;
	}
	log(`package load time (credentials + nodes from dist/, n8n-workflow already loaded): ${figures.loadMs.toFixed(0)} ms (median of 5 fresh processes)`);
	for (const d of figures.descriptions) log(`  ${d.name.padEnd(24)} description ${d.kb.toFixed(0).padStart(5)} KB, ${d.properties} properties`);
}

async function main(): Promise<void> {
	const started = performance.now();
	const only = process.argv.slice(2);
	const want = (name: string) => only.length === 0 || only.includes(name);
	log(`npm run bench: ${ROUNDS} interleaved rounds; ${fmt(ITEMS)} items per action run; triggers: ${TRIGGER_ROUNDS} blocks of ${fmt(EVENTS)} events per variant, each beside a raw block`);
	log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`);
	log('');
	if (want('package')) packageFigures();
	if (want('onebot')) {
		await oneBotHttp();
		await oneBotWs();
	}
	if (want('heychat')) await heychat();
	if (want('concurrency')) await concurrency();
	if (want('triggers') || want('onebot-trigger')) await triggers('onebot', ['type', 'keyword', 'regex', 'ids']);
	if (want('triggers') || want('heychat-trigger')) await triggers('heychat', ['type', 'command', 'ids']);
	log('');
	printTable(rows, log);
	log('');
	log(`bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
	const missed = rows.filter((r) => r.verdict === 'MISS').length;
	log(`${rows.filter((r) => r.verdict === 'PASS').length} PASS, ${missed} MISS, ${rows.filter((r) => r.verdict === 'n/a').length} n/a`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
