#!/usr/bin/env node
// Installs the dependencies (`npm ci`) when node_modules is missing or does not match package-lock.json
// (npm's own record of what it installed, node_modules/.package-lock.json). Used by `npm test`
// (scripts/run-tests.mjs) and `npm run n8n` (scripts/n8n/pack.sh), so both work on their own in a fresh
// clone and after a change of package-lock.json. Plain Node, no dependencies.
//
//   node scripts/dependencies.mjs    exit 0: node_modules matches (or was just installed); else npm ci's code
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Why node_modules must be (re)installed, or undefined when it matches package-lock.json. */
export function staleReason(dir) {
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

/** Runs `npm ci` in `dir` when node_modules is stale; exits the process when that fails. */
export function ensureDependencies(dir, tag, need) {
	const reason = staleReason(dir);
	if (!reason) return;
	console.error(`${tag} ${reason}: running npm ci`);
	// npm_execpath is npm itself when this runs under npm (npm test, npm run n8n); otherwise npm from PATH
	const npmCli = process.env.npm_execpath;
	const [cmd, args] = npmCli && /npm-cli\.js$/.test(npmCli)
		? [process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund']]
		: ['npm', ['ci', '--no-audit', '--no-fund']];
	// npm_config_yes: a dev dependency runs `npx only-allow pnpm` at install, which must not prompt
	const res = spawnSync(cmd, args, { cwd: dir, stdio: 'inherit', env: { ...process.env, npm_config_yes: 'true' } });
	if (res.status !== 0) {
		console.error(`${tag} npm ci failed (${res.status ?? res.signal}); ${need}`);
		process.exit(res.status ?? 1);
	}
}

// run as a script (not imported): the path node was given is this file
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(import.meta.filename)) {
	ensureDependencies(join(import.meta.dirname, '..'), '[deps]', 'the build needs the dev dependencies');
}
