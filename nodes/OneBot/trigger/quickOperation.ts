import type { IDataObject } from 'n8n-workflow';

import { coerceParam } from '../../shared/catalog/readParams';
import type { ParamSpec } from '../../shared/catalog/types';
import { InputError } from '../../shared/validation';
import type { OneBotEvent } from './derive';

/** QQ's longest mute: 30 days in seconds (the same bound as the Mute Group Member action's duration). */
export const MAX_BAN_SECONDS = 2_592_000;

/**
 * The quick-operation fields of the webhook trigger, as catalog parameter specs: each value is
 * checked and converted like an action field (a Ban Duration expression giving -5 or "abc" is an
 * error naming the field, never sent as -5 or null). `setting` is the node's field name.
 */
const QUICK_FIELDS: Array<ParamSpec & { setting: string; label: string }> = [
	{ setting: 'reply', label: 'Reply', name: 'reply', type: 'message' },
	{ setting: 'autoEscape', label: 'Auto Escape', name: 'auto_escape', type: 'boolean' },
	{ setting: 'atSender', label: 'At Sender', name: 'at_sender', type: 'boolean' },
	{ setting: 'delete', label: 'Recall Message', name: 'delete', type: 'boolean' },
	{ setting: 'kick', label: 'Kick Sender', name: 'kick', type: 'boolean' },
	{ setting: 'ban', label: 'Mute Sender', name: 'ban', type: 'boolean' },
	{ setting: 'banDuration', label: 'Ban Duration (Seconds)', name: 'ban_duration', type: 'duration', min: 0, max: MAX_BAN_SECONDS },
	{ setting: 'approve', label: 'Approve Request', name: 'approve', type: 'boolean' },
	{ setting: 'remark', label: 'Friend Remark', name: 'remark', type: 'string' },
	{ setting: 'reason', label: 'Reject Reason', name: 'reason', type: 'string' },
];

/** A quick-operation field that failed its check; `label` is the field's name in the editor. */
export class QuickOperationError extends InputError {
	constructor(
		readonly label: string,
		cause: InputError,
	) {
		super(cause.field, `Quick Operation "${label}": ${cause.message}`);
		this.name = 'QuickOperationError';
	}
}

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/**
 * Every field the user set, checked and converted to its wire value (keyed by wire name).
 * Throws QuickOperationError naming the field for a value of the wrong type or out of range.
 */
export function validateQuickOperation(settings: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const field of QUICK_FIELDS) {
		const value = settings[field.setting];
		if (!isSet(value)) continue;
		if (field.type === 'message' && typeof value !== 'string' && (typeof value !== 'object' || value === null)) {
			// A number or boolean from an expression is sent as its text, like the action's message field.
			out[field.name] = String(value);
			continue;
		}
		let problem: InputError | undefined;
		try {
			out[field.name] = coerceParam(field, value) as IDataObject[string];
		} catch (error) {
			problem = error instanceof InputError ? error : new InputError(field.name, String(error));
		}
		if (problem) throw new QuickOperationError(field.label, problem);
	}
	return out;
}

/**
 * A quick-operation object keyed by wire names (the `operation` parameter of the hidden action
 * `.handle_quick_operation`): the known fields are checked and converted like the webhook's, an
 * error names `<field>.<key>`; unknown keys (backend extensions) are kept as they are.
 */
export function validateQuickOperationObject(field: string, operation: unknown): IDataObject {
	if (operation === null || typeof operation !== 'object' || Array.isArray(operation)) {
		throw new InputError(field, `"${field}" must be a JSON object, e.g. {"reply": "hi"}`);
	}
	const out: IDataObject = { ...(operation as IDataObject) };
	for (const spec of QUICK_FIELDS) {
		if (!(spec.name in out) || spec.type === 'message' || spec.type === 'string') continue;
		const value = out[spec.name];
		if (value === null || value === undefined) continue;
		out[spec.name] = coerceParam({ ...spec, name: `${field}.${spec.name}` }, value) as IDataObject[string];
	}
	return out;
}

/**
 * The quick operation the user configured, limited to the fields that apply to this event
 * (checked first: see validateQuickOperation).
 */
export function buildQuickOperation(settings: IDataObject, event: OneBotEvent): IDataObject | undefined {
	const v = validateQuickOperation(settings);
	const op: IDataObject = {};
	const has = (key: string) => key in v;
	if (event.post_type === 'message') {
		const group = event.message_type === 'group';
		if (has('reply')) {
			op.reply = v.reply;
			if (has('auto_escape')) op.auto_escape = v.auto_escape;
			if (group && has('at_sender')) op.at_sender = v.at_sender;
		}
		if (group) {
			if (has('delete')) op.delete = v.delete;
			if (has('kick')) op.kick = v.kick;
			if (has('ban')) op.ban = v.ban;
			if (v.ban === true && has('ban_duration')) op.ban_duration = v.ban_duration;
		}
	} else if (event.post_type === 'request') {
		if (has('approve')) op.approve = v.approve;
		if (event.request_type === 'friend' && has('remark')) op.remark = v.remark;
		if (event.request_type === 'group' && has('reason')) op.reason = v.reason;
	}
	return Object.keys(op).length > 0 ? op : undefined;
}
