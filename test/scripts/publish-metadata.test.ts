/**
 * scripts/check-publish-metadata.cjs (package.json "prepublishOnly"): `npm publish` is refused while
 * the author has no e-mail (n8n's community-package scanner rule @n8n/community-nodes/valid-author
 * wants a non-empty name and e-mail) or a field holds a placeholder; the repository itself ships
 * without an invented address, so the check refuses it as it is.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'check-publish-metadata.cjs');
const { publishMetadataProblems } = createRequire(__filename)(script) as {
	publishMetadataProblems: (pkg: Record<string, unknown>) => string[];
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts: Record<string, string> };

test('npm publish runs the check first; no lifecycle script that runs at install time', () => {
	assert.equal(pkg.scripts.prepublishOnly, 'node scripts/check-publish-metadata.cjs');
	// @n8n/community-nodes/no-forbidden-lifecycle-scripts
	for (const name of ['prepare', 'preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'postprepare']) {
		assert.equal(pkg.scripts[name], undefined, name);
	}
});

test("the repository's package.json is refused until the publisher adds their e-mail; no invented address", () => {
	const author = pkg.author as { name?: string; email?: string };
	assert.equal(author.email, undefined);
	assert.equal(pkg.repository, undefined);
	assert.equal(pkg.homepage, undefined);
	const problems = publishMetadataProblems(pkg);
	assert.equal(problems.length, 1, problems.join('\n'));
	assert.match(problems[0], /author\.email is missing.*valid-author/);
});

test('an author with a name and a real-looking e-mail passes, in object and string form', () => {
	assert.deepEqual(publishMetadataProblems({ ...pkg, author: { name: 'Jane Doe', email: 'jane@mail.jane-doe.dev' } }), []);
	assert.deepEqual(publishMetadataProblems({ ...pkg, author: 'Jane Doe <jane@mail.jane-doe.dev> (https://jane-doe.dev)' }), []);
	assert.deepEqual(
		publishMetadataProblems({
			...pkg,
			author: { name: 'Jane Doe', email: 'jane@mail.jane-doe.dev' },
			repository: { type: 'git', url: 'git+https://github.com/jane-doe/n8n-nodes-onebot-heychat.git' },
			homepage: 'https://github.com/jane-doe/n8n-nodes-onebot-heychat#readme',
		}),
		[],
	);
});

test('placeholders and example domains are refused, each naming its field', () => {
	const cases: Array<[Record<string, unknown>, RegExp]> = [
		[{ author: undefined }, /^author is missing/],
		[{ author: { name: '', email: 'jane@mail.jane-doe.dev' } }, /^author\.name is empty/],
		[{ author: 'Jane Doe' }, /^author\.email is missing/],
		[{ author: { name: 'Jane', email: 'not-an-address' } }, /^author\.email "not-an-address" is not an e-mail address/],
		[{ author: { name: 'Jane', email: 'jane@example.com' } }, /^author\.email "jane@example\.com" is on a reserved example domain/],
		[{ author: { name: 'Jane', email: 'jane@users.noreply.seed.example' } }, /reserved example domain/],
		[{ author: { name: 'Jane', email: 'j@x.dev' }, repository: { url: 'https://github.com/<...>/n8n-nodes-<...>.git' } }, /^repository .* placeholder/],
		[{ author: { name: 'Jane', email: 'j@x.dev' }, homepage: 'https://example.org/n8n-nodes' }, /^homepage .* reserved example domain/],
		[{ author: { name: 'Jane', email: 'j@x.dev' }, bugs: { url: '' } }, /^bugs is empty/],
	];
	for (const [fields, expected] of cases) {
		const problems = publishMetadataProblems({ ...pkg, ...fields });
		assert.equal(problems.length, 1, `${JSON.stringify(fields)}: ${problems.join(' | ')}`);
		assert.match(problems[0], expected);
	}
});

test('run as npm runs it: exit 1 with what to fill in, exit 0 once it is filled in', () => {
	const dir = mkdtempSync(join(tmpdir(), 'publish-metadata-'));
	try {
		const refused = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
		assert.equal(refused.status, 1);
		assert.match(refused.stderr, /Not publishing: .*Publishing[\s\S]*author\.email is missing/);
		const file = join(dir, 'package.json');
		writeFileSync(file, JSON.stringify({ ...pkg, author: { name: 'Jane Doe', email: 'jane@mail.jane-doe.dev' } }));
		const accepted = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
		assert.equal(accepted.status, 0, accepted.stderr);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
