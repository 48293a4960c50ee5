// Summarises a .cpuprofile (from `node --cpu-prof`): self time per function, top N.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25] [filter substring]
import { readFileSync } from 'node:fs';

const [file, topText = '25', filter = ''] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
let total = 0;
profile.samples.forEach((id, i) => {
	const node = byId.get(id);
	const { functionName, url, lineNumber } = node.callFrame;
	const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules\/)?/, '$1')}:${lineNumber + 1}`;
	self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
	total += dt[i] ?? 0;
});
const rows = [...self.entries()].filter(([k]) => k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, Number(topText));
for (const [key, us] of rows) process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
