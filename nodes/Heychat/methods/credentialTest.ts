import axios from 'axios';
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { parseJsonLossless } from '../../shared/json';
import { redact } from '../../shared/redact';
import { isSuccessStatus, toHeychatCredentials } from '../transport';
import { COMMON_QUERY } from '../transport/constants';

const TEST_TIMEOUT_MS = 10_000;
const PATH = '/chatroom/v2/room/joined';

/**
 * The Heychat Bot API credential's test (`testedBy` of the Heychat nodes): one cheap authenticated
 * call, the joined-rooms list, with the `token` header and the common query, as the nodes send it.
 * On failure it reports the server's own `msg`, or the HTTP status, or why the host was not reached.
 */
export async function testHeychatCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = toHeychatCredentials(credential.data ?? {});
	const { token, apiBaseUrl } = credentials;
	if (!token) return { status: 'Error', message: 'The bot token is empty: copy it from the Heychat bot developer platform' };
	if (!/^https?:\/\//i.test(apiBaseUrl)) {
		return { status: 'Error', message: `The API Base URL must start with http:// or https://, got "${apiBaseUrl}"` };
	}
	const url = `${apiBaseUrl}${PATH}`;
	const clean = (text: string) => redact(text, [token]);
	let status: number;
	let text: string;
	try {
		const response = await axios.get<string>(url, {
			params: { ...COMMON_QUERY, offset: 0, limit: 1 },
			headers: { token, Accept: 'application/json' },
			timeout: TEST_TIMEOUT_MS,
			validateStatus: () => true,
			maxRedirects: 0,
			responseType: 'text',
			transformResponse: (data: unknown) => data,
		});
		status = response.status;
		text = typeof response.data === 'string' ? response.data : '';
	} catch (error) {
		const { code, message } = error as { code?: string; message?: string };
		return { status: 'Error', message: clean(`Could not reach Heychat at ${apiBaseUrl}: ${code ?? message ?? 'unknown error'}`) };
	}

	let envelope: { status?: unknown; msg?: unknown } | undefined;
	try {
		envelope = parseJsonLossless(text) as typeof envelope;
	} catch {
		envelope = undefined;
	}
	const serverMessage = typeof envelope?.msg === 'string' && envelope.msg !== '' ? clean(envelope.msg) : undefined;
	if (status === 401 || status === 403) {
		return {
			status: 'Error',
			message: `Heychat rejected the bot token (HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}): copy it again from the bot developer platform`,
		};
	}
	if (status < 200 || status >= 300) {
		return { status: 'Error', message: `Heychat answered HTTP ${status} at ${url}${serverMessage ? `: ${serverMessage}` : ''}` };
	}
	if (!envelope || typeof envelope !== 'object') {
		return { status: 'Error', message: `${url} did not answer with a Heychat envelope: check the API Base URL` };
	}
	if (!isSuccessStatus(envelope.status)) {
		return { status: 'Error', message: `Heychat refused the bot token: ${serverMessage ?? `status "${String(envelope.status)}"`}` };
	}
	return { status: 'OK', message: 'Connected: Heychat accepted the bot token' };
}
