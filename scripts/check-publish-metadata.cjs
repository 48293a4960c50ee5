#!/usr/bin/env node
// `npm publish` runs this first (package.json "prepublishOnly"): it refuses to publish while the package
// metadata is not the publisher's own. n8n's community-package scanner rule
// @n8n/community-nodes/valid-author refuses an `author` without a non-empty name AND e-mail, and the
// repository cannot know who publishes it, so the publisher fills in `author` (and `repository` /
// `homepage` / `bugs` if the package has a real home; otherwise they stay out). See README "Publishing".
//
//   node scripts/check-publish-metadata.cjs [package.json]   exit 0: fine; exit 1: what to fill in
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** Domains reserved for examples and tests (RFC 2606 / RFC 6761): nobody reads mail there. */
const RESERVED = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost|local)$/i;
const EMAIL = /^[^\s@<>()]+@([^\s@<>()]+\.[^\s@<>()]+)$/;

/** `Name <email> (url)` → { name, email }, as npm reads a person string. */
function parsePerson(value) {
	const email = (/<([^>]*)>/.exec(value)?.[1] ?? '').trim();
	const cut = [value.indexOf('<'), value.indexOf('(')].filter((i) => i >= 0);
	const name = value.slice(0, cut.length > 0 ? Math.min(...cut) : value.length).trim();
	return { name, email };
}

function urlProblem(field, url) {
	if (typeof url !== 'string' || url.trim() === '') return `${field} is empty: give the real address or leave the field out`;
	if (/<[^>]*>|\.\.\./.test(url)) return `${field} "${url}" still holds a placeholder`;
	let host;
	try {
		host = new URL(url.replace(/^git\+/, '')).hostname;
	} catch {
		return `${field} "${url}" is not a URL`;
	}
	if (RESERVED.test(host)) return `${field} "${url}" points at a reserved example domain`;
	return undefined;
}

/** What stops this package.json from being published, as sentences naming the field; empty when fine. */
function publishMetadataProblems(pkg) {
	const problems = [];
	const author = pkg.author;
	let person;
	if (typeof author === 'string') person = parsePerson(author);
	else if (author && typeof author === 'object' && !Array.isArray(author)) {
		person = { name: String(author.name ?? '').trim(), email: String(author.email ?? '').trim() };
	}
	if (!person) {
		problems.push('author is missing: set "author": { "name": "<your name>", "email": "<your e-mail>" }');
	} else {
		if (person.name === '') problems.push('author.name is empty');
		if (person.email === '') {
			problems.push("author.email is missing: n8n's community-package scanner (@n8n/community-nodes/valid-author) refuses an author without one");
		} else {
			const match = EMAIL.exec(person.email);
			if (!match) problems.push(`author.email "${person.email}" is not an e-mail address`);
			else if (RESERVED.test(match[1])) problems.push(`author.email "${person.email}" is on a reserved example domain`);
		}
	}
	const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	if (pkg.repository !== undefined) {
		const problem = urlProblem('repository', /^[\w.-]+\/[\w.-]+$/.test(repository ?? '') ? `https://github.com/${repository}` : repository);
		if (problem) problems.push(problem);
	}
	if (pkg.homepage !== undefined) {
		const problem = urlProblem('homepage', pkg.homepage);
		if (problem) problems.push(problem);
	}
	const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
	if (pkg.bugs !== undefined && bugs !== undefined) {
		const problem = urlProblem('bugs', bugs);
		if (problem) problems.push(problem);
	}
	return problems;
}

module.exports = { publishMetadataProblems };

if (require.main === module) {
	const file = process.argv[2] ?? join(__dirname, '..', 'package.json');
	const problems = publishMetadataProblems(JSON.parse(readFileSync(file, 'utf8')));
	if (problems.length > 0) {
		console.error(`Not publishing: package.json needs the publisher's own metadata (README, "Publishing"):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		process.exit(1);
	}
}
