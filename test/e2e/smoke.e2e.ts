/**
 * Smoke test: the packed package, installed like the Community Nodes installer does, loads in a real
 * n8n. Every node and credential type that package.json `n8n` declares is known to the running n8n
 * under `<package>.<nodeName>` (plus `<nodeName>Tool` for nodes usable as AI tools), its icon is
 * served, Settings > Community nodes lists the package, and the CLI (`n8n import:workflow` +
 * `n8n execute`) resolves the action nodes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { nodeError, prepareN8n, readPackageInfo, type N8nInstance, type N8nServer } from './support/n8n';

const pkg = readPackageInfo();

describe(`real n8n loads ${pkg.name}`, () => {
	let n8n: N8nInstance;
	let server: N8nServer | undefined;

	before(async () => {
		n8n = await prepareN8n();
	});

	after(async () => {
		await n8n?.cleanup();
	});

	it('the running n8n knows every declared node type and credential type', async (t) => {
		server = await n8n.start();
		await server.setupOwner();

		const nodeTypes = await server.nodeTypes();
		const known = new Map(nodeTypes.map((n) => [n.name, n]));
		assert.ok(known.has('n8n-nodes-base.manualTrigger'), 'n8n itself should list its own nodes');

		const ours = nodeTypes.filter((n) => n.name.startsWith(`${pkg.name}.`)).map((n) => n.name);
		if (pkg.nodeTypes.length === 0) {
			t.diagnostic(`package.json declares no nodes yet; n8n lists ${ours.length} of ours`);
		}
		for (const type of [...pkg.nodeTypes, ...pkg.toolNodeTypes]) {
			assert.ok(known.has(type), `n8n does not know ${type}; it lists: ${ours.join(', ') || 'none of ours'}`);
		}
		assert.deepEqual(
			[...ours].sort(),
			[...new Set([...pkg.nodeTypes, ...pkg.toolNodeTypes])].sort(),
			'n8n lists exactly the declared nodes (and the AI-tool variants of those with usableAsTool)',
		);
		// no `CUSTOM.` copies: types must carry the package name as after a real install
		assert.equal(nodeTypes.filter((n) => n.name.startsWith('CUSTOM.')).length, 0);

		// icons resolve (the editor shows them instead of a placeholder)
		for (const type of pkg.nodeTypes) {
			const desc = known.get(type) as { iconUrl?: string | { light: string; dark: string } };
			const urls = typeof desc.iconUrl === 'string' ? [desc.iconUrl] : desc.iconUrl ? [desc.iconUrl.light, desc.iconUrl.dark] : [];
			for (const url of urls) {
				const res: Response = await fetch(`${server.baseUrl}/${url.replace(/^\//, '')}`);
				assert.equal(res.status, 200, `${type}: icon ${url} -> ${res.status}`);
			}
		}

		const credentialTypes = new Set((await server.credentialTypes()).map((c) => c.name));
		for (const type of pkg.credentialTypes) {
			assert.ok(credentialTypes.has(type), `n8n does not know credential type ${type}`);
		}

		// recorded like an install from Settings > Community nodes
		const packages = (await server.rest<Array<{ packageName: string; installedVersion: string; installedNodes: Array<{ type: string }> }>>('GET', '/rest/community-packages')).data;
		const mine = packages.find((p) => p.packageName === pkg.name);
		if (pkg.nodeTypes.length > 0) {
			assert.ok(mine, `Settings > Community nodes does not list ${pkg.name}: ${JSON.stringify(packages)}`);
			assert.equal(mine.installedVersion, pkg.version);
			assert.deepEqual(mine.installedNodes.map((n) => n.type).sort(), [...new Set(pkg.nodeTypes)].sort());
		}

		await server.stop();
		assert.equal(server.running, false);
		assert.doesNotMatch(server.log, /is already loaded|Cannot find module|Unrecognized node type/);
	});

	it('`n8n execute` resolves every action node that needs credentials (fails on the missing credential, not on the type)', async () => {
		const candidates = pkg.nodeTypes.filter((type) => {
			const d = describeNode(type);
			return d && !d.group.includes('trigger') && d.credentials.some((c) => c.required);
		});
		assert.deepEqual(candidates.map((type) => type.slice(pkg.name.length + 1)).sort(), ['heychat', 'oneBot']);
		for (const type of candidates) {
			const d = describeNode(type)!;
			const name = 'Package node';
			const id = await n8n.importWorkflow({
				name: `smoke ${type}`,
				nodes: [
					{ id: 'm1', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ id: 'p1', name, type, typeVersion: d.version, position: [220, 0], parameters: NO_REQUIRED_FIELDS[type.slice(pkg.name.length + 1)] ?? {} },
				],
				connections: { Manual: { main: [[{ node: name, type: 'main', index: 0 }]] } },
			});
			const res = await n8n.execute(id);
			const output = res.stdout + res.stderr;
			assert.doesNotMatch(output, /Unrecognized node type|is not known|Unknown node type/, `${type}:\n${output.slice(-3000)}`);
			assert.ok(res.run, `${type}: n8n printed no execution:\n${output.slice(-3000)}`);
			assert.ok(res.run.data?.resultData?.runData?.[name], `${type}: the node did not run:\n${output.slice(-3000)}`);
			const err = nodeError(res.run, name);
			assert.ok(err, `${type}: expected it to stop on the missing credential`);
			assert.match(String(err.message), /credential/i, `${type}: ${err.message}`);
		}
	});
});

/**
 * An operation without required fields per node, so n8n's pre-run parameter check passes and the
 * node itself runs (and stops on the missing credential). Nodes not listed run with their defaults.
 */
const NO_REQUIRED_FIELDS: Record<string, Record<string, unknown>> = {
	oneBot: { resource: 'account', operation: 'get_login_info' },
	heychat: { resource: 'room', operation: 'list_joined_rooms' },
};

interface NodeDescriptionLite {
	group: string[];
	version: number;
	credentials: Array<{ name: string; required?: boolean }>;
}

/** The built node's description (latest version), read from dist/. */
function describeNode(type: string): NodeDescriptionLite | undefined {
	const nodeName = type.slice(pkg.name.length + 1);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pj = require('../../package.json') as { n8n?: { nodes?: string[] } };
	for (const file of pj.n8n?.nodes ?? []) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(`../../${file}`) as Record<string, new () => { description: Record<string, unknown>; nodeVersions?: Record<number, { description: Record<string, unknown> }> }>;
		for (const Cls of Object.values(mod)) {
			if (typeof Cls !== 'function') continue;
			const inst = new Cls();
			if (inst.description?.name !== nodeName) continue;
			let desc = inst.description;
			if (inst.nodeVersions) {
				const latest = Math.max(...Object.keys(inst.nodeVersions).map(Number));
				desc = { ...inst.nodeVersions[latest].description, version: latest };
			}
			const version = Array.isArray(desc.version) ? Math.max(...(desc.version as number[])) : (desc.version as number);
			return {
				group: (desc.group as string[]) ?? [],
				version,
				credentials: (desc.credentials as NodeDescriptionLite['credentials']) ?? [],
			};
		}
	}
	return undefined;
}
