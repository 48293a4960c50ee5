/**
 * Message segments against what the detected backend really sends (catalog/segments.json): a
 * segment it drops, a field value it does not honour, or a field it needs is refused before
 * sending; a field it reads under another key is renamed; a field it never reads is refused when
 * the user set it, and left out when the builder always fills it.
 */
import { parseCQString, type Segment } from '../message/cqcode';
import { MessageInputError } from '../message/errors';
import { getSegmentType } from '../message/segmentTypes';
import { backendName, segmentSupport, type KnownBackend } from './data';

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function isSegment(value: unknown): value is Segment {
	return typeof value === 'object' && value !== null && typeof (value as Segment).type === 'string';
}

/** Checks one segment (and the content of a forward node) and returns it as the backend reads it. */
function fitSegment(backend: KnownBackend, segment: Segment, index: number, field: string): Segment {
	const name = backendName(backend);
	const where = `${field === 'message' ? 'Segment' : `${field}: segment`} ${index + 1} (${segment.type})`;
	const support = segmentSupport(segment.type, backend);
	// A type the data does not list (e.g. one newer than the node) goes out as entered.
	if (support === undefined || support === true) return withNodeContent(backend, segment);
	const data: Record<string, unknown> = { ...(segment.data ?? {}) };
	if (support.drops !== undefined) {
		throw new MessageInputError(
			'type',
			`${where}: ${name} ${support.drops}, so the message would go out without it. Use ${support.instead} instead.`,
			index,
		);
	}
	for (const rule of support.refuse ?? []) {
		const value = data[rule.field];
		if (isSet(value) && rule.values.includes(String(value))) {
			throw new MessageInputError(
				rule.field,
				`${where}: ${name} ${rule.reason} ("${rule.field}" = "${String(value)}"). Instead: ${rule.instead}.`,
				index,
			);
		}
	}
	for (const rule of support.requires ?? []) {
		if (rule.when && !rule.when.values.includes(String(data[rule.when.field] ?? ''))) continue;
		const missing = rule.fields.find((f) => !isSet(data[f]));
		if (missing) {
			throw new MessageInputError(missing, `${where}: ${name} ${rule.reason}: set "${missing}"`, index);
		}
	}
	const spec = getSegmentType(segment.type);
	for (const key of support.ignores ?? []) {
		if (!isSet(data[key])) continue;
		const field = spec?.fields.find((f) => f.name === key);
		// Always filled by the builder (e.g. a poke's type and id): the user did not choose it.
		if (field?.required) {
			delete data[key];
			continue;
		}
		throw new MessageInputError(
			key,
			`${where}: ${name} ignores "${key}", so it would have no effect. Leave it out (or empty).`,
			index,
		);
	}
	for (const [from, to] of Object.entries(support.rename ?? {})) {
		if (from in data && !(to in data)) {
			data[to] = data[from];
			delete data[from];
		}
	}
	return withNodeContent(backend, { ...segment, data });
}

/** A custom forward node carries a message of its own: check it the same way. */
function withNodeContent(backend: KnownBackend, segment: Segment): Segment {
	if (segment.type !== 'node') return segment;
	const content = segment.data?.content;
	if (!Array.isArray(content)) return segment;
	return { ...segment, data: { ...segment.data, content: content.map((s, i) => (isSegment(s) ? fitSegment(backend, s, i, 'node content') : s)) } };
}

/**
 * A message (segment list, one segment, or CQ-code text) as `backend` sends it. CQ-code text is
 * checked, not rewritten; a plain-text string (auto_escape) has no segments to check.
 */
export function fitMessage(backend: KnownBackend, message: unknown, field = 'message', plainText = false): unknown {
	if (Array.isArray(message)) {
		return message.map((s, i) => (isSegment(s) ? fitSegment(backend, s, i, field) : s));
	}
	if (isSegment(message)) return fitSegment(backend, message, 0, field);
	if (typeof message === 'string' && !plainText && message.includes('[CQ:')) {
		let segments: Segment[];
		try {
			segments = parseCQString(message);
		} catch {
			return message; // not valid CQ code: the backend reads it as text
		}
		segments.forEach((s, i) => fitSegment(backend, s, i, field));
	}
	return message;
}
