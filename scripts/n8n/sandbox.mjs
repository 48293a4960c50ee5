#!/usr/bin/env node
// `npm run n8n` with the chat sandbox (scripts/n8n/start.sh runs this in place of `n8n start`):
//   1. starts the sandbox (`node --import tsx sandbox/cli.ts`) in its own process group on a port kept in
//      <userFolder>/.n8n/sandbox/sandbox.json (with the access tokens it requires), and waits for its ready line;
//   2. creates the credentials "Sandbox OneBot" and "Sandbox Heychat" pointing at it (n8n import:credentials:
//      fixed ids, plain data that n8n encrypts), when they are new or their data changed;
//   3. imports a copy of each example that runs in the sandbox ("… (sandbox)", bound to those credentials) when
//      it is new or its example changed, and publishes it so `n8n start` activates it (what `n8n publish:workflow`
//      does, WorkflowRepository.publishVersion, written to n8n's SQLite database directly: one n8n CLI start-up
//      less per workflow on the first start);
//   4. starts n8n in its own process group and stays beside it: the first Ctrl+C / SIGTERM / SIGHUP goes to n8n
//      exactly once (n8n shuts down gracefully on the first signal and dies on the second), and when n8n exits
//      (stopped or crashed) the sandbox is stopped and this process exits with n8n's status.
//
// `node sandbox.mjs --off` (start.sh without the sandbox): unpublishes the "(sandbox)" copies still bound to the
// Sandbox credentials, so n8n does not retry connecting to a sandbox that is not there; the next start with the
// sandbox publishes them again.
//
// Env (set by start.sh): N8N_BIN, N8N_USER_FOLDER, N8N_PORT, N8N_START_BANNER (text printed once the sandbox is up).
//   SANDBOX_PORT   the sandbox's port (page, feed, OneBot, Heychat); default: the one used last time, else 5690
//                  (a free one when 5690 is taken); kept in sandbox.json so the credentials stay valid
//   SANDBOX_CLI    the sandbox entry point (default <repo>/sandbox/cli.ts)
//   SANDBOX_STATE  where the sandbox keeps its chats across restarts (default <userFolder>/.n8n/sandbox/world.json;
//                  empty: nothing kept)
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const log = (msg) => process.stderr.write(`[sandbox] ${msg}\n`);

/** The credentials the sandbox copies of the examples use (fixed ids: the same across restarts). */
export const SANDBOX_CREDENTIALS = {
	oneBotV11Api: { id: 'SandboxOneBot001', name: 'Sandbox OneBot' },
	heychatBotApi: { id: 'SandboxHeychat01', name: 'Sandbox Heychat' },
};

/**
 * The examples that run in the sandbox, and the ids of their sandbox copies. The AI Agent example is left
 * out: it needs an OpenAI credential (bind it to the Sandbox credentials and your own OpenAI one to try it).
 */
export const SANDBOX_EXAMPLES = {
	'onebot-keyword-auto-reply.json': 'SbKeywordReply01',
	'onebot-scheduled-group-announcement.json': 'SbAnnounceGroup1',
	'qq-heychat-bridge.json': 'SbQqHeychatBrdg1',
	'heychat-slash-command-bot.json': 'SbHeychatSlash01',
};

const SANDBOX_NOTE =
	'**Sandbox copy** of the example "{name}": its nodes use the credentials **Sandbox OneBot** / **Sandbox Heychat**, ' +
	'which point at the chat sandbox `npm run n8n` starts (its page address is printed at start). ' +
	'To run it against a real backend, pick your own credential in each node (or use the example itself, ' +
	'which names "OneBot account" / "Heychat Bot account").\n\n---\n\n';

/** The sandbox copy of an example workflow: own id and name, credentials bound to the Sandbox ones. */
export function sandboxCopy(example, id) {
	const wf = structuredClone(example);
	wf.id = id;
	wf.name = `${example.name} (sandbox)`;
	wf.active = false;
	for (const node of wf.nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			const bound = SANDBOX_CREDENTIALS[type];
			if (bound) node.credentials[type] = { ...bound };
		}
		if (node.type === 'n8n-nodes-base.stickyNote' && typeof node.parameters?.content === 'string') {
			node.parameters.content = SANDBOX_NOTE.replace('{name}', example.name) + node.parameters.content;
		}
	}
	return wf;
}

/** The credential records (plain data; `n8n import:credentials` encrypts it) for a running sandbox. */
export function sandboxCredentials(urls, config) {
	return [
		{
			...SANDBOX_CREDENTIALS.oneBotV11Api,
			type: 'oneBotV11Api',
			data: {
				httpUrl: urls.onebotHttp,
				wsUrl: urls.onebotWs,
				accessToken: config.onebotToken,
				authLocation: 'header',
				backend: 'other',
			},
		},
		{
			...SANDBOX_CREDENTIALS.heychatBotApi,
			type: 'heychatBotApi',
			data: {
				token: config.heychatToken,
				apiBaseUrl: urls.heychatApi,
				uploadUrl: urls.heychatUpload,
				gatewayUrl: urls.heychatGateway,
				withinLimits: true,
			},
		},
	];
}

const sha256 = (value) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

async function portFree(port) {
	return await new Promise((resolve) => {
		const s = createServer();
		s.once('error', () => resolve(false));
		s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
	});
}

async function freePort() {
	return await new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/** The sandbox listens on three ports: `port` (page, feed), `port + 1` (OneBot), `port + 2` (Heychat). */
const SANDBOX_PORTS = 3;

async function portsFree(base) {
	for (let p = base; p < base + SANDBOX_PORTS; p++) if (p > 65535 || !(await portFree(p))) return false;
	return true;
}

async function freePorts() {
	for (;;) {
		const base = await freePort();
		if (await portsFree(base)) return base;
	}
}

// ---------------------------------------------------------------------------------------------
// sandbox.json: port, tokens, what was imported (kept in the n8n user folder, mode 600)
// ---------------------------------------------------------------------------------------------

function loadConfig(dir) {
	const file = join(dir, 'sandbox.json');
	let config = {};
	if (existsSync(file)) {
		try {
			config = JSON.parse(readFileSync(file, 'utf8'));
		} catch {
			log(`${file} is not JSON: starting over with new tokens`);
		}
	}
	config.onebotToken ||= randomBytes(18).toString('base64url');
	config.heychatToken ||= randomBytes(18).toString('base64url');
	config.imported ??= { credentials: '', workflows: {} };
	return config;
}

function saveConfig(dir, config) {
	writeFileSync(join(dir, 'sandbox.json'), `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
}

async function choosePort(config) {
	if (process.env.SANDBOX_PORT) {
		const port = Number(process.env.SANDBOX_PORT);
		if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SANDBOX_PORT must be a port number, got "${process.env.SANDBOX_PORT}"`);
		return port === 0 ? await freePorts() : port;
	}
	if (config.port) return config.port;
	return (await portsFree(5690)) ? 5690 : await freePorts();
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

/** Runs an n8n CLI command (output to stderr); rejects when it fails or does not print `success`. */
async function n8nCli(args, success) {
	const child = spawn(process.env.N8N_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	const code = await new Promise((resolve) => child.on('close', resolve));
	if (code !== 0 || (success && !success.test(out)) || /Error updating database|An error occurred/.test(out)) {
		throw new Error(`n8n ${args[0]} failed (${code}):\n${out.slice(-3000)}`);
	}
}

function startSandbox(port, config, stateFile) {
	const cli = process.env.SANDBOX_CLI || join(ROOT, 'sandbox', 'cli.ts');
	const args = ['--import', 'tsx', cli, '--port', String(port), '--host', '127.0.0.1'];
	if (stateFile) args.push('--state', stateFile);
	// its own process group: Ctrl+C in the terminal reaches n8n (through us) first, the sandbox is stopped after n8n
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, SANDBOX_ONEBOT_TOKEN: config.onebotToken, SANDBOX_HEYCHAT_TOKEN: config.heychatToken },
	});
	const ready = new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout });
		let done = false;
		lines.on('line', (line) => {
			if (!done) {
				try {
					const msg = JSON.parse(line);
					if (msg?.ready === true && msg.urls) {
						done = true;
						resolve(msg.urls);
						return;
					}
				} catch {
					/* a log line */
				}
			}
			process.stderr.write(`[sandbox] ${line}\n`);
		});
		child.once('exit', (code, signal) => {
			if (!done) reject(new Error(`the sandbox exited before it was ready (${code ?? signal}); see its messages above`));
		});
		child.once('error', reject);
	});
	return { child, ready };
}

/** SIGTERM, then SIGKILL after `ms`; resolves when the process is gone. */
async function stopChild(child, ms = 5000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const gone = new Promise((r) => child.once('exit', r));
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		child.kill('SIGTERM');
	}
	const timer = setTimeout(() => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}, ms);
	await gone;
	clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// n8n's SQLite database (n8n's own sqlite3 build; run with the Node that runs n8n)
// ---------------------------------------------------------------------------------------------

async function withDb(fn) {
	const n8nDir = join(dirname(process.env.N8N_BIN), '..', '..');
	const sqlite3 = createRequire(join(n8nDir, 'node_modules', 'n8n', 'package.json'))('sqlite3');
	const db = await new Promise((resolve, reject) => {
		const d = new sqlite3.Database(join(process.env.N8N_USER_FOLDER, '.n8n', 'database.sqlite'), (e) => (e ? reject(e) : resolve(d)));
	});
	const all = (sql, params = []) => new Promise((resolve, reject) => db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows))));
	const run = (sql, params = []) => new Promise((resolve, reject) => db.run(sql, params, function done(e) { return e ? reject(e) : resolve(this.changes); }));
	try {
		return await fn({ all, run });
	} finally {
		await new Promise((resolve) => db.close(() => resolve()));
	}
}

const marks = (ids) => ids.map(() => '?').join(', ');

/** Publishes the current version of each workflow, as `n8n publish:workflow --id` (publishVersion) does. */
async function publish(ids) {
	if (ids.length === 0) return [];
	return await withDb(async ({ all, run }) => {
		const rows = await all(
			`SELECT w.id FROM workflow_entity w WHERE w.id IN (${marks(ids)})
			 AND EXISTS (SELECT 1 FROM workflow_history h WHERE h.workflowId = w.id AND h.versionId = w.versionId)`,
			ids,
		);
		const found = rows.map((r) => r.id);
		if (found.length > 0) {
			await run(`UPDATE workflow_entity SET active = 1, activeVersionId = versionId WHERE id IN (${marks(found)})`, found);
		}
		return found;
	});
}

/** The sandbox copies that are published with a version still bound to a Sandbox credential; unpublishes them. */
async function unpublishSandboxBound(ids) {
	return await withDb(async ({ all, run }) => {
		const rows = await all(
			`SELECT w.id, h.nodes FROM workflow_entity w JOIN workflow_history h ON h.versionId = w.activeVersionId
			 WHERE w.id IN (${marks(ids)})`,
			ids,
		);
		const credentialIds = Object.values(SANDBOX_CREDENTIALS).map((c) => c.id);
		const bound = rows.filter((r) => credentialIds.some((id) => String(r.nodes).includes(`"${id}"`))).map((r) => r.id);
		if (bound.length > 0) {
			await run(`UPDATE workflow_entity SET active = 0, activeVersionId = NULL WHERE id IN (${marks(bound)})`, bound);
		}
		return bound;
	});
}

// ---------------------------------------------------------------------------------------------
// Binding: credentials and sandbox copies of the examples
// ---------------------------------------------------------------------------------------------

async function bind(dir, config, urls) {
	const credentials = sandboxCredentials(urls, config);
	const credentialsHash = sha256(credentials);
	if (config.imported.credentials !== credentialsHash) {
		const file = join(dir, `import-credentials-${process.pid}.json`);
		writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		try {
			log(`creating the credentials ${credentials.map((c) => `"${c.name}"`).join(' and ')}`);
			await n8nCli(['import:credentials', `--input=${file}`], /Successfully imported 2 credentials/);
		} finally {
			rmSync(file, { force: true });
		}
		config.imported.credentials = credentialsHash;
		saveConfig(dir, config);
	}

	const batch = join(dir, `import-workflows-${process.pid}`);
	rmSync(batch, { recursive: true, force: true });
	mkdirSync(batch);
	const changed = [];
	for (const [file, id] of Object.entries(SANDBOX_EXAMPLES)) {
		const path = join(ROOT, 'examples', file);
		if (!existsSync(path)) continue;
		const wf = sandboxCopy(JSON.parse(readFileSync(path, 'utf8')), id);
		const hash = sha256(wf);
		if (config.imported.workflows[id] === hash) continue;
		writeFileSync(join(batch, `${id}.json`), JSON.stringify(wf, null, '\t'));
		changed.push({ id, name: wf.name, hash });
	}
	try {
		if (changed.length > 0) {
			log(`importing and publishing ${changed.map((c) => `"${c.name}"`).join(', ')}`);
			await n8nCli(['import:workflow', '--separate', `--input=${batch}`], /Successfully imported/);
			await publish(changed.map((c) => c.id));
			for (const { id, hash } of changed) config.imported.workflows[id] = hash;
			saveConfig(dir, config);
		}
	} finally {
		rmSync(batch, { recursive: true, force: true });
	}
	// the ones a start without the sandbox unpublished
	const paused = (config.paused ?? []).filter((id) => !changed.some((c) => c.id === id));
	if (paused.length > 0) {
		const republished = await publish(paused);
		if (republished.length > 0) log(`published again: ${republished.join(', ')}`);
	}
	delete config.paused;
	saveConfig(dir, config);
}

/** Start without the sandbox: unpublish the sandbox copies bound to it (published again by the next sandbox start). */
async function off() {
	const dir = join(process.env.N8N_USER_FOLDER, '.n8n', 'sandbox');
	if (!existsSync(join(dir, 'sandbox.json'))) return;
	const config = loadConfig(dir);
	const ids = Object.values(SANDBOX_EXAMPLES);
	const unpublished = await unpublishSandboxBound(ids);
	if (unpublished.length > 0) {
		config.paused = [...new Set([...(config.paused ?? []), ...unpublished])];
		saveConfig(dir, config);
		log(`without the sandbox: unpublished ${unpublished.join(', ')} (published again by the next start with the sandbox)`);
	}
}

// ---------------------------------------------------------------------------------------------
// Main: sandbox, binding, n8n, signals
// ---------------------------------------------------------------------------------------------

async function main() {
	for (const name of ['N8N_BIN', 'N8N_USER_FOLDER', 'N8N_PORT']) {
		if (!process.env[name]) throw new Error(`${name} is not set (run this through scripts/n8n/start.sh)`);
	}
	const dir = join(process.env.N8N_USER_FOLDER, '.n8n', 'sandbox');
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const config = loadConfig(dir);
	const port = await choosePort(config);
	if (!(await portsFree(port))) {
		throw new Error(
			`the sandbox's ports ${port}-${port + SANDBOX_PORTS - 1} on 127.0.0.1 are not all free (another npm run n8n?). Stop it, or pick others: SANDBOX_PORT=5700 npm run n8n (or N8N_SANDBOX=0 npm run n8n for none)`,
		);
	}
	config.port = port;
	saveConfig(dir, config);
	const stateFile = process.env.SANDBOX_STATE ?? join(dir, 'world.json');

	let n8n;
	let sandbox;
	let stopping = false;
	const onSignal = (signal) => {
		if (!n8n) {
			// before n8n runs: stop the sandbox and leave
			if (!stopping) {
				stopping = true;
				void stopChild(sandbox?.child).then(() => process.exit(130));
			}
			return;
		}
		if (stopping) {
			log('n8n is shutting down (it stops its workflows first)…');
			return;
		}
		stopping = true;
		try {
			process.kill(n8n.pid, signal === 'SIGHUP' ? 'SIGTERM' : signal);
		} catch {
			/* already gone */
		}
	};
	for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => onSignal(s));

	sandbox = startSandbox(port, config, stateFile);
	sandbox.child.on('exit', (code, signal) => {
		if (!stopping) log(`the sandbox stopped (${code ?? signal}); n8n keeps running: restart npm run n8n to get it back`);
	});
	let urls;
	try {
		urls = await sandbox.ready;
		await bind(dir, config, urls);
	} catch (error) {
		await stopChild(sandbox.child);
		throw error;
	}
	if (stopping) return;

	const banner = (process.env.N8N_START_BANNER ?? '').replace(/\n+$/, '');
	const sandboxLines = [
		`  Chat sandbox: ${urls.page}`,
		'    the "(sandbox)" examples are published and answer there once n8n is up (type "help" in Sandbox Lobby)',
		'    (start without it: N8N_SANDBOX=0 npm run n8n)',
	].join('\n');
	process.stderr.write(`${banner}\n${sandboxLines}\n\n`);

	// n8n's output passes through unchanged; once it has activated the workflows ("Editor is now accessible"),
	// say that the sandbox answers now (typed before that, a message reaches no workflow)
	n8n = spawn(process.env.N8N_BIN, ['start'], { stdio: ['inherit', 'pipe', 'inherit'], detached: true });
	let tail = '';
	n8n.stdout.on('data', (chunk) => {
		process.stdout.write(chunk);
		if (tail === null) return;
		tail = (tail + chunk.toString()).slice(-200);
		if (/Editor is now accessible via/.test(tail)) {
			tail = null;
			process.stderr.write(`\n  Ready: open the chat sandbox at ${urls.page} and type "help" in Sandbox Lobby.\n\n`);
		}
	});
	const [code, signal] = await new Promise((r) => n8n.on('exit', (c, s) => r([c, s])));
	stopping = true;
	try {
		// the task runner and anything else n8n left behind in its group
		process.kill(-n8n.pid, 'SIGKILL');
	} catch {
		/* none */
	}
	await stopChild(sandbox.child);
	process.exit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1));
}

if (process.argv[1] === import.meta.filename) {
	(process.argv.includes('--off') ? off() : main()).catch((error) => {
		log(error instanceof Error ? error.message : String(error));
		process.exit(1);
	});
}
