/**
 * Trigger figures: events per second from a WebSocket event source (a child process) to the
 * point of `emit`, through the trigger node activated with n8n-core's TriggerContext (the test
 * helper activateTrigger), beside a raw `ws` client that only runs JSON.parse on every frame.
 * The window opens at a start marker and closes at the sentinel, the two events the scenario's
 * filter lets through; every event in between was received, parsed and filtered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

import type { INodeParameters, INodeType } from 'n8n-workflow';

import { activateTrigger } from '../../test/trigger/context';
import { OneBotTrigger } from '../../nodes/OneBot/OneBotTrigger.node.ts';
import { HeychatTrigger } from '../../nodes/Heychat/HeychatTrigger.node.ts';

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
	'onebot-ids': { filters: { groupAllow: '999999' } },
	'onebot-pass': {},
	'heychat-type': { events: ['3001'] },
	'heychat-command': { events: ['50'], filters: { commandNames: 'zebra' } },
	'heychat-ids': { events: ['50'], filters: { roomIds: '1' } },
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

/**
 * The trigger node, activated like n8n does: the window opens at the marker's emit and closes at
 * the sentinel's (all n + 2 emits when every event passes).
 */
export async function triggerRun(source: EventSource, scenario: TriggerScenario, n: number): Promise<TriggerResult> {
	if (scenario === 'onebot-raw' || scenario === 'heychat-raw') return await rawParseRun(source, scenario === 'onebot-raw' ? 'onebot' : 'heychat', n);
	const heychat = scenario.startsWith('heychat');
	const expected = scenario.endsWith('-pass') ? n + 2 : 2;
	const window = new Window();
	let emitted = 0;
	let done: (result: TriggerResult) => void = () => undefined;
	const finished = new Promise<TriggerResult>((resolve) => (done = resolve));
	const url = sourceUrl(source, scenario, n);
	const trigger = await activateTrigger({
		node: (heychat ? new HeychatTrigger() : new OneBotTrigger()) as INodeType,
		parameters: PARAMETERS[scenario],
		credentialType: heychat ? 'heychatBotApi' : 'oneBotV11Api',
		credentials: heychat
			? { token: 'bench-token', apiBaseUrl: 'http://127.0.0.1:1', uploadUrl: 'http://127.0.0.1:1', gatewayUrl: url }
			: { httpUrl: '', wsUrl: url, accessToken: '', authLocation: 'header', ignoreSslIssues: false },
		discardLogs: true,
		onEmit: (data) => {
			emitted += data[0]?.length ?? 0;
			if (emitted === 1) window.open();
			else if (emitted === expected) done(window.close(n, emitted));
		},
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
