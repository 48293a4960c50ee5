#!/usr/bin/env node
// Records an installed community package in n8n's database the way the Community Nodes installer
// does after loading it (installed_packages + installed_nodes rows), so Settings > Community nodes
// lists it. The nodes load without this (n8n scans <userFolder>/.n8n/nodes/node_modules), but the
// settings page and "update/uninstall" read these rows.
//
//   node register-package.cjs <n8nDir> <userFolder> <packageName>
// Run it with the Node that runs n8n (sqlite3 is n8n's native build) after n8n has migrated the
// database (any n8n CLI command does), and while n8n is not running.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { createRequire } = require('node:module');

const [n8nDir, userFolder, packageName] = process.argv.slice(2);
if (!n8nDir || !userFolder || !packageName) {
	console.error('usage: register-package.cjs <n8nDir> <userFolder> <packageName>');
	process.exit(2);
}
const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
const pkgDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', packageName);
if (!fs.existsSync(dbFile)) {
	console.error(`[register-package] no database at ${dbFile}; run an n8n command first`);
	process.exit(1);
}

// The package's own require('n8n-workflow') must find n8n's copy, as inside n8n (which sets NODE_PATH).
process.env.NODE_PATH = path.join(n8nDir, 'node_modules');
require('node:module').Module._initPaths();
const n8nRequire = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'));
const sqlite3 = n8nRequire('sqlite3');

const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const nodes = [];
for (const file of pkg.n8n?.nodes ?? []) {
	const mod = require(path.join(pkgDir, file));
	for (const Cls of Object.values(mod)) {
		if (typeof Cls !== 'function') continue;
		const inst = new Cls();
		const d = inst.description;
		if (!d?.name) continue;
		let version = inst.currentVersion ?? d.defaultVersion ?? d.version;
		if (Array.isArray(version)) version = Math.max(...version);
		nodes.push({ name: d.displayName, type: `${pkg.name}.${d.name}`, latestVersion: Math.floor(Number(version) || 1) });
	}
}

const db = new sqlite3.Database(dbFile);
const run = (sql, params = []) =>
	new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));

(async () => {
	const now = "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')";
	await run('PRAGMA foreign_keys = ON');
	await run('BEGIN');
	try {
		await run('DELETE FROM installed_nodes WHERE package = ?', [pkg.name]);
		await run('DELETE FROM installed_packages WHERE packageName = ?', [pkg.name]);
		if (nodes.length > 0) {
			await run(
				`INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, ${now}, ${now})`,
				[pkg.name, pkg.version, pkg.author?.name ?? null, pkg.author?.email ?? null],
			);
			for (const n of nodes) {
				await run('INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)', [
					n.name,
					n.type,
					n.latestVersion,
					pkg.name,
				]);
			}
		}
		await run('COMMIT');
	} catch (err) {
		await run('ROLLBACK');
		throw err;
	}
	db.close();
	console.error(`[register-package] ${pkg.name}@${pkg.version}: ${nodes.length} node(s) recorded in ${dbFile}`);
})().catch((err) => {
	console.error(`[register-package] ${err.message}`);
	process.exit(1);
});
