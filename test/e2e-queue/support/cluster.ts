/**
 * n8n 2.8.4 in queue mode on this machine: a main instance (editor, REST/public API, triggers), workers
 * (`n8n worker`) that run the executions, and a webhook processor (`n8n webhook`) for production webhooks,
 * sharing one PostgreSQL database and one Redis queue (started by scripts/n8n/queue/services.sh; the
 * runner scripts/n8n/queue/run.mjs passes their ports in N8N_QUEUE_SERVICES).
 *
 *   const cluster = await QueueCluster.start({ workers: 2 });
 *   cluster.api          // an N8nServer bound to main: setupOwner, createWorkflow, activate, executions ...
 *   cluster.webhookUrl   // http://127.0.0.1:<port> of the webhook processor
 *   await cluster.kill(cluster.workers[0]);   // SIGKILL a process group
 *   await cluster.stop();
 *
 * Every instance has its own N8N_USER_FOLDER with the packed package installed the way the Community
 * Nodes installer does (the template prepared by scripts/n8n/prepare.sh), its own free ports (editor or
 * webhook port, task-runner broker, worker server) and an E2E_INSTANCE variable (main, worker-1, ...,
 * webhook) that expressions read with `$env.E2E_INSTANCE`, so a workflow can say where it ran.
 * Each cluster gets a database of its own in the shared PostgreSQL server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { baseN8nEnv, freePort, N8nInstance, N8nServer, sleep, type Execution } from '../../e2e/support/n8n';

export type Role = 'main' | 'worker' | 'webhook';

interface Services {
	REDIS_PORT: string;
	PG_PORT: string;
	PG_BIN: string;
	PG_USER: string;
}

function readServices(): Services {
	const file = process.env.N8N_QUEUE_SERVICES;
	if (!file || !existsSync(file)) {
		throw new Error('N8N_QUEUE_SERVICES is not set: run the queue suite with `npm run test:e2e:queue` (scripts/n8n/queue/run.mjs)');
	}
	const out: Record<string, string> = {};
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const at = line.indexOf('=');
		if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
	}
	return out as unknown as Services;
}

/** One n8n process of the cluster. */
export class ClusterProcess {
	readonly name: string;
	readonly role: Role;
	readonly userFolder: string;
	readonly env: Record<string, string>;
	/** main / webhook: the HTTP port; worker: the worker server port (/healthz) */
	readonly port: number;
	private child: ChildProcess | undefined;
	private output = '';
	private readonly pidFile: string | undefined;

	constructor(name: string, role: Role, userFolder: string, port: number, env: Record<string, string>) {
		this.name = name;
		this.role = role;
		this.userFolder = userFolder;
		this.port = port;
		this.env = env;
		const pids = process.env.N8N_QUEUE_PIDS_DIR;
		this.pidFile = pids ? join(pids, `${name}-${randomBytes(4).toString('hex')}.pid`) : undefined;
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	get log(): string {
		return this.output;
	}

	get running(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** The process and every process it started (the task runner): its process group. */
	pids(): number[] {
		const pgid = this.child?.pid;
		if (pgid === undefined) return [];
		const out: number[] = [];
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
				const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				if (Number(fields[2]) === pgid) out.push(Number(entry));
			} catch {
				/* gone */
			}
		}
		return out;
	}

	async start(n8nBin: string, timeoutMs = 180_000): Promise<void> {
		const args = this.role === 'main' ? ['start'] : this.role === 'worker' ? ['worker', `--concurrency=${this.env.E2E_CONCURRENCY ?? '3'}`] : ['webhook'];
		const logStream = createWriteStream(join(this.userFolder, `${this.name}.log`), { flags: 'a' });
		const env: NodeJS.ProcessEnv = { ...process.env, ...this.env };
		delete env.NODE_OPTIONS;
		delete env.NODE_TEST_CONTEXT;
		const child = spawn(n8nBin, args, { cwd: this.userFolder, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		this.child = child;
		live.add(this);
		if (this.pidFile && child.pid !== undefined) writeFileSync(this.pidFile, String(child.pid));
		const onData = (d: Buffer) => {
			this.output += d.toString();
			logStream.write(d);
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.on('close', () => {
			live.delete(this);
			logStream.end();
			if (this.pidFile) rmSync(this.pidFile, { force: true });
		});
		const ready =
			this.role === 'main' ? /Editor is now accessible via/ : this.role === 'worker' ? /n8n worker is now ready/ : /Webhook listener waiting for requests/;
		const deadline = performance.now() + timeoutMs;
		while (performance.now() < deadline) {
			if (!this.running) throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}):\n${this.output.slice(-4000)}`);
			if (ready.test(this.output)) {
				try {
					if ((await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok) return;
				} catch {
					/* not yet */
				}
			}
			await sleep(250);
		}
		throw new Error(`${this.name} did not come up within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
	}

	/** Signals the whole process group. */
	signal(signal: NodeJS.Signals): void {
		const pid = this.child?.pid;
		if (pid === undefined) return;
		try {
			process.kill(-pid, signal);
		} catch {
			/* already gone */
		}
	}

	/** SIGKILL to the process group; resolves when the n8n process has exited. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child || !this.running) return;
		const closed = new Promise<void>((r) => child.once('close', () => r()));
		this.signal('SIGKILL');
		await closed;
	}

	/** SIGTERM (graceful), SIGKILL to the group after timeoutMs or once it exited (the task runner). */
	async stop(timeoutMs = 30_000): Promise<void> {
		const child = this.child;
		if (!child) return;
		if (this.running) {
			const closed = new Promise<void>((r) => child.once('close', () => r()));
			child.kill('SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
			clearTimeout(timer);
		}
		this.signal('SIGKILL');
		if (this.running) await new Promise<void>((r) => child.once('close', () => r()));
	}
}

const live = new Set<ClusterProcess>();
process.on('exit', () => {
	for (const p of live) p.signal('SIGKILL');
});

export interface ClusterOptions {
	workers?: number;
	/** jobs each worker runs at once (n8n worker --concurrency) */
	concurrency?: number;
	/** extra environment for every process */
	env?: Record<string, string>;
	/** extra environment for the workers only */
	workerEnv?: Record<string, string>;
}

/** Sockets of a set of processes: inode → pid, read from /proc/<pid>/fd. */
function socketOwners(pids: number[]): Map<string, number> {
	const owners = new Map<string, number>();
	for (const pid of pids) {
		let fds: string[] = [];
		try {
			fds = readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			try {
				const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
				if (m) owners.set(m[1], pid);
			} catch {
				/* closed meanwhile */
			}
		}
	}
	return owners;
}

interface TcpSocket {
	localPort: number;
	remotePort: number;
	state: 'listen' | 'established' | 'other';
	inode: string;
}

function tcpSockets(): TcpSocket[] {
	const out: TcpSocket[] = [];
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text = '';
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const f = line.trim().split(/\s+/);
			if (f.length < 10) continue;
			const port = (addr: string) => parseInt(addr.split(':')[1], 16);
			const state = f[3] === '0A' ? 'listen' : f[3] === '01' ? 'established' : 'other';
			out.push({ localPort: port(f[1]), remotePort: port(f[2]), state, inode: f[9] });
		}
	}
	return out;
}

export class QueueCluster {
	readonly main: ClusterProcess;
	readonly workers: ClusterProcess[];
	readonly webhook: ClusterProcess;
	/** The REST/public API of main (setupOwner, createWorkflow, activate, executions, ...). */
	readonly api: N8nServer;
	/** n8n CLI commands against the cluster's database (main's user folder). */
	readonly cli: N8nInstance;
	readonly database: string;
	readonly redisPort: number;
	private readonly root: string;
	private readonly n8nBin: string;

	private constructor(init: {
		root: string;
		n8nBin: string;
		main: ClusterProcess;
		workers: ClusterProcess[];
		webhook: ClusterProcess;
		database: string;
		redisPort: number;
	}) {
		this.root = init.root;
		this.n8nBin = init.n8nBin;
		this.main = init.main;
		this.workers = init.workers;
		this.webhook = init.webhook;
		this.database = init.database;
		this.redisPort = init.redisPort;
		// CLI commands get a broker port of their own (N8nInstance.cli picks one)
		const cliEnv = Object.fromEntries(Object.entries(init.main.env).filter(([k]) => k !== 'N8N_RUNNERS_BROKER_PORT' && k !== 'N8N_PORT'));
		this.cli = new N8nInstance(init.n8nBin, init.main.userFolder, cliEnv);
		this.api = new N8nServer(this.cli, {});
		this.api.port = init.main.port;
		this.api.baseUrl = `http://127.0.0.1:${init.main.port}`;
	}

	get processes(): ClusterProcess[] {
		return [this.main, ...this.workers, this.webhook];
	}

	get webhookUrl(): string {
		return `http://127.0.0.1:${this.webhook.port}`;
	}

	/** Which cluster process (main, worker-1, ...) holds the socket that listens on `port`, for each listener. */
	listenersOn(port: number): string[] {
		const byPid = new Map<number, string>();
		for (const p of this.processes) for (const pid of p.pids()) byPid.set(pid, p.name);
		const owners = socketOwners([...byPid.keys()]);
		return tcpSockets()
			.filter((s) => s.state === 'listen' && s.localPort === port)
			.map((s) => byPid.get(owners.get(s.inode) ?? -1) ?? 'another process');
	}

	/** Which cluster process holds each open TCP connection to 127.0.0.1:`port` (a backend's port). */
	connectionsTo(port: number): string[] {
		const byPid = new Map<number, string>();
		for (const p of this.processes) for (const pid of p.pids()) byPid.set(pid, p.name);
		const owners = socketOwners([...byPid.keys()]);
		return tcpSockets()
			.filter((s) => s.state === 'established' && s.remotePort === port && owners.has(s.inode))
			.map((s) => byPid.get(owners.get(s.inode)!)!);
	}

	/** Runs a SQL statement against the cluster's database (psql), returns the rows as tab-separated lines. */
	sql(statement: string): string[] {
		const s = readServices();
		const res = spawnSync(join(s.PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', s.PG_PORT, '-U', s.PG_USER, '-d', this.database, '-At', '-F', '\t', '-c', statement], {
			encoding: 'utf8',
		});
		if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
		return res.stdout.split('\n').filter((l) => l !== '');
	}

	/**
	 * Waits until a workflow has at least `count` finished executions (counted in the database: the
	 * public API's paged list once left one of 200 out under load) and returns them oldest first, with
	 * their data: from the API's list, and any the list left out fetched one by one. A 503 ("Database
	 * is not ready", main's database ping timing out on a loaded machine) is waited out.
	 */
	async finishedExecutions(workflowId: string, count: number, timeoutMs = 300_000): Promise<Execution[]> {
		if (!/^[A-Za-z0-9]+$/.test(workflowId)) throw new Error(`unexpected workflow id ${workflowId}`);
		const deadline = performance.now() + timeoutMs;
		let ids: string[] = [];
		for (;;) {
			ids = this.sql(
				`SELECT id FROM execution_entity WHERE "workflowId" = '${workflowId}' AND status NOT IN ('running', 'new', 'waiting') ORDER BY id`,
			);
			if (ids.length >= count) break;
			if (performance.now() > deadline) throw new Error(`workflow ${workflowId}: ${ids.length} of ${count} executions finished after ${timeoutMs} ms`);
			await sleep(300);
		}
		const listed = new Map<string, Execution>();
		const page = await this.whenReady(async () => await this.api.executions(workflowId));
		for (const e of page) listed.set(String(e.id), e);
		const out: Execution[] = [];
		for (const id of ids) {
			let execution = listed.get(id);
			if (!execution) {
				const res = await this.whenReady(async () => {
					const r = await this.api.api<Execution>('GET', `/executions/${id}?includeData=true`);
					if (r.status === 503) throw new Error('503');
					return r;
				});
				if (res.status !== 200) throw new Error(`GET /executions/${id} -> ${res.status}`);
				execution = res.body;
			}
			out.push(execution);
		}
		return out;
	}

	/** Runs an API call again while main answers 503 (its database ping timed out), for up to 60 s. */
	private async whenReady<T>(call: () => Promise<T>): Promise<T> {
		const deadline = performance.now() + 60_000;
		for (;;) {
			const result = await call().then(
				(value) => ({ value }),
				(error: Error) => ({ error }),
			);
			if ('value' in result) return result.value;
			if (!/\b503\b/.test(result.error.message) || performance.now() > deadline) {
				throw new Error(`main's API: ${result.error.message}`);
			}
			await sleep(500);
		}
	}

	/** Every execution of a workflow in the database, whatever its status. */
	executionCount(workflowId: string): number {
		if (!/^[A-Za-z0-9]+$/.test(workflowId)) throw new Error(`unexpected workflow id ${workflowId}`);
		return Number(this.sql(`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}'`)[0]);
	}

	/** Runs a redis-cli command against the queue's Redis. */
	redis(...args: string[]): string {
		const res = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.redisPort), ...args], { encoding: 'utf8' });
		if (res.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${res.stderr}`);
		return res.stdout.trim();
	}

	/** Starts (again) a stopped or killed process of the cluster. */
	async restart(p: ClusterProcess): Promise<void> {
		await p.stop();
		await p.start(this.n8nBin);
	}

	static async start(options: ClusterOptions = {}): Promise<QueueCluster> {
		const services = readServices();
		const n8nBin = process.env.N8N_E2E_N8N_BIN;
		const template = process.env.N8N_E2E_TEMPLATE;
		if (!n8nBin || !template) throw new Error('N8N_E2E_N8N_BIN / N8N_E2E_TEMPLATE are not set: run `npm run test:e2e:queue`');

		const database = `n8n_${randomBytes(4).toString('hex')}`;
		const created = spawnSync(join(services.PG_BIN, 'createdb'), ['-h', '127.0.0.1', '-p', services.PG_PORT, '-U', services.PG_USER, database], {
			encoding: 'utf8',
		});
		if (created.status !== 0) throw new Error(`createdb ${database} failed: ${created.stderr}`);

		const root = mkdtempSync(join(tmpdir(), 'n8n-queue-'));
		const shared: Record<string, string> = {
			...baseN8nEnv(),
			GENERIC_TIMEZONE: 'UTC',
			npm_config_registry: 'http://127.0.0.1:9/',
			npm_config_fetch_retries: '0',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: services.PG_PORT,
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: services.PG_USER,
			DB_POSTGRESDB_PASSWORD: '',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: services.REDIS_PORT,
			// one queue per cluster in the shared Redis
			QUEUE_BULL_PREFIX: `bull-${database}`,
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			// production webhooks go to the webhook processor only
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			// the workflows say where they ran with {{ $env.E2E_INSTANCE }}
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...options.env,
		};

		const make = async (name: string, role: Role, extra: Record<string, string> = {}) => {
			const userFolder = join(root, name);
			mkdirSync(join(userFolder, '.n8n'), { recursive: true });
			// the package as the Community Nodes installer leaves it (no database: the cluster's is Postgres)
			cpSync(join(template, '.n8n', 'nodes'), join(userFolder, '.n8n', 'nodes'), { recursive: true });
			const port = await freePort();
			const env: Record<string, string> = {
				...shared,
				N8N_USER_FOLDER: userFolder,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				E2E_INSTANCE: name,
				...extra,
			};
			if (role === 'worker') {
				Object.assign(env, {
					N8N_PORT: String(await freePort()),
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					E2E_CONCURRENCY: String(options.concurrency ?? 3),
					...options.workerEnv,
				});
			} else {
				env.N8N_PORT = String(port);
			}
			return new ClusterProcess(name, role, userFolder, port, env);
		};

		const main = await make('main', 'main');
		const workers: ClusterProcess[] = [];
		for (let i = 1; i <= (options.workers ?? 2); i++) workers.push(await make(`worker-${i}`, 'worker'));
		const webhook = await make('webhook', 'webhook');
		const cluster = new QueueCluster({ root, n8nBin, main, workers, webhook, database, redisPort: Number(services.REDIS_PORT) });
		let up = false;
		try {
			// main first: it migrates the database
			await main.start(n8nBin);
			await Promise.all([...workers, webhook].map(async (p) => await p.start(n8nBin)));
			await cluster.api.setupOwner();
			await cluster.api.createApiKey();
			up = true;
		} finally {
			if (!up) await cluster.stop();
		}
		return cluster;
	}

	/** Stops every process (graceful, then SIGKILL), removes the user folders (unless N8N_E2E_KEEP=1). */
	async stop(): Promise<void> {
		await Promise.all([this.webhook, ...this.workers].map(async (p) => await p.stop(15_000)));
		await this.main.stop(20_000);
		if (process.env.N8N_E2E_KEEP !== '1') rmSync(this.root, { recursive: true, force: true });
		else process.stderr.write(`[queue] kept ${this.root}\n`);
	}
}
