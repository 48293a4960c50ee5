/**
 * One scenario in a loop, for `node --cpu-prof` (see bench/README in docs/readme/en-dev.md):
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts <scenario> [items] [runs]
 * Scenarios: onebot-http, onebot-ws, heychat, and the trigger scenarios of bench/lib/triggers.ts
 * (onebot-raw, onebot-type, onebot-keyword, onebot-regex, onebot-ids, onebot-pass, heychat-raw,
 * heychat-type, heychat-command, heychat-ids, heychat-pass).
 */
import { heychatHttpBackend, oneBotHttpBackend, oneBotWsBackend } from './lib/backends';
import { heychatNodeRun, oneBotNodeRun } from './lib/actions';
import { triggerRun, startEventSource, type TriggerScenario } from './lib/triggers';

async function main(): Promise<void> {
	const [scenario = 'onebot-http', nText = '2000', runsText = '3'] = process.argv.slice(2);
	const n = Number(nText);
	const runs = Number(runsText);
	const report = (label: string, value: number, unit: string) => process.stdout.write(`${label}: ${value.toFixed(1)} ${unit}\n`);
	if (scenario === 'onebot-http' || scenario === 'heychat') {
		const backend = scenario === 'heychat' ? await heychatHttpBackend() : await oneBotHttpBackend();
		for (let r = 0; r < runs; r++) {
			const us = scenario === 'heychat' ? await heychatNodeRun(backend.url, n) : await oneBotNodeRun({ httpUrl: backend.url, transport: 'http', n });
			report(scenario, us, 'µs/item');
		}
		process.stdout.write(`connections: ${backend.connections}\n`);
		await backend.close();
		return;
	}
	if (scenario === 'onebot-ws') {
		const backend = await oneBotWsBackend();
		for (let r = 0; r < runs; r++) report(scenario, await oneBotNodeRun({ wsUrl: backend.url, transport: 'websocket', n }), 'µs/item');
		await backend.close();
		return;
	}
	const source = await startEventSource();
	try {
		for (let r = 0; r < runs; r++) {
			const result = await triggerRun(source, scenario as TriggerScenario, n);
			report(`${scenario} (wall clock)`, result.perSecond, 'events/s');
			report(`${scenario} (per CPU-second)`, n / result.cpuSeconds, 'events/s');
		}
	} finally {
		await source.close();
	}
}

void main();
