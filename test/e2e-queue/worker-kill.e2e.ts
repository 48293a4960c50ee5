/**
 * A worker is SIGKILLed in the middle of a 50-group fan-out (n8n 2.8.4 queue mode).
 *
 * What n8n does (observed here, and in its code): the job's Bull lock is no longer renewed; when it
 * expires (QUEUE_WORKER_LOCK_DURATION) the next stalled-job check of a surviving worker
 * (QUEUE_WORKER_STALLED_INTERVAL) finds it. n8n 2.x runs Bull with maxStalledCount 0 (fixed; the old
 * QUEUE_WORKER_MAX_STALLED_COUNT is ignored), so the stalled job is failed, never handed to another worker:
 * main records the execution as failed ("job stalled more than maxStalledCount") and nothing runs it
 * again. The messages sent before the kill arrived once; the rest are never sent. Nothing is sent twice:
 * neither by n8n (no re-run) nor by the package (it never retries a send on its own).
 *
 * The lock settings are shortened for the test (10 s lock, 3 s stalled check; n8n's defaults are 60 s and
 * 30 s), so the outcome shows within seconds.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';

import { FakeOneBot, type OneBotCall } from '../fakes/onebot';
import { type Execution } from '../e2e/support/n8n';
import { QueueCluster } from './support/cluster';
import { chain, figure, node, PKG, waitFor, webhookNode } from './support/workflows';

const TOKEN = 'queue-Access-Token';
const GROUPS = Array.from({ length: 50 }, (_, i) => 400001 + i);
const LOCK_MS = 10_000;
const STALLED_CHECK_MS = 3_000;

let cluster: QueueCluster;
let bot: FakeOneBot;

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN });
	cluster = await QueueCluster.start({
		workers: 2,
		concurrency: 2,
		env: {
			QUEUE_WORKER_LOCK_DURATION: String(LOCK_MS),
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: String(STALLED_CHECK_MS),
		},
	});
});

after(async () => {
	await cluster?.stop();
	await bot?.close();
});

function sends(): OneBotCall[] {
	return bot.callsTo('send_group_msg');
}
const instanceOf = (call: OneBotCall) => /on (\S+)$/.exec(String(call.params.message))?.[1] ?? '?';

it('SIGKILL of the worker in the middle of a fan-out: the execution fails, is never re-run, no message is sent twice', async () => {
	const credId = await cluster.api.createCredential('OneBot kill', 'oneBotV11Api', { ...bot.credentials(), sendRate: 0 });
	const path = `kill-${randomUUID()}`;
	const id = await cluster.api.createWorkflow({
		name: 'queue worker kill',
		nodes: [
			webhookNode(path),
			node(
				'Send',
				`${PKG}.oneBot`,
				{
					resource: 'message',
					operation: 'send_group_msg',
					targetMode: 'list',
					targetIds: GROUPS.join(', '),
					messageFormat: 'text',
					text: "={{ 'kill on ' + $env.E2E_INSTANCE }}",
					options: {},
				},
				{ credentials: { oneBotV11Api: { id: credId, name: 'OneBot kill' } } },
			),
		],
		connections: chain('Webhook', 'Send'),
	});
	await cluster.api.activate(id);
	// a slow backend: 50 sends take 10 s, time enough to kill the worker half-way
	bot.delay('send_group_msg', 200);
	const url = `${cluster.webhookUrl}/webhook/${path}`;
	await waitFor('the production webhook', async () => ((await fetch(url, { method: 'POST' })).status === 200 ? true : undefined), 30_000);

	// the first call started a run: wait until 10 of its messages arrived, then kill the worker running it
	await waitFor('10 messages of the run', () => (sends().length >= 10 ? true : undefined), 60_000, 50);
	const victimName = instanceOf(sends()[0]);
	const victim = cluster.workers.find((w) => w.name === victimName);
	assert.ok(victim, `the run went to ${victimName}`);
	const survivor = cluster.workers.find((w) => w !== victim)!;
	const killedAt = performance.now();
	await victim.kill();
	const sentBeforeKill = sends().length;
	assert.ok(sentBeforeKill < GROUPS.length, 'the fan-out finished before the kill');

	// main learns of the stalled job once the lock expired and the survivor checked: the execution is
	// finished (not running any more), as failed
	const [execution] = await waitFor<Execution[]>(
		'the execution to leave "running"',
		async () => {
			const all = await cluster.api.executions(id);
			return all.length === 1 && !['running', 'new', 'waiting'].includes(all[0].status) ? all : undefined;
		},
		LOCK_MS + 10 * STALLED_CHECK_MS + 30_000,
		500,
	);
	const settledAfter = performance.now() - killedAt;
	const error = String(execution.data?.resultData?.error?.message ?? '');
	assert.equal(execution.status, 'error', `status ${execution.status}: ${error}`);
	assert.match(error, /failed to be processed too many times and will no longer retry/);
	// the queue holds nothing for it any more: no worker will pick it up
	const prefix = cluster.main.env.QUEUE_BULL_PREFIX;
	for (const list of ['wait', 'active', 'delayed']) {
		const key = `${prefix}:jobs:${list}`;
		const n = list === 'delayed' ? cluster.redis('ZCARD', key) : cluster.redis('LLEN', key);
		assert.equal(n, '0', `${key} holds ${n} job(s)`);
	}

	// the killed worker comes back; neither it nor the survivor runs the execution again
	const victimLogBefore = victim.log.length;
	await cluster.restart(victim);
	const startedIt = new RegExp(`Worker started execution ${execution.id} `);
	assert.doesNotMatch(survivor.log, startedIt);
	assert.doesNotMatch(victim.log.slice(victimLogBefore), startedIt);
	// the instance that enqueued the execution (here the webhook processor) recorded the failure
	assert.match(cluster.webhook.log, new RegExp(`job stalled more than maxStalledCount \\(execution ${execution.id}\\)`));
	const all = sends();
	assert.equal(all.length, sentBeforeKill, 'messages arrived after the worker was killed');
	const groups = all.map((c) => Number(c.params.group_id));
	assert.equal(new Set(groups).size, groups.length, 'a group got the message twice');
	assert.deepEqual(groups, GROUPS.slice(0, groups.length), 'sent in list order, none skipped');
	assert.deepEqual([...new Set(all.map(instanceOf))], [victimName]);
	figure(
		`worker SIGKILLed after ${sentBeforeKill} of 50 sends: execution ${execution.status} after ${(settledAfter / 1000).toFixed(1)} s (lock ${LOCK_MS / 1000} s, stalled check ${STALLED_CHECK_MS / 1000} s): "${error}"; not re-run; ${50 - sentBeforeKill} messages never sent, none twice`,
	);
	bot.resetBehaviour();
});
