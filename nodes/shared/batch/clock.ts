import { sleep } from 'n8n-workflow';
import { AbortedError, sleep as abortableSleep } from '../connection/abort';

/** Time as the pacing code sees it; tests can pass their own. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/**
 * Milliseconds on the process's monotonic clock (`performance.now()`): the pace is made of
 * intervals, and the system clock can be set back (time sync, a VM resumed), after which a
 * Date.now()-based next slot would lie that far in the future and every send would wait for it.
 */
export const realClock: Clock = {
	now: () => performance.now(),
	sleep: async (ms: number) => {
		if (ms > 0) await sleep(ms);
	},
};

/**
 * The clock of an execution's waits (Send Rate slots, per-minute windows, Batch Interval): the
 * real clock, whose waits end at once with AbortedError when `signal` (n8n's execution cancel
 * signal, see executionCancelSignal) aborts, so that a stopped execution sends nothing more. One
 * clock per execution, not one per wait; without a signal, the real clock.
 */
export function stoppableClock(signal: AbortSignal | undefined): Clock {
	if (!signal) return realClock;
	let clock = stoppableClocks.get(signal);
	if (clock) return clock;
	clock = {
		now: realClock.now,
		sleep: async (ms) => {
			// no wait (nearly every send): no timer either
			if (ms > 0) await abortableSleep(ms, signal).catch(stopped);
			else if (signal.aborted) throw new ExecutionStoppedError();
		},
	};
	stoppableClocks.set(signal, clock);
	return clock;
}

const stoppableClocks = new WeakMap<AbortSignal, Clock>();

/** A wait of a stopped execution: what was waiting is not sent (an AbortedError, with a message for the user). */
export class ExecutionStoppedError extends AbortedError {
	constructor() {
		super();
		this.name = 'ExecutionStoppedError';
		this.message = 'The execution was stopped before this item was sent';
	}
}

const stopped = (error: unknown): never => {
	throw error instanceof AbortedError ? new ExecutionStoppedError() : error;
};

/** n8n's signal that the execution was stopped (undefined in contexts without one, e.g. list search). */
export function executionCancelSignal(context: object): AbortSignal | undefined {
	const get = (context as { getExecutionCancelSignal?: () => AbortSignal | undefined }).getExecutionCancelSignal;
	return typeof get === 'function' ? get.call(context) : undefined;
}
