// README tables of what each OneBot backend supports, generated from the same data the node uses
// (nodes/OneBot/catalog/backends.json, segments.json, actions.json). Used by scripts/generate-docs.mjs
// in place of the `<!-- backend-tables:en -->` / `<!-- backend-tables:zh -->` markers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ORDER = ['napcat', 'llonebot', 'lagrange', 'gocqhttp'];

const WORDS = {
	en: {
		segments: '#### Message segments per backend',
		segmentsIntro:
			'✓ sent as built; ✗ dropped, replaced or sent as CQ text by that backend: refused before sending. "ignores" lists fields it never reads (refused when set).',
		segment: 'Segment',
		ignores: 'ignores',
		reads: 'reads',
		as: 'as',
		no: 'no',
		needs: 'needs',
		dialects: '#### Parameter names per backend (the node sends the right one)',
		dialectsIntro: 'One field in the editor; each backend gets it under the name it reads.',
		action: 'Action',
		field: 'Field',
		required: '#### Parameters a backend requires that the editor leaves optional',
		requiredIntro: 'Refused before sending when missing, with that backend.',
		requiredBy: 'Required by',
		ignored: '#### Parameters a backend never reads',
		ignoredIntro: 'Refused before sending when set, with that backend (left out when the editor requires them).',
		ignoredBy: 'Ignored by',
		parameter: 'Parameter',
		actions: '#### Actions per backend',
		actionsIntro: 'Operations a backend does not have are refused before sending, naming the backends that have them; so are the ones it registers as stubs:',
		count: 'actions',
	},
	zh: {
		segments: '#### 各协议端支持的消息段',
		segmentsIntro: '✓ 按构建发送；✗ 被该协议端丢弃、替换或作为 CQ 文本发出：发送前即拒绝。“忽略”列出它从不读取的字段（填写时拒绝）。',
		segment: '消息段',
		ignores: '忽略',
		reads: '读作',
		as: '读作',
		no: '不支持',
		needs: '需要',
		dialects: '#### 各协议端的参数名（节点自动发送正确的名称）',
		dialectsIntro: '编辑器中只有一个字段；每个协议端收到它读取的名称。',
		action: '动作',
		field: '字段',
		required: '#### 协议端要求、但编辑器中可选的参数',
		requiredIntro: '对该协议端缺少时在发送前拒绝。',
		requiredBy: '要求它的协议端',
		ignored: '#### 协议端从不读取的参数',
		ignoredIntro: '对该协议端填写时在发送前拒绝（编辑器必填的则不发送）。',
		ignoredBy: '忽略它的协议端',
		parameter: '参数',
		actions: '#### 各协议端的动作数',
		actionsIntro: '协议端没有的操作会在发送前被拒绝，并列出支持它的协议端；只注册了空实现的动作同样拒绝：',
		count: '动作数',
	},
};

function load(root) {
	const read = (file) => JSON.parse(readFileSync(join(root, 'nodes', 'OneBot', 'catalog', file), 'utf8'));
	return { backends: read('backends.json'), segments: read('segments.json'), catalog: read('actions.json') };
}

function segmentCell(support, w) {
	if (support === true) return '✓';
	if (support.drops !== undefined) return '✗';
	const notes = [];
	for (const rule of support.refuse ?? []) notes.push(`${w.no} ${rule.field}=${rule.values.join('/')}`);
	for (const rule of support.requires ?? []) {
		const when = rule.when ? ` (${rule.when.field}=${rule.when.values.join('/')})` : '';
		notes.push(`${w.needs} ${rule.fields.join(', ')}${when}`);
	}
	for (const [from, to] of Object.entries(support.rename ?? {})) notes.push(`${from} ${w.as} ${to}`);
	if (support.ignores?.length) notes.push(`${w.ignores} ${support.ignores.join(', ')}`);
	return notes.length > 0 ? `✓ ${notes.join('; ')}` : '✓';
}

export function backendTables(root, lang) {
	const w = WORDS[lang];
	const { backends, segments, catalog } = load(root);
	const names = ORDER.map((b) => backends.backends[b].name);
	const ops = new Map(catalog.operations.map((op) => [op.value, op]));
	const head = (first) => [`| ${first.join(' | ')} | ${names.join(' | ')} |`, `| ${first.map(() => '---').join(' | ')} | ${names.map(() => '---').join(' | ')} |`];
	const lines = [];

	lines.push(w.segments, '', w.segmentsIntro, '', ...head([w.segment]));
	for (const [type, perBackend] of Object.entries(segments.segments)) {
		lines.push(`| \`${type}\` | ${ORDER.map((b) => segmentCell(perBackend[b], w)).join(' | ')} |`);
	}

	lines.push('', w.dialects, '', w.dialectsIntro, '', ...head([w.action, w.field]));
	for (const [action, perBackend] of Object.entries(backends.actions)) {
		const renamed = new Set(ORDER.flatMap((b) => Object.keys(perBackend[b]?.send ?? {})));
		for (const param of renamed) {
			const cells = ORDER.map((b) => {
				const spec = perBackend[b];
				if (!spec) return '—';
				if (spec.ignored && param in spec.ignored) return '—';
				return `\`${spec.send?.[param] ?? param}\``;
			});
			lines.push(`| \`${action}\` | \`${param}\` | ${cells.join(' | ')} |`);
		}
	}

	lines.push('', w.required, '', w.requiredIntro, '', `| ${w.action} | ${w.parameter} | ${w.requiredBy} |`, '| --- | --- | --- |');
	for (const [action, perBackend] of Object.entries(backends.actions)) {
		const op = ops.get(action);
		for (const param of op.params.filter((p) => !p.required)) {
			const by = ORDER.filter((b) => {
				const spec = perBackend[b];
				if (!spec || (spec.ignored && param.name in spec.ignored)) return false;
				const wire = spec.send?.[param.name] ?? param.name;
				return spec.params[wire]?.required || spec.params[spec.alsoReads?.[wire]]?.required;
			});
			if (by.length > 0) lines.push(`| \`${action}\` | \`${param.name}\` | ${by.map((b) => backends.backends[b].name).join(', ')} |`);
		}
	}

	lines.push('', w.ignored, '', w.ignoredIntro, '', `| ${w.action} | ${w.parameter} | ${w.ignoredBy} |`, '| --- | --- | --- |');
	for (const [action, perBackend] of Object.entries(backends.actions)) {
		const params = new Set(ORDER.flatMap((b) => Object.keys(perBackend[b]?.ignored ?? {})));
		for (const param of params) {
			const by = ORDER.filter((b) => perBackend[b]?.ignored && param in perBackend[b].ignored);
			lines.push(`| \`${action}\` | \`${param}\` | ${by.map((b) => backends.backends[b].name).join(', ')} |`);
		}
	}

	const stubs = Object.entries(backends.actions).flatMap(([action, per]) =>
		ORDER.filter((b) => per[b]?.stub).map((b) => `\`${action}\` (${backends.backends[b].name})`),
	);
	lines.push('', w.actions, '', `${w.actionsIntro} ${stubs.join(', ')}.`, '', `| ${names.join(' | ')} |`, `| ${names.map(() => '---:').join(' | ')} |`);
	lines.push(`| ${ORDER.map((b) => Object.values(backends.actions).filter((per) => per[b]).length).join(' | ')} |`);
	return lines.join('\n');
}
