import { sleep } from 'n8n-workflow';

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
