/**
 * One scenario in a loop, for `node --cpu-prof` (see bench/README in docs/readme/en-dev.md):
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts <scenario> [items] [runs]
 * or, to profile only the steady state (the runs after the first, without loading and JIT warm-up):
 *   PROFILE_OUT=/tmp/prof/x.cpuprofile node --import tsx bench/profile.ts <scenario> [items] [runs]
 * Scenarios: onebot-http, onebot-ws, onebot-ws-expression (the text from an expression per item), floor-ws and
 * floor-ws-expression (the n8n floor node of those two rows, WsFloorNode), heychat, and the trigger scenarios of bench/lib/triggers.ts
 * (onebot-raw, onebot-type, onebot-keyword, onebot-regex, onebot-ids, onebot-pass, heychat-raw,
 * heychat-type, heychat-command, heychat-ids, heychat-pass).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

import { heychatHttpBackend, oneBotHttpBackend, oneBotWsBackend } from './lib/backends';
import { heychatNodeRun, n8nWsFloorRun, oneBotNodeRun } from './lib/actions';
import { triggerRun, startEventSource, type TriggerScenario } from './lib/triggers';

/** PROFILE_OUT: a CPU profile of the runs after the first (the steady state), written there at the end. */
class SteadyProfile {
	private session: Session | undefined;

	async start(): Promise<void> {
		if (!process.env.PROFILE_OUT || this.session) return;
		this.session = new Session();
		this.session.connect();
		await this.session.post('Profiler.enable');
		await this.session.post('Profiler.setSamplingInterval', { interval: 100 });
		await this.session.post('Profiler.start');
	}

	async stop(): Promise<void> {
		if (!this.session || !process.env.PROFILE_OUT) return;
		const { profile } = await this.session.post('Profiler.stop');
		writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
		this.session.disconnect();
	}
}

async function main(): Promise<void> {
	const profiler = new SteadyProfile();
	const [scenario = 'onebot-http', nText = '2000', runsText = '3'] = process.argv.slice(2);
	const n = Number(nText);
	const runs = Number(runsText);
	const report = (label: string, value: number, unit: string) => process.stdout.write(`${label}: ${value.toFixed(1)} ${unit}\n`);
	if (scenario === 'onebot-http' || scenario === 'heychat') {
		const backend = scenario === 'heychat' ? await heychatHttpBackend() : await oneBotHttpBackend();
		for (let r = 0; r < runs; r++) {
			if (r === 1) await profiler.start();
			const us = scenario === 'heychat' ? await heychatNodeRun(backend.url, n) : await oneBotNodeRun({ httpUrl: backend.url, transport: 'http', n });
			report(scenario, us, 'µs/item');
		}
		await profiler.stop();
		process.stdout.write(`connections: ${backend.connections}\n`);
		await backend.close();
		return;
	}
	if (scenario === 'onebot-ws' || scenario === 'onebot-ws-expression' || scenario === 'floor-ws' || scenario === 'floor-ws-expression') {
		const backend = await oneBotWsBackend();
		const text = scenario.endsWith('-expression') ? '={{ "hello " + $json.i }}' : undefined;
		const floor = scenario.startsWith('floor-');
		for (let r = 0; r < runs; r++) {
			if (r === 1) await profiler.start();
			const us = floor
				? await n8nWsFloorRun(backend.url, n, text)
				: await oneBotNodeRun({ wsUrl: backend.url, transport: 'websocket', n, text });
			report(scenario, us, 'µs/item');
		}
		await profiler.stop();
		await backend.close();
		return;
	}
	const source = await startEventSource();
	try {
		for (let r = 0; r < runs; r++) {
			if (r === 1) await profiler.start();
			const result = await triggerRun(source, scenario as TriggerScenario, n);
			report(`${scenario} (wall clock)`, result.perSecond, 'events/s');
			report(`${scenario} (per CPU-second)`, n / result.cpuSeconds, 'events/s');
		}
		await profiler.stop();
	} finally {
		await source.close();
	}
}

void main();
