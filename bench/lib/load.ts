/**
 * The package as n8n loads it: a fresh Node process requires n8n-workflow (n8n has it loaded
 * already), then every node and credential file listed in package.json from dist/, timing only
 * the package's own files, and reports each node description's JSON size.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoadFigures {
	loadMs: number;
	descriptions: Array<{ name: string; kb: number; properties: number }>;
}

const ROOT = join(__dirname, '..', '..');

const CHILD = `
const { performance } = require('node:perf_hooks');
require('n8n-workflow');
const pkg = require('./package.json');
const started = performance.now();
const modules = [...pkg.n8n.credentials, ...pkg.n8n.nodes].map((f) => require('./' + f));
const loadMs = performance.now() - started;
const descriptions = [];
for (const [i, mod] of modules.entries()) {
	if (i < pkg.n8n.credentials.length) continue;
	for (const Cls of Object.values(mod)) {
		const d = new Cls().description;
		descriptions.push({ name: d.displayName, kb: JSON.stringify(d).length / 1024, properties: d.properties.length });
	}
}
process.stdout.write(JSON.stringify({ loadMs, descriptions }));
`;

/** undefined when dist/ is missing (run `npm run build`). */
export function loadFigures(): LoadFigures | undefined {
	if (!existsSync(join(ROOT, 'dist', 'nodes'))) return undefined;
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	if (!pkg.n8n.nodes.every((f) => existsSync(join(ROOT, f)))) return undefined;
	const runs: LoadFigures[] = [];
	for (let i = 0; i < 5; i++) {
		const child = spawnSync(process.execPath, ['-e', CHILD], { cwd: ROOT, encoding: 'utf8' });
		if (child.status !== 0) throw new Error(`loading the package failed: ${child.stderr}`);
		runs.push(JSON.parse(child.stdout) as LoadFigures);
	}
	runs.sort((a, b) => a.loadMs - b.loadMs);
	return runs[Math.floor(runs.length / 2)];
}
