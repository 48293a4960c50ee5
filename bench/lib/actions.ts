/**
 * Action-node figures: the node run by n8n-core's WorkflowExecute (the test harness's runNode:
 * Manual Trigger → N items → node) against a minimal local backend, and the raw loops beside it
 * (same client library, same backend, same payload).
 */
import axios from 'axios';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';

import { runNode } from '../../test/harness/n8n';
import { OneBotV11Api } from '../../credentials/OneBotV11Api.credentials';
import { HeychatBotApi } from '../../credentials/HeychatBotApi.credentials';
import { Heychat, OneBot } from './shipped';

export const oneBotNode = new OneBot();
export const heychatNode = new Heychat();

const ROOM = '3663316788315193344';
const CHANNEL = '3665944781964836864';

function items(n: number): INodeExecutionData[] {
	return Array.from({ length: n }, (_, i) => ({ json: { i } }));
}

async function timeRun(n: number, run: () => Promise<void>): Promise<number> {
	const started = performance.now();
	await run();
	return ((performance.now() - started) * 1000) / n; // µs per item
}

export interface OneBotNodeRun {
	httpUrl?: string;
	wsUrl?: string;
	transport: 'http' | 'websocket';
	n: number;
	/** Node option `options.batching.batch.concurrency`, when the node has it. */
	concurrency?: number;
	/** The message text; default a fixed text (no expression: the node prepares the call once). */
	text?: string;
}

/**
 * The n8n floor for the WebSocket row: a node with the OneBot node's description that reads the
 * parameters Send Group Message reads (once, as the OneBot node does when they hold no expression;
 * a text given as an expression per item, as n8n evaluates it per item)
 * and sends the same frame per item with a raw `ws` request/echo, emitting one item with
 * pairedItem per input. What it costs over the raw loop is n8n's own work (WorkflowExecute, the
 * items), which no node avoids.
 */
class WsFloorNode implements INodeType {
	description = oneBotNode.description;

	// eslint-disable-next-line @n8n/community-nodes/require-continue-on-fail -- a benchmark floor, never published
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const url = (await this.getCredentials('oneBotV11Api')).wsUrl as string;
		const { socket, nextAnswer } = await openEchoSocket(url);
		const out: INodeExecutionData[] = [];
		try {
			const items = this.getInputData();
			// Read once, as the OneBot node reads parameters that hold no expression.
			this.getNodeParameter('resource', 0);
			this.getNodeParameter('operation', 0);
			const groupId = this.getNodeParameter('group_id', 0, undefined, { extractValue: true }) as string;
			this.getNodeParameter('messageFormat', 0);
			const fixedText = this.getNodeParameter('text', 0) as string;
			// A text from an expression is read per item (n8n evaluates it for each item).
			const perItem = String(this.getNode().parameters.text).startsWith('=');
			this.getNodeParameter('options', 0, {});
			for (let i = 0; i < items.length; i++) {
				const message = perItem && i > 0 ? (this.getNodeParameter('text', i) as string) : fixedText;
				const echo = `e${i}`;
				const answer = nextAnswer();
				socket.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: Number(groupId), message, auto_escape: true }, echo }));
				const frame = JSON.parse(await answer) as { echo: string; data: unknown };
				if (frame.echo !== echo) throw new Error('echo mismatch');
				out.push({ json: { data: frame.data } as INodeExecutionData['json'], pairedItem: { item: i } });
			}
		} finally {
			await closeCleanly(socket);
		}
		return [out];
	}
}

const wsFloorNode = new WsFloorNode();

/** µs per item for the n8n floor of the WebSocket row (see WsFloorNode). */
export async function n8nWsFloorRun(wsUrl: string, n: number, text = 'hello from the benchmark'): Promise<number> {
	return await timeRun(n, async () => {
		const result = await runNode({
			node: wsFloorNode,
			parameters: {
				resource: 'message',
				operation: 'send_group_msg',
				group_id: { __rl: true, mode: 'id', value: '100001' },
				messageFormat: 'text',
				text,
				options: { transport: 'websocket' },
			},
			items: items(n),
			credentials: {
				oneBotV11Api: {
					data: { httpUrl: '', wsUrl, accessToken: '', authLocation: 'header', ignoreSslIssues: false, backend: 'other', sendRate: 0 },
					type: new OneBotV11Api(),
				},
			},
		});
		if (result.error) throw result.error;
		if (result.output.length !== n) throw new Error(`n8n floor node: ${result.output.length} items out of ${n}`);
	});
}

/** µs per item for OneBot Send Group Message through WorkflowExecute. */
export async function oneBotNodeRun(o: OneBotNodeRun): Promise<number> {
	const options: Record<string, unknown> = { transport: o.transport };
	// One batch of all items, no pause: only the calls in flight differ from the raw loop.
	if (o.concurrency !== undefined) options.batching = { batch: { batchSize: o.n, batchInterval: 0, concurrency: o.concurrency } };
	const parameters: INodeParameters = {
		resource: 'message',
		operation: 'send_group_msg',
		group_id: { __rl: true, mode: 'id', value: '100001' },
		messageFormat: 'text',
		text: o.text ?? 'hello from the benchmark',
		options: options as INodeParameters,
	};
	return await timeRun(o.n, async () => {
		const result = await runNode({
			node: oneBotNode,
			parameters,
			items: items(o.n),
			credentials: {
				oneBotV11Api: {
					// No pacing (the default Send Rate would make this a test of the pacer) and no detection call.
					data: { httpUrl: o.httpUrl ?? '', wsUrl: o.wsUrl ?? '', accessToken: '', authLocation: 'header', ignoreSslIssues: false, backend: 'other', sendRate: 0 },
					type: new OneBotV11Api(),
				},
			},
		});
		if (result.error) throw result.error;
		if (result.output.length !== o.n) throw new Error(`OneBot node: ${result.output.length} items out of ${o.n}`);
	});
}

/** µs per item for Heychat Send Channel Message (text) through WorkflowExecute. */
export async function heychatNodeRun(apiUrl: string, n: number): Promise<number> {
	const parameters: INodeParameters = {
		resource: 'message',
		operation: 'send_channel_message',
		room_id: { __rl: true, mode: 'id', value: ROOM },
		channel_id: { __rl: true, mode: 'id', value: CHANNEL },
		messageType: 'text',
		text: 'hello from the benchmark',
	};
	return await timeRun(n, async () => {
		const result = await runNode({
			node: heychatNode,
			parameters,
			items: items(n),
			credentials: {
				heychatBotApi: {
					data: { token: 'bench-token', apiBaseUrl: apiUrl, uploadUrl: apiUrl, gatewayUrl: 'ws://127.0.0.1:1', sendRate: 0, withinLimits: false },
					type: new HeychatBotApi(),
				},
			},
		});
		if (result.error) throw result.error;
		if (result.output.length !== n) throw new Error(`Heychat node: ${result.output.length} items out of ${n}`);
	});
}

const GROUP_BODY = () => JSON.stringify({ group_id: 100001, message: 'hello from the benchmark', auto_escape: true });

/** µs per call: a sequential axios loop (keep-alive, as axios does by default on Node 20). */
export async function rawAxiosLoop(url: string, n: number, body: () => string = GROUP_BODY): Promise<number> {
	const client = axios.create({ headers: { 'Content-Type': 'application/json' }, responseType: 'text', transformResponse: (d: unknown) => d });
	return await timeRun(n, async () => {
		for (let i = 0; i < n; i++) JSON.parse((await client.post<string>(url, body())).data);
	});
}

/** µs per call with `inFlight` axios calls at a time (the floor for Concurrency). */
export async function rawAxiosInFlight(url: string, n: number, inFlight: number): Promise<number> {
	const client = axios.create({ headers: { 'Content-Type': 'application/json' }, responseType: 'text', transformResponse: (d: unknown) => d });
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			JSON.parse((await client.post<string>(url, GROUP_BODY())).data);
		}
	};
	return await timeRun(n, async () => {
		await Promise.all(Array.from({ length: inFlight }, worker));
	});
}

/** µs per call: a sequential node:http loop on one keep-alive agent. */
export async function rawHttpLoop(url: string, n: number, body: () => string = GROUP_BODY): Promise<number> {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	const target = new URL(url);
	const once = (payload: string) =>
		new Promise<string>((resolve, reject) => {
			const req = request(
				{
					host: target.hostname,
					port: target.port,
					path: target.pathname + target.search,
					method: 'POST',
					agent,
					headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
				},
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (chunk: string) => (text += chunk));
					res.on('end', () => resolve(text));
				},
			);
			req.on('error', reject);
			req.end(payload);
		});
	try {
		return await timeRun(n, async () => {
			for (let i = 0; i < n; i++) JSON.parse(await once(body()));
		});
	} finally {
		agent.destroy();
	}
}

/**
 * µs per call: a sequential `ws` request/echo loop on one socket, doing the whole job the node does
 * in an execution: connect, N request/echo, a clean close (as the raw axios loop's time holds its
 * connection set-up).
 */
export async function rawWsLoop(url: string, n: number): Promise<number> {
	return await timeRun(n, async () => {
		const { socket, nextAnswer } = await openEchoSocket(url);
		try {
			for (let i = 0; i < n; i++) {
				const echo = `e${i}`;
				const answer = nextAnswer();
				socket.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 100001, message: 'hello from the benchmark', auto_escape: true }, echo }));
				const frame = JSON.parse(await answer) as { echo: string };
				if (frame.echo !== echo) throw new Error('echo mismatch');
			}
		} finally {
			await closeCleanly(socket);
		}
	});
}

/**
 * A connected `ws` socket and `nextAnswer()`: the text of the next frame it receives (asked for
 * before the request is sent), as the raw loop and the n8n floor both use it.
 */
async function openEchoSocket(url: string): Promise<{ socket: WebSocket; nextAnswer: () => Promise<string> }> {
	const socket = new WebSocket(url);
	await new Promise((resolve, reject) => {
		socket.once('open', resolve);
		socket.once('error', reject);
	});
	let waiting: ((text: string) => void) | undefined;
	socket.on('message', (data) => waiting?.(data.toString()));
	return { socket, nextAnswer: () => new Promise<string>((resolve) => (waiting = resolve)) };
}

/** A WebSocket close handshake, awaited (what the node does at the end of an execution). */
async function closeCleanly(socket: WebSocket): Promise<void> {
	if (socket.readyState === WebSocket.CLOSED) return;
	await new Promise<void>((resolve) => {
		socket.once('close', () => resolve());
		socket.close(1000);
	});
}

export const HEYCHAT_BODY = () =>
	JSON.stringify({
		msg: 'hello from the benchmark',
		msg_type: 4,
		heychat_ack_id: String(Math.floor(Math.random() * 1e15)),
		reply_id: '',
		room_id: ROOM,
		channel_id: CHANNEL,
		channel_type: 1,
		addition: '{"img_files_info":[]}',
	});

/** Whether the node has the batching option with `concurrency` (added by the features work). */
export function hasConcurrencyOption(properties: INodeProperties[]): boolean {
	const options = properties.filter((p) => p.name === 'options');
	for (const option of options) {
		for (const child of (option.options ?? []) as INodeProperties[]) {
			if (child.name !== 'batching') continue;
			for (const entry of (child.options ?? []) as Array<{ name: string; values?: INodeProperties[] }>) {
				if (entry.name === 'batch' && entry.values?.some((v) => v.name === 'concurrency')) return true;
			}
		}
	}
	return false;
}
