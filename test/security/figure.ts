import type { TestContext } from 'node:test';

/** Prints a security case's measured figure: as a test diagnostic (ℹ under the test) and one stdout line. */
export function figure(scope: string, t: TestContext, text: string): void {
	t.diagnostic(text);
	process.stdout.write(`[security/${scope}] ${t.name}: ${text}\n`);
}
