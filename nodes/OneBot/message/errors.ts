import { InputError } from '../../shared/validation';

/**
 * A message that cannot be built from what the user entered. `field` names the offending input:
 * a node parameter (`text`, `cqString`, `segmentsJson`, `segments`) or, for the segment builder,
 * the data key of the segment (`qq`, `file`, ...) with `segmentIndex` (0-based) set.
 *
 * It extends the package-wide InputError, so the node's usual input-error handling applies.
 */
export class MessageInputError extends InputError {
	constructor(
		field: string,
		message: string,
		readonly segmentIndex?: number,
	) {
		super(field, message);
		this.name = 'MessageInputError';
	}
}

/** Short, readable rendering of a bad value for error messages. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string') {
		return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
	}
	if (value === undefined) return 'nothing';
	if (typeof value === 'bigint') return value.toString();
	try {
		const text = JSON.stringify(value) ?? String(value);
		return text.length > 60 ? text.slice(0, 57) + '...' : text;
	} catch {
		return String(value);
	}
}
