import { InputError } from './validation';

/** Reads a parameter with a fallback (n8n's `getNodeParameter(name, fallback)`). */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

/** Commas (also the full-width `，`) and new lines. */
const LIST_SEPARATORS = /[,，\n]/;

/** Also the enumeration comma `、` Chinese writes lists with: for lists of names, which never hold one. */
const NAME_LIST_SEPARATORS = /[,，、\n]/;

/** A list typed into one field: separated by commas (also the full-width `，`) or new lines; blanks dropped. */
export function splitList(value: unknown, separators: RegExp = LIST_SEPARATORS): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '');
	if (typeof value === 'number') return [String(value)];
	if (typeof value !== 'string') return [];
	return value
		.split(separators)
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

/**
 * A list of names or IDs (binary fields, groups, rooms, channels) typed into one field: separated by
 * commas (`,` `，`), the enumeration comma `、` or new lines; blanks dropped. (Keyword lists keep `、`:
 * it may be part of one.)
 */
export function splitNames(value: unknown): string[] {
	return splitList(value, NAME_LIST_SEPARATORS);
}

/** A list of numeric ids, kept as digit strings (exact beyond 2^53); `signed` allows a leading minus. */
export function idSet(field: string, value: unknown, options: { signed?: boolean } = {}): Set<string> {
	const pattern = options.signed ? /^-?\d+$/ : /^\d+$/;
	const out = new Set<string>();
	for (const id of splitNames(value)) {
		if (!pattern.test(id)) throw new InputError(field, `"${field}" must list numeric IDs, got "${id}"`);
		out.add(id);
	}
	return out;
}
