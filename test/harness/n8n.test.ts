// Self-test of the n8n-core harness with a throw-away node type and a local HTTP server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';

import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
} from 'n8n-workflow';

import { binaryItem, runCredentialTest, runListSearch, runLoadOptions, runNode, shutdownHarness } from './n8n';

// ------------------------------------------------------------------------------------------
// Local server recording what it receives
// ------------------------------------------------------------------------------------------

interface Received {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

let server: Server;
let baseUrl: string;
const received: Received[] = [];

function json(res: import('node:http').ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

before(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			const body = Buffer.concat(chunks);
			received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body });
			const authorized = req.headers.authorization === 'Bearer s3cret';
			switch (url.pathname) {
				case '/echo':
					return json(res, 200, { ok: true, got: body.length ? JSON.parse(body.toString()) : null });
				case '/fail':
					return json(res, 500, { message: 'backend exploded' });
				case '/upload':
					return json(res, 200, { size: body.length });
				case '/list': {
					const names = ['alpha', 'beta', 'gamma'];
					const filter = url.searchParams.get('filter') ?? '';
					return json(res, 200, names.filter((n) => n.includes(filter)));
				}
				case '/check':
					if (!req.headers.authorization) return json(res, 401, { error: 'no token' });
					if (!authorized) return json(res, 403, { error: 'bad token' });
					return json(res, 200, { status: url.searchParams.get('answer') ?? 'ok' });
				case '/declarative':
					return json(res, 200, { declarative: true, auth: req.headers.authorization ?? null });
				default:
					return json(res, 404, { error: 'not found' });
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	received.length = 0;
});

// ------------------------------------------------------------------------------------------
// Throw-away credential and node types
// ------------------------------------------------------------------------------------------

class HarnessTestApi implements ICredentialType {
	name = 'harnessTestApi';
	displayName = 'Harness Test API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'URL', name: 'url', type: 'string', default: '' },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Client', name: 'client', type: 'string', default: 'harness-client' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}', 'X-Client': '={{$credentials.client}}' },
			qs: { via: 'generic-auth' },
		},
	};
	test: ICredentialType['test'] = {
		request: { baseURL: '={{$credentials.url}}', url: '/check', qs: { answer: '={{$credentials.client}}' } },
		rules: [{ type: 'responseSuccessBody', properties: { key: 'status', value: 'failed', message: 'Backend says failed' } }],
	};
}

const credentialType = new HarnessTestApi();
const goodCredentials = () => ({
	harnessTestApi: { data: { url: baseUrl, token: 's3cret' }, type: credentialType },
});

class HarnessThing implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Harness Thing',
		name: 'harnessThing',
		group: ['transform'],
		version: [1, 2],
		usableAsTool: true,
		description: 'Throw-away node for the harness self-test',
		defaults: { name: 'Harness Thing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'harnessTestApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Echo', value: 'echo', action: 'Echo' },
					{ name: 'Fail', value: 'fail', action: 'Fail' },
					{ name: 'Upload', value: 'upload', action: 'Upload' },
					{ name: 'Validate', value: 'validate', action: 'Validate' },
				],
				default: 'echo',
			},
			{ displayName: 'Text', name: 'text', type: 'string', default: 'default text' },
			{ displayName: 'Binary Property', name: 'binaryProperty', type: 'string', default: 'data' },
			{
				displayName: 'Target',
				name: 'target',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [
					{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchTargets' } },
					{ displayName: 'ID', name: 'id', type: 'string' },
				],
			},
		],
	};

	methods = {
		listSearch: {
			async searchTargets(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const credentials = await this.getCredentials('harnessTestApi');
				const operation = this.getCurrentNodeParameter('operation') as string;
				const names = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
					method: 'GET',
					url: `${credentials.url as string}/list`,
					qs: { filter: filter ?? '', operation },
					json: true,
				})) as string[];
				return { results: names.map((n) => ({ name: n.toUpperCase(), value: n })) };
			},
		},
		loadOptions: {
			async getTargets(this: ILoadOptionsFunctions) {
				const credentials = await this.getCredentials('harnessTestApi');
				const names = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
					method: 'GET',
					url: `${credentials.url as string}/list`,
					json: true,
				})) as string[];
				return names.map((n) => ({ name: n, value: n }));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const credentials = await this.getCredentials('harnessTestApi');
		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				if (operation === 'validate') {
					throw new NodeOperationError(this.getNode(), 'Text must not be empty', { itemIndex: i });
				}
				if (operation === 'upload') {
					const prop = this.getNodeParameter('binaryProperty', i) as string;
					const meta = this.helpers.assertBinaryData(i, prop);
					const buffer = await this.helpers.getBinaryDataBuffer(i, prop);
					const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
						method: 'POST',
						url: `${credentials.url as string}/upload`,
						body: buffer,
						headers: { 'content-type': meta.mimeType },
					})) as IDataObject;
					const copy = await this.helpers.prepareBinaryData(buffer, `copy-${meta.fileName ?? 'x'}`, meta.mimeType);
					out.push({
						json: { uploaded: response, fileName: meta.fileName ?? null, mimeType: meta.mimeType },
						binary: { copy },
						pairedItem: { item: i },
					});
					continue;
				}
				const path = operation === 'fail' ? '/fail' : '/echo';
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
					method: 'POST',
					url: `${credentials.url as string}${path}`,
					body: { text: this.getNodeParameter('text', i), index: i, version: this.getNode().typeVersion },
					json: true,
				})) as IDataObject;
				out.push({ json: response, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeApiError / NodeOperationError
				throw error;
			}
		}
		return [out];
	}
}

/** A declarative (routing) node: executed by n8n-core's RoutingNode inside the engine. */
class HarnessDeclarative implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Harness Declarative',
		name: 'harnessDeclarative',
		group: ['transform'],
		version: 1,
		description: 'Declarative throw-away node',
		usableAsTool: true,
		defaults: { name: 'Harness Declarative' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'harnessTestApi', required: true }],
		requestDefaults: { baseURL: '={{$credentials.url}}' },
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Get', value: 'get', action: 'Get', routing: { request: { method: 'GET', url: '/declarative' } } }],
				default: 'get',
			},
		],
	};
}

const node = new HarnessThing();

// ------------------------------------------------------------------------------------------
// runNode
// ------------------------------------------------------------------------------------------

describe('runNode', () => {
	test('executes with credentials: authenticate headers/qs reach the server, expressions resolve, pairedItem kept', async () => {
		const result = await runNode({
			node,
			parameters: { operation: 'echo', text: '={{ $json.name }}!' },
			credentials: goodCredentials(),
			items: [{ json: { name: 'a' } }, { json: { name: 'b' } }],
		});
		assert.equal(result.error, undefined);
		assert.equal(received.length, 2);
		for (const r of received) {
			assert.equal(r.method, 'POST');
			assert.equal(r.path, '/echo');
			assert.equal(r.headers.authorization, 'Bearer s3cret');
			// credential default ('client') applied before authenticate resolved it
			assert.equal(r.headers['x-client'], 'harness-client');
			assert.equal(r.query.get('via'), 'generic-auth');
		}
		assert.deepEqual(JSON.parse(received[0].body.toString()), { text: 'a!', index: 0, version: 2 });
		assert.deepEqual(JSON.parse(received[1].body.toString()), { text: 'b!', index: 1, version: 2 });
		assert.deepEqual(
			result.output.map((o) => [o.json, o.pairedItem]),
			[
				[{ ok: true, got: { text: 'a!', index: 0, version: 2 } }, { item: 0 }],
				[{ ok: true, got: { text: 'b!', index: 1, version: 2 } }, { item: 1 }],
			],
		);
		assert.equal(result.nodeName, 'Harness Thing');
		assert.equal(result.runData[result.nodeName][0].executionStatus, 'success');
	});

	test('parameter defaults and typeVersion come from the node description', async () => {
		const result = await runNode({ node, parameters: {}, credentials: goodCredentials(), typeVersion: 1 });
		assert.equal(result.error, undefined);
		assert.deepEqual(JSON.parse(received[0].body.toString()), { text: 'default text', index: 0, version: 1 });
	});

	test('credential data may use expressions, resolved like n8n does', async () => {
		const result = await runNode({
			node,
			parameters: { operation: 'echo' },
			credentials: {
				harnessTestApi: { data: { url: baseUrl, token: '={{ "s3" + "cret" }}', client: 'custom' }, type: credentialType },
			},
		});
		assert.equal(result.error, undefined);
		assert.equal(received[0].headers.authorization, 'Bearer s3cret');
		assert.equal(received[0].headers['x-client'], 'custom');
	});

	test('an HTTP error surfaces as the NodeApiError instance and fails the run', async () => {
		const result = await runNode({ node, parameters: { operation: 'fail' }, credentials: goodCredentials() });
		assert.ok(result.error instanceof NodeApiError, `got ${String(result.error)}`);
		assert.equal(result.error.httpCode, '500');
		// n8n's NodeApiError maps the status to its message and takes the description from the body
		assert.equal(result.error.message, 'The service was not able to process your request');
		assert.equal(result.error.description, 'backend exploded');
		assert.equal(received[0].path, '/fail');
		assert.equal(received[0].headers.authorization, 'Bearer s3cret');
		assert.deepEqual(result.output, []);
		const task = result.runData[result.nodeName][0];
		assert.equal(task.executionStatus, 'error');
		assert.equal(task.error?.name, 'NodeApiError');
		assert.equal(result.runError?.message, result.error.message);
	});

	test('a NodeOperationError keeps its class, message and item index', async () => {
		const result = await runNode({ node, parameters: { operation: 'validate' }, credentials: goodCredentials() });
		assert.ok(result.error instanceof NodeOperationError);
		assert.equal(result.error.message, 'Text must not be empty');
		assert.equal(result.error.context.itemIndex, 0);
		assert.equal(received.length, 0);
	});

	test('continueOnFail: errors become items, the run succeeds', async () => {
		const result = await runNode({
			node,
			parameters: { operation: '={{ $json.op }}' },
			credentials: goodCredentials(),
			items: [{ json: { op: 'echo' } }, { json: { op: 'fail' } }],
			continueOnFail: true,
		});
		assert.equal(result.error, undefined);
		assert.equal(result.output.length, 2);
		assert.deepEqual(result.output[0].pairedItem, { item: 0 });
		assert.equal(typeof result.output[1].json.error, 'string');
		assert.deepEqual(result.output[1].pairedItem, { item: 1 });
		assert.deepEqual(
			received.map((r) => r.path),
			['/echo', '/fail'],
		);
	});

	test('without continueOnFail the same input fails', async () => {
		const result = await runNode({
			node,
			parameters: { operation: '={{ $json.op }}' },
			credentials: goodCredentials(),
			items: [{ json: { op: 'echo' } }, { json: { op: 'fail' } }],
		});
		assert.ok(result.error instanceof NodeApiError);
	});

	test('missing credentials fail like in n8n', async () => {
		const result = await runNode({ node, parameters: { operation: 'echo' } });
		assert.ok(result.error instanceof NodeOperationError);
		assert.match(result.error.message, /credentials/i);
	});

	test('binary input: getBinaryDataBuffer returns the bytes, prepareBinaryData output works', async () => {
		const bytes = Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 254, 255]);
		const result = await runNode({
			node,
			parameters: { operation: 'upload', binaryProperty: 'file' },
			credentials: goodCredentials(),
			items: [binaryItem({ id: 7 }, 'file', bytes, 'image/png', 'pic.png')],
		});
		assert.equal(result.error, undefined);
		assert.equal(received[0].path, '/upload');
		assert.equal(received[0].headers['content-type'], 'image/png');
		assert.ok(received[0].body.equals(bytes));
		assert.deepEqual(result.output[0].json, { uploaded: { size: bytes.length }, fileName: 'pic.png', mimeType: 'image/png' });
		const copy = result.output[0].binary?.copy;
		assert.ok(copy);
		assert.equal(copy.fileName, 'copy-pic.png');
		assert.equal(copy.mimeType, 'image/png');
		assert.ok(Buffer.from(copy.data, 'base64').equals(bytes));
	});

	test('declarative nodes run through the engine’s RoutingNode with authenticate applied', async () => {
		const result = await runNode({ node: new HarnessDeclarative(), parameters: {}, credentials: goodCredentials() });
		assert.equal(result.error, undefined);
		assert.deepEqual(result.output[0].json, { declarative: true, auth: 'Bearer s3cret' });
		assert.equal(received[0].query.get('via'), 'generic-auth');
	});
});

// ------------------------------------------------------------------------------------------
// list search / load options
// ------------------------------------------------------------------------------------------

describe('runListSearch / runLoadOptions', () => {
	test('list search runs with LoadOptionsContext, credentials and current parameters', async () => {
		const result = await runListSearch(node, 'searchTargets', goodCredentials(), { operation: 'upload' }, 'a');
		assert.deepEqual(result.results, [
			{ name: 'ALPHA', value: 'alpha' },
			{ name: 'BETA', value: 'beta' },
			{ name: 'GAMMA', value: 'gamma' },
		]);
		assert.equal(received[0].headers.authorization, 'Bearer s3cret');
		assert.equal(received[0].query.get('filter'), 'a');
		assert.equal(received[0].query.get('operation'), 'upload');

		const filtered = await runListSearch(node, 'searchTargets', goodCredentials(), {}, 'mm');
		assert.deepEqual(filtered.results, [{ name: 'GAMMA', value: 'gamma' }]);
		// parameter defaults are part of the current parameters, as the editor sends them
		assert.equal(received[1].query.get('operation'), 'echo');
	});

	test('load options', async () => {
		const options = await runLoadOptions(node, 'getTargets', goodCredentials());
		assert.deepEqual(
			options.map((o) => o.value),
			['alpha', 'beta', 'gamma'],
		);
	});

	test('an unknown method is an error', async () => {
		await assert.rejects(runListSearch(node, 'nope', goodCredentials()), /nope/);
	});
});

// ------------------------------------------------------------------------------------------
// credential test
// ------------------------------------------------------------------------------------------

describe('runCredentialTest', () => {
	test('OK: request built from the test definition with expressions and authenticate', async () => {
		const result = await runCredentialTest(credentialType, { url: baseUrl, token: 's3cret' });
		assert.deepEqual(result, { status: 'OK', message: 'Connection successful!' });
		assert.equal(received.length, 1);
		assert.equal(received[0].method, 'GET');
		assert.equal(received[0].path, '/check');
		assert.equal(received[0].headers.authorization, 'Bearer s3cret');
		assert.equal(received[0].query.get('answer'), 'harness-client');
		assert.equal(received[0].query.get('via'), 'generic-auth');
	});

	// n8n's CredentialsTester reads `error.cause.response.status` for responseCode rules and for the
	// "Received HTTP status code" fallback. With n8n-workflow 2.8 the NodeApiError thrown for an HTTP
	// error has no `cause` (the compiled `cause;` class field resets it after super()), so n8n 2.8
	// shows NodeApiError's own message and responseCode rules never match. The harness applies
	// n8n's algorithm to the real error, so it reports exactly that.
	test('HTTP 403: NodeApiError message (responseCode rule cannot match on n8n 2.8)', async () => {
		const withCodeRule: ICredentialType = {
			...credentialType,
			name: 'codeRuleApi',
			test: {
				request: { baseURL: '={{$credentials.url}}', url: '/check' },
				rules: [{ type: 'responseCode', properties: { value: 403, message: 'The token was rejected' } }],
			},
		};
		const result = await runCredentialTest(withCodeRule, { url: baseUrl, token: 'wrong' });
		assert.equal(received[0].headers.authorization, 'Bearer wrong');
		assert.deepEqual(result, { status: 'Error', message: 'Forbidden - perhaps check your credentials?' });
	});

	test('HTTP 401', async () => {
		const noAuth: ICredentialType = {
			...credentialType,
			name: 'noAuthApi',
			authenticate: undefined,
			test: { request: { baseURL: '={{$credentials.url}}', url: '/check' } },
		};
		const result = await runCredentialTest(noAuth, { url: baseUrl });
		assert.equal(received[0].headers.authorization, undefined);
		assert.deepEqual(result, { status: 'Error', message: 'Authorization failed - please check your credentials' });
	});

	test('responseSuccessBody rule on a 2xx body', async () => {
		const result = await runCredentialTest(credentialType, { url: baseUrl, token: 's3cret', client: 'failed' });
		assert.deepEqual(result, { status: 'Error', message: 'Backend says failed' });
	});

	test('connection refused', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const result = await runCredentialTest(credentialType, { url: `http://127.0.0.1:${port}`, token: 's3cret' });
		assert.deepEqual(result, { status: 'Error', message: 'The service refused the connection - perhaps it is offline' });
	});

	test('a credential type without test', async () => {
		const result = await runCredentialTest({ ...credentialType, test: undefined }, {});
		assert.deepEqual(result, { status: 'Error', message: 'No testing function found for this credential.' });
	});
});

// ------------------------------------------------------------------------------------------
// process teardown

test('shutdownHarness() stops n8n-core timers; the harness re-initialises on the next run', async () => {
	await shutdownHarness();
	const result = await runNode({ node, parameters: { operation: 'echo' }, credentials: goodCredentials() });
	assert.equal(result.error, undefined);
	assert.equal(received.length, 1);
	await shutdownHarness();
});

// ------------------------------------------------------------------------------------------

test('a test file using the harness exits promptly (no n8n-core handle keeps it alive)', async () => {
	const fixture = join(__dirname, 'fixtures', 'exit-promptly.fixture.ts');
	const started = performance.now();
	const child = spawn(process.execPath, ['--import', 'tsx', '--test', fixture], {
		cwd: join(__dirname, '..', '..'),
		stdio: ['ignore', 'pipe', 'pipe'],
		// without NODE_TEST_CONTEXT the child is a normal top-level `node --test` run
		env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
	});
	let output = '';
	child.stdout.on('data', (c: Buffer) => (output += c.toString()));
	child.stderr.on('data', (c: Buffer) => (output += c.toString()));
	const limitMs = 20_000;
	const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
	const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
	clearTimeout(timer);
	const elapsed = performance.now() - started;
	assert.equal(code, 0, output);
	assert.match(output, /# pass 1/);
	assert.ok(elapsed < limitMs, `took ${elapsed} ms`);
});
