// Drives trigger nodes the way n8n does, with n8n-core's own classes:
//
//   activateTrigger()  trigger mode: n8n-core's TriggerContext (real getNodeParameter with defaults,
//                      getCredentials through a credentials helper, helpers.returnJsonArray), with
//                      emit / emitError / saveFailedExecution collected, and n8n's logger replaced by
//                      a recorder. Resolves with the trigger's response (throws like an activation).
//   runManualTrigger() manual mode ("Listen for test event"): a one-node workflow run by n8n-core's
//                      WorkflowExecute, which calls trigger(), manualTriggerFunction, waits for the
//                      first emit and calls closeFunction.
//   startWebhook()     webhook mode: an HTTP server that prepares requests like n8n's webhook server
//                      (rawBody / readRawBody, JSON body parsing, multipart bodies consumed by the form
//                      parser), runs webhook() in n8n-core's
//                      WebhookContext and answers like n8n's executeWebhook for the response modes
//                      onReceived / lastNode, recording the executions it would start.
import '../harness/env';

import { Container } from '@n8n/di';
import {
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	HookContext,
	TriggerContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Workflow } from 'n8n-workflow';
import type {
	IConnections,
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	ITriggerResponse,
	IWebhookData,
	IWebhookDescription,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { HeychatBotApi } from '../../credentials/HeychatBotApi.credentials';
import { OneBotV11Api } from '../../credentials/OneBotV11Api.credentials';
import { HarnessCredentialsHelper } from '../harness/n8n';

export interface LogEntry {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
}

/** Background timers n8n-core's DI singletons start in their constructors must not hold the process. */
function unrefCoreTimers(): void {
	for (const service of [Container.get(SSHClientsManager), Container.get(ScheduledTaskManager)]) {
		for (const value of Object.values(service)) {
			if (value && typeof value === 'object' && typeof (value as NodeJS.Timeout).unref === 'function') {
				(value as NodeJS.Timeout).unref();
			}
		}
	}
}

class SingleNodeTypes implements INodeTypes {
	constructor(
		private readonly name: string,
		private readonly type: INodeType,
		/** Types of the nodes after the trigger: unknown to this registry, as n8n's Workflow tolerates. */
		private readonly others: string[] = [],
	) {}

	getByName(): INodeType {
		return this.type;
	}

	getByNameAndVersion(nodeType: string): INodeType {
		if (this.others.includes(nodeType)) return undefined as unknown as INodeType;
		if (nodeType !== this.name) throw new Error(`Unknown node type ${nodeType}`);
		return this.type;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export function oneBotCredential(data: ICredentialDataDecryptedObject) {
	return { oneBotV11Api: { data, type: new OneBotV11Api() } };
}

export function heychatCredential(data: ICredentialDataDecryptedObject) {
	return { heychatBotApi: { data, type: new HeychatBotApi() } };
}

const CREDENTIALS = { oneBotV11Api: oneBotCredential, heychatBotApi: heychatCredential };

interface Setup {
	node: INodeType;
	parameters?: INodeParameters;
	credentials?: ICredentialDataDecryptedObject;
	/** Which credential type `credentials` are for (default oneBotV11Api). */
	credentialType?: keyof typeof CREDENTIALS;
	workflowId?: string;
	/** The node's type version (default: the version a new node gets). */
	typeVersion?: number;
	/** Nodes after the trigger, connected in a chain from its main output (types from n8n-nodes-base, never run). */
	downstream?: Array<{ name: string; type: string; typeVersion?: number; disabled?: boolean }>;
}

/** The version n8n gives a node dropped on the canvas. */
function newNodeVersion(node: INodeType): number {
	const { version, defaultVersion } = node.description;
	return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
}

function buildWorkflow(setup: Setup): { workflow: Workflow; node: INode; additionalData: IWorkflowExecuteAdditionalData } {
	unrefCoreTimers();
	const typeName = `n8n-nodes-onebot-heychat.${setup.node.description.name}`;
	const node: INode = {
		id: 'trigger-node',
		name: String(setup.node.description.defaults.name ?? 'Trigger'),
		type: typeName,
		typeVersion: setup.typeVersion ?? newNodeVersion(setup.node),
		position: [0, 0],
		parameters: structuredClone(setup.parameters ?? {}),
		webhookId: 'test-webhook-id',
	};
	const credentialType = setup.credentialType ?? 'oneBotV11Api';
	if (setup.credentials) node.credentials = { [credentialType]: { id: 'cred-1', name: 'Test account' } };
	const downstream: INode[] = (setup.downstream ?? []).map((d, i) => ({
		id: `downstream-${i}`,
		name: d.name,
		type: d.type,
		typeVersion: d.typeVersion ?? 1,
		position: [200 * (i + 1), 0],
		parameters: {},
		disabled: d.disabled,
	}));
	const chain = [node, ...downstream];
	const connections: IConnections = {};
	for (let i = 0; i + 1 < chain.length; i++) {
		connections[chain[i].name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] };
	}
	const workflow = new Workflow({
		id: setup.workflowId ?? 'wf-trigger-test',
		name: 'Trigger test',
		nodes: chain,
		connections,
		active: true,
		nodeTypes: new SingleNodeTypes(
			typeName,
			setup.node,
			downstream.map((d) => d.type),
		),
		settings: { executionOrder: 'v1' },
	});
	const helper = new HarnessCredentialsHelper(setup.credentials ? CREDENTIALS[credentialType](setup.credentials) : {});
	const base = 'http://localhost:5678';
	const additionalData = {
		credentialsHelper: helper,
		executeWorkflow: async () => {
			throw new Error('not available');
		},
		getRunExecutionData: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not available');
		},
		externalSecretsProxy: new ExternalSecretsProxy(),
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, node: workflow.getNode(node.name)!, additionalData };
}

function recorder(logs: LogEntry[]) {
	const at = (level: LogEntry['level']) => (message: string) => {
		logs.push({ level, message });
	};
	return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export async function waitFor(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
	const started = performance.now();
	while (!condition()) {
		if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

export async function delay(ms: number): Promise<void> {
	await new Promise((r) => setTimeout(r, ms));
}

export interface ActiveTrigger {
	response: ITriggerResponse;
	/** The `json` of every emitted item, in order (one item per emit). */
	emitted: IDataObject[];
	/** How many times emit was called. */
	emits: number;
	errors: Error[];
	failedExecutions: Error[];
	logs: LogEntry[];
	close(): Promise<void>;
	waitForEmits(count: number, timeoutMs?: number): Promise<IDataObject[]>;
	waitForLog(pattern: RegExp, level?: LogEntry['level'], timeoutMs?: number): Promise<LogEntry>;
}

export interface ActivateOptions extends Setup {
	/** n8n's mode for an active workflow ('trigger'). */
	mode?: WorkflowExecuteMode;
	/** Called for every emit instead of keeping the items (long runs, e.g. the benchmark). */
	onEmit?: (data: INodeExecutionData[][]) => void;
	/** Drop log lines instead of recording them (long runs). */
	discardLogs?: boolean;
}

/** Activates a trigger node like n8n's ActiveWorkflows (throws when the activation fails). */
export async function activateTrigger(options: ActivateOptions): Promise<ActiveTrigger> {
	const { workflow, node, additionalData } = buildWorkflow(options);
	const emitted: IDataObject[] = [];
	const errors: Error[] = [];
	const failedExecutions: Error[] = [];
	const logs: LogEntry[] = [];
	let emits = 0;
	const context = new TriggerContext(
		workflow,
		node,
		additionalData,
		options.mode ?? 'trigger',
		'activate',
		(data: INodeExecutionData[][]) => {
			emits++;
			if (options.onEmit) options.onEmit(data);
			else for (const item of data[0] ?? []) emitted.push(item.json);
		},
		(error: Error) => {
			errors.push(error);
		},
		(error) => {
			failedExecutions.push(error as Error);
		},
	);
	const discard = () => undefined;
	Object.defineProperty(context, 'logger', {
		value: options.discardLogs ? { debug: discard, info: discard, warn: discard, error: discard } : recorder(logs),
	});
	const nodeType = options.node;
	if (!nodeType.trigger) throw new Error('not a trigger node');
	const response = (await nodeType.trigger.call(context)) ?? {};
	let closed: Promise<void> | undefined;
	return {
		response,
		emitted,
		get emits() {
			return emits;
		},
		errors,
		failedExecutions,
		logs,
		close: async () => {
			closed ??= (async () => {
				await response.closeFunction?.();
			})();
			await closed;
		},
		waitForEmits: async (count, timeoutMs = 3000) => {
			await waitFor(() => emitted.length >= count, timeoutMs, `${count} emitted item(s), got ${emitted.length}`);
			return emitted.slice(0, count);
		},
		waitForLog: async (pattern, level, timeoutMs = 3000) => {
			const find = () => logs.find((l) => pattern.test(l.message) && (!level || l.level === level));
			await waitFor(() => find() !== undefined, timeoutMs, `a log line matching ${pattern}`);
			return find()!;
		},
	};
}

export interface ManualRun {
	/** Resolves with the items the trigger produced (the run's output of the trigger node). */
	result: Promise<{ items: IDataObject[]; error?: Error }>;
	cancel(): void;
}

/** Runs the trigger as n8n does for "Listen for test event" (n8n-core's WorkflowExecute, manual mode). */
export function runManualTrigger(setup: Setup): ManualRun {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	additionalData.hooks = new ExecutionLifecycleHooks('manual', 'manual-1', {
		id: workflow.id,
		name: workflow.name,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		settings: workflow.settings,
		activeVersionId: null,
	} as unknown as ConstructorParameters<typeof ExecutionLifecycleHooks>[2]);
	const engine = new WorkflowExecute(additionalData, 'manual');
	const run = engine.run({ workflow, startNode: node });
	const result = (async () => {
		try {
			const outcome = await run;
			const task = outcome.data.resultData.runData[node.name]?.[0];
			const items = (task?.data?.main?.[0] ?? []).map((i) => i.json);
			const error = outcome.data.resultData.error as unknown as Error | undefined;
			return { items, error };
		} catch (error) {
			return { items: [], error: error as Error };
		}
	})();
	return { result, cancel: () => run.cancel() };
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

type N8nRequest = IncomingMessage & {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
	body?: unknown;
	contentType?: string;
};

export interface WebhookServer {
	url: string;
	/** One entry per started execution: the items the webhook handed to the workflow. */
	executions: IDataObject[][];
	logs: LogEntry[];
	close(): Promise<void>;
}

export interface WebhookOptions extends Setup {
	mode?: WorkflowExecuteMode;
	/** For response mode lastNode: what the workflow's last node outputs (first item's json). */
	lastNode?: (items: IDataObject[]) => IDataObject;
	/** Emulate a request whose raw body n8n has not read yet (only readRawBody available). */
	lazyRawBody?: boolean;
}

function readStream(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/** An HTTP server that hands POSTs to the node's webhook() like n8n's webhook server. */
export async function startWebhook(options: WebhookOptions): Promise<WebhookServer> {
	const { workflow, node, additionalData } = buildWorkflow(options);
	const nodeType = options.node;
	const description = nodeType.description.webhooks?.[0] as IWebhookDescription;
	const executions: IDataObject[][] = [];
	const logs: LogEntry[] = [];
	const mode = options.mode ?? 'webhook';

	const handle = async (req: N8nRequest, res: ServerResponse) => {
		// n8n's rawBodyReader + parseBody (packages/cli/src/middlewares/body-parser.ts)
		req.contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() || undefined;
		req.readRawBody = async () => {
			if (req.rawBody) return;
			// raw-body, which n8n's readRawBody uses, refuses a stream that was already consumed.
			if (!req.readable) throw Object.assign(new Error('stream is not readable'), { status: 500 });
			req.rawBody = await readStream(req);
		};
		if (req.contentType === 'multipart/form-data') {
			// n8n's parseRequestBody hands a form to its multipart parser, which consumes the stream.
			await readStream(req);
			req.body = { data: {}, files: {} };
		} else if (!options.lazyRawBody && req.contentType === 'application/json') {
			await req.readRawBody();
			if (req.rawBody?.length) {
				try {
					req.body = JSON.parse(req.rawBody.toString('utf8'));
				} catch {
					sendJson(res, 422, { message: 'Failed to parse request body' });
					return;
				}
			}
		}
		req.body ??= {};

		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: description.path,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
		};
		const data = { ...additionalData, httpRequest: req, httpResponse: res } as IWorkflowExecuteAdditionalData;
		const context = new WebhookContext(workflow, node, data, mode, webhookData, [], null);
		Object.defineProperty(context, 'logger', { value: recorder(logs) });
		let result;
		try {
			result = await nodeType.webhook!.call(context);
		} catch (error) {
			logs.push({ level: 'error', message: (error as Error).message });
			sendJson(res, 500, { message: 'Workflow Webhook Error: Workflow could not be started!' });
			return;
		}
		const responded = result.noWebhookResponse === true || res.headersSent;
		if (result.workflowData === undefined) {
			if (!responded) sendJson(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		}
		const items = (result.workflowData[0] ?? []).map((i) => i.json);
		executions.push(items);
		if (responded) return;
		const responseMode = workflow.expression.getSimpleParameterValue(
			node,
			description.responseMode ?? 'onReceived',
			mode,
			{},
			undefined,
			'onReceived',
		);
		if (responseMode === 'lastNode') {
			sendJson(res, 200, options.lastNode ? options.lastNode(items) : items[0]);
		} else {
			sendJson(res, 200, { message: 'Workflow was started' });
		}
	};

	const server: Server = createServer((req, res) => {
		void handle(req as N8nRequest, res).catch((error: Error) => {
			sendJson(res, 500, { message: error.message });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/${node.webhookId}/${description.path}`,
		executions,
		logs,
		close: async () => {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

/**
 * Activates a webhook node like n8n's WebhookService.createWebhookIfNotExists: checkExists in
 * n8n-core's HookContext, then create when it says the webhook does not exist. Throws like a
 * failed activation.
 */
export async function activateWebhook(setup: Setup, mode: WorkflowExecuteMode = 'trigger'): Promise<void> {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	const description = setup.node.description.webhooks?.[0] as IWebhookDescription;
	const webhookData: IWebhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: description.path,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	};
	const methods = setup.node.webhookMethods?.default;
	if (!methods) throw new Error('the node has no webhook methods');
	const context = new HookContext(workflow, node, additionalData, mode, 'activate', webhookData);
	if (!(await methods.checkExists.call(context))) await methods.create.call(context);
}

/** Resource kinds that matter for leaks: sockets, servers and timers. */
export function activeHandles(): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const kind of process.getActiveResourcesInfo()) {
		if (/TCP|Timeout|Pipe|Immediate/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
	}
	return counts;
}

/** Kinds whose count grew from `before` to `after`. */
export function leakedHandles(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [kind, n] of Object.entries(after)) {
		if (n > (before[kind] ?? 0)) out[kind] = n - (before[kind] ?? 0);
	}
	return out;
}
