import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { MESSAGE_PARAMETERS, messageProperties, readMessage, readMessageNow, type ReadMessageResult } from '../../message/properties';
import { binaryResolver } from './binary';
import { itemParameter } from '../../../shared/itemParameters';
import { InputError } from '../../../shared/validation';
import { fanOutSpec, itemTargetMode, type OneBotFanOutSpec } from '../targets';
import type { TargetMode } from '../../../shared/targets';
import { readCatalogParams, type OperationHandler, type PreparedCall } from './types';

const OWN: readonly string[] = ['message', 'auto_escape'];

/**
 * send_private_msg / send_group_msg / send_msg: the target comes from the catalog fields, the
 * message from the message builder (plain text, CQ code, segments, or raw JSON segments).
 */
export const messageHandler: OperationHandler = {
	ownParams: OWN,
	properties: (show): INodeProperties[] => messageProperties({ show }),
	// Segments may carry the item's binary files; text, CQ code and JSON segments are parameters only.
	readsParametersOnly(this: IExecuteFunctions): boolean {
		return itemParameter(this, MESSAGE_PARAMETERS.format, 0, 'text') !== 'segments';
	},
	async prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall> {
		const target = readTarget(this, itemIndex, op);
		const get = messageGetter(this, itemIndex);
		// text, CQ code and JSON segments at once; segments may read the item's files
		return withMessage(op, target, readMessageNow(get) ?? (await readMessage(get, binaryResolver(this, itemIndex))));
	},
	prepareNow(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): PreparedCall | undefined {
		// segments may read the item's binary files: those go through prepare
		if (itemParameter(this, MESSAGE_PARAMETERS.format, itemIndex, 'text') === 'segments') return undefined;
		const target = readTarget(this, itemIndex, op);
		return withMessage(op, target, readMessageNow(messageGetter(this, itemIndex))!);
	},
};

/** Where one item's message goes: its checked catalog fields, and one chat or many. */
interface MessageTarget {
	params: IDataObject;
	mode: TargetMode;
	spec: OneBotFanOutSpec | undefined;
}

function readTarget(ctx: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): MessageTarget {
	const mode = itemTargetMode(ctx, itemIndex, op.value);
	const spec = mode === 'one' ? undefined : fanOutSpec(op.value);
	// Many chats: the chat field is hidden; the router sets it for each target.
	const params = readCatalogParams(ctx, itemIndex, op, spec ? [...OWN, spec.param] : OWN);
	if (op.value === 'send_msg') checkSendMsgTarget(params, op.name);
	return { params, mode, spec };
}

/** The call: the target's fields with the message read for the item. */
function withMessage(op: OneBotOperationSpec, target: MessageTarget, { message, autoEscape }: ReadMessageResult): PreparedCall {
	const { params, mode, spec } = target;
	params.message = message as never;
	if (autoEscape !== undefined) params.auto_escape = autoEscape;
	if (spec && mode !== 'one') return { action: op.value, params, fanOut: { operation: op.value, mode } };
	return { action: op.value, params };
}

/** Reads the message parameters of one item. */
function messageGetter(ctx: IExecuteFunctions, itemIndex: number): (name: string) => unknown {
	return (name) => itemParameter(ctx, name, itemIndex);
}

/**
 * `send_msg` (and `send_forward_msg`) pick the chat by `message_type`, or else by which id is
 * given: the id the type needs must be set, and without a type at least one of them. Checked
 * before anything is sent. `operation` is the operation's name, for the message.
 */
export function checkSendMsgTarget(params: Record<string, unknown>, operation: string): void {
	const has = (key: string) => params[key] !== undefined && params[key] !== '';
	const type = params.message_type;
	if (type === 'group' && !has('group_id')) {
		throw new InputError('group_id', '"group_id" is required when "message_type" is "group"');
	}
	if (type === 'private' && !has('user_id')) {
		throw new InputError('user_id', '"user_id" is required when "message_type" is "private"');
	}
	if (!has('group_id') && !has('user_id')) {
		throw new InputError('user_id', `${operation} needs a target: set "user_id" (private) or "group_id" (group)`);
	}
}
