import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { OneBotTrigger } from './trigger/nodes';

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

test('the counts the guides give match what the nodes offer', () => {
	const read = (file: string) => readFileSync(join(root, file), 'utf8');
	const oneBot = JSON.parse(read('nodes/OneBot/catalog/actions.json')) as { operations: unknown[]; resources: unknown[] };
	const heychat = JSON.parse(read('nodes/Heychat/catalog/endpoints.json')) as { operations: unknown[] } | unknown[];
	const heychatCount = (Array.isArray(heychat) ? heychat : heychat.operations).length;
	const triggerActions = new OneBotTrigger().description.properties.find((p) => p.name === 'events')?.options?.length;
	const expected: Array<[string, RegExp, number | undefined]> = [
		['docs/readme/en-intro.md', /any of the (\d+) OneBot actions/, oneBot.operations.length],
		['docs/readme/en-intro.md', /every one of the (\d+) Heychat bot endpoints/, heychatCount],
		['docs/readme/en-onebot.md', /(\d+) operations in \d+ resources/, oneBot.operations.length],
		['docs/readme/en-onebot.md', /\d+ operations in (\d+) resources/, oneBot.resources.length],
		['docs/readme/zh-onebot.md', /(\d+) 个资源下/, oneBot.resources.length],
		['docs/readme/zh-onebot.md', /共 (\d+) 个操作/, oneBot.operations.length],
		// n8n's node creator lists every option of the Events field as a trigger action
		['docs/readme/en-examples.md', /\*On friend\s+request\*: (\d+) of them/, triggerActions],
		['docs/readme/zh-examples.md', /共 (\d+) 个/, triggerActions],
	];
	for (const [file, pattern, count] of expected) {
		const match = pattern.exec(read(file));
		assert.ok(match, `${file}: ${pattern} not found`);
		assert.equal(Number(match[1]), count, `${file}: ${match[0]}`);
	}
});
