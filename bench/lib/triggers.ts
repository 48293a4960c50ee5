/**
 * Trigger figures: events per second from a WebSocket event source (a child process) to the
 * point of `emit`, through the trigger node activated with n8n-core's TriggerContext (the test
 * helper activateTrigger), beside a raw `ws` client that only runs JSON.parse on every frame.
 * Both clocks start before connecting and stop at the scenario's sentinel event (the one event the
 * filter lets through), so every other event was received, parsed and filtered.
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
	/** From before connecting to the sentinel. */
	seconds: number;
	/** CPU time this process used in that span (user + system, all its threads). */
	cpuSeconds: number;
	perSecond: number;
	/** Events emitted (1 when all but the sentinel are filtered out). */
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

/** Raw floor: a `ws` client that JSON.parses every frame until the sentinel (frame n + 1). */
export async function rawParseRun(source: EventSource, platform: 'onebot' | 'heychat', n: number): Promise<TriggerResult> {
	const cpuStarted = cpuNow();
	const started = performance.now();
	const socket = new WebSocket(sourceUrl(source, `${platform}-raw`, n));
	let count = 0;
	await new Promise<void>((resolve, reject) => {
		socket.on('message', (data) => {
			const value = JSON.parse(data.toString()) as unknown;
			if (value !== null && ++count === n + 1) resolve();
		});
		socket.once('error', reject);
	});
	const seconds = (performance.now() - started) / 1000;
	const cpuSeconds = cpuNow() - cpuStarted;
	socket.terminate();
	return { seconds, cpuSeconds, perSecond: n / seconds, emitted: count };
}

/** The trigger node, activated like n8n does, until `expected` emits (the sentinel, or all n + 1). */
export async function triggerRun(source: EventSource, scenario: TriggerScenario, n: number): Promise<TriggerResult> {
	if (scenario === 'onebot-raw' || scenario === 'heychat-raw') return await rawParseRun(source, scenario === 'onebot-raw' ? 'onebot' : 'heychat', n);
	const heychat = scenario.startsWith('heychat');
	const expected = scenario.endsWith('-pass') ? n + 1 : 1;
	let emitted = 0;
	let done: () => void = () => undefined;
	const finished = new Promise<void>((resolve) => (done = resolve));
	const url = sourceUrl(source, scenario, n);
	const cpuStarted = cpuNow();
	const started = performance.now();
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
			if (emitted >= expected) done();
		},
	});
	await finished;
	const seconds = (performance.now() - started) / 1000;
	const cpuSeconds = cpuNow() - cpuStarted;
	await trigger.close();
	return { seconds, cpuSeconds, perSecond: n / seconds, emitted };
}

export interface SteadyRate {
	/** Events per second of wall-clock time. */
	wall: number;
	/** Events per second of this process's CPU time: what it sustains with a core to itself. */
	cpu: number;
}

/**
 * Steady-state events/s: the run with n events minus a run with none (connecting, activating and
 * the sentinel alone), so set-up time counts for neither the trigger nor the raw client. Both by
 * the wall clock and by the CPU time the measuring process used (on a shared machine the wall
 * clock also counts the time other processes had the cores).
 */
export async function steadyRate(source: EventSource, scenario: TriggerScenario, n: number): Promise<SteadyRate> {
	const setup = await triggerRun(source, scenario, 0);
	const full = await triggerRun(source, scenario, n);
	return {
		wall: n / Math.max(1e-6, full.seconds - setup.seconds),
		cpu: n / Math.max(1e-6, full.cpuSeconds - setup.cpuSeconds),
	};
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
