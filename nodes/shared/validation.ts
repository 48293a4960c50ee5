/**
 * Input checks that run before anything is sent. Each throws an InputError naming the field and
 * what was expected; the node turns it into a NodeOperationError for the item.
 */

import { parseJsonExact } from './json';

export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

const INTEGER = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function describe(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
	if (value === undefined) return 'nothing';
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A value that must be present (not undefined, null or blank). */
export function requirePresent(field: string, value: unknown): void {
	if (isEmpty(value)) throw new InputError(field, `"${field}" is required`);
}

/**
 * An int64 id (QQ number, group id, message id): a number or a string of digits.
 * Returns a number when it is a safe integer, otherwise a BigInt (serialised as a bare JSON number).
 */
export function toInt64(field: string, value: unknown): number | bigint {
	if (typeof value === 'bigint') {
		if (value < INT64_MIN || value > INT64_MAX) throw rangeError(field, value);
		return value;
	}
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) throw integerError(field, value);
		// Beyond 2^53 a JS number has already lost digits (or is outside int64): never send a guess.
		if (!Number.isSafeInteger(value)) {
			throw new InputError(field, `"${field}" lost precision as a number (${value}); pass it as a string of digits`);
		}
		return value;
	}
	if (typeof value === 'string' && INTEGER.test(value.trim())) {
		const big = BigInt(value.trim());
		if (big < INT64_MIN || big > INT64_MAX) throw rangeError(field, value);
		const asNumber = Number(big);
		return Number.isSafeInteger(asNumber) ? asNumber : big;
	}
	throw integerError(field, value);
}

function integerError(field: string, value: unknown): InputError {
	return new InputError(
		field,
		`"${field}" must be an integer (a number or a string of digits), got ${describe(value)}`,
	);
}

function rangeError(field: string, value: unknown): InputError {
	return new InputError(field, `"${field}" must fit in a 64-bit integer, got ${describe(value)}`);
}

/** An integer that must be >= 0 (durations in seconds, counts). */
export function toNonNegativeInteger(field: string, value: unknown): number | bigint {
	const n = toInt64(field, value);
	if (n < 0) {
		throw new InputError(field, `"${field}" must be zero or a positive integer, got ${describe(value)}`);
	}
	return n;
}

/** Inclusive bounds for a numeric field (from the catalog or a node's own fields). */
export interface NumericBounds {
	min?: number;
	max?: number;
	/** The value is a length of time in seconds (the error then says how long the bound is). */
	seconds?: boolean;
}

/** "2592000 seconds (30 days)" for durations, the bare number otherwise. */
function boundText(n: number, seconds: boolean | undefined): string {
	if (!seconds) return String(n);
	const units: Array<[number, string]> = [
		[86_400, 'day'],
		[3_600, 'hour'],
		[60, 'minute'],
	];
	for (const [size, unit] of units) {
		if (n >= size && n % size === 0) {
			const count = n / size;
			return `${n} seconds (${count} ${unit}${count === 1 ? '' : 's'})`;
		}
	}
	return `${n} seconds`;
}

/**
 * Checks an already converted number against inclusive bounds; the error names the field, the
 * allowed range and the value given. Returns the value unchanged.
 */
export function checkBounds<T extends number | bigint>(field: string, value: T, bounds: NumericBounds | undefined, raw: unknown = value): T {
	if (!bounds) return value;
	const { min, max, seconds } = bounds;
	const below = min !== undefined && value < min;
	const above = max !== undefined && value > max;
	if (!below && !above) return value;
	let expected: string;
	if (min !== undefined && max !== undefined) {
		expected = `between ${min} and ${boundText(max, seconds)}`;
	} else if (min === 1 && max === undefined && !seconds) {
		expected = 'a positive integer (1 or more)';
	} else if (min !== undefined) {
		expected = `at least ${boundText(min, seconds)}`;
	} else {
		expected = `at most ${boundText(max as number, seconds)}`;
	}
	throw new InputError(field, `"${field}" must be ${expected}, got ${describe(raw)}`);
}

export function toNumber(field: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n)) {
		throw new InputError(field, `"${field}" must be a number, got ${describe(value)}`);
	}
	return n;
}

export function toBoolean(field: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 1 || value === '1') return true;
	if (value === 'false' || value === 0 || value === '0') return false;
	throw new InputError(field, `"${field}" must be true or false, got ${describe(value)}`);
}

/** A string id kept as text end to end (never converted to a number). */
export function toStringId(field: string, value: unknown): string {
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value)) {
			throw new InputError(
				field,
				`"${field}" lost precision as a number (${value}); pass it as a string`,
			);
		}
		return String(value);
	}
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	throw new InputError(field, `"${field}" must be a non-empty id, got ${describe(value)}`);
}

/** Parses JSON text (or passes through an already parsed value); integers beyond 2^53 stay exact (BigInt). */
export function parseJson(field: string, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	let problem: string;
	try {
		return parseJsonExact(value);
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new InputError(field, `"${field}" must be valid JSON: ${problem}`);
}

/** A list entered as a JSON array or as comma-separated text. */
export function toList(field: string, value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return [];
		if (text.startsWith('[')) {
			const parsed = parseJson(field, text);
			if (!Array.isArray(parsed)) throw new InputError(field, `"${field}" must be a list`);
			return parsed;
		}
		return text
			.split(',')
			.map((part) => part.trim())
			.filter((part) => part !== '');
	}
	if (typeof value === 'number' || typeof value === 'bigint') return [value];
	throw new InputError(field, `"${field}" must be a list (comma-separated or a JSON array)`);
}
