import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
	NodeOperationError,
	type IDataObject,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { BoundedSet } from '../../shared/connection';
import { ONEBOT_CREDENTIAL_TYPE, toOneBotCredentials } from '../transport/auth';
import type { OneBotEvent } from './derive';
import { checkOneBotFrame, EventFilter, type FilterConfig } from './filters';
import { readFilterConfig } from './parameters';
import { secretsEqual } from './reverse';
import { parseJsonLossless } from '../../shared/json';

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

/** The quick operation the user configured, limited to the fields that apply to this event. */
export function buildQuickOperation(settings: IDataObject, event: OneBotEvent): IDataObject | undefined {
	const op: IDataObject = {};
	const has = (key: string) => settings[key] !== undefined && settings[key] !== null && settings[key] !== '';
	if (event.post_type === 'message') {
		const group = event.message_type === 'group';
		if (has('reply')) {
			op.reply = String(settings.reply);
			if (has('autoEscape')) op.auto_escape = settings.autoEscape === true;
			if (group && has('atSender')) op.at_sender = settings.atSender === true;
		}
		if (group) {
			if (has('delete')) op.delete = settings.delete === true;
			if (has('kick')) op.kick = settings.kick === true;
			if (has('ban')) op.ban = settings.ban === true;
			if (has('ban') && settings.ban === true && has('banDuration')) op.ban_duration = Number(settings.banDuration);
		}
	} else if (event.post_type === 'request') {
		if (has('approve')) op.approve = settings.approve === true;
		if (event.request_type === 'friend' && has('remark')) op.remark = String(settings.remark);
		if (event.request_type === 'group' && has('reason')) op.reason = String(settings.reason);
	}
	return Object.keys(op).length > 0 ? op : undefined;
}

/** De-duplication memory per workflow node, kept for the life of the n8n process. */
const dedupeMemory = new Map<string, BoundedSet>();
const MAX_REMEMBERED_NODES = 200;

function memoryFor(key: string, size: number): BoundedSet {
	let set = dedupeMemory.get(key);
	if (!set || set.capacity !== size) {
		set = new BoundedSet(size);
		dedupeMemory.set(key, set);
		while (dedupeMemory.size > MAX_REMEMBERED_NODES) {
			dedupeMemory.delete(dedupeMemory.keys().next().value as string);
		}
	}
	return set;
}

/**
 * The OneBot HTTP POST webhook. Order: signature (401, nothing runs) → body (400) → filters (204,
 * nothing runs) → execution. "Immediately" answers at once: the configured quick operation
 * (200 + JSON) or 204. The other modes leave the answer to n8n: the last node's first item
 * (`lastNode`) or a Respond to Webhook node (`responseNode`).
 */
export async function oneBotWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode();
	const req = this.getRequestObject() as WebhookRequest;
	const res = this.getResponseObject() as ServerResponse;
	const respond = String(this.getNodeParameter('respond', 'onReceived'));
	const read = (name: string, fallback: unknown) => this.getNodeParameter(name, fallback) as unknown;

	let filterConfig: FilterConfig;
	try {
		filterConfig = readFilterConfig(read);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}

	const signature = String(read('signature', 'none'));
	let raw: Buffer | undefined;
	if (signature !== 'none') {
		const secret =
			signature === 'credential'
				? toOneBotCredentials(await this.getCredentials(ONEBOT_CREDENTIAL_TYPE)).accessToken
				: String(read('secret', ''));
		if (!secret) {
			throw new NodeOperationError(node, 'Signature check is on but no secret is set', {
				description:
					signature === 'credential'
						? "The OneBot credential's Access Token is empty"
						: 'Enter the secret configured in the backend, or turn the signature check off',
			});
		}
		raw = await rawBodyOf(req);
		if (!raw || !verifySignature(raw, req.headers['x-signature'], secret)) {
			const why = req.headers['x-signature'] === undefined ? 'no X-Signature header' : 'wrong X-Signature';
			this.logger.warn(`OneBot webhook refused a request (${why}); check that the backend's secret matches`);
			answer(res, 401);
			return { noWebhookResponse: true };
		}
	} else {
		raw = await rawBodyOf(req);
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

	const workflowId = this.getWorkflow().id ?? '';
	const memory = filterConfig.dedupeSize > 0 ? memoryFor(`${workflowId}:${node.id}`, filterConfig.dedupeSize) : undefined;
	const result = new EventFilter(filterConfig, memory).apply(event);
	if (!result.pass) {
		this.logger.debug(`OneBot event not emitted: ${result.reason}`);
		answer(res, 204);
		return { noWebhookResponse: true };
	}
	const workflowData = [this.helpers.returnJsonArray([result.item])];

	if (respond === 'onReceived') {
		const settings = (read('quickOperation', {}) ?? {}) as IDataObject;
		const op = buildQuickOperation(settings, event);
		if (op) answer(res, 200, op);
		else answer(res, 204);
		return { workflowData, noWebhookResponse: true };
	}
	return { workflowData };
}
