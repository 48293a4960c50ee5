#!/usr/bin/env node
// The npm registry this project's machines and CI reach holds only the Linux builds of some
// platform-specific optional packages (e.g. @unrs/resolver-binding-darwin-arm64 is missing), so
// `npm install` records them in package-lock.json as optional dependencies without a lock entry,
// and `npm ci` then refuses the lock file. This removes such dangling optional names from the lock.
// Run it after `npm install` changes the lock: node scripts/prune-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const locked = new Set(Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, '')));
let removed = 0;
for (const entry of Object.values(lock.packages)) {
	if (!entry.optionalDependencies) continue;
	for (const name of Object.keys(entry.optionalDependencies)) {
		if (!locked.has(name)) {
			delete entry.optionalDependencies[name];
			removed++;
		}
	}
	if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`prune-lock: removed ${removed} optional dependencies with no lock entry\n`);
