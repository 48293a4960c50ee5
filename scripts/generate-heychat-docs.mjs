#!/usr/bin/env node
// Regenerates the Heychat operation tables in docs/heychat.md from nodes/Heychat/catalog/endpoints.json.
// The tables sit between <!-- heychat-operations:start/end --> (English) and
// <!-- heychat-operations-zh:start/end --> (中文) markers.
// Usage: node scripts/generate-heychat-docs.mjs [--check] [file]   (--check: exit 1 if out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const target = args.find((a) => !a.startsWith('--')) ?? join(root, 'docs', 'heychat.md');
const { resources, operations } = JSON.parse(
	readFileSync(join(root, 'nodes', 'Heychat', 'catalog', 'endpoints.json'), 'utf8'),
);

const ZH_RESOURCES = { message: '消息', media: '媒体', role: '角色', room: '房间', channel: '频道', emoji: '表情' };

function fields(op, required) {
	const names = op.params
		.filter((p) => !p.handled && p.required === required)
		.map((p) => `\`${p.name}\`${p.in === 'query' && op.method === 'POST' ? ' (query)' : ''}`);
	if (required && op.handler === 'sendChannelMessage') names.push('message (built by the node)');
	if (required && op.handler === 'updateChannelMessage') names.push('message (built by the node)');
	if (required && op.handler === 'sendPrivateMessage') names.push('message (built by the node)');
	if (required && op.handler === 'uploadMedia') names.push('binary field');
	return names.length > 0 ? names.join(', ') : '–';
}

function table(zh) {
	const lines = [
		zh
			? '| 资源 | 操作 | 请求 | 必填字段 | 可选字段 |'
			: '| Resource | Operation | Request | Required fields | Optional fields |',
		'| --- | --- | --- | --- | --- |',
	];
	for (const resource of resources) {
		for (const op of operations.filter((o) => o.resource === resource.value).sort((a, b) => a.name.localeCompare(b.name))) {
			const name = zh ? `${ZH_RESOURCES[resource.value] ?? resource.name} (${resource.name})` : resource.name;
			const uncertain = op.certainty.startsWith('uncertain') ? ' ⚠' : '';
			lines.push(
				`| ${name} | ${op.name}${uncertain} | \`${op.method} ${op.path}\`${op.host === 'upload' ? (zh ? '（上传地址）' : ' (upload host)') : ''} | ${fields(op, true)} | ${fields(op, false)} |`,
			);
		}
	}
	lines.push('');
	lines.push(
		zh
			? `共 ${operations.length} 个操作。⚠ = 参考资料对该接口的参数或返回结构没有把握。`
			: `${operations.length} operations. ⚠ = the reference is unsure about this endpoint's parameters or answer.`,
	);
	return lines.join('\n');
}

const blocks = { 'heychat-operations': table(false), 'heychat-operations-zh': table(true) };
let text = readFileSync(target, 'utf8');
const before = text;
for (const [name, body] of Object.entries(blocks)) {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const a = text.indexOf(start);
	const b = text.indexOf(end);
	if (a === -1 || b === -1) continue;
	text = text.slice(0, a + start.length) + '\n' + body + '\n' + text.slice(b);
}
if (args.includes('--check')) {
	if (text !== before) {
		console.error(`${target}: Heychat operation tables are out of date: run node scripts/generate-heychat-docs.mjs`);
		process.exit(1);
	}
} else if (text !== before) {
	writeFileSync(target, text);
	console.log(`updated ${target}`);
}
