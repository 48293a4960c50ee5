/**
 * Which backend a credential talks to: the credential's Backend field, or, on Auto-detect, the
 * backend's own answer to `get_version_info`, remembered per credential (URLs + token hash) for
 * ten minutes, so that neither items nor executions ask again while the answer is fresh.
 */
import { createHash } from 'node:crypto';

import type { OneBotCredentials } from '../transport/auth';
import { OneBotCallError } from '../transport/errors';
import { redact } from '../../shared/redact';
import type { OneBotTransport } from '../transport/types';
import { backendInfo, KNOWN_BACKENDS, type Backend, type BackendSetting, type KnownBackend } from './data';

/** How long a detected backend is trusted. */
export const DETECTION_TTL_MS = 10 * 60 * 1000;

export interface DetectedBackend {
	backend: Backend;
	/** e.g. "NapCat"; for an unknown app its own app_name. */
	appName?: string;
	appVersion?: string;
}

interface CacheEntry {
	at: number;
	pending?: Promise<DetectedBackend>;
	result?: DetectedBackend;
}

const cache = new Map<string, CacheEntry>();
/** Credentials whose failed detection was logged already (logged once, not per execution). */
const loggedFailures = new Set<string>();

export interface DetectionLogger {
	warn(message: string): void;
}

/** The cache key of a credential: its URLs and a hash of its token (the token itself is not kept). */
export function credentialKey(credentials: OneBotCredentials): string {
	const token = createHash('sha256').update(credentials.accessToken).digest('hex').slice(0, 16);
	return `${credentials.httpUrl}\n${credentials.wsUrl}\n${token}`;
}

/** The credential's Backend field; a credential saved before the field existed is Auto-detect. */
export function backendSetting(value: unknown): BackendSetting {
	return value === 'other' || (KNOWN_BACKENDS as readonly unknown[]).includes(value) ? (value as BackendSetting) : 'auto';
}

/** get_version_info's data → the backend (case-insensitive app_name, as each backend reports it). */
export function identifyBackend(data: unknown): DetectedBackend {
	const info = (data ?? {}) as { app_name?: unknown; app_version?: unknown };
	const appName = typeof info.app_name === 'string' ? info.app_name : undefined;
	const appVersion = info.app_version === undefined || info.app_version === null ? undefined : String(info.app_version);
	const lower = (appName ?? '').toLowerCase();
	const backend =
		KNOWN_BACKENDS.find((b) => backendInfo(b).appNames.some((name) => name.toLowerCase() === lower)) ??
		KNOWN_BACKENDS.find((b) => lower.includes(matchWord(b)));
	return { backend: backend ?? 'other', appName, appVersion };
}

function matchWord(backend: KnownBackend): string {
	return backend === 'gocqhttp' ? 'go-cqhttp' : backend;
}

/** Forgets what was detected for a credential (after a connection error the backend may have changed). */
export function forgetBackend(credentials: OneBotCredentials): void {
	cache.delete(credentialKey(credentials));
}

/** Forgets every detection (tests). */
export function clearBackendCache(): void {
	cache.clear();
	loggedFailures.clear();
}

/**
 * The backend of a run. A fixed setting is used as is; Auto-detect asks `get_version_info` over
 * the run's transport unless a fresh answer is remembered. A detection that fails falls back to
 * Other (everything sent as entered), logged once per credential; after a connection error (or a
 * refused token) it is not remembered, so the next execution asks again.
 */
export async function resolveBackend(
	setting: BackendSetting,
	credentials: OneBotCredentials,
	transport: OneBotTransport,
	logger?: DetectionLogger,
	/** ms on the monotonic clock (the cache's age is a duration: a system clock set back must not keep it fresh) */
	now: number = performance.now(),
): Promise<DetectedBackend> {
	if (setting !== 'auto') return { backend: setting };
	const key = credentialKey(credentials);
	const entry = cache.get(key);
	if (entry && now - entry.at < DETECTION_TTL_MS) {
		if (entry.result) return entry.result;
		if (entry.pending) return await entry.pending;
	}
	const pending = detect(key, transport, logger, credentials.accessToken);
	// detect() never rejects: every failure is an answer (Other).
	cache.set(key, { at: now, pending: pending.then((d) => d.detected) });
	const { detected, remember } = await pending;
	if (remember) cache.set(key, { at: now, result: detected });
	else cache.delete(key);
	return detected;
}

async function detect(
	key: string,
	transport: OneBotTransport,
	logger: DetectionLogger | undefined,
	/** The credential's token: the backend's own words in a failed answer may echo it (never logged). */
	token: string,
): Promise<{ detected: DetectedBackend; remember: boolean }> {
	try {
		const response = await transport.call('get_version_info', {});
		const detected = identifyBackend(response.data);
		if (detected.backend === 'other') {
			logOnce(key, logger, `OneBot: the backend reports app "${redact(detected.appName ?? 'unknown', [token])}", which is none of NapCat, LLOneBot, Lagrange.OneBot, go-cqhttp: everything is sent as entered (Backend: Other). Set the credential's Backend field to choose one.`);
		}
		return { detected, remember: true };
	} catch (error) {
		// Not reached, too slow, or the token refused: this run goes on as Other (its own call reports
		// the problem in its own words) and the next execution asks again. Any other failure (e.g. no
		// such action) is the backend's answer, remembered.
		const connection =
			error instanceof OneBotCallError && (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'auth');
		logOnce(
			key,
			logger,
			`OneBot: could not detect the backend (get_version_info: ${redact((error as Error).message, [token])}); everything is sent as entered (Backend: Other). Set the credential's Backend field to choose one.`,
		);
		return { detected: { backend: 'other' }, remember: !connection };
	}
}

function logOnce(key: string, logger: DetectionLogger | undefined, message: string): void {
	if (loggedFailures.has(key)) return;
	loggedFailures.add(key);
	logger?.warn(message);
}
