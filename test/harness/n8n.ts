// Test harness: runs node classes through n8n-core's real execution engine, in-process.
//
//   runNode()           Start (emits `items`) → node under test, executed by n8n-core's WorkflowExecute
//   runListSearch()     a `methods.listSearch` method with n8n-core's LoadOptionsContext
//   runLoadOptions()    a `methods.loadOptions` method, same context
//   runCredentialTest() a credential's test the way n8n's CredentialsTester picks and runs it: the
//                       credential's own request (ICredentialTestRequest, through n8n-core's RoutingNode)
//                       or else the `testedBy` function of a node that takes the credential
//   binaryItem()        an item carrying binary data as n8n keeps it in memory ('default') mode
//   shutdownHarness()   stops n8n-core's background timers (called automatically: they are unref'd)
//
// n8n-core is internal API pinned at 2.8.1 here (see the caveats in the report / README of tests).
import './env';

import { Container } from '@n8n/di';
import {
	BinaryDataService,
	CredentialTestContext,
	Credentials,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	LoadOptionsContext,
	RoutingNode,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialType,
	ICredentials,
	ICredentialsDecrypted,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialTestResult,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** One credential given to the harness: the decrypted data as stored, and its type (class instance). */
export interface HarnessCredential {
	data: ICredentialDataDecryptedObject;
	type: ICredentialType;
}

/** Credentials by credential type name, e.g. `{ oneBotApi: { data, type: new OneBotApi() } }`. */
export type HarnessCredentials = Record<string, HarnessCredential>;

export interface RunNodeOptions {
	/** The node under test (an instance of the node class). */
	node: INodeType | IVersionedNodeType;
	/** Node parameters as a saved workflow holds them (defaults are filled in by n8n's Workflow). */
	parameters?: INodeParameters;
	credentials?: HarnessCredentials;
	/** Items the node receives on its main input 0. Default `[{ json: {} }]` (a manual trigger). */
	items?: INodeExecutionData[];
	/** Sets the node's "On Error" setting to "Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Node type name. Default `<package name>.<description.name>`, as after a community install. */
	nodeTypeName?: string;
	/** Default: the newest version of the node type. */
	typeVersion?: number;
	/** Default: `description.defaults.name` or `displayName`. */
	nodeName?: string;
	/** Default 'manual' (a test run from the editor). */
	mode?: WorkflowExecuteMode;
	/** Extra INode fields (e.g. `alwaysOutputData`, `retryOnFail`, `executeOnce`). */
	nodeSettings?: Partial<Pick<INode, 'alwaysOutputData' | 'executeOnce' | 'retryOnFail' | 'maxTries' | 'waitBetweenTries' | 'onError' | 'disabled'>>;
	/**
	 * Called once the run has started with a function that cancels it as n8n's "Stop" does
	 * (the engine aborts the nodes' execution cancel signal; the run ends when the node returns).
	 */
	onStarted?: (cancel: () => void) => void;
	/**
	 * Runs the node this many times in one execution (a loop: Start → Loop → node → Loop, the Loop
	 * node sending `items` to the node again until it ran `loopRuns` times). Default 1 (no loop).
	 */
	loopRuns?: number;
	/**
	 * How n8n keeps binary data during this run: 'default' (memory: base64 in the item, the
	 * harness's usual mode) or 'filesystem' (n8n 2.x's own default: the file on disk, the item holds
	 * an `id`; read with getBinaryStream / getBinaryDataBuffer). Input items' binaries and what the
	 * node writes with prepareBinaryData are both stored so.
	 */
	binaryMode?: 'default' | 'filesystem';
}

export interface RunNodeResult {
	/** The node's main output 0 (empty when it produced nothing or failed). */
	output: INodeExecutionData[];
	/** All main outputs of the node. */
	outputs: INodeExecutionData[][];
	/**
	 * The error that failed the run: the very instance thrown out of the node's execution
	 * (e.g. NodeApiError / NodeOperationError), or n8n's serialized copy when no instance was seen
	 * (e.g. a workflow-level error such as missing required parameters).
	 */
	error?: Error;
	/** n8n's own serialized copy of the error (`{...error, message, stack}`) as stored in the run. */
	runError?: IDataObject;
	/** The run's runData (the start node's and the node under test's tasks). */
	runData: IRunData;
	run: IRun;
	/** Name of the node under test in runData. */
	nodeName: string;
	/** Hints the node added via `addExecutionHints`. */
	hints: unknown[];
	/** The main outputs of each run of the node (with `loopRuns`, one per run; else one). */
	runs: INodeExecutionData[][][];
}

export interface ListSearchOptions {
	/** Parameter path, as the editor sends it (default `parameters.<first resourceLocator using this method>`). */
	path?: string;
	paginationToken?: string;
	nodeTypeName?: string;
	typeVersion?: number;
}

// ---------------------------------------------------------------------------------------------
// n8n-core bootstrap and teardown
// ---------------------------------------------------------------------------------------------

let initPromise: Promise<void> | undefined;

function unrefTimersOf(service: object): void {
	for (const value of Object.values(service)) {
		if (value && typeof value === 'object' && typeof (value as NodeJS.Timeout).unref === 'function' && typeof (value as NodeJS.Timeout).hasRef === 'function') {
			(value as NodeJS.Timeout).unref();
		}
	}
}

async function initHarness(): Promise<void> {
	initPromise ??= (async () => {
		// Binary data in memory ('default') mode: items carry base64, getBinaryDataBuffer decodes it.
		await Container.get(BinaryDataService).init();
		// These DI singletons start intervals in their constructors (SSHClientsManager: 60 s stale
		// client cleanup; ScheduledTaskManager: cron log). Every execution context pulls in the SSH
		// helpers, so create both now and let their timers not hold the process open.
		unrefTimersOf(Container.get(SSHClientsManager));
		unrefTimersOf(Container.get(ScheduledTaskManager));
	})();
	await initPromise;
}

/**
 * Stops n8n-core's background timers. Not required (the timers are unref'd, so a test file exits
 * when its own handles are gone), but available for an explicit `after(shutdownHarness)`.
 */
export async function shutdownHarness(): Promise<void> {
	if (!initPromise) return;
	await initPromise;
	const ssh = Container.get(SSHClientsManager) as unknown as { cleanupTimer?: NodeJS.Timeout; onShutdown?: () => void };
	if (ssh.cleanupTimer) clearInterval(ssh.cleanupTimer);
	ssh.onShutdown?.();
	const cron = Container.get(ScheduledTaskManager) as unknown as { logInterval?: NodeJS.Timeout };
	if (cron.logInterval) clearInterval(cron.logInterval);
	initPromise = undefined;
}

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

const packageName = (() => {
	try {
		const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name?: string };
		return pkg.name ?? 'n8n-nodes-test';
	} catch {
		return 'n8n-nodes-test';
	}
})();

export const START_NODE_NAME = 'When clicking ‘Execute workflow’';
const START_NODE_TYPE = 'n8n-harness.start';

class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	register(name: string, type: INodeType | IVersionedNodeType): this {
		this.types.set(name, type);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type: ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

function latestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion ?? type.description.defaultVersion;
	const v = type.description.version;
	return Array.isArray(v) ? Math.max(...v) : v;
}

function baseDescription(type: INodeType | IVersionedNodeType) {
	return type.description;
}

function defaultTypeName(type: INodeType | IVersionedNodeType): string {
	return `${packageName}.${baseDescription(type).name}`;
}

/** A manual-trigger-like start node that emits the given items (binary prepared by n8n-core). */
function startNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Harness Start',
			name: 'harnessStart',
			group: ['trigger'],
			version: 1,
			description: 'Emits the test items',
			defaults: { name: START_NODE_NAME },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const out: INodeExecutionData[] = [];
			for (const item of items) {
				const copy: INodeExecutionData = { json: structuredClone(item.json) };
				if (item.binary) {
					copy.binary = {};
					for (const [key, bin] of Object.entries(item.binary)) {
						copy.binary[key] = bin.id
							? { ...bin }
							: await this.helpers.prepareBinaryData(Buffer.from(bin.data, 'base64'), bin.fileName, bin.mimeType);
					}
				}
				out.push(copy);
			}
			return [out];
		},
	};
}

const LOOP_NODE_NAME = 'Loop';
const LOOP_NODE_TYPE = 'n8n-harness.loop';

/**
 * A loop: sends the given items to its output 1 (back to the node under test) until that node ran
 * `runs` times, then nothing (its output 0, "done", goes nowhere).
 */
function loopNodeType(items: INodeExecutionData[], runs: number): INodeType {
	let sent = 0;
	return {
		description: {
			displayName: 'Harness Loop',
			name: 'harnessLoop',
			group: ['transform'],
			version: 1,
			description: 'Sends the test items again',
			defaults: { name: LOOP_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			if (sent >= runs) return [[], []];
			sent++;
			return [[], items.map((item, index) => ({ json: structuredClone(item.json), binary: item.binary, pairedItem: { item: index } }))];
		},
	};
}

/**
 * An item with binary data under `propName`, as n8n keeps it in memory ('default') mode:
 * `{ data: <base64>, mimeType, fileName, fileExtension, fileSize, ... }`. The harness start node
 * passes it through n8n-core's `prepareBinaryData`, so the node under test sees exactly what n8n
 * produces, and `this.helpers.getBinaryDataBuffer(i, propName)` returns `buffer`.
 */
export function binaryItem(
	json: IDataObject,
	propName: string,
	buffer: Buffer,
	mimeType: string,
	fileName: string,
): INodeExecutionData {
	const dot = fileName.lastIndexOf('.');
	return {
		json,
		binary: {
			[propName]: {
				data: buffer.toString('base64'),
				mimeType,
				fileName,
				...(dot > 0 ? { fileExtension: fileName.slice(dot + 1) } : {}),
				bytes: buffer.length,
			},
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Credentials helper
// ---------------------------------------------------------------------------------------------

const CREDENTIAL_ID = 'harness-credential';

const mockNode: INode = {
	id: 'harness-mock',
	name: '',
	type: 'mock',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function mockWorkflow(): Workflow {
	const nodeTypes = new HarnessNodeTypes().register('mock', {
		description: {
			displayName: 'Mock',
			name: 'mock',
			group: [],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			properties: [],
		},
	});
	return new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
}

/**
 * Stands in for n8n's CredentialsHelper (packages/cli): credentials come from memory instead of
 * the database; defaults, expression resolution and `authenticate` (function or generic
 * headers/qs/body/auth with `={{$credentials.x}}`) behave like n8n's.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly store: HarnessCredentials) {
		super();
	}

	private entry(type: string): HarnessCredential {
		const entry = this.store[type];
		if (!entry) throw new UnexpectedError(`Credential of type "${type}" was not given to the harness`);
		return entry;
	}

	private typeByName(name: string): ICredentialType | undefined {
		for (const entry of Object.values(this.store)) {
			if (entry.type.name === name) return entry.type;
		}
		return this.store[name]?.type;
	}

	getParentTypes(name: string): string[] {
		const type = this.typeByName(name);
		const out: string[] = [];
		for (const parent of type?.extends ?? []) {
			out.push(parent, ...this.getParentTypes(parent));
		}
		return out;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.entry(typeName).type;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate && typeof authenticate === 'object') {
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const resolve = (value: string): string => {
					if (!isExpression(value)) return value;
					const resolved = workflow.expression.getSimpleParameterValue(
						node,
						value,
						'internal',
						{ $credentials: credentials },
						undefined,
						'',
					);
					return resolved ? String(resolved) : '';
				};
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					const target = requestOptions as unknown as Record<string, Record<string, string> | undefined>;
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						target[outerKey] ??= {};
						target[outerKey][resolve(key)] = resolve(value);
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.entry(typeName).type;
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.store[typeName].data = { ...this.store[typeName].data, ...(output as ICredentialDataDecryptedObject) };
		return Object.assign(credentials, output);
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
		credentials.setData(this.entry(type).data);
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = structuredClone(this.entry(type).data);
		if (raw === true) return original;
		return this.applyDefaultsAndExpressions(additionalData, original, type, mode, executeData, expressionResolveValues);
	}

	/** Like n8n's applyDefaultsAndOverwrites (no overwrites configured). */
	applyDefaultsAndExpressions(
		additionalData: IWorkflowExecuteAdditionalData,
		original: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		let data = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) data.oauthTokenData = original.oauthTokenData;
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false });
		if (expressionResolveValues) {
			try {
				data = expressionResolveValues.workflow.expression.getParameterValue(
					data as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					data,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- same error n8n's CredentialsHelper rethrows
				throw e;
			}
		} else {
			data = mockWorkflow().expression.getComplexParameterValue(
				mockNode,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.entry(type).data = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.entry(type).data = { ...this.entry(type).data, oauthTokenData: data.oauthTokenData };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.typeByName(type);
		if (!credentialType) throw new UnexpectedError(`Unknown credential type: ${type}`);
		if (!credentialType.extends) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			if (this.typeByName(parent)) NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}

// ---------------------------------------------------------------------------------------------
// additionalData
// ---------------------------------------------------------------------------------------------

let executionCounter = 0;

function additionalDataFor(
	credentialsHelper: ICredentialsHelper,
	options: { executionId?: string; hooks?: ExecutionLifecycleHooks; currentNodeParameters?: INodeParameters } = {},
): IWorkflowExecuteAdditionalData {
	const base = 'http://localhost:5678';
	const notAvailable = (what: string) => async (): Promise<never> => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	return {
		credentialsHelper,
		executeWorkflow: notAvailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		executionId: options.executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		currentNodeParameters: options.currentNodeParameters,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask'),
		hooks: options.hooks,
		externalSecretsProxy: new ExternalSecretsProxy(),
		userId: 'harness-user',
	} as IWorkflowExecuteAdditionalData;
}

/** Copies the data (the helper may update it, like n8n does after preAuthentication); keeps the type instances. */
function cloneCredentials(credentials: HarnessCredentials | undefined): HarnessCredentials {
	const out: HarnessCredentials = {};
	for (const [name, entry] of Object.entries(credentials ?? {})) {
		out[name] = { data: structuredClone(entry.data), type: entry.type };
	}
	return out;
}

function nodeCredentialsFor(credentials: HarnessCredentials | undefined): INodeCredentials | undefined {
	if (!credentials || Object.keys(credentials).length === 0) return undefined;
	const out: INodeCredentials = {};
	for (const name of Object.keys(credentials)) out[name] = { id: CREDENTIAL_ID, name: `${name} account` };
	return out;
}

/** Captures the error instance thrown out of a node before the engine serializes it. */
class CapturingWorkflowExecute extends WorkflowExecute {
	readonly thrown = new Map<string, unknown>();

	override async runNode(...args: Parameters<WorkflowExecute['runNode']>): ReturnType<WorkflowExecute['runNode']> {
		try {
			return await super.runNode(...args);
		} catch (error) {
			this.thrown.set(args[1].node.name, error);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the engine must see the node's own error
			throw error;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// runNode
// ---------------------------------------------------------------------------------------------

export async function runNode(opts: RunNodeOptions): Promise<RunNodeResult> {
	await initHarness();

	const description = baseDescription(opts.node);
	const typeName = opts.nodeTypeName ?? defaultTypeName(opts.node);
	const typeVersion = opts.typeVersion ?? latestVersion(opts.node);
	const versioned = NodeHelpers.getVersionedNodeType(opts.node, typeVersion);
	const nodeName = opts.nodeName ?? (versioned.description.defaults?.name as string | undefined) ?? description.displayName;

	const loopRuns = opts.loopRuns ?? 1;
	const nodeTypes = new HarnessNodeTypes()
		.register(START_NODE_TYPE, startNodeType(opts.items ?? [{ json: {} }]))
		.register(typeName, opts.node);
	if (loopRuns > 1) nodeTypes.register(LOOP_NODE_TYPE, loopNodeType(opts.items ?? [{ json: {} }], loopRuns));
	const loopNode: INode = {
		id: 'harness-loop',
		name: LOOP_NODE_NAME,
		type: LOOP_NODE_TYPE,
		typeVersion: 1,
		position: [400, 0],
		parameters: {},
	};

	const startNode: INode = {
		id: 'harness-start',
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodeUnderTest: INode = {
		id: 'harness-node',
		name: nodeName,
		type: typeName,
		typeVersion,
		position: [200, 0],
		parameters: structuredClone(opts.parameters ?? {}),
		...opts.nodeSettings,
	};
	const credentials = nodeCredentialsFor(opts.credentials);
	if (credentials) nodeUnderTest.credentials = credentials;
	if (opts.continueOnFail) nodeUnderTest.onError = 'continueRegularOutput';

	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: loopRuns > 1 ? [startNode, nodeUnderTest, loopNode] : [startNode, nodeUnderTest],
		connections:
			loopRuns > 1
				? {
						[START_NODE_NAME]: { main: [[{ node: LOOP_NODE_NAME, type: 'main', index: 0 }]] },
						[LOOP_NODE_NAME]: { main: [[], [{ node: nodeName, type: 'main', index: 0 }]] },
						[nodeName]: { main: [[{ node: LOOP_NODE_NAME, type: 'main', index: 0 }]] },
					}
				: { [START_NODE_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const mode = opts.mode ?? 'manual';
	const executionId = `harness-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: workflow.nodes ? Object.values(workflow.nodes) : [startNode, nodeUnderTest],
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		activeVersionId: null,
	} as unknown as ConstructorParameters<typeof ExecutionLifecycleHooks>[2]);
	const credentialsHelper = new HarnessCredentialsHelper(cloneCredentials(opts.credentials));
	const additionalData = additionalDataFor(credentialsHelper, { executionId, hooks });

	const engine = new CapturingWorkflowExecute(additionalData, mode);
	// BinaryDataService.init() set up the filesystem manager whatever the mode: switching the
	// service's mode switches where prepareBinaryData puts files (memory when no manager has it).
	const binaryData = Container.get(BinaryDataService) as unknown as { mode: string };
	const binaryModeBefore = binaryData.mode;
	if (opts.binaryMode) binaryData.mode = opts.binaryMode === 'filesystem' ? 'filesystem-v2' : 'default';
	let run: IRun;
	try {
		const running = engine.run({ workflow, startNode });
		opts.onStarted?.(() => running.cancel());
		run = await running;
	} finally {
		binaryData.mode = binaryModeBefore;
	}

	const runData = run.data.resultData.runData;
	const task = runData[nodeName]?.[0];
	const outputs = (task?.data?.main ?? []).map((o) => o ?? []);
	const runError = run.data.resultData.error as unknown as IDataObject | undefined;
	let error: Error | undefined;
	if (runError) {
		const thrown = engine.thrown.get(nodeName) ?? engine.thrown.get(START_NODE_NAME);
		error = thrown instanceof Error ? thrown : (runError as unknown as Error);
	}
	return {
		output: outputs[0] ?? [],
		outputs,
		error,
		runError,
		runData,
		run,
		nodeName,
		hints: task?.hints ?? [],
		runs: (runData[nodeName] ?? []).map((t) => (t.data?.main ?? []).map((o) => o ?? [])),
	};
}

// ---------------------------------------------------------------------------------------------
// runAsTool: the node as an AI agent's tool (n8n's `<node>Tool` variant, usableAsTool)
// ---------------------------------------------------------------------------------------------

export interface RunAsToolOptions {
	/** The node with `usableAsTool` (n8n derives its `<name>Tool` variant as below). */
	node: INodeType;
	/** The tool node's parameters, e.g. with `={{ $fromAI('text', 'The message', 'string') }}`. */
	parameters: INodeParameters;
	credentials?: HarnessCredentials;
	/** The arguments of each call the agent makes, in order (one agent run). */
	calls: IDataObject[];
	/** Settings of the tool node (Retry On Fail, On Error). */
	nodeSettings?: RunNodeOptions['nodeSettings'];
	/** The items the agent works on (its main input; `$json` in the tool's expressions). Default `[{ json: {} }]`. */
	items?: INodeExecutionData[];
}

export interface ToolCallResult {
	/** What the tool returned to the agent (n8n's JSON text of the output items' json). */
	result?: unknown;
	/** What the tool threw to the agent. */
	error?: Error;
}

export interface RunAsToolResult {
	/** The tool's name and description as the agent sees them, and its argument names ($fromAI keys). */
	name: string;
	description: string;
	argumentNames: string[];
	calls: ToolCallResult[];
	/** The run's runData (the tool node's runs are the calls and their tries). */
	runData: IRunData;
	/** An error that failed the agent run itself (e.g. the tool could not be built). */
	error?: IDataObject;
}

/**
 * n8n's tool variant of a node (packages/cli NodeTypes + tool-generation/ai-tools.ts,
 * convertNodeToAiTool): the same node with `<name>Tool`, no main input, an ai_tool output and a
 * Tool Description field.
 */
function toolVariant(node: INodeType): INodeType {
	const base = node.description;
	const description: INodeTypeDescription = {
		...base,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties: [
			{
				displayName: 'Tool Description',
				name: 'descriptionType',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Set Automatically', value: 'auto' },
					{ name: 'Set Manually', value: 'manual' },
				],
				default: 'auto',
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: base.description,
				required: true,
				displayOptions: { show: { descriptionType: ['manual'] } },
			},
			...base.properties,
		],
	};
	delete description.usableAsTool;
	return Object.create(node, { description: { value: description } }) as INodeType;
}

interface HarnessTool {
	name: string;
	description: string;
	schema?: { shape?: Record<string, unknown> };
	invoke(args: IDataObject): Promise<unknown>;
}

/**
 * Runs an agent-like node (Start → Agent, the tool node on its ai_tool input) through n8n-core's
 * WorkflowExecute: the agent gets the tool with n8n-core's getInputConnectionData (createNodeAsTool,
 * makeHandleToolInvocation: each call and each retry is a run of the tool node) and invokes it with
 * each of `calls`, as a model's tool calls would.
 */
export async function runAsTool(opts: RunAsToolOptions): Promise<RunAsToolResult> {
	await initHarness();
	const tool = toolVariant(opts.node);
	const toolTypeName = `${packageName}.${tool.description.name}`;
	const toolName = `${opts.node.description.defaults.name ?? opts.node.description.displayName} Tool`;
	const agentName = 'Agent';
	const seen: { tool?: HarnessTool; calls: ToolCallResult[] } = { calls: [] };
	const agentType: INodeType = {
		description: {
			displayName: 'Harness Agent',
			name: 'harnessAgent',
			group: ['transform'],
			version: 1,
			description: 'Calls its tool with the given arguments',
			defaults: { name: agentName },
			inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tool' }],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as HarnessTool[];
			seen.tool = tools[0];
			for (const args of opts.calls) {
				try {
					seen.calls.push({ result: await seen.tool.invoke(args) });
				} catch (error) {
					seen.calls.push({ error: error as Error });
				}
			}
			return [[{ json: {} }]];
		},
	};
	const nodeTypes = new HarnessNodeTypes()
		.register(START_NODE_TYPE, startNodeType(opts.items ?? [{ json: {} }]))
		.register('n8n-harness.agent', agentType)
		.register(toolTypeName, tool);
	const startNode: INode = { id: 'harness-start', name: START_NODE_NAME, type: START_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const agentNode: INode = { id: 'harness-agent', name: agentName, type: 'n8n-harness.agent', typeVersion: 1, position: [200, 0], parameters: {} };
	const toolNode: INode = {
		id: 'harness-tool',
		name: toolName,
		type: toolTypeName,
		typeVersion: latestVersion(opts.node),
		position: [200, 200],
		parameters: structuredClone(opts.parameters),
		...opts.nodeSettings,
	};
	const credentials = nodeCredentialsFor(opts.credentials);
	if (credentials) toolNode.credentials = credentials;
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [startNode, agentNode, toolNode],
		connections: {
			[START_NODE_NAME]: { main: [[{ node: agentName, type: 'main', index: 0 }]] },
			[toolName]: { [NodeConnectionTypes.AiTool]: [[{ node: agentName, type: NodeConnectionTypes.AiTool, index: 0 }]] },
		},
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const executionId = `harness-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: workflow.id,
		name: workflow.name,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [startNode, agentNode, toolNode],
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		activeVersionId: null,
	} as unknown as ConstructorParameters<typeof ExecutionLifecycleHooks>[2]);
	const additionalData = additionalDataFor(new HarnessCredentialsHelper(cloneCredentials(opts.credentials)), { executionId, hooks });
	const run = await new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode });
	const schemaShape = seen.tool?.schema?.shape ?? {};
	return {
		name: seen.tool?.name ?? '',
		description: seen.tool?.description ?? '',
		argumentNames: Object.keys(schemaShape),
		calls: seen.calls,
		runData: run.data.resultData.runData,
		error: run.data.resultData.error as unknown as IDataObject | undefined,
	};
}

// ---------------------------------------------------------------------------------------------
// List search / load options (n8n's DynamicNodeParametersService flow)
// ---------------------------------------------------------------------------------------------

function findListSearchPath(type: INodeType, methodName: string): string | undefined {
	const walk = (props: INodeProperties[], prefix: string): string | undefined => {
		for (const p of props) {
			if (p.type === 'resourceLocator' && p.modes?.some((m) => m.typeOptions?.searchListMethod === methodName)) {
				return `${prefix}${p.name}`;
			}
		}
		return undefined;
	};
	return walk(type.description.properties, 'parameters.');
}

function loadOptionsContext(
	node: INodeType | IVersionedNodeType,
	credentials: HarnessCredentials | undefined,
	parameters: INodeParameters | undefined,
	options: ListSearchOptions,
	methodKind: 'listSearch' | 'loadOptions',
	methodName: string,
) {
	const typeName = options.nodeTypeName ?? defaultTypeName(node);
	const typeVersion = options.typeVersion ?? latestVersion(node);
	const nodeType = NodeHelpers.getVersionedNodeType(node, typeVersion);
	const method = nodeType.methods?.[methodKind]?.[methodName] as
		| ((...args: unknown[]) => Promise<unknown>)
		| undefined;
	if (typeof method !== 'function') {
		throw new UnexpectedError(`Node type does not have ${methodKind} method "${methodName}"`);
	}
	// The editor sends the node's current parameters including their defaults.
	const currentNodeParameters =
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			structuredClone(parameters ?? {}),
			true,
			false,
			{ typeVersion },
			nodeType.description,
		) ?? {};
	const tempNode: INode = {
		parameters: currentNodeParameters,
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: typeName,
		typeVersion,
		position: [0, 0],
	};
	const nodeCredentials = nodeCredentialsFor(credentials);
	if (nodeCredentials) tempNode.credentials = nodeCredentials;
	const workflow = new Workflow({
		nodes: [tempNode],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().register(typeName, node),
	});
	const helper = new HarnessCredentialsHelper(cloneCredentials(credentials));
	const additionalData = additionalDataFor(helper, { currentNodeParameters });
	const path =
		options.path ?? (methodKind === 'listSearch' ? findListSearchPath(nodeType, methodName) : undefined) ?? `parameters.${methodName}`;
	const context = new LoadOptionsContext(workflow, workflow.nodes['Temp-Node'], additionalData, path);
	return { method, context };
}

/**
 * Calls `methods.listSearch[methodName]` the way the editor's resource locator does
 * (`POST /dynamic-node-parameters/resource-locator-results`): a one-node workflow with the
 * current parameters and credentials, and n8n-core's LoadOptionsContext as `this`.
 */
export async function runListSearch(
	node: INodeType | IVersionedNodeType,
	methodName: string,
	credentials?: HarnessCredentials,
	parameters?: INodeParameters,
	filter?: string,
	options: ListSearchOptions = {},
): Promise<INodeListSearchResult> {
	await initHarness();
	const { method, context } = loadOptionsContext(node, credentials, parameters, options, 'listSearch', methodName);
	return (await method.call(context, filter, options.paginationToken)) as INodeListSearchResult;
}

/** Calls `methods.loadOptions[methodName]` like `POST /dynamic-node-parameters/options`. */
export async function runLoadOptions(
	node: INodeType | IVersionedNodeType,
	methodName: string,
	credentials?: HarnessCredentials,
	parameters?: INodeParameters,
	options: Omit<ListSearchOptions, 'paginationToken'> = {},
): Promise<INodePropertyOptions[]> {
	await initHarness();
	const { method, context } = loadOptionsContext(node, credentials, parameters, options, 'loadOptions', methodName);
	return (await method.call(context)) as INodePropertyOptions[];
}

// ---------------------------------------------------------------------------------------------
// Credential test (n8n's CredentialsTester, request-based branch)
// ---------------------------------------------------------------------------------------------

function getPath(obj: unknown, path: string): unknown {
	let cur: unknown = obj;
	for (const part of path.replace(/\[(\w+)\]/g, '.$1').split('.').filter(Boolean)) {
		if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[part];
	}
	return cur;
}

/**
 * Like n8n's CredentialsTester for a credential without its own `test`: the `testedBy` function of
 * the first node that takes the credential and names one.
 */
function findCredentialTestFunction(credentialName: string, nodeTypes: INodeType[]): ICredentialTestFunction | undefined {
	for (const nodeType of nodeTypes) {
		for (const credential of nodeType.description.credentials ?? []) {
			if (credential.name !== credentialName || typeof credential.testedBy !== 'string') continue;
			return nodeType.methods?.credentialTest?.[credential.testedBy];
		}
	}
	return undefined;
}

/**
 * Tests credentials like the editor's "Test" button (`CredentialsTester.testCredentials`) for a
 * credential type with a request-based `test`: defaults/expressions are applied to the data, the
 * test request runs through n8n-core's RoutingNode on a temporary `n8n-nodes-base.noOp` node
 * (expressions such as `={{$credentials.url}}` resolved, `authenticate` applied, request sent for
 * real), then `test.rules` are evaluated.
 */
export async function runCredentialTest(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
	nodeTypes: INodeType[] = [],
): Promise<INodeCredentialTestResult> {
	await initHarness();
	const test = credentialType.test;
	const testFunction = test ? undefined : findCredentialTestFunction(credentialType.name, nodeTypes);
	if (!test && !testFunction) return { status: 'Error', message: 'No testing function found for this credential.' };

	const typeName = credentialType.name;
	const store: HarnessCredentials = { [typeName]: { data: structuredClone(data), type: credentialType } };
	const helper = new HarnessCredentialsHelper(store);
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: CREDENTIAL_ID,
		name: `${typeName} account`,
		type: typeName,
		data: structuredClone(data),
	};
	try {
		credentialsDecrypted.data = helper.applyDefaultsAndExpressions(
			additionalDataFor(helper),
			credentialsDecrypted.data!,
			typeName,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}
	if (testFunction) {
		try {
			return await testFunction.call(new CredentialTestContext(), credentialsDecrypted);
		} catch (error) {
			return { status: 'Error', message: String((error as Error).message) };
		}
	}
	if (!test) throw new Error('unreachable');

	const noOpName = 'n8n-nodes-base.noOp';
	const testNodeType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: noOpName,
			group: ['organization'],
			version: 1,
			description: '',
			defaults: { name: 'No Operation, do nothing' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: typeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: noOpName,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [typeName]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().register(noOpName, testNodeType),
	});
	const runExecutionData: IRunExecutionData = createRunExecutionData({ resultData: { runData: {} } });
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor(helper),
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (err) {
		const error = err as Error & { cause?: { response?: { status: number; statusText?: string }; code?: string } };
		if (error.cause?.response) {
			const statusCode = error.cause.response.status;
			const statusMessage = error.cause.response.statusText;
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return { status: 'Error', message: statusMessage || `Received HTTP status code: ${statusCode}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const json = response?.[0]?.[0]?.json;
			if (getPath(json, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
