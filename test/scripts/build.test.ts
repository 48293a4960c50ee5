/**
 * `npm run build` (package.json "build") writes dist/ as the sources are now: a compiled file whose
 * source was deleted or renamed does not stay behind, to ship in the package (`files: ["dist"]`) and
 * to be loaded by the e2e suite, which installs the packed working copy. Runs the real build script
 * on a copy of the sources in a temporary folder, so the working copy's dist/ is never touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

test('npm run build removes compiled files whose source is gone', () => {
	const dir = mkdtempSync(join(tmpdir(), 'onebot-build-'));
	try {
		for (const entry of ['nodes', 'credentials', 'package.json', 'tsconfig.json', 'gulpfile.js']) {
			cpSync(join(root, entry), join(dir, entry), { recursive: true });
		}
		symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
		// what an earlier build of a since-deleted source left (e.g. actions/handlers/custom.ts)
		const stale = join(dir, 'dist', 'nodes', 'OneBot', 'actions', 'handlers', 'custom.js');
		mkdirSync(join(stale, '..'), { recursive: true });
		writeFileSync(stale, 'module.exports = {};\n');

		const npm = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
		const [cmd, args] = npm ? [process.execPath, [npm, 'run', 'build']] : ['npm', ['run', 'build']];
		const res = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
		assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);

		assert.ok(existsSync(join(dir, 'dist', 'nodes', 'OneBot', 'OneBot.node.js')), 'the nodes are built');
		assert.ok(existsSync(join(dir, 'dist', 'nodes', 'Heychat', 'heychat.svg')), 'the icons are copied');
		assert.equal(existsSync(stale), false, 'the stale file is gone');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
