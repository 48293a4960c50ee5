/** The response envelope every OneBot transport returns (protocol.md §1). */
export interface OneBotResponse {
	status: 'ok' | 'async' | 'failed' | string;
	retcode: number;
	data: unknown;
	msg?: string;
	wording?: string;
	message?: string;
	echo?: unknown;
	/** A NapCat stream action's packets (their `data`) before this final answer (see stream.ts). */
	streamed?: unknown[];
}

/** One way to call actions. Both transports implement it; one instance serves a whole execution. */
export interface OneBotTransport {
	/** Sends one action and resolves with the envelope, or rejects with a OneBotCallError. */
	call(action: string, params: Record<string, unknown>): Promise<OneBotResponse>;
	close(): Promise<void>;
}

export interface TransportOptions {
	/** Milliseconds before a call is abandoned. */
	timeoutMs: number;
	/**
	 * The most bytes read for one call's answer (a stream action's packets together), from Options ›
	 * Max Answer Size (MiB). Unset: the default (answerSize.ts), so every transport has a limit.
	 */
	maxAnswerBytes?: number;
}
