/**
 * Drives a REAL n8n (installed by scripts/n8n/install-n8n.sh into a cache outside the repo) with this
 * package installed the way the Community Nodes installer does (scripts/n8n/install-package.sh).
 *
 *   const n8n = await prepareN8n();                    // fresh N8N_USER_FOLDER with the packed package
 *   const id = await n8n.importWorkflow(workflow);     // n8n import:workflow
 *   const res = await n8n.execute(id);                 // n8n execute --id=<id> --rawOutput, parsed
 *   await n8n.publish(id);                             // n8n publish:workflow (before start)
 *   const server = await n8n.start();                  // n8n start, waits until the editor is up
 *   await server.setupOwner(); await server.createApiKey();
 *   await server.activate(id); await server.waitForExecutions(id, 1); await server.deactivate(id);
 *   await server.stop(); n8n.cleanup();
 *
 * Env read here (set by scripts/n8n/run-e2e.mjs, so the install, build and pack happen once per run):
 *   N8N_E2E_N8N_BIN    path of the n8n executable
 *   N8N_E2E_TEMPLATE   a user folder with the package already installed, copied for every prepareN8n()
 *   N8N_E2E_KEEP=1     keep user folders (and their n8n logs) after the tests
 * When they are missing (a single test file run by hand), scripts/n8n/prepare.sh does the work.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../support/freePort';
export { freePort };

export const repoRoot = resolve(__dirname, '..', '..', '..');
const scriptsDir = join(repoRoot, 'scripts', 'n8n');

/** Environment every n8n started by this project gets (scripts/n8n/n8n-env.json). */
export function baseN8nEnv(): Record<string, string> {
	const raw = JSON.parse(readFileSync(join(scriptsDir, 'n8n-env.json'), 'utf8')) as Record<string, string>;
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(raw)) if (!k.startsWith('_')) env[k] = v;
	return env;
}

// ---------------------------------------------------------------------------------------------
// What the package declares
// ---------------------------------------------------------------------------------------------

export interface PackageInfo {
	name: string;
	version: string;
	/** `<package>.<nodeName>` for every file in package.json `n8n.nodes` */
	nodeTypes: string[];
	/** `<package>.<nodeName>Tool`: the AI-tool variants n8n derives from nodes with `usableAsTool` */
	toolNodeTypes: string[];
	/** credential type names for every file in package.json `n8n.credentials` */
	credentialTypes: string[];
}

/**
 * Reads package.json and loads the built files it lists (dist/, built by `npm run build`) to learn
 * each node's `description.name` and each credential's `name`.
 */
export function readPackageInfo(root = repoRoot): PackageInfo {
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const load = (file: string): Array<Record<string, unknown>> => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(join(root, file)) as Record<string, new () => Record<string, unknown>>;
		return Object.values(mod)
			.filter((v) => typeof v === 'function')
			.map((Cls) => new Cls());
	};
	const nodeTypes: string[] = [];
	const toolNodeTypes: string[] = [];
	for (const file of pkg.n8n?.nodes ?? []) {
		for (const inst of load(file)) {
			const description = inst.description as { name?: string; usableAsTool?: unknown } | undefined;
			if (!description?.name) continue;
			nodeTypes.push(`${pkg.name}.${description.name}`);
			// versioned nodes carry usableAsTool on each version's description
			const versions = Object.values((inst.nodeVersions ?? {}) as Record<string, { description?: { usableAsTool?: unknown } }>);
			if (description.usableAsTool || versions.some((v) => v.description?.usableAsTool)) {
				toolNodeTypes.push(`${pkg.name}.${description.name}Tool`);
			}
		}
	}
	const credentialTypes: string[] = [];
	for (const file of pkg.n8n?.credentials ?? []) {
		for (const inst of load(file)) if (typeof inst.name === 'string') credentialTypes.push(inst.name);
	}
	return { name: pkg.name, version: pkg.version, nodeTypes, toolNodeTypes, credentialTypes };
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------


export const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

/** A 16-character id like the ones n8n gives workflows. */
export function newWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

// ---------------------------------------------------------------------------------------------
// Execution data helpers (same shape from `n8n execute --rawOutput` and the public API)
// ---------------------------------------------------------------------------------------------

export interface NodeItem {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType?: string; fileName?: string; data?: string; [k: string]: unknown }>;
	pairedItem?: unknown;
	error?: unknown;
}
export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string; [k: string]: unknown };
	data?: { main?: Array<NodeItem[] | null> };
}
export interface RunData {
	data?: { resultData?: { runData?: Record<string, NodeRun[]>; error?: { message?: string; [k: string]: unknown }; lastNodeExecuted?: string } };
	status?: string;
	finished?: boolean;
	mode?: string;
	[k: string]: unknown;
}

/** Items a node put out on one output, in one of its runs. */
export function nodeOutput(run: RunData, nodeName: string, output = 0, runIndex = 0): NodeItem[] {
	const runs = run.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run.data?.resultData?.runData ?? {}).join(', ')}`);
	return runs[runIndex]?.data?.main?.[output] ?? [];
}

/** The JSON of every item a node put out (first output, first run). */
export function nodeJson(run: RunData, nodeName: string, output = 0, runIndex = 0): Array<Record<string, unknown>> {
	return nodeOutput(run, nodeName, output, runIndex).map((i) => i.json);
}

export function nodeError(run: RunData, nodeName: string, runIndex = 0): NodeRun['error'] | undefined {
	return run.data?.resultData?.runData?.[nodeName]?.[runIndex]?.error;
}

/** Extracts the JSON document `n8n execute` prints (after log lines) on success and on failure. */
export function parseExecuteOutput(stdout: string): RunData | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	if (start < 0) return undefined;
	const end = lines.indexOf('}', start);
	if (end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as RunData;
	} catch {
		return undefined;
	}
}

export interface ExecuteResult extends CliResult {
	/** the execution (IRun) n8n printed, or undefined when it printed none */
	run?: RunData;
	/** true when the workflow finished without an error */
	ok: boolean;
}

// ---------------------------------------------------------------------------------------------
// Preparation (n8n install + package install), once per process
// ---------------------------------------------------------------------------------------------

interface Prepared {
	n8nBin: string;
	template: string;
}
let prepared: Prepared | undefined;
const cleanupDirs = new Set<string>();

function runScript(script: string, args: string[], extraEnv: Record<string, string> = {}): string {
	const res = spawnSync('bash', [join(scriptsDir, script), ...args], {
		cwd: repoRoot,
		env: { ...process.env, ...extraEnv },
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 64 * 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(`${script} ${args.join(' ')} failed (${res.status}):\n${res.stderr.slice(-4000)}`);
	}
	return res.stdout.trim().split('\n').pop() ?? '';
}

function ensurePrepared(): Prepared {
	if (prepared) return prepared;
	const bin = process.env.N8N_E2E_N8N_BIN;
	const template = process.env.N8N_E2E_TEMPLATE;
	if (bin && template && existsSync(bin) && existsSync(join(template, '.n8n', 'nodes'))) {
		prepared = { n8nBin: bin, template };
	} else {
		const dir = mkdtempSync(join(tmpdir(), 'n8n-e2e-template-'));
		cleanupDirs.add(dir);
		const n8nBin = runScript('prepare.sh', [dir]);
		prepared = { n8nBin, template: dir };
	}
	return prepared;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		...baseN8nEnv(),
		GENERIC_TIMEZONE: 'UTC',
		// n8n runs `npm outdated` for Settings > Community nodes: keep the tests off every registry
		npm_config_registry: 'http://127.0.0.1:9/',
		npm_config_fetch_retries: '0',
		// as `npm run n8n` (scripts/n8n/start.sh): publishing resolves credential references by name
		EXTERNAL_HOOK_FILES: join(scriptsDir, 'n8n-hooks.cjs'),
		...extra,
	};
	// the tests' own loader must not leak into n8n
	delete env.NODE_OPTIONS;
	delete env.NODE_TEST_CONTEXT;
	const nodeHome = process.env.N8N_NODE_HOME;
	if (nodeHome) env.PATH = `${join(nodeHome, 'bin')}:${env.PATH ?? ''}`;
	return env;
}

// ---------------------------------------------------------------------------------------------
// One n8n user folder
// ---------------------------------------------------------------------------------------------

export interface PrepareOptions {
	/** extra environment for every n8n command and server of this instance */
	env?: Record<string, string>;
}

export class N8nInstance {
	readonly userFolder: string;
	readonly n8nBin: string;
	readonly env: Record<string, string>;
	private servers = new Set<N8nServer>();

	constructor(n8nBin: string, userFolder: string, env: Record<string, string>) {
		this.n8nBin = n8nBin;
		this.userFolder = userFolder;
		this.env = env;
	}

	/** Runs an n8n CLI command in this user folder (a free task-broker port each time). */
	async cli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
		const brokerPort = await freePort();
		return await new Promise((resolveRun, reject) => {
			const child = spawn(this.n8nBin, args, {
				cwd: this.userFolder,
				env: childEnv({
					N8N_USER_FOLDER: this.userFolder,
					N8N_RUNNERS_BROKER_PORT: String(brokerPort),
					...this.env,
					...opts.env,
				}),
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
			child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
			const timer = setTimeout(() => {
				killGroup(child, 'SIGKILL');
				reject(new Error(`n8n ${args.join(' ')} timed out\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
			}, opts.timeoutMs ?? 120_000);
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				resolveRun({ code, stdout, stderr });
			});
		});
	}

	/**
	 * Imports a workflow (object or path to a JSON file). Gives it a fresh id when it has none, so the
	 * caller knows it. Returns the id.
	 */
	async importWorkflow(workflow: Record<string, unknown> | string): Promise<string> {
		const wf = (typeof workflow === 'string' ? JSON.parse(readFileSync(workflow, 'utf8')) : structuredClone(workflow)) as Record<string, unknown>;
		if (typeof wf.id !== 'string' || wf.id === '') wf.id = newWorkflowId();
		wf.name ??= `e2e ${wf.id as string}`;
		wf.active = false;
		wf.connections ??= {};
		wf.settings ??= {};
		const file = join(this.userFolder, `import-${wf.id as string}.json`);
		writeFileSync(file, JSON.stringify(wf, null, 2));
		const res = await this.cli(['import:workflow', `--input=${file}`]);
		if (res.code !== 0 || !/Successfully imported 1 workflow/.test(res.stdout + res.stderr)) {
			throw new Error(`import:workflow failed (${res.code}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		}
		return wf.id as string;
	}

	/** Imports several workflows with one `n8n import:workflow --separate` (one n8n start-up, not one each). */
	async importWorkflows(workflows: Array<Record<string, unknown>>): Promise<string[]> {
		const dir = mkdtempSync(join(this.userFolder, 'import-'));
		const ids: string[] = [];
		for (const workflow of workflows) {
			const wf = structuredClone(workflow);
			if (typeof wf.id !== 'string' || wf.id === '') wf.id = newWorkflowId();
			wf.name ??= `e2e ${wf.id as string}`;
			wf.active = false;
			wf.connections ??= {};
			wf.settings ??= {};
			writeFileSync(join(dir, `${wf.id as string}.json`), JSON.stringify(wf, null, 2));
			ids.push(wf.id as string);
		}
		const res = await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		rmSync(dir, { recursive: true, force: true });
		if (res.code !== 0 || !new RegExp(`Successfully imported ${ids.length} workflow`).test(res.stdout + res.stderr)) {
			throw new Error(`import:workflow failed (${res.code}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		}
		return ids;
	}

	/** Imports several credentials (fixed ids, plain data n8n encrypts) with one `n8n import:credentials`. */
	async importCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>): Promise<void> {
		const file = join(this.userFolder, `credentials-${randomBytes(4).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		const res = await this.cli(['import:credentials', `--input=${file}`]);
		rmSync(file, { force: true });
		if (res.code !== 0 || !new RegExp(`Successfully imported ${credentials.length} credential`).test(res.stdout + res.stderr)) {
			throw new Error(`import:credentials failed (${res.code}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		}
	}

	/**
	 * Imports a credential with a fixed id (`n8n import:credentials`; n8n encrypts the plain data), so
	 * workflows that reference it by id (e.g. the examples' placeholders) find it.
	 */
	async importCredential(credential: { id: string; name: string; type: string; data: Record<string, unknown> }): Promise<string> {
		const file = join(this.userFolder, `credential-${credential.id}.json`);
		writeFileSync(file, JSON.stringify([credential], null, 2));
		const res = await this.cli(['import:credentials', `--input=${file}`]);
		rmSync(file, { force: true });
		if (res.code !== 0 || !/Successfully imported 1 credential/.test(res.stdout + res.stderr)) {
			throw new Error(`import:credentials failed (${res.code}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		}
		return credential.id;
	}

	/** `n8n execute --id=<id> --rawOutput`, with the printed execution parsed. */
	async execute(id: string, opts: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		const res = await this.cli(['execute', `--id=${id}`, '--rawOutput'], opts);
		const run = parseExecuteOutput(res.stdout);
		const ok = res.code === 0 && run !== undefined && !run.data?.resultData?.error;
		return { ...res, run, ok };
	}

	/** `n8n publish:workflow --id=<id>`: the workflow gets activated by the next `n8n start`. */
	async publish(id: string): Promise<void> {
		const res = await this.cli(['publish:workflow', `--id=${id}`]);
		if (res.code !== 0 || /Error updating database/.test(res.stdout + res.stderr)) {
			throw new Error(`publish:workflow failed (${res.code}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		}
	}

	/** Starts `n8n start` in the background on free ports and waits until the editor is up. */
	async start(opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<N8nServer> {
		const server = new N8nServer(this, opts.env ?? {});
		this.servers.add(server);
		await server.start(opts.timeoutMs ?? 120_000);
		return server;
	}

	/** Stops servers still running and removes the user folder (unless N8N_E2E_KEEP=1). */
	async cleanup(): Promise<void> {
		for (const s of this.servers) await s.stop();
		this.servers.clear();
		if (process.env.N8N_E2E_KEEP !== '1') {
			rmSync(this.userFolder, { recursive: true, force: true });
			cleanupDirs.delete(this.userFolder);
		}
	}
}

/** A fresh N8N_USER_FOLDER with the packed package installed under .n8n/nodes/node_modules. */
export async function prepareN8n(opts: PrepareOptions = {}): Promise<N8nInstance> {
	const { n8nBin, template } = ensurePrepared();
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-'));
	cleanupDirs.add(userFolder);
	cpSync(join(template, '.n8n'), join(userFolder, '.n8n'), { recursive: true });
	return new N8nInstance(n8nBin, userFolder, opts.env ?? {});
}

// ---------------------------------------------------------------------------------------------
// A running `n8n start`
// ---------------------------------------------------------------------------------------------

const liveChildren = new Set<ChildProcess>();

/** Signals the process group a detached child leads (n8n and the task runner it spawned). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

process.on('exit', () => {
	for (const c of liveChildren) killGroup(c, 'SIGKILL');
	if (process.env.N8N_E2E_KEEP !== '1') {
		for (const d of cleanupDirs) rmSync(d, { recursive: true, force: true });
	}
});

export interface Execution extends RunData {
	id: string;
	workflowId: string;
	status: string;
	startedAt: string;
	stoppedAt?: string | null;
}

export const OWNER = { email: 'e2e-owner@example.test', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Owner-Passw0rd' };

export class N8nServer {
	readonly instance: N8nInstance;
	port = 0;
	baseUrl = '';
	logFile = '';
	apiKey: string | undefined;
	private child: ChildProcess | undefined;
	private cookie: string | undefined;
	private readonly browserId = `e2e-${randomBytes(8).toString('hex')}`;
	private readonly extraEnv: Record<string, string>;
	private output = '';

	constructor(instance: N8nInstance, extraEnv: Record<string, string>) {
		this.instance = instance;
		this.extraEnv = extraEnv;
	}

	/** stdout + stderr of n8n so far */
	get log(): string {
		return this.output;
	}

	async start(timeoutMs: number): Promise<void> {
		this.port = await freePort();
		const brokerPort = await freePort();
		this.baseUrl = `http://127.0.0.1:${this.port}`;
		this.logFile = join(this.instance.userFolder, `n8n-start-${this.port}.log`);
		const logStream = createWriteStream(this.logFile);
		const child = spawn(this.instance.n8nBin, ['start'], {
			cwd: this.instance.userFolder,
			env: childEnv({
				N8N_USER_FOLDER: this.instance.userFolder,
				N8N_PORT: String(this.port),
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...this.instance.env,
				...this.extraEnv,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		liveChildren.add(child);
		const onData = (d: Buffer) => {
			this.output += d.toString();
			logStream.write(d);
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.on('close', () => {
			liveChildren.delete(child);
			logStream.end();
		});

		const deadline = performance.now() + timeoutMs;
		while (performance.now() < deadline) {
			if (child.exitCode !== null || child.signalCode !== null) {
				throw new Error(`n8n start exited (${child.exitCode ?? child.signalCode}):\n${this.output.slice(-4000)}`);
			}
			if (/Editor is now accessible via/.test(this.output)) {
				try {
					const res = await fetch(`${this.baseUrl}/healthz`);
					if (res.ok) return;
				} catch {
					/* not yet */
				}
			}
			await sleep(250);
		}
		await this.stop();
		throw new Error(`n8n did not come up within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
	}

	/** SIGTERM (n8n shuts down gracefully, calling triggers' closeFunction), SIGKILL after timeoutMs. */
	async stop(timeoutMs = 30_000): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const closed = new Promise<void>((r) => child.once('close', () => r()));
		child.kill('SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const timedOut = await Promise.race([
			closed.then(() => false),
			new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
		]);
		clearTimeout(timer);
		// the task runner and anything else n8n started
		killGroup(child, 'SIGKILL');
		if (timedOut) await closed;
	}

	get running(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	// ---- REST (the editor's API, cookie auth) ----

	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T; raw: unknown }> {
		const headers: Record<string, string> = { 'browser-id': this.browserId, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		const res = await fetch(`${this.baseUrl}${path.startsWith('/') ? path : `/rest/${path}`}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await res.text();
		let raw: unknown = text;
		try {
			raw = text ? JSON.parse(text) : undefined;
		} catch {
			/* not JSON */
		}
		const data = (raw && typeof raw === 'object' && 'data' in raw ? (raw as { data: unknown }).data : raw) as T;
		return { status: res.status, data, raw };
	}

	private async restOk<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.rest<T>(method, path, body);
		if (res.status >= 400) throw new Error(`${method} ${path} -> ${res.status}: ${JSON.stringify(res.raw).slice(0, 2000)}`);
		return res.data;
	}

	/** Creates the owner account (first start of a fresh user folder) and keeps its session cookie. */
	async setupOwner(): Promise<void> {
		const res = await this.rest('POST', '/rest/owner/setup', OWNER);
		if (res.status >= 400) {
			// already set up (e.g. second start on the same folder): log in instead
			await this.login();
		}
	}

	async login(): Promise<void> {
		await this.restOk('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	}

	/** Creates a public-API key with every scope the owner may have. */
	async createApiKey(): Promise<string> {
		if (this.apiKey) return this.apiKey;
		const scopes = await this.restOk<string[]>('GET', '/rest/api-keys/scopes');
		const created = await this.restOk<{ rawApiKey: string }>('POST', '/rest/api-keys', {
			label: `e2e-${Date.now()}`,
			scopes,
			expiresAt: null,
		});
		this.apiKey = created.rawApiKey;
		return this.apiKey;
	}

	// ---- public API (X-N8N-API-KEY) ----

	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
		const key = await this.createApiKey();
		const headers: Record<string, string> = { 'X-N8N-API-KEY': key, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed as T };
	}

	private async apiOk<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.api<T>(method, path, body);
		if (res.status >= 400) throw new Error(`${method} /api/v1${path} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 2000)}`);
		return res.body;
	}

	/** Activates (publishes) a workflow in the running n8n; its triggers start now. */
	async activate(id: string): Promise<void> {
		await this.apiOk('POST', `/workflows/${id}/activate`, {});
	}

	/** Deactivates a workflow; n8n calls the triggers' closeFunction. */
	async deactivate(id: string): Promise<void> {
		await this.apiOk('POST', `/workflows/${id}/deactivate`, {});
	}

	/** Creates a workflow through the public API (the server must be running). Returns its id. */
	async createWorkflow(workflow: Record<string, unknown>): Promise<string> {
		const { name, nodes, connections, settings } = workflow as Record<string, unknown>;
		const created = await this.apiOk<{ id: string }>('POST', '/workflows', {
			name: name ?? `e2e ${Date.now()}`,
			nodes,
			connections: connections ?? {},
			settings: settings ?? {},
		});
		return created.id;
	}

	/** Executions of a workflow, newest first, with their data. */
	async executions(workflowId: string): Promise<Execution[]> {
		const out: Execution[] = [];
		let cursor: string | undefined;
		do {
			const q = new URLSearchParams({ workflowId, includeData: 'true', limit: '100' });
			if (cursor) q.set('cursor', cursor);
			const page = await this.apiOk<{ data: Execution[]; nextCursor?: string | null }>('GET', `/executions?${q.toString()}`);
			out.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return out;
	}

	/**
	 * Waits until a workflow has at least `count` finished executions (not running/new/waiting) and
	 * returns them oldest first.
	 */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
		const deadline = performance.now() + timeoutMs;
		let last: Execution[] = [];
		while (performance.now() < deadline) {
			last = (await this.executions(workflowId)).filter((e) => !['running', 'new', 'waiting'].includes(e.status));
			if (last.length >= count) return last.reverse();
			await sleep(300);
		}
		throw new Error(`workflow ${workflowId}: ${last.length} of ${count} executions after ${timeoutMs} ms`);
	}

	/**
	 * Waits `quietMs` and checks that the workflow still has exactly `count` executions (none started
	 * by filtered events or after deactivation). Returns the executions, oldest first.
	 */
	async expectExecutionCount(workflowId: string, count: number, quietMs = 1500): Promise<Execution[]> {
		await sleep(quietMs);
		const all = await this.executions(workflowId);
		if (all.length !== count) {
			throw new Error(
				`workflow ${workflowId}: expected ${count} executions, found ${all.length}: ${JSON.stringify(all.map((e) => ({ id: e.id, status: e.status })))}`,
			);
		}
		return all.reverse();
	}

	/** Node types n8n knows (the editor's /types/nodes.json). */
	async nodeTypes(): Promise<Array<{ name: string; displayName: string; version: number | number[]; [k: string]: unknown }>> {
		const res = await this.rest<unknown>('GET', '/types/nodes.json');
		if (res.status !== 200 || !Array.isArray(res.raw)) throw new Error(`/types/nodes.json -> ${res.status}`);
		return res.raw as Array<{ name: string; displayName: string; version: number | number[] }>;
	}

	/** Credential types n8n knows (the editor's /types/credentials.json). */
	async credentialTypes(): Promise<Array<{ name: string; displayName: string; [k: string]: unknown }>> {
		const res = await this.rest<unknown>('GET', '/types/credentials.json');
		if (res.status !== 200 || !Array.isArray(res.raw)) throw new Error(`/types/credentials.json -> ${res.status}`);
		return res.raw as Array<{ name: string; displayName: string }>;
	}

	/** Creates a credential (REST, as the editor does) and returns its id. */
	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<string> {
		const created = await this.restOk<{ id: string }>('POST', '/rest/credentials', { name, type, data });
		return created.id;
	}

	/** n8n's own credential test (the editor's "Retry"/"Save" check): POST /rest/credentials/test. */
	async testCredential(id: string, name: string, type: string, data: Record<string, unknown>): Promise<{ status: string; message: string }> {
		return await this.restOk<{ status: string; message: string }>('POST', '/rest/credentials/test', {
			credentials: { id, name, type, data },
		});
	}
}
