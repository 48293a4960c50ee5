import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..');

function check(script: string): { status: number | null; stderr: string } {
	const result = spawnSync(process.execPath, [join(root, 'scripts', script), '--check'], { cwd: root, encoding: 'utf8' });
	return { status: result.status, stderr: result.stderr };
}

test('the Heychat operation tables in docs/heychat.md match the catalog', () => {
	const { status, stderr } = check('generate-heychat-docs.mjs');
	assert.equal(status, 0, stderr);
});

test('README.md is assembled from docs/ and lists every catalog operation', () => {
	const { status, stderr } = check('generate-docs.mjs');
	assert.equal(status, 0, stderr);
});
