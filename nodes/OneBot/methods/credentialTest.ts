import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { redact } from '../../shared/redact';
import { createTransport, toOneBotCredentials } from '../transport';

/** The credential test's own time limit: long enough for a slow backend, short enough for the editor. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * The OneBot API credential's test (`testedBy` of every node that takes the credential): calls
 * `get_login_info` over HTTP, or over the forward WebSocket when only a WebSocket URL is set, with
 * the same transports, auth and error wording as the nodes. Reports who the bot is on success.
 */
export async function testOneBotCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = toOneBotCredentials(credential.data ?? {});
	const kind = credentials.httpUrl ? 'http' : credentials.wsUrl ? 'websocket' : undefined;
	if (!kind) return { status: 'Error', message: 'Set the HTTP API URL or the WebSocket URL of the OneBot backend' };
	try {
		const transport = createTransport(kind, credentials, { timeoutMs: TEST_TIMEOUT_MS });
		try {
			const response = await transport.call('get_login_info', {});
			const data = (response.data ?? {}) as { user_id?: unknown; nickname?: unknown };
			const name = typeof data.nickname === 'string' && data.nickname !== '' ? `${data.nickname} ` : '';
			const who = data.user_id === undefined ? '' : ` as ${name}(${String(data.user_id)})`;
			return { status: 'OK', message: `Connected${who} over ${kind === 'http' ? 'HTTP' : 'WebSocket'}` };
		} finally {
			await transport.close();
		}
	} catch (error) {
		return { status: 'Error', message: redact((error as Error).message, [credentials.accessToken]) };
	}
}
