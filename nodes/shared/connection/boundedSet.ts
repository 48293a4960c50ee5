/**
 * A set that remembers at most `capacity` keys, forgetting the oldest first. Used to drop events
 * delivered twice (reconnect replays, two connections to the same bot, HTTP POST retries).
 * The insertion order is kept in a ring, so forgetting costs no allocation.
 */
export class BoundedSet {
	private readonly keys = new Set<string>();

	private readonly ring: Array<string | undefined>;

	private next = 0;

	constructor(readonly capacity: number) {
		this.ring = new Array<string | undefined>(Math.max(1, Math.floor(capacity) || 1));
	}

	get size(): number {
		return this.keys.size;
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	/** Adds `key`; returns false when it was already there (a duplicate). */
	add(key: string): boolean {
		if (this.keys.has(key)) return false;
		const oldest = this.ring[this.next];
		if (oldest !== undefined) this.keys.delete(oldest);
		this.ring[this.next] = key;
		this.next = (this.next + 1) % this.ring.length;
		this.keys.add(key);
		return true;
	}

	clear(): void {
		this.keys.clear();
		this.ring.fill(undefined);
		this.next = 0;
	}
}
