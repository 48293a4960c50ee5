import { sleep } from 'n8n-workflow';

/** Time as the pacing code sees it; tests can pass their own. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms: number) => {
		if (ms > 0) await sleep(ms);
	},
};
