#!/usr/bin/env node
// Runs every unit/integration test file (test/**/*.test.ts, except test/e2e) with Node's test runner.
// Usage: npm test [-- <filter substring>...]
//
// Works on its own in a fresh clone: when node_modules is missing or does not match package-lock.json
// (npm's own record, node_modules/.package-lock.json), it runs `npm ci` first. Plain Node, no dependencies.
// ONEBOT_TEST_SKIP_INSTALL=1 skips that check.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const filters = process.argv.slice(2);

/** Why node_modules must be (re)installed, or undefined when it matches package-lock.json. */
function staleReason(dir) {
	const hiddenLock = join(dir, 'node_modules', '.package-lock.json');
	if (!existsSync(join(dir, 'node_modules'))) return 'node_modules is missing';
	// npm ci / npm install record what they installed in node_modules/.package-lock.json
	if (!existsSync(hiddenLock)) return 'node_modules was not installed by npm (no node_modules/.package-lock.json)';
	const wanted = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages ?? {};
	const installed = JSON.parse(readFileSync(hiddenLock, 'utf8')).packages ?? {};
	for (const [path, entry] of Object.entries(wanted)) {
		// optional packages for other platforms are legitimately absent
		if (path === '' || entry.optional || entry.link) continue;
		if (installed[path]?.version !== entry.version) {
			return `${path.replace(/^node_modules\//, '')}@${entry.version} is not installed (package-lock.json changed)`;
		}
	}
	return undefined;
}

function ensureDependencies() {
	const reason = staleReason(root);
	if (!reason) return;
	console.error(`[test] ${reason}: running npm ci`);
	// npm_execpath is npm itself when this runs as `npm test`; otherwise npm from PATH
	const npmCli = process.env.npm_execpath;
	const [cmd, args] = npmCli && /npm-cli\.js$/.test(npmCli)
		? [process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund']]
		: ['npm', ['ci', '--no-audit', '--no-fund']];
	// npm_config_yes: a dev dependency runs `npx only-allow pnpm` at install, which must not prompt
	const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, npm_config_yes: 'true' } });
	if (res.status !== 0) {
		console.error(`[test] npm ci failed (${res.status ?? res.signal}); the tests need the dev dependencies`);
		process.exit(res.status ?? 1);
	}
}

if (process.env.ONEBOT_TEST_SKIP_INSTALL !== '1') ensureDependencies();

function collect(dir) {
	const out = [];
	for (const entry of readdirSync(dir)) {
		const full = join(dir, entry);
		if (statSync(full).isDirectory()) {
			if (entry !== 'e2e' && entry !== 'node_modules') out.push(...collect(full));
		} else if (entry.endsWith('.test.ts')) out.push(relative(root, full));
	}
	return out;
}

const files = collect(join(root, 'test'))
	.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
	.sort();
if (files.length === 0) {
	console.error('no test files matched');
	process.exit(1);
}
const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
	{ cwd: root, stdio: 'inherit', env: { ...process.env, N8N_RUNNERS_ENABLED: 'false' } },
);
process.exit(result.status ?? 1);
