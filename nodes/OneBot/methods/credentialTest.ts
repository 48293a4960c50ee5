import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { redact } from '../../shared/redact';
import { backendName, backendSetting, identifyBackend, type DetectedBackend } from '../backend';
import { createTransport, toOneBotCredentials } from '../transport';
import type { OneBotTransport } from '../transport/types';

/** The credential test's own time limit: long enough for a slow backend, short enough for the editor. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * The OneBot API credential's test (`testedBy` of every node that takes the credential): calls
 * `get_login_info` over HTTP, or over the forward WebSocket when only a WebSocket URL is set, with
 * the same transports, auth and error wording as the nodes. Reports who the bot is and which
 * backend answers (get_version_info: name and version), and says so when that is not the backend
 * the credential is set to.
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
			const backend = await backendText(transport, backendSetting(credential.data?.backend));
			return { status: 'OK', message: `Connected${backend.to}${who} over ${kind === 'http' ? 'HTTP' : 'WebSocket'}${backend.note}` };
		} finally {
			await transport.close();
		}
	} catch (error) {
		return { status: 'Error', message: redact((error as Error).message, [credentials.accessToken]) };
	}
}

/** " to NapCat 4.18.13" and a note when the answer does not match the credential's Backend field. */
async function backendText(
	transport: OneBotTransport,
	setting: ReturnType<typeof backendSetting>,
): Promise<{ to: string; note: string }> {
	let detected: DetectedBackend;
	try {
		detected = identifyBackend((await transport.call('get_version_info', {})).data);
	} catch {
		const note = setting === 'auto' ? '; it does not answer get_version_info, so the node treats it as Other (everything sent as entered)' : '';
		return { to: setting === 'auto' || setting === 'other' ? '' : ` to ${backendName(setting)}`, note };
	}
	const version = detected.appVersion ? ` ${detected.appVersion}` : '';
	const app = detected.backend === 'other' ? (detected.appName ?? 'an unknown backend') : backendName(detected.backend);
	const to = ` to ${app}${version}`;
	if (setting === 'auto' && detected.backend === 'other') {
		return { to, note: '; not a backend the node knows, so everything is sent as entered (Backend: Other)' };
	}
	if (setting !== 'auto' && setting !== 'other' && setting !== detected.backend) {
		return { to, note: `, but the credential's Backend is ${backendName(setting)}: set it to Auto-Detect or ${app}` };
	}
	return { to, note: '' };
}
