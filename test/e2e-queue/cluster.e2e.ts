/**
 * The package in n8n 2.8.4 queue mode: main + 2 workers + a webhook processor, PostgreSQL and Redis
 * (test/e2e-queue/support/cluster.ts). Every case asserts what the fake backends received and where n8n
 * ran each part: the workflows carry `{{ $env.E2E_INSTANCE }}` (main, worker-1, worker-2, webhook) in
 * the messages they send or in a Set node, and the sockets of the n8n processes are read from /proc.
 * Lines starting with "[queue figure]" are the figures docs/scale.md quotes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { FakeHeychat } from '../fakes/heychat';
import { FakeOneBot, groupMessageEvent, privateMessageEvent, type OneBotCall } from '../fakes/onebot';
import { freePort, nodeJson, type Execution } from '../e2e/support/n8n';
import { QueueCluster } from './support/cluster';
import { chain, describeSpread, figure, node, PKG, stoppedAt, waitFor, webhookNode, whereNode } from './support/workflows';

const SELF_ID = 10001;
const TOKEN = 'queue-Access-Token';
const SECRET = 'queue-Hmac-Secret';
const WORKERS = ['worker-1', 'worker-2'];
const GROUPS = Array.from({ length: 50 }, (_, i) => 300001 + i);

let cluster: QueueCluster;
let bot: FakeOneBot;
let hey: FakeHeychat;
let onebotCred: { id: string; name: string };
let heychatCred: { id: string; name: string };

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN, selfId: SELF_ID });
	hey = await FakeHeychat.start();
	cluster = await QueueCluster.start({ workers: 2, concurrency: 3 });
	const onebotId = await cluster.api.createCredential('OneBot queue', 'oneBotV11Api', { ...bot.credentials(), sendRate: 0 });
	onebotCred = { id: onebotId, name: 'OneBot queue' };
	const heychatId = await cluster.api.createCredential('Heychat queue', 'heychatBotApi', hey.credentials());
	heychatCred = { id: heychatId, name: 'Heychat queue' };
});

after(async () => {
	await cluster?.stop();
	await bot?.close();
	await hey?.close();
});

const sendsOf = (calls: OneBotCall[], prefix: string) =>
	calls.filter((c) => c.action === 'send_group_msg' && String(c.params.message).startsWith(prefix));

/** "<prefix> <run> on <instance>" → [run, instance] */
function parseText(call: OneBotCall): [string, string] {
	const m = /^\S+ (\S+) on (\S+)$/.exec(String(call.params.message));
	assert.ok(m, `unexpected message ${String(call.params.message)}`);
	return [m[1], m[2]];
}

async function createAndActivate(workflow: Record<string, unknown>): Promise<string> {
	const id = await cluster.api.createWorkflow(workflow);
	await cluster.api.activate(id);
	return id;
}

/** The production webhook answers on the webhook processor (it reads the webhook table per request). */
async function waitForProductionWebhook(url: string, probe: () => Promise<number>): Promise<void> {
	await waitFor(`${url} to be served`, async () => ((await probe()) !== 404 ? true : undefined), 30_000);
}

function fanOutWorkflow(prefix: string, path: string, groups: number[], credential: { id: string; name: string }) {
	const send = node(
		'Send',
		`${PKG}.oneBot`,
		{
			resource: 'message',
			operation: 'send_group_msg',
			targetMode: 'list',
			targetIds: groups.join(', '),
			messageFormat: 'text',
			text: `={{ '${prefix} ' + $json.query.run + ' on ' + $env.E2E_INSTANCE }}`,
			options: {},
		},
		{ credentials: { oneBotV11Api: credential } },
	);
	return { name: `${prefix} fan-out`, nodes: [webhookNode(path), send], connections: chain('Webhook', 'Send') };
}

describe('actions on the workers', () => {
	it('10 runs at once of a 50-group fan-out: both workers run them, each of the 500 messages arrives exactly once', async () => {
		const path = `fanout-${randomUUID()}`;
		const id = await createAndActivate(fanOutWorkflow('fanout', path, GROUPS, onebotCred));
		const url = `${cluster.webhookUrl}/webhook/${path}`;
		// main serves no production webhook (N8N_DISABLE_PRODUCTION_MAIN_PROCESS): the processor does
		await waitForProductionWebhook(url, async () => (await fetch(`${url}?run=probe`, { method: 'POST' })).status);
		assert.equal((await fetch(`${cluster.api.baseUrl}/webhook/${path}?run=main`, { method: 'POST' })).status, 404);
		await cluster.finishedExecutions(id, 1, 60_000);
		bot.reset();

		const started = Date.now();
		const answers = await Promise.all(Array.from({ length: 10 }, async (_, run) => (await fetch(`${url}?run=${run}`, { method: 'POST' })).status));
		assert.deepEqual(answers, Array(10).fill(200));
		const executions = (await cluster.finishedExecutions(id, 11, 180_000)).slice(1);
		const finished = Math.max(...executions.map(stoppedAt));
		assert.deepEqual(executions.map((e) => e.status), Array(10).fill('success'));

		const sends = sendsOf(bot.calls, 'fanout');
		assert.equal(sends.length, 500, `${sends.length} messages arrived`);
		const seen = new Set<string>();
		const instanceOfRun = new Map<string, Set<string>>();
		for (const call of sends) {
			const [run, instance] = parseText(call);
			const key = `${run}/${String(call.params.group_id)}`;
			assert.ok(!seen.has(key), `run ${run} sent to group ${String(call.params.group_id)} twice`);
			seen.add(key);
			if (!instanceOfRun.has(run)) instanceOfRun.set(run, new Set());
			instanceOfRun.get(run)!.add(instance);
		}
		for (let run = 0; run < 10; run++) {
			for (const group of GROUPS) assert.ok(seen.has(`${run}/${group}`), `run ${run}: nothing sent to group ${group}`);
			const where = [...(instanceOfRun.get(String(run)) ?? [])];
			assert.equal(where.length, 1, `run ${run} ran on ${where.join(', ')}`);
		}
		const perWorker = WORKERS.map((w) => [...instanceOfRun.values()].filter((s) => s.has(w)).length);
		assert.deepEqual(
			[...new Set([...instanceOfRun.values()].flatMap((s) => [...s]))].sort(),
			WORKERS,
			`runs per worker: ${perWorker.join(' / ')}`,
		);
		const seconds = (finished - started) / 1000;
		figure(
			`fan-out: 10 executions × 50 groups (500 sends, unpaced) in ${seconds.toFixed(1)} s on 2 workers (runs per worker ${perWorker.join(' / ')}): ${(10 / seconds).toFixed(2)} executions/s, ${(500 / seconds).toFixed(0)} sends/s`,
		);
	});

	it('the Send Rate and the detected backend are per process: each worker paces its own sends and asks get_version_info once', async () => {
		// a backend of its own, so the detection cache starts empty for this credential
		const paced = await FakeOneBot.start({ accessToken: TOKEN, selfId: SELF_ID });
		try {
			const credId = await cluster.api.createCredential('OneBot paced', 'oneBotV11Api', { ...paced.credentials(), sendRate: 300 });
			const path = `paced-${randomUUID()}`;
			const groups = GROUPS.slice(0, 10);
			const id = await createAndActivate(fanOutWorkflow('paced', path, groups, { id: credId, name: 'OneBot paced' }));
			const url = `${cluster.webhookUrl}/webhook/${path}`;
			await waitForProductionWebhook(url, async () => (await fetch(`${url}?run=probe`, { method: 'POST' })).status);
			let executions = await cluster.finishedExecutions(id, 1, 60_000);

			// two runs at once until a round lands on both workers (Bull hands jobs to whichever asks first)
			let round = 0;
			let both: OneBotCall[] | undefined;
			while (!both) {
				assert.ok(round < 6, 'six rounds of two simultaneous runs never ran on both workers at the same time');
				round++;
				const runs = [`r${round}a`, `r${round}b`];
				await Promise.all(runs.map(async (run) => assert.equal((await fetch(`${url}?run=${run}`, { method: 'POST' })).status, 200)));
				executions = await cluster.finishedExecutions(id, executions.length + 2, 120_000);
				const calls = sendsOf(paced.calls, 'paced').filter((c) => runs.includes(parseText(c)[0]));
				assert.equal(calls.length, 2 * groups.length);
				// both workers, sending at the same time for a while (a loaded machine may start one late)
				const windows = WORKERS.map((w) => calls.filter((c) => parseText(c)[1] === w).map((c) => c.at));
				if (windows.every((at) => at.length > 0)) {
					const overlap = Math.min(...windows.map((at) => Math.max(...at))) - Math.max(...windows.map((at) => Math.min(...at)));
					if (overlap >= 600) both = calls;
				}
			}

			// per worker: 300/min = one send every 200 ms at least (plus up to 20 % jitter)
			const gaps = (calls: OneBotCall[]) => calls.slice(1).map((c, i) => c.at - calls[i].at);
			for (const worker of WORKERS) {
				const own = both.filter((c) => parseText(c)[1] === worker);
				const min = Math.min(...gaps(own));
				assert.ok(min >= 180, `${worker}: sends ${gaps(own).join(', ')} ms apart, faster than 300/min`);
			}
			// across the cluster: the two workers' sends interleave, closer than one process allows
			const all = [...both].sort((a, b) => a.at - b.at);
			const crossGaps = all.slice(1).map((c, i) => c.at - all[i].at);
			assert.ok(Math.min(...crossGaps) < 180, `the cluster as a whole kept 300/min (gaps ${crossGaps.join(', ')} ms)`);
			const span = (all[all.length - 1].at - all[0].at) / 1000;
			figure(
				`Send Rate 300/min on one credential, 2 runs on 2 workers: the backend got ${all.length} sends in ${span.toFixed(2)} s (${((all.length - 1) / span * 60).toFixed(0)}/min), each worker ≥ 200 ms apart`,
			);

			// the backend detection (Auto-detect) is remembered per process: at most once per worker
			const detections = paced.callsTo('get_version_info').length;
			const instances = new Set(sendsOf(paced.calls, 'paced').map((c) => parseText(c)[1]));
			assert.ok(detections >= 1 && detections <= instances.size, `${detections} get_version_info calls from ${instances.size} workers`);
			await cluster.api.deactivate(id);
		} finally {
			await paced.close();
		}
	});
});

describe('triggers on main, executions on the workers', () => {
	it('OneBot Trigger (forward WebSocket): one connection, from main; 200 events → 200 executions on the workers; deactivation closes it', async () => {
		const acceptedBefore = bot.acceptedSockets;
		const id = await createAndActivate({
			name: 'queue forward trigger',
			nodes: [node('Trigger', `${PKG}.oneBotTrigger`, {}, { credentials: { oneBotV11Api: onebotCred } }), whereNode()],
			connections: chain('Trigger', 'Where'),
		});
		await bot.waitForConnection(1, 60_000);
		const holders = await waitFor('the connection to show in /proc', () => {
			const h = cluster.connectionsTo(bot.port);
			return h.length > 0 ? h : undefined;
		});
		assert.deepEqual(holders, ['main']);

		const pushedAt = new Map<number, number>();
		for (let i = 0; i < 200; i++) {
			const messageId = 700000 + i;
			pushedAt.set(messageId, Date.now());
			assert.equal(bot.pushEvent(groupMessageEvent(SELF_ID, GROUPS[i % 50], 20001, `event ${i}`, { message_id: messageId })), 1);
		}
		const executions = await cluster.finishedExecutions(id, 200, 300_000);
		reportTriggerRun('OneBot Trigger (forward WebSocket)', executions, pushedAt, (e) => Number(nodeJson(e, 'Trigger')[0].message_id));

		// still exactly that one connection: no worker (nor the webhook processor) opened one
		assert.equal(bot.connections(), 1);
		assert.deepEqual(cluster.connectionsTo(bot.port), ['main']);
		assert.equal(bot.acceptedSockets - acceptedBefore, 1, 'TCP connections the backend accepted during the run');
		const disconnected = bot.waitForDisconnect(30_000);
		await cluster.api.deactivate(id);
		await disconnected;
		assert.equal(bot.connections(), 0);
		await waitFor('main to drop the socket', () => (cluster.connectionsTo(bot.port).length === 0 ? true : undefined));
		assert.equal(cluster.executionCount(id), 200);
	});

	it('Heychat Trigger: one gateway connection, from main; 200 commands → 200 executions on the workers; deactivation closes it', async () => {
		const before = hey.gatewayConnections.length;
		const id = await createAndActivate({
			name: 'queue heychat trigger',
			nodes: [node('Trigger', `${PKG}.heychatTrigger`, { events: ['50'] }, { credentials: { heychatBotApi: heychatCred } }), whereNode()],
			connections: chain('Trigger', 'Where'),
		});
		const gateway = await hey.waitForGateway(before + 1, 60_000);
		const holders = await waitFor('the gateway connection to show in /proc', () => {
			const h = cluster.connectionsTo(Number(new URL(hey.url).port));
			return h.length > 0 ? h : undefined;
		});
		assert.deepEqual(holders, ['main']);

		const pushedAt = new Map<string, number>();
		for (let i = 0; i < 200; i++) {
			const msgId = String(1831637085605466000n + BigInt(i));
			pushedAt.set(msgId, Date.now());
			const sent = hey.pushEvent(
				hey.event('50', {
					bot_id: 72053518,
					channel_base_info: { channel_id: '3611849174307799042', channel_name: '默认频道', channel_type: 1 },
					command_info: { id: '1831636113196855296', name: '/ping', options: [], type: 0 },
					msg_id: msgId,
					room_base_info: { room_avatar: '', room_id: '3611849174284943360', room_name: 'Second Room' },
					send_time: Date.now(),
					sender_info: { nickname: '玩家一', user_id: 43028164 },
				}),
			);
			assert.equal(sent, 1);
		}
		const executions = await cluster.finishedExecutions(id, 200, 300_000);
		reportTriggerRun('Heychat Trigger (gateway)', executions, pushedAt, (e) => String(nodeJson(e, 'Trigger')[0].msgId));

		assert.equal(hey.gatewayConnections.length, before + 1, 'gateway connections opened');
		assert.equal(hey.openGatewayConnections().length, 1);
		await cluster.api.deactivate(id);
		await hey.waitForGatewayClose(gateway, 30_000);
		assert.equal(hey.openGatewayConnections().length, 0);
		assert.equal(cluster.executionCount(id), 200);
	});

	it('OneBot Trigger (reverse WebSocket): only main listens; the backend that connects starts executions on the workers', async () => {
		const port = await freePort();
		const id = await createAndActivate({
			name: 'queue reverse trigger',
			nodes: [
				node('Trigger', `${PKG}.oneBotTrigger`, { connection: 'reverse', port, options: { listenAddress: '127.0.0.1' } }, { credentials: { oneBotV11Api: onebotCred } }),
				whereNode(),
			],
			connections: chain('Trigger', 'Where'),
		});
		const listeners = await waitFor(`a listener on port ${port}`, () => {
			const l = cluster.listenersOn(port);
			return l.length > 0 ? l : undefined;
		}, 60_000);
		assert.deepEqual(listeners, ['main'], 'processes listening on the reverse-WebSocket port');

		const connection = await bot.connectReverse(`ws://127.0.0.1:${port}/onebot/v11/ws`, { token: TOKEN });
		// one event at a time, each once the previous one's execution finished: the latency of an idle cluster
		const pushedAt = new Map<number, number>();
		let executions: Execution[] = [];
		for (let i = 0; i < 10; i++) {
			pushedAt.set(710000 + i, Date.now());
			connection.pushEvent(privateMessageEvent(SELF_ID, 20002, `reverse ${i}`, { message_id: 710000 + i }));
			executions = await cluster.finishedExecutions(id, i + 1, 60_000);
		}
		reportTriggerRun('OneBot Trigger (reverse WebSocket), one event at a time', executions, pushedAt, (e) => Number(nodeJson(e, 'Trigger')[0].message_id));
		assert.deepEqual(cluster.listenersOn(port), ['main']);

		await cluster.api.deactivate(id);
		assert.equal((await connection.waitForClose()).code, 1001);
		await waitFor('the port to be released', () => (cluster.listenersOn(port).length === 0 ? true : undefined));
	});

	it('OneBot Webhook Trigger through the webhook processor: signed events start executions on the workers, bad signatures none', async () => {
		const webhookId = randomUUID();
		const id = await createAndActivate({
			name: 'queue webhook trigger',
			nodes: [
				node('Trigger', `${PKG}.oneBotWebhookTrigger`, { signature: 'secret', secret: SECRET, quickOperation: { reply: 'got it' } }, { webhookId }),
				whereNode(),
			],
			connections: chain('Trigger', 'Where'),
		});
		const url = `${cluster.webhookUrl}/webhook/${webhookId}/onebot`;
		const event = (i: number) => groupMessageEvent(SELF_ID, GROUPS[0], 20001, `hook ${i}`, { message_id: 720000 + i, time: Math.floor(Date.now() / 1000) });
		await waitForProductionWebhook(url, async () => (await bot.postEvent(url, event(-1), { secret: 'not-the-secret' })).status);
		// main does not serve it
		assert.equal((await bot.postEvent(`${cluster.api.baseUrl}/webhook/${webhookId}/onebot`, event(-2), { secret: SECRET })).status, 404);

		for (let i = 0; i < 5; i++) {
			assert.equal((await bot.postEvent(url, event(100 + i), { secret: 'wrong' })).status, 401);
			assert.equal((await bot.postEvent(url, event(200 + i), { signatureOverride: null })).status, 401);
		}
		const pushedAt = new Map<number, number>();
		const answers = await Promise.all(
			Array.from({ length: 20 }, async (_, i) => {
				pushedAt.set(720000 + i, Date.now());
				const res = await bot.postEvent(url, event(i), { secret: SECRET });
				// the webhook processor answers with the quick operation at once
				return res.status === 200 && (res.body as { reply?: string } | null)?.reply === 'got it' ? 'answered' : `${res.status} ${res.rawBody}`;
			}),
		);
		assert.deepEqual(answers, Array(20).fill('answered'));
		const executions = await cluster.finishedExecutions(id, 20, 120_000);
		reportTriggerRun('OneBot Webhook Trigger (webhook processor)', executions, pushedAt, (e) => Number(nodeJson(e, 'Trigger')[0].message_id));
		// a refused request never creates an execution (the 401 is answered before one exists)
		assert.equal(cluster.executionCount(id), 20);
		await cluster.api.deactivate(id);
	});
});

/**
 * Checks one execution per event, no duplicates, every one run on a worker (its Set node says where);
 * prints executions/s and event → finished-execution latency.
 */
function reportTriggerRun<K>(label: string, executions: Execution[], pushedAt: Map<K, number>, keyOf: (e: Execution) => K): void {
	assert.equal(executions.length, pushedAt.size);
	assert.deepEqual(executions.map((e) => e.status).filter((s) => s !== 'success'), []);
	const keys = executions.map(keyOf);
	assert.equal(new Set(keys).size, keys.length, 'an event started two executions');
	for (const key of keys) assert.ok(pushedAt.has(key), `an execution for an event never sent: ${String(key)}`);
	const where = executions.map((e) => String(nodeJson(e, 'Where')[0].ranOn));
	const counts = WORKERS.map((w) => where.filter((x) => x === w).length);
	assert.deepEqual(where.filter((w) => !WORKERS.includes(w)), [], 'executions that ran elsewhere than on a worker');
	if (executions.length >= 20) assert.ok(counts.every((c) => c > 0), `executions per worker: ${counts.join(' / ')}`);
	assert.equal(
		executions.every((e) => e.mode === 'trigger' || e.mode === 'webhook'),
		true,
	);
	const latencies = executions.map((e) => stoppedAt(e) - pushedAt.get(keyOf(e))!);
	const first = Math.min(...pushedAt.values());
	const last = Math.max(...executions.map(stoppedAt));
	figure(
		`${label}: ${executions.length} events → ${executions.length} executions in ${((last - first) / 1000).toFixed(1)} s (${(executions.length / ((last - first) / 1000)).toFixed(1)} executions/s, per worker ${counts.join(' / ')}); event → finished execution ${describeSpread(latencies)}`,
	);
}
