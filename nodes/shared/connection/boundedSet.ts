/**
 * A set that remembers at most `capacity` keys, forgetting the oldest first. Used to drop events
 * delivered twice (reconnect replays, two connections to the same bot, HTTP POST retries).
 */
export class BoundedSet {
	private readonly keys = new Set<string>();

	constructor(readonly capacity: number) {}

	get size(): number {
		return this.keys.size;
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	/** Adds `key`; returns false when it was already there (a duplicate). */
	add(key: string): boolean {
		if (this.keys.has(key)) return false;
		this.keys.add(key);
		while (this.keys.size > Math.max(1, this.capacity)) {
			const oldest = this.keys.values().next().value as string;
			this.keys.delete(oldest);
		}
		return true;
	}

	clear(): void {
		this.keys.clear();
	}
}
