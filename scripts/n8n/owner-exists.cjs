#!/usr/bin/env node
// Whether the owner account of an n8n user folder has been created ("set up owner" on the first visit):
// exit 0 yes, 1 no (or no database yet), 2 when the database cannot be read.
//
//   node owner-exists.cjs <n8nDir> <userFolder>
// Run it with the Node that runs n8n (sqlite3 is n8n's native build).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { createRequire } = require('node:module');

const [n8nDir, userFolder] = process.argv.slice(2);
if (!n8nDir || !userFolder) {
	console.error('usage: owner-exists.cjs <n8nDir> <userFolder>');
	process.exit(2);
}
const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
if (!fs.existsSync(dbFile)) process.exit(1);
const sqlite3 = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'))('sqlite3');
const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY, (openError) => {
	if (openError) process.exit(2);
	// n8n sets this when the owner signs up (OwnershipService.setupOwner)
	db.get("SELECT value FROM settings WHERE key = 'userManagement.isInstanceOwnerSetUp'", (err, row) => {
		db.close();
		if (err) process.exit(2);
		process.exit(row && JSON.parse(row.value) === true ? 0 : 1);
	});
});
