/**
 * scripts/n8n/sandbox.mjs, the parts `npm run n8n` binds with: every example either has a "(sandbox)" copy or
 * is left out on purpose; a copy differs from its example only in id, name, its note and the credentials (all
 * bound to "Sandbox OneBot" / "Sandbox Heychat"); the credential data names fields the credential types declare,
 * with values they accept. (The whole start, with n8n and the page, is test/e2e/sandbox.e2e.ts.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { HeychatBotApi } from '../../credentials/HeychatBotApi.credentials';
import { OneBotV11Api } from '../../credentials/OneBotV11Api.credentials';

interface Node {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}
interface Workflow {
	id: string;
	name: string;
	active?: boolean;
	nodes: Node[];
	connections: unknown;
}
interface SandboxModule {
	SANDBOX_CREDENTIALS: Record<string, { id: string; name: string }>;
	SANDBOX_EXAMPLES: Record<string, string>;
	sandboxCopy(example: Workflow, id: string): Workflow;
	sandboxCredentials(
		urls: Record<string, string>,
		config: { onebotToken: string; heychatToken: string },
	): Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>;
}

const examplesDir = join(__dirname, '..', '..', 'examples');
/** Examples without a sandbox copy, and why. */
const LEFT_OUT: Record<string, string> = {
	'ai-agent-onebot-heychat-tools.json': 'needs an OpenAI credential',
};

let sandbox: SandboxModule;
const examples = readdirSync(examplesDir)
	.filter((f) => f.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Workflow }));

before(async () => {
	const path = join(__dirname, '..', '..', 'scripts', 'n8n', 'sandbox.mjs');
	sandbox = (await import(path)) as SandboxModule;
});

test('every example has a (sandbox) copy or is left out with a reason', () => {
	for (const { file } of examples) {
		assert.ok(file in sandbox.SANDBOX_EXAMPLES !== file in LEFT_OUT, `${file}: add it to SANDBOX_EXAMPLES in scripts/n8n/sandbox.mjs, or to LEFT_OUT here`);
	}
	for (const file of Object.keys(sandbox.SANDBOX_EXAMPLES)) assert.ok(examples.some((e) => e.file === file), `${file} is not in examples/`);
	const ids = Object.values(sandbox.SANDBOX_EXAMPLES);
	assert.equal(new Set(ids).size, ids.length);
	for (const id of ids) {
		assert.match(id, /^[A-Za-z0-9]{16}$/, 'an id like the ones n8n gives');
		assert.ok(!examples.some((e) => e.workflow.id === id), `${id} is an example's id`);
	}
});

test('a copy is its example bound to the Sandbox credentials, under its own id and name', () => {
	for (const [file, id] of Object.entries(sandbox.SANDBOX_EXAMPLES)) {
		const example = examples.find((e) => e.file === file)!.workflow;
		const original = structuredClone(example);
		const copy = sandbox.sandboxCopy(example, id);
		assert.deepEqual(example, original, 'the example itself is not changed');
		assert.equal(copy.id, id);
		assert.equal(copy.name, `${example.name} (sandbox)`);
		assert.equal(copy.active, false);
		assert.deepEqual(copy.connections, example.connections);
		assert.deepEqual(
			copy.nodes.map((n) => [n.name, n.type]),
			example.nodes.map((n) => [n.name, n.type]),
		);
		let refs = 0;
		for (const [i, node] of copy.nodes.entries()) {
			const from = example.nodes[i];
			if (node.type === 'n8n-nodes-base.stickyNote') {
				assert.ok(String(node.parameters.content).startsWith('**Sandbox copy**'), `${file}: the note says what it is`);
				assert.ok(String(node.parameters.content).endsWith(String(from.parameters.content)));
			} else {
				assert.deepEqual(node.parameters, from.parameters, `${file} › ${node.name}: parameters unchanged`);
			}
			assert.deepEqual(Object.keys(node.credentials ?? {}), Object.keys(from.credentials ?? {}));
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				assert.deepEqual(ref, sandbox.SANDBOX_CREDENTIALS[type], `${file} › ${node.name} › ${type}`);
				refs++;
			}
		}
		assert.ok(refs > 0, `${file} uses no credential`);
	}
});

test('the credential data fits the credential types', () => {
	const urls = {
		page: 'http://127.0.0.1:5690',
		feed: 'ws://127.0.0.1:5690/feed',
		onebotHttp: 'http://127.0.0.1:5691',
		onebotWs: 'ws://127.0.0.1:5691',
		heychatApi: 'http://127.0.0.1:5692',
		heychatUpload: 'http://127.0.0.1:5692',
		heychatGateway: 'ws://127.0.0.1:5692/chatroom/ws/connect',
	};
	const records = sandbox.sandboxCredentials(urls, { onebotToken: 'ob-token', heychatToken: 'hc-token' });
	const types: Record<string, ICredentialType> = { oneBotV11Api: new OneBotV11Api(), heychatBotApi: new HeychatBotApi() };
	assert.deepEqual(records.map((r) => [r.type, r.id, r.name]), [
		['oneBotV11Api', 'SandboxOneBot001', 'Sandbox OneBot'],
		['heychatBotApi', 'SandboxHeychat01', 'Sandbox Heychat'],
	]);
	for (const record of records) {
		const properties = new Map<string, INodeProperties>(types[record.type].properties.map((p) => [p.name, p]));
		for (const [field, value] of Object.entries(record.data)) {
			const property = properties.get(field);
			assert.ok(property, `${record.type} has no field ${field}`);
			if (property.options) {
				assert.ok(property.options.some((o) => 'value' in o && o.value === value), `${record.type}.${field}: ${String(value)} is not an option`);
			}
		}
	}
	const [oneBot, heychat] = records;
	assert.equal(oneBot.data.httpUrl, urls.onebotHttp);
	assert.equal(oneBot.data.wsUrl, urls.onebotWs);
	assert.equal(oneBot.data.accessToken, 'ob-token');
	assert.equal(heychat.data.token, 'hc-token');
	assert.equal(heychat.data.apiBaseUrl, urls.heychatApi);
	assert.equal(heychat.data.uploadUrl, urls.heychatUpload);
	assert.equal(heychat.data.gatewayUrl, urls.heychatGateway);
});
