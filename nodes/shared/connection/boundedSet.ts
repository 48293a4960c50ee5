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
		const before = this.keys.size;
		this.keys.add(key); // one hash: a key already there leaves the size as it was
		if (this.keys.size === before) return false;
		const oldest = this.ring[this.next];
		if (oldest !== undefined) this.keys.delete(oldest); // never `key`: that one was new
		this.ring[this.next] = key;
		this.next = (this.next + 1) % this.ring.length;
		return true;
	}

	clear(): void {
		this.keys.clear();
		this.ring.fill(undefined);
		this.next = 0;
	}
}

/** A part of a BoundedPairSet key: an id as idKey (shared/trigger/ids.ts) makes it, or a label. */
export type PairPart = number | string;

/**
 * A BoundedSet of (scope, id) pairs, e.g. (the bot's id, a message id): the same memory as a
 * BoundedSet of `${scope}:${id}` strings (same capacity, oldest pair forgotten first), without
 * making and hashing a string per key. Parts are compared as Set keys (SameValueZero), so 7 and
 * "7" differ: callers pass ids through idKey, which keys the same id the same way.
 */
export class BoundedPairSet {
	/** scope → its ids; a scope whose last id is forgotten is removed. */
	private readonly scopes = new Map<PairPart, Set<PairPart>>();

	private readonly ringScopes: Array<PairPart | undefined>;

	private readonly ringIds: Array<PairPart | undefined>;

	private next = 0;

	private count = 0;

	/**
	 * Two scopes and their ids, kept at hand: nearly every key has one of the scopes of the keys
	 * before it (one bot; or a connection and the commands). Never an emptied (dropped) scope.
	 */
	private scopeA: PairPart | undefined;

	private idsA: Set<PairPart> | undefined;

	private scopeB: PairPart | undefined;

	private idsB: Set<PairPart> | undefined;

	constructor(readonly capacity: number) {
		const size = Math.max(1, Math.floor(capacity) || 1);
		this.ringScopes = new Array<PairPart | undefined>(size);
		this.ringIds = new Array<PairPart | undefined>(size);
	}

	get size(): number {
		return this.count;
	}

	private idsOf(scope: PairPart): Set<PairPart> | undefined {
		if (scope === this.scopeA) return this.idsA;
		if (scope === this.scopeB) return this.idsB;
		const ids = this.scopes.get(scope);
		if (ids !== undefined) this.keep(scope, ids);
		return ids;
	}

	private keep(scope: PairPart, ids: Set<PairPart>): void {
		this.scopeB = this.scopeA;
		this.idsB = this.idsA;
		this.scopeA = scope;
		this.idsA = ids;
	}

	has(scope: PairPart, id: PairPart): boolean {
		const ids = this.idsOf(scope);
		return ids !== undefined && ids.has(id);
	}

	/** Adds the pair; returns false when it was already there (a duplicate). One hash per part. */
	add(scope: PairPart, id: PairPart): boolean {
		let ids = this.idsOf(scope);
		if (ids === undefined) {
			ids = new Set<PairPart>();
			ids.add(id);
			this.scopes.set(scope, ids);
			this.keep(scope, ids);
		} else {
			const before = ids.size;
			ids.add(id);
			if (ids.size === before) return false;
		}
		const slot = this.next;
		const oldScope = this.ringScopes[slot];
		const oldId = this.ringIds[slot];
		if (oldScope === undefined) {
			this.count++;
		} else {
			// forget the oldest pair (never the one just added: that one was new)
			const oldIds = this.idsOf(oldScope)!;
			oldIds.delete(oldId!);
			if (oldIds.size === 0) this.dropScope(oldScope);
		}
		this.ringScopes[slot] = scope;
		this.ringIds[slot] = id;
		this.next = slot + 1 === this.ringScopes.length ? 0 : slot + 1;
		return true;
	}

	/** A scope whose last id was forgotten goes, from the map and from the two at hand. */
	private dropScope(scope: PairPart): void {
		this.scopes.delete(scope);
		if (scope === this.scopeA) this.scopeA = this.idsA = undefined;
		if (scope === this.scopeB) this.scopeB = this.idsB = undefined;
	}

	clear(): void {
		this.scopes.clear();
		this.ringScopes.fill(undefined);
		this.ringIds.fill(undefined);
		this.next = 0;
		this.count = 0;
		this.scopeA = this.idsA = this.scopeB = this.idsB = undefined;
	}
}
