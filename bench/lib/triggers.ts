/**
 * Trigger figures: events per second from a WebSocket event source (a child process) to the
 * point of `emit`, through the trigger node activated with n8n-core's TriggerContext (the test
 * helper activateTrigger), beside a raw `ws` client that only runs JSON.parse on every frame.
 * The window opens at a start marker and closes at the sentinel, the two events the scenario's
 * filter lets through; every event in between was received, parsed and filtered.
 *
 * Two ways to run: `triggerRun` (one connection, one activation, one block of events: the heap
 * figure and bench/profile.ts) and `openStream` (one activation kept for a whole table row, fed
 * block after block on request: the rate figures, see measureStreams).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { activateTrigger, type ActiveTrigger } from '../../test/trigger/context';
import { HeychatTrigger, OneBotTrigger } from './shipped';

export type TriggerScenario =
	| 'onebot-raw'
	| 'onebot-type'
	| 'onebot-keyword'
	| 'onebot-regex'
	| 'onebot-ids'
	| 'onebot-pass'
	| 'heychat-raw'
	| 'heychat-type'
	| 'heychat-command'
	| 'heychat-ids'
	| 'heychat-pass';

export interface EventSource {
	port: number;
	close(): Promise<void>;
}

export async function startEventSource(): Promise<EventSource> {
	const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', 'event-source.mjs')], {
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	const port = await new Promise<number>((resolve, reject) => {
		child.once('error', reject);
		child.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
	});
	return {
		port,
		close: async () => {
			child.stdin!.end();
			child.kill();
			await new Promise((resolve) => child.once('exit', resolve));
		},
	};
}

/** Trigger parameters per scenario: what makes every event but the sentinel drop (or all pass). */
const PARAMETERS: Record<Exclude<TriggerScenario, 'onebot-raw' | 'heychat-raw'>, INodeParameters> = {
	'onebot-type': { events: ['notice'] },
	'onebot-keyword': { filters: { keywords: 'zebra' } },
	'onebot-regex': { filters: { regex: '^/deploy\\b' } },
	'onebot-ids': { filters: { groupAllow: '999999999' } },
	'onebot-pass': {},
	'heychat-type': { events: ['3001'] },
	'heychat-command': { events: ['50'], filters: { commandNames: 'zebra' } },
	// A room id as Heychat writes them (19 digits), beside the events' room.
	'heychat-ids': { events: ['50'], filters: { roomIds: '3611849174284943361' } },
	'heychat-pass': { events: ['50'] },
};

export interface TriggerResult {
	/** Wall-clock seconds from the start marker to the sentinel: the n events in between. */
	seconds: number;
	/** CPU time this process used in that span (user + system, all its threads). */
	cpuSeconds: number;
	perSecond: number;
	/** Items emitted, the two markers included (2 when all but the markers are filtered out). */
	emitted: number;
}

function sourceUrl(source: EventSource, scenario: TriggerScenario, n: number): string {
	return `ws://127.0.0.1:${source.port}/${scenario}?n=${n}`;
}

/** CPU seconds (user + system) this process has used. */
function cpuNow(): number {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1e6;
}

/**
 * The measuring window: opened by the start marker (the first frame), closed by the sentinel (the
 * last), so connecting, activating and the first frame's work count for neither the node nor the
 * raw client, and nothing has to be subtracted.
 */
class Window {
	private wallStarted = 0;

	private cpuStarted = 0;

	open(): void {
		this.cpuStarted = cpuNow();
		this.wallStarted = performance.now();
	}

	close(n: number, emitted: number): TriggerResult {
		const seconds = (performance.now() - this.wallStarted) / 1000;
		const cpuSeconds = cpuNow() - this.cpuStarted;
		return { seconds, cpuSeconds, perSecond: n / seconds, emitted };
	}
}

/** Raw floor: a `ws` client that JSON.parses every frame, from the marker (frame 1) to the sentinel (frame n + 2). */
export async function rawParseRun(source: EventSource, platform: 'onebot' | 'heychat', n: number): Promise<TriggerResult> {
	const socket = new WebSocket(sourceUrl(source, `${platform}-raw`, n));
	const window = new Window();
	let count = 0;
	const result = await new Promise<TriggerResult>((resolve, reject) => {
		socket.on('message', (data) => {
			const value = JSON.parse(data.toString()) as unknown;
			if (value === null) return;
			if (++count === 1) window.open();
			else if (count === n + 2) resolve(window.close(n, count));
		});
		socket.once('error', reject);
	});
	socket.terminate();
	return result;
}

/** The scenario's trigger node, activated like n8n does, connected to the event source at `url`. */
async function activateBenchTrigger(
	scenario: Exclude<TriggerScenario, 'onebot-raw' | 'heychat-raw'>,
	url: string,
	onEmit: (data: INodeExecutionData[][]) => void,
): Promise<ActiveTrigger> {
	const heychat = scenario.startsWith('heychat');
	return await activateTrigger({
		node: (heychat ? new HeychatTrigger() : new OneBotTrigger()) as INodeType,
		parameters: PARAMETERS[scenario],
		credentialType: heychat ? 'heychatBotApi' : 'oneBotV11Api',
		credentials: heychat
			? { token: 'bench-token', apiBaseUrl: 'http://127.0.0.1:1', uploadUrl: 'http://127.0.0.1:1', gatewayUrl: url }
			: { httpUrl: '', wsUrl: url, accessToken: '', authLocation: 'header', ignoreSslIssues: false },
		discardLogs: true,
		onEmit,
	});
}

/**
 * The trigger node, activated like n8n does: the window opens at the marker's emit and closes at
 * the sentinel's (all n + 2 emits when every event passes).
 */
export async function triggerRun(source: EventSource, scenario: TriggerScenario, n: number): Promise<TriggerResult> {
	if (scenario === 'onebot-raw' || scenario === 'heychat-raw') return await rawParseRun(source, scenario === 'onebot-raw' ? 'onebot' : 'heychat', n);
	const expected = scenario.endsWith('-pass') ? n + 2 : 2;
	const window = new Window();
	let emitted = 0;
	let done: (result: TriggerResult) => void = () => undefined;
	const finished = new Promise<TriggerResult>((resolve) => (done = resolve));
	const url = sourceUrl(source, scenario, n);
	const trigger = await activateBenchTrigger(scenario, url, (data) => {
		emitted += data[0]?.length ?? 0;
		if (emitted === 1) window.open();
		else if (emitted === expected) done(window.close(n, emitted));
	});
	const result = await finished;
	await trigger.close();
	return result;
}

export interface SteadyRate {
	/** Events per second of wall-clock time. */
	wall: number;
	/** Events per second of this process's CPU time: what it sustains with a core to itself. */
	cpu: number;
}

/**
 * Steady-state events/s between the markers, by the wall clock and by the CPU time the measuring
 * process used (on a shared machine the wall clock also counts the time other processes had the
 * cores).
 */
export async function steadyRate(source: EventSource, scenario: TriggerScenario, n: number): Promise<SteadyRate> {
	const run = await triggerRun(source, scenario, n);
	return { wall: n / Math.max(1e-6, run.seconds), cpu: n / Math.max(1e-6, run.cpuSeconds) };
}

/** Heap growth (MB) per million events emitted, all passing, measured after full GCs. */
export async function heapGrowthPerMillion(source: EventSource, scenario: 'onebot-pass' | 'heychat-pass', n: number): Promise<number | undefined> {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) return undefined;
	await triggerRun(source, scenario, Math.min(n, 20_000)); // warm: code, caches
	gc();
	const before = process.memoryUsage().heapUsed;
	await triggerRun(source, scenario, n);
	gc();
	const after = process.memoryUsage().heapUsed;
	return ((after - before) / 1024 / 1024) * (1_000_000 / n);
}

/** A connection kept open for a whole row: each `block(n)` asks the source for n events and times them. */
export interface Stream {
	readonly scenario: TriggerScenario;
	/** Asks for a block of n events (between a marker and a sentinel) and resolves with its figures. */
	block(n: number): Promise<TriggerResult>;
	close(): Promise<void>;
}

/** The source's control connection: asks it to send a block to one stream. */
export interface Control {
	request(stream: string, n: number): void;
	close(): void;
}

export async function openControl(source: EventSource): Promise<Control> {
	const socket = new WebSocket(`ws://127.0.0.1:${source.port}/control`);
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('error', reject);
	});
	return {
		request: (stream, n) => socket.send(JSON.stringify({ stream, n })),
		close: () => socket.terminate(),
	};
}

let streamCount = 0;

/**
 * A block's bookkeeping: frames (raw) or emitted items (trigger) are counted; the window opens at
 * the block's first (the marker) and closes at its last (the sentinel).
 */
class BlockCounter {
	private count = 0;

	private target = 0;

	private startedAt = 0;

	private window = new Window();

	private n = 0;

	private resolve: ((result: TriggerResult) => void) | undefined;

	/** `perBlock`: how many frames/items one block of n events produces. */
	expect(n: number, perBlock: number): Promise<TriggerResult> {
		this.n = n;
		this.startedAt = this.count;
		this.target = this.count + perBlock;
		return new Promise((resolve) => (this.resolve = resolve));
	}

	add(k: number): void {
		this.count += k;
		if (!this.resolve) return;
		if (this.count - k === this.startedAt) this.window.open();
		if (this.count >= this.target) {
			const resolve = this.resolve;
			this.resolve = undefined;
			resolve(this.window.close(this.n, this.count - this.startedAt));
		}
	}
}

/**
 * Opens one long-lived stream: a raw `ws` client that JSON.parses every frame, or the trigger
 * node activated once with the scenario's parameters. Resolves once the connection is up (the
 * source sends a first passing event at once, so the activation does not wait).
 */
export async function openStream(source: EventSource, control: Control, scenario: TriggerScenario): Promise<Stream> {
	const id = `s${++streamCount}`;
	const url = `ws://127.0.0.1:${source.port}/${scenario}?stream=${id}`;
	const counter = new BlockCounter();
	if (scenario === 'onebot-raw' || scenario === 'heychat-raw') {
		const socket = new WebSocket(url);
		let first: () => void = () => undefined;
		const ready = new Promise<void>((resolve) => (first = resolve));
		let seen = 0;
		socket.on('message', (data) => {
			const value = JSON.parse(data.toString()) as unknown;
			if (value === null) return;
			if (++seen === 1) first();
			else counter.add(1);
		});
		await ready;
		return {
			scenario,
			block: (n) => {
				const result = counter.expect(n, n + 2);
				control.request(id, n);
				return result;
			},
			close: async () => {
				socket.terminate();
			},
		};
	}
	const pass = scenario.endsWith('-pass');
	let first: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => (first = resolve));
	let seen = 0;
	const trigger = await activateBenchTrigger(scenario, url, (data) => {
		const k = data[0]?.length ?? 0;
		if (seen === 0) {
			seen += k;
			first();
			return;
		}
		counter.add(k);
	});
	await ready;
	return {
		scenario,
		block: (n) => {
			const result = counter.expect(n, pass ? n + 2 : 2);
			control.request(id, n);
			return result;
		},
		close: async () => {
			await trigger.close();
		},
	};
}

export interface StreamFigures {
	/** Events per CPU-second of this process, one value per round. */
	cpu: number[];
	/** Events per wall-clock second, one value per round. */
	wall: number[];
	/** This variant's rate over the floor's in the block run right beside it, one value per round. */
	ratios: number[];
}

/**
 * The rate figures of one row: every variant runs `rounds` blocks of `n` events, each right
 * next to a block of the floor (raw), the pair's order alternating from round to round, and the
 * variants' order rotating. A variant's ratio in a round is its rate over that neighbouring floor
 * block's: both ran within a few tens of milliseconds of each other, so a slow phase of the
 * machine (a busy sibling core, another process) hits both alike. Before a block, a minor GC
 * (with --expose-gc) empties the young generation, so each block pays for its own garbage. The
 * first `warmup` rounds are not counted (JIT, caches).
 */
export async function measureStreams(
	streams: { floor: Stream; variants: Record<string, Stream> },
	rounds: number,
	n: number,
	warmup = 3,
): Promise<{ floor: StreamFigures; variants: Record<string, StreamFigures> }> {
	const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
	const run = async (stream: Stream) => {
		gc?.({ type: 'minor' });
		return await stream.block(n);
	};
	const names = Object.keys(streams.variants);
	const empty = (): StreamFigures => ({ cpu: [], wall: [], ratios: [] });
	const floor = empty();
	const variants = Object.fromEntries(names.map((name) => [name, empty()]));
	for (let round = -warmup; round < rounds; round++) {
		for (let k = 0; k < names.length; k++) {
			const name = names[(((round + k) % names.length) + names.length) % names.length];
			const floorFirst = (round + k) % 2 === 0;
			const a = await run(floorFirst ? streams.floor : streams.variants[name]);
			const b = await run(floorFirst ? streams.variants[name] : streams.floor);
			if (round < 0) continue;
			const [f, v] = floorFirst ? [a, b] : [b, a];
			const fig = variants[name];
			fig.cpu.push(n / Math.max(1e-6, v.cpuSeconds));
			fig.wall.push(n / Math.max(1e-6, v.seconds));
			fig.ratios.push(f.cpuSeconds / Math.max(1e-6, v.cpuSeconds));
			floor.cpu.push(n / Math.max(1e-6, f.cpuSeconds));
			floor.wall.push(n / Math.max(1e-6, f.seconds));
		}
	}
	return { floor, variants };
}
