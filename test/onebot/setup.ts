// Shared set-up for the OneBot action-node tests: the node and credential, a runner bound to a
// fake backend, and helpers to read exactly what the backend received.
// The harness is imported first: it prepares the environment n8n-core reads when it loads.
import { runNode, type RunNodeOptions, type RunNodeResult } from '../harness/n8n';


import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OneBotV11Api } from '../../credentials/OneBotV11Api.credentials';
import { OneBot } from '../../nodes/OneBot/OneBot.node.ts';
import { FakeOneBot, type OneBotCall } from '../fakes/onebot';
import { resolveBackend } from '../../nodes/OneBot/backend';
import { createTransport, toOneBotCredentials } from '../../nodes/OneBot/transport';
import { after, before, beforeEach } from 'node:test';
export { freePort } from '../support/freePort';

export const node = new OneBot();
export const credentialType = new OneBotV11Api();

/** A distinctive token: any text containing it is a leak. */
export const TOKEN = 'Tk-n8n-0neB0t-5ecret-7f3a9c';

/** A 19-digit QQ id, above 2^53 and inside int64 (Number() would change its last digits). */
export const BIG_ID = '7234567890123456789';

/**
 * The credential pointing at the fake. Send Rate 0 (no pacing) unless a test sets it: the tests of
 * pacing do, the others should not wait between messages.
 */
export function credentialData(fake: FakeOneBot, overrides: Record<string, unknown> = {}): Record<string, string | boolean | number> {
	return { ...fake.credentials({ accessToken: TOKEN }), sendRate: 0, ...(overrides as Record<string, string | boolean | number>) };
}

export function credentialsFor(fake: FakeOneBot, overrides: Record<string, unknown> = {}): RunNodeOptions['credentials'] {
	return { oneBotV11Api: { data: credentialData(fake, overrides), type: credentialType } };
}

/** A resourceLocator value in "By ID" mode, as a saved workflow stores it. */
export function byId(value: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value };
}

/** n items, each with a `text` ("message 0", "message 1", …). */
export const textItems = (n: number): INodeExecutionData[] => Array.from({ length: n }, (_, i) => ({ json: { text: `message ${i}` } }));

/** Send Group Message to group 100001 with each item's `text`, plus `extra`. */
export const sendGroup = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send_group_msg',
	group_id: byId('100001'),
	messageFormat: 'text',
	text: '={{ $json.text }}',
	...extra,
});

export interface RunOptions extends Partial<Omit<RunNodeOptions, 'node' | 'parameters'>> {
	credentialOverrides?: Record<string, unknown>;
}

/** Runs the OneBot node through n8n-core's WorkflowExecute against the fake. */
export async function run(fake: FakeOneBot, parameters: INodeParameters, options: RunOptions = {}): Promise<RunNodeResult> {
	const { credentialOverrides, ...rest } = options;
	return await runNode({ node, parameters, credentials: credentialsFor(fake, credentialOverrides), ...rest });
}


const BIG_MARK = '@@exact-bigint@@';

/**
 * JSON.parse that keeps integer literals beyond 2^53 exact, as BigInt. Written for the test only
 * (quotes unsafe integers outside strings, then turns the marked strings back into BigInt).
 */
export function parseExact(text: string): unknown {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (ch === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
		} else if (ch === '-' || (ch >= '0' && ch <= '9')) {
			let j = i + 1;
			while (j < text.length && /[0-9eE+\-.]/.test(text[j])) j++;
			const token = text.slice(i, j);
			out += /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${BIG_MARK}${token}"` : token;
			i = j;
		} else {
			out += ch;
			i++;
		}
	}
	return JSON.parse(out, (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(BIG_MARK) ? BigInt(value.slice(BIG_MARK.length)) : value,
	);
}

/** The params of a call exactly as they were on the wire (big ids as BigInt). */
export function wireParams(call: OneBotCall): Record<string, unknown> {
	const parsed = parseExact(call.rawBody) as Record<string, unknown>;
	return (call.transport === 'ws' ? parsed.params : parsed) as Record<string, unknown>;
}

/** Everything an error exposes to a user or a log, as one string. */
export function errorText(result: RunNodeResult): string {
	const error = result.error as (Error & { description?: unknown; context?: unknown; cause?: unknown; errorResponse?: unknown }) | undefined;
	return JSON.stringify({
		message: error?.message,
		description: error?.description,
		context: error?.context,
		errorResponse: error?.errorResponse,
		stack: error?.stack,
		runError: result.runError,
		output: result.output,
	});
}

/**
 * The test file's fake backend (with the access token TOKEN): started before its tests, back to
 * its defaults (no calls, default handlers and modes) before each test, closed after them.
 */
export function useFakeOneBot(assign: (fake: FakeOneBot) => void): void {
	let fake: FakeOneBot | undefined;
	before(async () => {
		fake = await FakeOneBot.start({ accessToken: TOKEN });
		assign(fake);
		await detectBackendOnce(fake);
	});
	after(async () => {
		await fake?.close();
	});
	beforeEach(() => {
		fake?.reset();
		fake?.resetBehaviour();
	});
}


/**
 * Auto-detect (the credential's default) asks get_version_info once per credential and remembers
 * the answer for ten minutes. Asked here, before the file's tests, so that each test sees only the
 * calls it makes itself (the fake's app is unknown to the node: it is sent to as Other, as before
 * backends were detected). test/onebot/backends.test.ts tests the detection itself.
 */
export async function detectBackendOnce(fake: FakeOneBot, overrides: Record<string, unknown> = {}): Promise<void> {
	const credentials = toOneBotCredentials(credentialData(fake, overrides));
	const transport = createTransport('http', credentials, { timeoutMs: 5000 });
	await resolveBackend('auto', credentials, transport);
	await transport.close();
	fake.reset();
}
