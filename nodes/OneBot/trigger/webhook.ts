import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHookFunctions,
	type INode,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { BoundedPairSet } from '../../shared/connection';
import { ONEBOT_CREDENTIAL_TYPE, toOneBotCredentials } from '../transport/auth';
import { checkOneBotFrame, EventFilter, type FilterConfig } from './filters';
import { readFilterConfig } from './parameters';
import { buildQuickOperation, validateQuickOperation } from './quickOperation';
import { checkEventAge, DEFAULT_REPLAY_WINDOW_SECONDS, rememberSignature } from './replay';
import { secretsEqual } from './reverse';
import { parseJsonLossless } from '../../shared/json';
import { readMaxEventBytes } from '../../shared/trigger/options';

export { buildQuickOperation, validateQuickOperation } from './quickOperation';

/** `sha1=<lowercase hex HMAC-SHA1(secret, body)>`, the X-Signature of OneBot's HTTP POST. */
export function signatureFor(secret: string, body: Buffer): string {
	return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

/**
 * Checks `X-Signature` over the exact body bytes, in constant time (both sides are hashed before
 * the comparison, so neither the content nor the length of the expected value leaks).
 */
export function verifySignature(body: Buffer, header: string | string[] | undefined, secret: string): boolean {
	const given = Array.isArray(header) ? header[0] : header;
	if (typeof given !== 'string' || given.trim() === '') return false;
	const normalized = given.trim().toLowerCase();
	return secretsEqual(normalized, signatureFor(secret, body));
}

/** The request as n8n hands it to a webhook: Node's IncomingMessage plus n8n's raw-body fields. */
type WebhookRequest = IncomingMessage & {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
	body?: unknown;
};

/** The exact bytes the backend sent (n8n keeps them as `rawBody`; read them when it has not yet). */
async function rawBodyOf(req: WebhookRequest): Promise<Buffer | undefined> {
	if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
	if (typeof req.readRawBody === 'function') {
		await req.readRawBody();
		if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
	}
	return undefined;
}

/** Answers the request directly (Node's response API, which Express's response extends). */
function answer(res: ServerResponse, status: number, body?: IDataObject): void {
	if (res.headersSent || res.writableEnded) return;
	if (body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/** n8n's Respond to Webhook node (a literal: older n8n-workflow versions do not export the constant). */
const RESPOND_TO_WEBHOOK_NODE_TYPE = 'n8n-nodes-base.respondToWebhook';
/**
 * From this version on, Respond to Webhook throws "No Webhook node found in the workflow" unless one
 * of its parents is n8n's Webhook, Form Trigger, Chat Trigger or Wait node (n8n-nodes-base 2.8.4,
 * RespondToWebhook.node.ts); its default version is 1.5.
 */
const RESPOND_TO_WEBHOOK_CHECKS_TRIGGER = 1.1;

/** De-duplication memory per workflow node, kept for the life of the n8n process. */
const dedupeMemory = new Map<string, BoundedPairSet>();
const MAX_REMEMBERED_NODES = 200;

function memoryFor(key: string, size: number): BoundedPairSet {
	let set = dedupeMemory.get(key);
	if (!set || set.capacity !== size) {
		set = new BoundedPairSet(size);
		dedupeMemory.set(key, set);
		while (dedupeMemory.size > MAX_REMEMBERED_NODES) {
			dedupeMemory.delete(dedupeMemory.keys().next().value as string);
		}
	}
	return set;
}

/** What the node's settings say about checking requests (read at activation and per request). */
export interface WebhookSecurity {
	signature: 'none' | 'secret' | 'credential';
	/** The secret to check X-Signature with ('' only when signature is none). */
	secret: string;
	maxEventBytes: number;
	replayWindowSeconds: number;
}

type Reader = (name: string, fallback: unknown) => unknown;

/** The replay window (seconds, 0 = off) from the Options collection. */
export function readReplayWindowSeconds(options: IDataObject): number {
	const value = options.replayWindow ?? DEFAULT_REPLAY_WINDOW_SECONDS;
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds < 0) {
		throw new Error(`"Replay Window (Seconds)" must be 0 (off) or a positive number of seconds, got ${JSON.stringify(value)}`);
	}
	return seconds;
}

/**
 * Reads and checks the signature settings; throws a NodeOperationError saying what to fix when the
 * signature check is on without a secret, so the activation (or the request) fails clearly.
 */
export async function readWebhookSecurity(
	node: INode,
	read: Reader,
	credentials: () => Promise<ICredentialDataDecryptedObject>,
): Promise<WebhookSecurity> {
	const signature = String(read('signature', 'secret'));
	if (signature !== 'none' && signature !== 'secret' && signature !== 'credential') {
		throw new NodeOperationError(node, `Unknown Signature Check "${signature}"`);
	}
	const options = (read('options', {}) ?? {}) as IDataObject;
	let replayWindowSeconds: number;
	let maxEventBytes: number;
	try {
		replayWindowSeconds = readReplayWindowSeconds(options);
		maxEventBytes = readMaxEventBytes(options);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}
	if (signature === 'none') return { signature, secret: '', maxEventBytes, replayWindowSeconds };
	let secret: string;
	if (signature === 'credential') {
		let data: ICredentialDataDecryptedObject;
		try {
			data = await credentials();
		} catch {
			throw new NodeOperationError(node, 'Signature check is on but no OneBot credential is selected', {
				description:
					"Select a OneBot credential whose Access Token is the backend's secret, choose Secret Entered Below, or (only when no one else can reach n8n) None",
			});
		}
		secret = toOneBotCredentials(data).accessToken;
	} else {
		secret = String(read('secret', '') ?? '');
	}
	if (!secret) {
		throw new NodeOperationError(node, 'Signature check is on but no secret is set', {
			description:
				signature === 'credential'
					? "The OneBot credential's Access Token is empty: set it to the backend's secret"
					: "Enter the secret configured in the backend (go-cqhttp: secret; NapCat/LLOneBot: the HTTP client's token). Choose None only when no one else can reach n8n.",
		});
	}
	return { signature, secret, maxEventBytes, replayWindowSeconds };
}

/**
 * Runs when the workflow is activated (n8n calls checkExists first) and when its test URL is
 * registered: a signature check without a secret, a bad replay window, an invalid filter (regular
 * expression, id list, event type), an invalid quick operation, or Respond set to a Respond to
 * Webhook node when none that can answer for this trigger follows it, fail it with the reason, as
 * the WebSocket trigger's do.
 */
export async function checkWebhookSettings(this: IHookFunctions): Promise<void> {
	const node = this.getNode();
	const read: Reader = (name, fallback) => this.getNodeParameter(name, fallback) as unknown;
	try {
		readFilterConfig(read);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}
	await readWebhookSecurity(node, read, async () => await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
	const respond = String(read('respond', 'onReceived'));
	if (respond === 'responseNode') {
		// n8n waits for a Respond to Webhook node to answer: without one that answers, the backend's request
		// stays open until it times out (go-cqhttp then sends the event again), or gets n8n's 500.
		const responders = this.getChildNodes(node.name).filter((child) => child.type === RESPOND_TO_WEBHOOK_NODE_TYPE && !child.disabled);
		if (responders.length === 0) {
			throw new NodeOperationError(
				node,
				"Respond is \"Using 'Respond to Webhook' Node\" but no enabled Respond to Webhook node follows this trigger",
				{
					description:
						'Set Respond to When Last Node Finishes (the first item of the last node is the quick operation, e.g. {"reply": "…"}) or Immediately',
				},
			);
		}
		if (!responders.some((child) => child.typeVersion < RESPOND_TO_WEBHOOK_CHECKS_TRIGGER)) {
			throw new NodeOperationError(
				node,
				`Respond is "Using 'Respond to Webhook' Node", but the Respond to Webhook node (version ${responders[0].typeVersion}) answers only for n8n's own Webhook, Form, Chat and Wait nodes: with this trigger it fails every execution ("No Webhook node found in the workflow")`,
				{
					description:
						'Set Respond to When Last Node Finishes and end the workflow with a node whose first item is the quick operation (e.g. Edit Fields producing {"reply": "…"}), or to Immediately',
				},
			);
		}
	}
	if (respond === 'onReceived') {
		try {
			validateQuickOperation((read('quickOperation', {}) ?? {}) as IDataObject);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message, {
				description: 'Fix the field under Quick Operation (an expression must give a value of the expected type)',
			});
		}
	}
}

/** The body's declared size, when the request says it (Content-Length). */
function declaredLength(req: IncomingMessage): number | undefined {
	const header = req.headers['content-length'];
	if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) return undefined;
	return Number(header.trim());
}

/**
 * The OneBot HTTP POST webhook. Order: size (413) → readable body (400) → signature (401) → body (400) → event time
 * inside the replay window, and not an exact re-send of a signed request (403) → filters (204) →
 * execution. Nothing runs for a refused request. "Immediately" answers at once: the configured
 * quick operation (200 + JSON) or 204. The other modes leave the answer to n8n: the last node's
 * first item (`lastNode`) or a Respond to Webhook node (`responseNode`).
 */
export async function oneBotWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode();
	const req = this.getRequestObject() as WebhookRequest;
	const res = this.getResponseObject() as ServerResponse;
	const respond = String(this.getNodeParameter('respond', 'onReceived'));
	const read: Reader = (name, fallback) => this.getNodeParameter(name, fallback) as unknown;

	let filterConfig: FilterConfig;
	try {
		filterConfig = readFilterConfig(read);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}
	const security = await readWebhookSecurity(node, read, async () => await this.getCredentials(ONEBOT_CREDENTIAL_TYPE));
	const refuse = (status: number, why: string): IWebhookResponseData => {
		this.logger.warn(`OneBot webhook refused a request (${why}); no execution started`);
		answer(res, status);
		return { noWebhookResponse: true };
	};

	const declared = declaredLength(req);
	if (!Buffer.isBuffer(req.rawBody) && declared !== undefined && declared > security.maxEventBytes) {
		return refuse(413, `${declared} bytes, over the ${security.maxEventBytes}-byte Max Event Size`);
	}
	let raw: Buffer | undefined;
	try {
		raw = await rawBodyOf(req);
	} catch (error) {
		// A body n8n already consumed (a multipart form), cut short, or over n8n's own payload limit:
		// answered here, never thrown (a throw is a 500 and a failed execution for every such request).
		const status = (error as { status?: unknown }).status === 413 ? 413 : 400;
		return refuse(status, `the body could not be read: ${(error as Error).message}`);
	}
	const size = raw?.length ?? declared;
	if (size !== undefined && size > security.maxEventBytes) {
		return refuse(413, `${size} bytes, over the ${security.maxEventBytes}-byte Max Event Size`);
	}

	if (security.signature !== 'none') {
		if (!raw || !verifySignature(raw, req.headers['x-signature'], security.secret)) {
			const why = req.headers['x-signature'] === undefined ? 'no X-Signature header' : 'wrong X-Signature';
			return refuse(401, `${why}; check that the backend's secret matches`);
		}
	}

	let parsed: unknown;
	if (raw) {
		try {
			parsed = parseJsonLossless(raw.toString('utf8'));
		} catch {
			parsed = undefined;
		}
	} else {
		parsed = req.body;
	}
	const check = checkOneBotFrame(parsed);
	if (check.kind !== 'accept') {
		const reason = check.kind === 'reject' ? check.reason : 'it is not an event';
		this.logger.warn(`OneBot webhook ignored a request: ${reason}`);
		answer(res, 400);
		return { noWebhookResponse: true };
	}
	const event = check.value;

	const age = checkEventAge(event.time, security.replayWindowSeconds);
	if (!age.ok) return refuse(403, age.reason);

	const workflowId = this.getWorkflow().id ?? '';
	// The test URL ("Listen for test event") gets its own memories: a backend posting to both URLs must
	// not have a test run use up (and so drop) the production workflow's events, nor the reverse.
	const nodeKey = `${workflowId}:${node.id}${this.getMode() === 'manual' ? ':test' : ''}`;
	if (security.signature !== 'none') {
		const given = req.headers['x-signature'];
		if (!rememberSignature(nodeKey, String(Array.isArray(given) ? given[0] : given))) {
			return refuse(403, 'the same signed request was already received (an exact re-send)');
		}
	}

	let quickOperation: IDataObject | undefined;
	if (respond === 'onReceived') {
		try {
			quickOperation = buildQuickOperation((read('quickOperation', {}) ?? {}) as IDataObject, event);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message, {
				description: 'Fix the field under Quick Operation (an expression must give a value of the expected type)',
			});
		}
	}

	const memory = filterConfig.dedupeSize > 0 ? memoryFor(nodeKey, filterConfig.dedupeSize) : undefined;
	const result = new EventFilter(filterConfig, memory).apply(event);
	if (!result.pass) {
		this.logger.debug(`OneBot event not emitted: ${result.reason}`);
		answer(res, 204);
		return { noWebhookResponse: true };
	}
	const workflowData = [this.helpers.returnJsonArray([result.item])];

	if (respond === 'onReceived') {
		if (quickOperation) answer(res, 200, quickOperation);
		else answer(res, 204);
		return { workflowData, noWebhookResponse: true };
	}
	return { workflowData };
}
