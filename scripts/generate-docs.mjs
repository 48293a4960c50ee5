#!/usr/bin/env node
// Regenerates the operation tables in README.md from the checked-in catalogs.
// Usage: node scripts/generate-docs.mjs [--check]   (--check: exit 1 if README.md is out of date)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const readme = join(root, 'README.md');

const BACKENDS = [
	['onebot11', 'v11'],
	['gocqhttp', 'go-cqhttp'],
	['napcat', 'NapCat'],
	['lagrange', 'Lagrange'],
	['llonebot', 'LLOneBot'],
];

function oneBotTable() {
	const { resources, operations } = JSON.parse(
		readFileSync(join(root, 'nodes/OneBot/catalog/actions.json'), 'utf8'),
	);
	const lines = [];
	for (const resource of resources) {
		const ops = operations.filter((op) => op.resource === resource.value);
		if (ops.length === 0) continue;
		lines.push(`#### ${resource.name} (${ops.length})`, '');
		lines.push(`| Operation | Action | ${BACKENDS.map(([, n]) => n).join(' | ')} |`);
		lines.push(`| --- | --- | ${BACKENDS.map(() => ':-:').join(' | ')} |`);
		for (const op of ops) {
			const marks = BACKENDS.map(([b]) => (op.backends.includes(b) ? '✓' : ''));
			lines.push(`| ${op.name} | \`${op.value}\` | ${marks.join(' | ')} |`);
		}
		lines.push('');
	}
	return lines.join('\n');
}

function heychatTable() {
	const file = join(root, 'nodes/Heychat/catalog/endpoints.json');
	if (!existsSync(file)) return '_The Heychat catalog is not built yet._\n';
	const { resources, operations } = JSON.parse(readFileSync(file, 'utf8'));
	const lines = ['| Resource | Operation | Method | Path |', '| --- | --- | --- | --- |'];
	for (const resource of resources) {
		for (const op of operations.filter((o) => o.resource === resource.value)) {
			lines.push(`| ${resource.name} | ${op.name} | ${op.method} | \`${op.path}\` |`);
		}
	}
	return lines.join('\n') + '\n';
}

const blocks = { 'onebot-operations': oneBotTable(), 'heychat-operations': heychatTable() };

let text = readFileSync(readme, 'utf8');
const before = text;
for (const [name, body] of Object.entries(blocks)) {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const a = text.indexOf(start);
	const b = text.indexOf(end);
	if (a === -1 || b === -1) continue;
	text = text.slice(0, a + start.length) + '\n' + body + '\n' + text.slice(b);
}
if (process.argv.includes('--check')) {
	if (text !== before) {
		console.error('README.md operation tables are out of date: run `npm run docs`');
		process.exit(1);
	}
} else if (text !== before) {
	writeFileSync(readme, text);
}
