/**
 * Checks the e2e harness itself against the real n8n with n8n's own nodes only, so a failure here
 * points at the harness or the n8n install, not at this package's nodes: CLI import + execute with
 * output parsing (success and failure), publish before start, activation and deactivation through
 * the public API while running, and reading executions with their data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { nodeOutput, prepareN8n, type N8nInstance } from './support/n8n';

const manual = { id: 'm1', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function setNode(name: string, value: string) {
	return {
		id: `s-${name}`,
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [220, 0],
		parameters: {
			mode: 'manual',
			assignments: { assignments: [{ id: 'a1', name: 'greeting', value, type: 'string' }] },
			options: {},
		},
	};
}

function everySecond(name: string) {
	return {
		id: `t-${name}`,
		name,
		type: 'n8n-nodes-base.scheduleTrigger',
		typeVersion: 1.2,
		position: [0, 0],
		parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 1 }] } },
	};
}

describe('e2e harness on real n8n (n8n nodes only)', () => {
	let n8n: N8nInstance;

	before(async () => {
		n8n = await prepareN8n();
	});
	after(async () => {
		await n8n?.cleanup();
	});

	it('imports and executes a workflow, parsing the execution', async () => {
		const id = await n8n.importWorkflow({
			name: 'harness ok',
			nodes: [manual, setNode('Set', 'hello')],
			connections: { Manual: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
		});
		const res = await n8n.execute(id);
		assert.ok(res.ok, res.stdout + res.stderr);
		assert.deepEqual(
			nodeOutput(res.run!, 'Set').map((i) => i.json),
			[{ greeting: 'hello' }],
		);
	});

	it('reports a failed execution with the node error', async () => {
		const id = await n8n.importWorkflow({
			name: 'harness fail',
			nodes: [
				manual,
				{
					id: 'x1',
					name: 'Stop',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [220, 0],
					parameters: { errorMessage: 'stopped on purpose' },
				},
			],
			connections: { Manual: { main: [[{ node: 'Stop', type: 'main', index: 0 }]] } },
		});
		const res = await n8n.execute(id);
		assert.equal(res.ok, false);
		assert.notEqual(res.code, 0);
		assert.match(String(res.run?.data?.resultData?.error?.message), /stopped on purpose/);
	});

	it('runs published and API-activated triggers, reads executions, deactivates', async () => {
		const published = await n8n.importWorkflow({
			name: 'harness published schedule',
			nodes: [everySecond('Tick'), { ...setNode('Set', 'tick'), position: [220, 0] }],
			connections: { Tick: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
		});
		const later = await n8n.importWorkflow({
			name: 'harness activated schedule',
			nodes: [everySecond('Tock'), { ...setNode('Set', 'tock'), position: [220, 0] }],
			connections: { Tock: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
		});
		await n8n.publish(published);

		const server = await n8n.start();
		await server.setupOwner();
		await server.createApiKey();

		const first = await server.waitForExecutions(published, 2, 20_000);
		assert.equal(first[0].status, 'success');
		assert.deepEqual(nodeOutput(first[0], 'Set').map((i) => i.json), [{ greeting: 'tick' }]);

		assert.equal((await server.executions(later)).length, 0, 'not active yet');
		await server.activate(later);
		const runs = await server.waitForExecutions(later, 1, 20_000);
		assert.equal(runs[0].mode, 'trigger');
		await server.deactivate(later);
		await server.deactivate(published);
		// let an execution that was already starting finish, then nothing more may come
		await new Promise((r) => setTimeout(r, 1500));
		const settledLater = (await server.executions(later)).length;
		const settledPublished = (await server.executions(published)).length;
		await new Promise((r) => setTimeout(r, 2500));
		assert.equal((await server.executions(later)).length, settledLater, 'no executions after deactivation');
		assert.equal((await server.executions(published)).length, settledPublished, 'no executions after deactivation');

		await server.stop();
		assert.equal(server.running, false);
	});
});
