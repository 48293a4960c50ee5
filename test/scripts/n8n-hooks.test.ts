/**
 * scripts/n8n/n8n-hooks.cjs: at publishing, credential references that name no existing credential
 * are resolved by name (one credential of that type and name), in the version being published and
 * in the workflow; anything ambiguous or unknown is left for n8n to report. The repositories here
 * answer like n8n's TypeORM ones (findOneBy / findBy / update), from memory.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

interface Credential {
	id: string;
	name: string;
	type: string;
}

const hooks = createRequire(__filename)(join(__dirname, '..', '..', 'scripts', 'n8n', 'n8n-hooks.cjs')) as {
	workflow: { activate: Array<(this: unknown, workflow: unknown) => Promise<void>> };
};

function context(credentials: Credential[]) {
	const updates: Array<{ target: string; where: unknown; set: unknown }> = [];
	const matches = (c: Credential, where: Partial<Credential>) => Object.entries(where).every(([k, v]) => c[k as keyof Credential] === v);
	return {
		updates,
		dbCollections: {
			Credentials: {
				findOneBy: async (where: Partial<Credential>) => credentials.find((c) => matches(c, where)) ?? null,
				findBy: async (where: Partial<Credential>) => credentials.filter((c) => matches(c, where)),
			},
			Workflow: {
				update: async (where: unknown, set: unknown) => void updates.push({ target: 'Workflow', where, set }),
				manager: { update: async (target: string, where: unknown, set: unknown) => void updates.push({ target, where, set }) },
			},
		},
	};
}

const node = (credentials: Record<string, unknown>) => ({ name: 'n', type: 't', credentials });

test('a placeholder id is pointed at the one credential of that type and name, in the version and the workflow', async () => {
	const ctx = context([
		{ id: 'abc123', name: 'OneBot account', type: 'oneBotV11Api' },
		{ id: 'zzz999', name: 'Heychat Bot account', type: 'heychatBotApi' },
	]);
	const nodes = [node({ oneBotV11Api: { id: 'REPLACE_ONEBOT', name: 'OneBot account' } }), node({ heychatBotApi: { id: null, name: 'Heychat Bot account' } })];
	const workflow = { id: 'wf', versionId: 'v1', activeVersion: { versionId: 'v1', nodes } };
	await hooks.workflow.activate[0].call(ctx, workflow);
	assert.deepEqual(nodes[0].credentials, { oneBotV11Api: { id: 'abc123', name: 'OneBot account' } });
	assert.deepEqual(nodes[1].credentials, { heychatBotApi: { id: 'zzz999', name: 'Heychat Bot account' } });
	assert.deepEqual(
		ctx.updates.map((u) => [u.target, u.where]),
		[
			['WorkflowHistory', { versionId: 'v1' }],
			['Workflow', { id: 'wf' }],
		],
	);
});

test('existing ids, two credentials with the same name, and unknown names are left alone; nothing is written', async () => {
	const ctx = context([
		{ id: 'real', name: 'Mine', type: 'oneBotV11Api' },
		{ id: 'a', name: 'Twice', type: 'heychatBotApi' },
		{ id: 'b', name: 'Twice', type: 'heychatBotApi' },
	]);
	const nodes = [
		node({ oneBotV11Api: { id: 'real', name: 'Renamed since' } }),
		node({ heychatBotApi: { id: 'REPLACE_HEYCHAT', name: 'Twice' } }),
		node({ openAiApi: { id: 'REPLACE_OPENAI', name: 'OpenAi account' } }),
	];
	const before = structuredClone(nodes);
	await hooks.workflow.activate[0].call(ctx, { id: 'wf', versionId: 'v2', activeVersion: { versionId: 'v1', nodes } });
	assert.deepEqual(nodes, before);
	assert.deepEqual(ctx.updates, []);
});

test('a name that differs only in case (n8n 2.41 names it "OpenAI account", 2.8 "OpenAi account") resolves when it is the only one', async () => {
	const ctx = context([
		{ id: 'ai1', name: 'OpenAI account', type: 'openAiApi' },
		{ id: 'x', name: 'OPENAI ACCOUNT', type: 'otherApi' },
	]);
	const nodes = [node({ openAiApi: { id: 'REPLACE_OPENAI', name: 'OpenAi account' } })];
	await hooks.workflow.activate[0].call(ctx, { id: 'wf', versionId: 'v1', activeVersion: { versionId: 'v1', nodes } });
	assert.deepEqual(nodes[0].credentials, { openAiApi: { id: 'ai1', name: 'OpenAI account' } });
	// two of them, differing only in case: ambiguous, left alone
	const two = context([
		{ id: 'a', name: 'OpenAI account', type: 'openAiApi' },
		{ id: 'b', name: 'openai account', type: 'openAiApi' },
	]);
	const left = [node({ openAiApi: { id: 'REPLACE_OPENAI', name: 'OpenAi account' } })];
	await hooks.workflow.activate[0].call(two, { id: 'wf', versionId: 'v1', activeVersion: { versionId: 'v1', nodes: left } });
	assert.deepEqual(left[0].credentials, { openAiApi: { id: 'REPLACE_OPENAI', name: 'OpenAi account' } });
});

test('a published version that is not the draft: only the version is rewritten', async () => {
	const ctx = context([{ id: 'abc123', name: 'OneBot account', type: 'oneBotV11Api' }]);
	const nodes = [node({ oneBotV11Api: { id: 'REPLACE_ONEBOT', name: 'OneBot account' } })];
	await hooks.workflow.activate[0].call(ctx, { id: 'wf', versionId: 'v2', activeVersion: { versionId: 'v1', nodes } });
	assert.deepEqual(ctx.updates.map((u) => u.target), ['WorkflowHistory']);
});
