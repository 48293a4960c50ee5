/** Prints a measured figure next to the test's result (bytes fetched, memory ratio, ...). */
export function figure(text: string): void {
	process.stdout.write(`figure: ${text}\n`);
}
