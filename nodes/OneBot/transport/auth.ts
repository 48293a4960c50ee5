import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** The credential's fields, typed (data keys: httpUrl, wsUrl, accessToken, authLocation, ignoreSslIssues). */
export interface OneBotCredentials {
	httpUrl: string;
	wsUrl: string;
	accessToken: string;
	tokenPlacement: 'header' | 'query';
	allowUnauthorizedCerts: boolean;
}

export const ONEBOT_CREDENTIAL_TYPE = 'oneBotV11Api';

export function toOneBotCredentials(data: ICredentialDataDecryptedObject): OneBotCredentials {
	return {
		httpUrl: String(data.httpUrl ?? '').trim(),
		wsUrl: String(data.wsUrl ?? '').trim(),
		accessToken: String(data.accessToken ?? ''),
		tokenPlacement: data.authLocation === 'query' ? 'query' : 'header',
		allowUnauthorizedCerts: data.ignoreSslIssues === true,
	};
}

/**
 * Where the access token goes (protocol.md "Authentication"): `Authorization: Bearer <token>`,
 * or the `access_token` query parameter for backends that cannot read headers. No token, no auth.
 * Used by the credential's `authenticate`, the HTTP and WebSocket transports and the triggers.
 */
export function oneBotAuth(credentials: Pick<OneBotCredentials, 'accessToken' | 'tokenPlacement'>): {
	headers: Record<string, string>;
	query: Record<string, string>;
} {
	const token = credentials.accessToken;
	if (!token) return { headers: {}, query: {} };
	return credentials.tokenPlacement === 'query'
		? { headers: {}, query: { access_token: token } }
		: { headers: { Authorization: `Bearer ${token}` }, query: {} };
}

/** Appends query parameters to a URL string. */
export function withQuery(url: string, query: Record<string, string>): string {
	if (Object.keys(query).length === 0) return url;
	const u = new URL(url);
	for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
	return u.toString();
}
