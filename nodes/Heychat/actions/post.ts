import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { setOwn, stringifyWithBigInt } from '../../shared/json';
import { InputError, toStringId } from '../../shared/validation';
import { findOperation, type HeychatOperationSpec } from '../catalog';
import { ackIdFor, ackIdSequence, newAckId } from '../helpers/ackId';
import { AbortedError } from '../../shared/connection/abort';
import {
	executionCancelSignal,
	getHeychatCredentials,
	heychatRequest,
	stoppedError,
	type HeychatCall,
	type HeychatResult,
} from '../transport';
import { heychatPacing, isPacedSend, pacedHeychatSend, type HeychatPacing } from '../transport/pacing';
import { MSG_TYPE, type BuiltMessage } from './builtMessage';
import { callOptions } from './common';
import { deliveryConfirmedBy, type ConfirmedDelivery } from './lostAnswer';

/*
 * Posting a built message: the request body (everything but its heychat_ack_id is known before
 * the item's ack ID), the send in its pacing slot, and the output item. A post whose message,
 * options and destination are the same for every item (see sendMessage) is prepared once; each
 * item then only adds its own ack ID.
 */

/** Execution id, node id and run index of a node context: the same for all its items, so read once. */
interface RunKey {
	executionId: string | undefined;
	nodeId: string;
	runIndex: number;
	/** The items' ack ids, per operation (see ackIdSequence). */
	ackIds: Map<string, (itemIndex: number) => string>;
}

const runKeys = new WeakMap<object, RunKey>();

function runKeyOf(context: IExecuteFunctions, itemIndex: number): RunKey {
	let key = runKeys.get(context);
	if (!key) {
		// getNode() copies the node with all its parameters: once per execution, not per item
		const nodeId = context.getNode().id;
		try {
			// The data proxy is costly to build (n8n's expression context): once per execution, not per item.
			key = {
				executionId: context.getExecutionId(),
				nodeId,
				runIndex: Number(context.getWorkflowDataProxy(itemIndex).$runIndex) || 0,
				ackIds: new Map(),
			};
		} catch {
			key = { executionId: undefined, nodeId, runIndex: 0, ackIds: new Map() };
		}
		runKeys.set(context, key);
	}
	return key;
}

/** The Ack IDs given in the options so far, per try of the node: id → the item that has it. */
const givenAckIds = new WeakMap<IExecuteFunctions, Map<string, number>>();

const ACK_ID_ADVICE = 'Give each item its own (an expression such as {{ $json.id }}), or leave it empty for one per item';

/**
 * A fixed Ack ID (no expression) with several input items: refused for every item, before any
 * upload or send. Heychat takes only the first message with an ack ID (in 60 s) and refuses the others.
 */
function refuseFixedAckIdForManyItems(ctx: IExecuteFunctions, given: string): void {
	const setting = (ctx.getNode().parameters.messageOptions as IDataObject | undefined)?.ackId;
	const items = ctx.getInputData().length;
	if (typeof setting === 'string' && !setting.startsWith('=') && items > 1) {
		throw new InputError(
			'ackId',
			`"Ack ID" is the fixed value "${given}" for all ${items} items: Heychat takes only the first message with an ack ID and refuses the others. ${ACK_ID_ADVICE}`,
		);
	}
}

/** Message Options › Ack ID as text ('' when not set); an expression may give it as a number, kept when exact. */
function givenAckId(options: IDataObject): string {
	const raw = options.ackId;
	return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') ? '' : toStringId('ackId', raw);
}

/**
 * A given Ack ID, unless another item of this try has it too (a fixed one for several items was
 * refused before, by checkPostOptions, which every post passes).
 */
function checkedGivenAckId(ctx: IExecuteFunctions, given: string, itemIndex: number): string {
	let used = givenAckIds.get(ctx);
	if (!used) {
		used = new Map();
		givenAckIds.set(ctx, used);
	}
	const other = used.get(given);
	if (other !== undefined && other !== itemIndex) {
		throw new InputError(
			'ackId',
			`"Ack ID" is "${given}" for item ${other} and item ${itemIndex}: Heychat takes only the first message with an ack ID and refuses the others. ${ACK_ID_ADVICE}`,
		);
	}
	used.set(given, itemIndex);
	return given;
}

/** The heychat_ack_id for this send: the user's, or a stable one per execution, run and item. */
function ackIdForItem(this: IExecuteFunctions, itemIndex: number, operation: string, options: IDataObject): string {
	const given = givenAckId(options);
	if (given !== '') return checkedGivenAckId(this, given, itemIndex);
	const key = runKeyOf(this, itemIndex);
	if (!key.executionId) return newAckId();
	let ids = key.ackIds.get(operation);
	if (!ids) {
		ids = ackIdSequence([key.executionId, key.nodeId, key.runIndex, operation].join('|'));
		key.ackIds.set(operation, ids);
	}
	return ids(itemIndex);
}

/** The credential's pacing, read once per execution of the node (the context is the same for all its items). */
const pacingByExecution = new WeakMap<IExecuteFunctions, Promise<HeychatPacing>>();
async function pacingOf(ctx: IExecuteFunctions): Promise<HeychatPacing> {
	let pacing = pacingByExecution.get(ctx);
	if (!pacing) {
		pacing = getHeychatCredentials.call(ctx).then(heychatPacing);
		pacingByExecution.set(ctx, pacing);
	}
	return await pacing;
}

/** Where a message goes: a channel (with an optional quoted message) or a user (private). */
export type MessageDestination =
	| { kind: 'channel'; room_id: unknown; channel_id: unknown; msg_id?: unknown; reply_id?: string }
	| { kind: 'private'; to_user_id: unknown };

const ACK_ID = 'heychat_ack_id';

/**
 * The JSON text of `body` with `key` set to a string given later: the text before and after it
 * is written once, so each value costs a string join instead of a JSON.stringify of the body.
 * Gives exactly stringifyWithBigInt({ ...body, [key]: value }) (the key keeps its place).
 */
export function jsonWithStringField(body: IDataObject, key: string): (value: string) => string {
	const before: IDataObject = {};
	const after: IDataObject = {};
	let seen = false;
	for (const name of Object.keys(body)) {
		if (name === key) seen = true;
		else setOwn(seen ? after : before, name, body[name]);
	}
	if (!seen) throw new Error(`jsonWithStringField: the body has no "${key}"`);
	const head = stringifyWithBigInt(before).slice(0, -1); // "{…" without its "}"
	const tail = stringifyWithBigInt(after).slice(1); // "…}" without its "{"
	const open = `${head}${head.length > 1 ? ',' : ''}${JSON.stringify(key)}:`;
	const close = tail.length > 1 ? `,${tail}` : tail;
	return (value) => open + JSON.stringify(value) + close;
}

/**
 * Message Options › Reply To Message ID as text: an expression may give it as a number (kept when
 * exact; beyond 2^53 its digits are already lost, which is an error, not a send without the quote).
 */
function replyToText(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value)) {
			throw new InputError('replyTo', `"Reply To Message ID" is a number beyond 2^53 (${value}), which lost precision; pass the message ID as a string`);
		}
		return String(value);
	}
	return '';
}

/**
 * The Message Options a post refuses (Reply To Message ID, Ack ID), checked on their own so that a
 * message is refused for them before its images are uploaded (buildMessage), not after.
 */
export function checkPostOptions(ctx: IExecuteFunctions, options: IDataObject, kind: MessageDestination['kind']): void {
	const replyTo = replyToText(options.replyTo);
	if (kind === 'private' && replyTo !== '') {
		throw new InputError(
			'replyTo',
			'"Reply To Message ID" cannot be used for a private message: Heychat\'s private messages (POST /chatroom/v3/msg/user) cannot quote one. Clear the option, or reply in a channel',
		);
	}
	if (kind === 'channel' && replyTo !== '' && !/^\d+$/.test(replyTo)) {
		throw new InputError('replyTo', `"Reply To Message ID" must be a message ID (digits), got "${replyTo}"`);
	}
	const ackId = givenAckId(options);
	if (ackId !== '') refuseFixedAckIdForManyItems(ctx, ackId);
}

/** A post with everything but the item's ack ID worked out. */
export interface PreparedPost {
	operation: string;
	/** The body, its heychat_ack_id left to fill in. */
	body: IDataObject;
	/** The body's JSON text with a given ack ID. */
	bodyText: (ackId: string) => string;
	request: Omit<HeychatCall, 'body' | 'bodyText'>;
	pacing: HeychatPacing;
	paced: boolean;
	built: BuiltMessage;
	options: IDataObject;
}

/** Builds the body of a post (checking Reply To) and reads the pacing: what every item of a same post shares. */
export async function preparePost(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	built: BuiltMessage,
	options: IDataObject,
	destination: MessageDestination,
): Promise<PreparedPost> {
	const operation = destination.kind === 'private' ? 'send_private_message' : op.value === 'reply' ? 'send_channel_message' : op.value;
	const body: IDataObject = {};
	if (operation === 'update_channel_message' && destination.kind === 'channel') body.msg_id = destination.msg_id as string;
	checkPostOptions(this, options, destination.kind);
	if (destination.kind === 'private') body.to_user_id = destination.to_user_id as string;
	if (built.msg !== undefined) body.msg = built.msg;
	body.msg_type = built.msg_type;
	if (built.img !== undefined) body.img = built.img;
	body[ACK_ID] = ''; // its place: filled in per send
	if (destination.kind === 'channel') {
		const replyTo = replyToText(options.replyTo);
		body.reply_id = replyTo !== '' ? replyTo : (destination.reply_id ?? '');
		body.room_id = destination.room_id as string;
		body.channel_id = destination.channel_id as string;
		if (operation === 'send_channel_message') {
			body.channel_type = typeof options.channelType === 'number' ? options.channelType : 1;
		}
	}
	body.addition = built.addition;
	if (built.msg_type === MSG_TYPE.markdownMentions) {
		body.at_user_id = built.at_user_id ?? '';
		body.at_role_id = built.at_role_id ?? '';
		body.mention_channel_id = built.mention_channel_id ?? '';
	}
	const spec = operation === op.value ? op : findOperation(operation)!;
	// Fields the catalog says are always sent (e.g. the empty mention lists HeyBox.Net sends).
	for (const param of spec.params) {
		if (param.handled && param.wireDefault !== undefined && !(param.name in body)) {
			body[param.name] = param.wireDefault as IDataObject[string];
		}
	}
	const pacing = await pacingOf(this);
	return {
		operation,
		body,
		bodyText: jsonWithStringField(body, ACK_ID),
		request: { operation, method: spec.method, host: spec.host, path: spec.path },
		pacing,
		paced: isPacedSend(pacing, operation),
		built,
		options,
	};
}

/**
 * Sends a prepared post for one item with its own ack ID (`ackSeed` tells sends of the same item
 * apart, one per target) and shapes the output.
 */
export function sendPost(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	itemIndex: number,
	post: PreparedPost,
	ackSeed = '',
): Promise<IDataObject> {
	let ackId = ackIdForItem.call(this, itemIndex, op.value, post.options);
	if (ackSeed !== '') ackId = ackIdFor(`${ackId}|${ackSeed}`);
	const body: IDataObject = { ...post.body, [ACK_ID]: ackId };
	// written out, not spread: V8 builds a spread followed by new keys on its slow path (about 2 µs)
	const { operation, method, host, path } = post.request;
	const request: HeychatCall = { operation, method, host, path, body, bodyText: post.bodyText(ackId) };
	const sent = post.paced
		? pacedHeychatSend(
				post.pacing,
				post.operation,
				async () => await heychatRequest.call(this, request, callOptions.call(this, itemIndex)),
				executionCancelSignal(this),
			).catch((error: unknown) => {
				// stopped while waiting for its slot: not sent
				throw error instanceof AbortedError ? stoppedError(this, post.operation, itemIndex) : error;
			})
		: heychatRequest.call(this, request, callOptions.call(this, itemIndex));
	return sent.then(
		(response) => postOutput(post.built, ackId, response),
		(error: unknown) => {
			// Retry On Fail: Heychat refuses the ack id of an earlier try that lost its answer but was delivered
			const confirmed = deliveryConfirmedBy(this, itemIndex, ackId, error);
			if (!confirmed) throw error;
			return confirmedOutput(post.built, confirmed);
		},
	);
}

/**
 * The output item of a send an earlier try delivered (see lostAnswer.ts): Heychat never gave its
 * result, so there is no msg_id; the item says how the delivery is known.
 */
function confirmedOutput(built: BuiltMessage, confirmed: ConfirmedDelivery): IDataObject {
	const output: IDataObject = {
		delivered: true,
		confirmedBy: 'duplicate ack id',
		heychat_ack_id: confirmed.ackId,
		msg_type: built.msg_type,
		earlierError: confirmed.earlierError,
		note:
			'An earlier try of this send lost its answer; Heychat refused the retry as a duplicate of its ack ID, so that try was delivered. Heychat did not give its msg_id.',
	};
	if (built.img !== undefined) output.img = built.img;
	if (built.images.length > 0) output.img_files_info = built.images as unknown as IDataObject[];
	return output;
}

/**
 * The output item of a post: Heychat's result, with the ack ID and what the message showed. The
 * result object was parsed from this answer alone, so it becomes the output item itself (a copy
 * of an object from JSON.parse costs more than the parse).
 */
function postOutput(built: BuiltMessage, ackId: string, response: HeychatResult): IDataObject {
	const result = response.result;
	const output = (
		result === null || typeof result !== 'object' ? {} : Array.isArray(result) ? { ...result } : result
	) as IDataObject;
	if (output.heychat_ack_id === undefined) output.heychat_ack_id = ackId;
	output.msg_type = built.msg_type;
	if (built.img !== undefined) output.img = built.img;
	if (built.images.length > 0) output.img_files_info = built.images as unknown as IDataObject[];
	return output;
}

/**
 * Posts a built message to one destination and shapes the output. `ackSeed` tells sends of the
 * same item apart (one per target), so each has its own stable heychat_ack_id.
 */
export async function postMessage(
	this: IExecuteFunctions,
	op: HeychatOperationSpec,
	itemIndex: number,
	built: BuiltMessage,
	options: IDataObject,
	destination: MessageDestination,
	ackSeed = '',
): Promise<IDataObject> {
	const post = await preparePost.call(this, op, built, options, destination);
	return await sendPost.call(this, op, itemIndex, post, ackSeed);
}
