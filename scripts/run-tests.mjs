#!/usr/bin/env node
// Runs every unit/integration test file (test/**/*.test.ts, except test/e2e) with Node's test runner.
// Usage: npm test [-- <filter substring>...]
//
// Works on its own in a fresh clone: when node_modules is missing or does not match package-lock.json
// (npm's own record, node_modules/.package-lock.json), it runs `npm ci` first. Plain Node, no dependencies.
// ONEBOT_TEST_SKIP_INSTALL=1 skips that check.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

import { ensureDependencies } from './dependencies.mjs';

const root = join(import.meta.dirname, '..');
const filters = process.argv.slice(2);

if (process.env.ONEBOT_TEST_SKIP_INSTALL !== '1') ensureDependencies(root, '[test]', 'the tests need the dev dependencies');

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
