/** Small helpers for AbortSignal-driven waits that never leave a timer behind. */

export class AbortedError extends Error {
	constructor() {
		super('aborted');
		this.name = 'AbortedError';
	}
}

/** Waits `ms`, or rejects with AbortedError as soon as `signal` aborts (the timer is cleared). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new AbortedError();
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(new AbortedError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * Resolves with `promise`, or rejects with AbortedError when `signal` aborts first. A value that
 * arrives after the abort is handed to `discard` (e.g. to close a socket opened too late).
 */
export async function raceAbort<T>(
	promise: Promise<T>,
	signal: AbortSignal,
	discard?: (late: T) => void,
): Promise<T> {
	if (signal.aborted) {
		promise.then((v) => discard?.(v), () => undefined);
		throw new AbortedError();
	}
	return await new Promise<T>((resolve, reject) => {
		let settled = false;
		const onAbort = () => {
			if (settled) return;
			settled = true;
			reject(new AbortedError());
		};
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				if (settled) {
					discard?.(value);
					return;
				}
				settled = true;
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				if (settled) return;
				settled = true;
				reject(error instanceof Error ? error : new Error(String(error)));
			},
		);
	});
}

/** Resolves with `promise` or with `fallback` after `ms`, whichever comes first; clears its timer. */
export async function withCap<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
	let timer: NodeJS.Timeout | undefined;
	const cap = new Promise<F>((resolve) => {
		timer = setTimeout(() => resolve(fallback), ms);
	});
	try {
		return await Promise.race([promise, cap]);
	} finally {
		if (timer) clearTimeout(timer);
	}
}
