import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationSpec, ParamSpec } from '../../shared/catalog/types';
import { itemParameter } from '../../shared/itemParameters';
import { splitNames } from '../../shared/listParameters';
import {
	EXCEPT_LIST,
	TARGET_LIST,
	TARGET_MODE,
	readTargetMode,
	targetModeProperties,
	type TargetMode,
	type TargetModeSpec,
} from '../../shared/targets';
import { checkBounds, InputError, parseJson, toInt64, type NumericBounds } from '../../shared/validation';
import { findOperation } from '../catalog';
import type { OneBotTransport } from '../transport/types';

/** Operations that can send to many chats: the parameter that names the chat and how to list them all. */
export interface OneBotFanOutSpec extends TargetModeSpec {
	operation: string;
	param: string;
	/** The action listing every chat, and the id field of its entries. */
	listAction: string;
	listId: string;
}

export const ONEBOT_FAN_OUT: OneBotFanOutSpec[] = [
	{
		operation: 'send_group_msg',
		param: 'group_id',
		listAction: 'get_group_list',
		listId: 'group_id',
		noun: 'group',
		plural: 'groups',
		all: true,
		listHint: 'group numbers separated by commas or new lines, or a JSON array',
		listPlaceholder: 'e.g. 123456789, 987654321',
	},
];

export function fanOutSpec(operation: string): OneBotFanOutSpec | undefined {
	return ONEBOT_FAN_OUT.find((spec) => spec.operation === operation);
}

/** The "Send To" fields of the operations that can send to many chats. */
export function fanOutProperties(): INodeProperties[] {
	return ONEBOT_FAN_OUT.flatMap((spec) =>
		targetModeProperties(spec, { resource: ['message'], operation: [spec.operation] }),
	);
}

/** Hides the single-chat field when "Send To" is a list or every chat. */
export function hideFanOutParam(op: OperationSpec, param: ParamSpec): Record<string, string[]> | undefined {
	const spec = fanOutSpec(op.value);
	return spec && spec.param === param.name ? { [TARGET_MODE]: ['list', 'all'] } : undefined;
}

/** The item's target mode for an operation ('one' for operations that cannot fan out). */
export function itemTargetMode(ctx: IExecuteFunctions, itemIndex: number, operation: string): TargetMode {
	if (!fanOutSpec(operation)) return 'one';
	// itemParameter: read once per execution unless it holds an expression (it runs for every item)
	return readTargetMode(itemParameter(ctx, TARGET_MODE, itemIndex, 'one'));
}

function parseIds(field: string, value: unknown, bounds?: NumericBounds): Array<number | bigint> {
	const json = typeof value === 'string' && value.trim().startsWith('[') ? parseJson(field, value) : undefined;
	if (json !== undefined && !Array.isArray(json)) throw new InputError(field, `"${field}" must be a JSON array`);
	const entries = Array.isArray(json) ? (json as unknown[]) : splitNames(value);
	return entries.map((entry, i) => checkBounds(`${field}[${i}]`, toInt64(`${field}[${i}]`, entry), bounds, entry));
}

/** The bounds of the chat parameter in the catalog (a group number is at least 1), checked for every listed id too. */
function idBounds(spec: OneBotFanOutSpec): NumericBounds | undefined {
	const param = findOperation(spec.operation)?.params.find((p) => p.name === spec.param);
	return param && (param.min !== undefined || param.max !== undefined) ? { min: param.min, max: param.max } : undefined;
}

/**
 * The chats an item sends to: the list as typed (duplicates dropped, order kept), or every chat
 * the bot is in (from `listAction`) minus the except list. Checked before anything is sent.
 */
export async function resolveTargets(
	ctx: IExecuteFunctions,
	itemIndex: number,
	spec: OneBotFanOutSpec,
	mode: Exclude<TargetMode, 'one'>,
	transport: OneBotTransport,
): Promise<Array<number | bigint>> {
	const unique = (ids: Array<number | bigint>) => {
		const seen = new Set<string>();
		return ids.filter((id) => !seen.has(String(id)) && Boolean(seen.add(String(id))));
	};
	if (mode === 'list') {
		const ids = unique(parseIds(TARGET_LIST, ctx.getNodeParameter(TARGET_LIST, itemIndex, ''), idBounds(spec)));
		if (ids.length === 0) throw new InputError(TARGET_LIST, `"${TARGET_LIST}": list at least one ${spec.noun}`);
		return ids;
	}
	const except = new Set(parseIds(EXCEPT_LIST, ctx.getNodeParameter(EXCEPT_LIST, itemIndex, '')).map(String));
	const response = await transport.call(spec.listAction, {});
	if (!Array.isArray(response.data)) {
		throw new InputError(TARGET_MODE, `${spec.listAction} did not answer with a list of ${spec.plural}: no ${spec.noun} to send to`);
	}
	const list = response.data as IDataObject[];
	const ids: Array<number | bigint> = [];
	const listed = new Set<string>();
	for (const entry of list) {
		const raw = entry?.[spec.listId];
		if (raw === undefined || raw === null) continue;
		const id = toInt64(spec.listId, raw);
		listed.add(String(id));
		if (!except.has(String(id))) ids.push(id);
	}
	// Nothing to send is not a success: the item would leave no trace in the output.
	if (ids.length === 0) {
		throw listed.size === 0
			? new InputError(TARGET_MODE, `No ${spec.noun} to send to: ${spec.listAction} lists no ${spec.plural} the bot is in`)
			: new InputError(EXCEPT_LIST, `No ${spec.noun} to send to: "${EXCEPT_LIST}" leaves out every ${spec.noun} the bot is in (${listed.size})`);
	}
	return unique(ids);
}
