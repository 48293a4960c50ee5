/**
 * The README's two set-up commands, `npm run n8n` and `npm test`, "install the dependencies (npm ci)
 * when node_modules is missing or does not match package-lock.json". `npm run n8n` packs the package
 * with scripts/n8n/pack.sh: run here in a scratch project whose node_modules holds the build tools
 * but is older than package-lock.json, with an `npm` on PATH that only records how it was called.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

function executable(path: string, text: string): void {
	writeFileSync(path, text);
	chmodSync(path, 0o755);
}

/** A project whose node_modules has tsc and gulp, installed from an older lock file (`installed`). */
function scratchProject(installed: string): { dir: string; npmCalls: () => string[]; env: NodeJS.ProcessEnv } {
	const dir = mkdtempSync(join(tmpdir(), 'onebot-deps-'));
	cpSync(join(root, 'scripts'), join(dir, 'scripts'), { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0' }));
	const lock = (version: string) =>
		JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'scratch' }, 'node_modules/axios': { version } } });
	writeFileSync(join(dir, 'package-lock.json'), lock('1.21.1'));
	mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
	writeFileSync(join(dir, 'node_modules', '.package-lock.json'), lock(installed));
	executable(join(dir, 'node_modules', '.bin', 'tsc'), '#!/bin/sh\nexit 0\n');
	executable(join(dir, 'node_modules', '.bin', 'gulp'), '#!/bin/sh\nexit 0\n');
	// npm: records its arguments, then fails (nothing is installed, built or packed for real)
	const bin = join(dir, 'fake-bin');
	mkdirSync(bin);
	const log = join(dir, 'npm-calls.txt');
	executable(join(bin, 'npm'), `#!/bin/sh\necho "$*" >> '${log}'\nexit 1\n`);
	const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
	delete env.npm_execpath;
	delete env.N8N_SKIP_BUILD;
	const npmCalls = () => {
		try {
			return readFileSync(log, 'utf8').trim().split('\n');
		} catch {
			return [];
		}
	};
	return { dir, npmCalls, env };
}

test('npm run n8n (scripts/n8n/pack.sh) runs npm ci first when node_modules does not match package-lock.json', () => {
	const { dir, npmCalls, env } = scratchProject('1.20.0');
	try {
		spawnSync('bash', [join(dir, 'scripts', 'n8n', 'pack.sh'), join(dir, 'out')], { cwd: dir, env, encoding: 'utf8' });
		assert.match(npmCalls()[0] ?? '', /^ci\b/, `npm was called as: ${npmCalls().join(' | ')}`);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('pack.sh goes straight to the build when node_modules matches package-lock.json', () => {
	const { dir, npmCalls, env } = scratchProject('1.21.1');
	try {
		spawnSync('bash', [join(dir, 'scripts', 'n8n', 'pack.sh'), join(dir, 'out')], { cwd: dir, env, encoding: 'utf8' });
		assert.equal(npmCalls()[0], 'run build');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
