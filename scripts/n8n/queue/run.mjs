#!/usr/bin/env node
// `npm run test:e2e:queue`: the package inside n8n 2.8.4 in queue mode (main + 2 workers + a webhook
// processor, PostgreSQL, Redis). Installs n8n into the cache if needed (install-n8n.sh), builds and packs
// the package once (pack.sh), prepares a template user folder with the package installed like the
// Community Nodes installer (prepare.sh), starts throwaway Redis and PostgreSQL servers
// (queue/services.sh, apt-get installs them when missing), runs test/e2e-queue/*.e2e.ts one file at a
// time, and stops everything it started (also on failure, Ctrl+C or SIGTERM): the servers, and any n8n
// process group a test file left behind (each test records its n8n pids in a folder this runner owns).
//
// Usage: npm run test:e2e:queue [-- <filter substring>...]
// Env: N8N_SKIP_BUILD=1 (pack dist/ as it is), N8N_E2E_KEEP=1 (keep user folders and n8n logs).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..', '..', '..');
const n8nScripts = join(import.meta.dirname, '..');
const filters = process.argv.slice(2);

function step(script, args, env = {}) {
	const started = performance.now();
	const res = spawnSync('bash', [script, ...args], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
		env: { ...process.env, ...env },
	});
	if (res.status !== 0) throw new Error(`${relative(root, script)} failed (${res.status ?? res.signal})`);
	console.error(`[e2e:queue] ${relative(root, script)} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return res.stdout.trim().split('\n').pop();
}

const suiteDir = join(root, 'test', 'e2e-queue');
const files = readdirSync(suiteDir)
	.filter((f) => f.endsWith('.e2e.ts'))
	.map((f) => relative(root, join(suiteDir, f)))
	.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
	.sort();
if (files.length === 0) {
	console.error('no queue e2e test files matched');
	process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'n8n-e2e-queue-'));
const servicesDir = join(work, 'services');
const pidsDir = join(work, 'pids');
mkdirSync(pidsDir);
let child;
let cleaned = false;

/** Kills the n8n process groups a test file left behind, stops Redis and PostgreSQL, removes the work folder. */
function cleanup() {
	if (cleaned) return;
	cleaned = true;
	if (child && child.exitCode === null) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
	for (const f of existsSync(pidsDir) ? readdirSync(pidsDir) : []) {
		const pid = Number(readFileSync(join(pidsDir, f), 'utf8'));
		if (pid > 0) {
			try {
				process.kill(-pid, 'SIGKILL');
				console.error(`[e2e:queue] killed the leftover n8n process group ${pid} (${f})`);
			} catch {
				/* gone */
			}
		}
	}
	spawnSync('bash', [join(import.meta.dirname, 'services.sh'), 'stop', servicesDir], { stdio: ['ignore', 'ignore', 'inherit'] });
	if (process.env.N8N_E2E_KEEP !== '1') rmSync(work, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		cleanup();
		process.exit(130);
	});
}

let status = 1;
try {
	const n8nDir = step(join(n8nScripts, 'install-n8n.sh'), []);
	const tarball = step(join(n8nScripts, 'pack.sh'), [join(work, 'pack')]);
	const template = join(work, 'template');
	step(join(n8nScripts, 'prepare.sh'), [template], { N8N_PACKAGE_TARBALL: tarball });
	const servicesEnv = step(join(import.meta.dirname, 'services.sh'), ['start', servicesDir]);

	// the test files run in their own process group, so that nothing they start outlives this runner
	child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
		cwd: root,
		stdio: 'inherit',
		detached: true,
		env: {
			...process.env,
			N8N_E2E_N8N_BIN: join(n8nDir, 'node_modules', '.bin', 'n8n'),
			N8N_E2E_TEMPLATE: template,
			N8N_QUEUE_SERVICES: servicesEnv,
			N8N_QUEUE_PIDS_DIR: pidsDir,
		},
	});
	status = await new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 1))));
} catch (error) {
	console.error(`[e2e:queue] ${error.message}`);
	status = 1;
} finally {
	cleanup();
}
process.exit(status);
