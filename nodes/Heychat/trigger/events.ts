import type { IDataObject } from 'n8n-workflow';

import type { FrameCheck } from '../../shared/connection';
import { setOwn } from '../../shared/json';
import { idKey, idText, type IdKey } from '../../shared/trigger/ids';

/**
 * Heychat gateway events (../shared/reference/heychat/heychat-api.md §4.4–4.5). Every frame is
 * `{sequence, type, notify_type, data, timestamp}`; `type` is a string on the wire (one doc table
 * says int64, so a number is accepted too). The four documented types are listed here; anything
 * else is "unknown" and passes only when the user selects "All".
 */

/** The "All" choice: every frame with a Heychat envelope, unknown types included. */
export const ALL_EVENTS = '*';

export interface HeychatEventType {
	/** The wire `type`. */
	value: string;
	/** Option label in the node. */
	name: string;
	/** What n8n's node creator lists for it ("On slash command"). */
	action: string;
	/** The `typeName` field of emitted items. */
	typeName: string;
	description: string;
}

export const HEYCHAT_EVENT_TYPES: readonly HeychatEventType[] = [
	{
		value: '50',
		name: 'Bot Command',
		action: 'On slash command',
		typeName: 'botCommand',
		description: 'A user ran one of the bot\'s slash commands in a channel (type "50")',
	},
	{
		value: 'card_message_btn_click',
		name: 'Card Button Click',
		action: 'On card button click',
		typeName: 'cardButtonClick',
		description: 'A user clicked a card button whose event is "server" (type "card_message_btn_click")',
	},
	{
		value: '3001',
		name: 'Member Joined or Left',
		action: 'On member joined or left',
		typeName: 'memberJoinLeave',
		description: 'A user joined or left a room the bot is in (type "3001")',
	},
	{
		value: '5003',
		name: 'Reaction Added or Removed',
		action: 'On reaction added or removed',
		typeName: 'reaction',
		description: 'A user added or removed an emoji reaction on a channel message (type "5003")',
	},
];

export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(HEYCHAT_EVENT_TYPES.map((t) => t.value));

export const DEFAULT_EVENT_TYPES: readonly string[] = ['50'];

/** A frame that has the gateway envelope: a JSON object with a type and a `data` object. */
export interface HeychatFrame {
	/** The frame as sent (big integers already kept as digit strings by the parser). */
	raw: Record<string, unknown>;
	/** `type` as a string. */
	type: string;
	data: Record<string, unknown>;
	/** `sequence` as a string, when there is one. */
	sequence?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids as strings, whether they arrived as numbers or strings; never converted through Number. */
export { idText };

/** Shape check for gateway frames (after PONG frames were taken out). */
export function checkHeychatFrame(value: unknown): FrameCheck<HeychatFrame> {
	if (!isPlainObject(value)) return { kind: 'reject', reason: 'it is not a JSON object' };
	const type = idText(value.type);
	if (type === undefined) return { kind: 'reject', reason: 'it has no "type", so it is not a Heychat event' };
	if (!isPlainObject(value.data)) {
		return { kind: 'reject', reason: `it has no "data" object (type "${type}"), so it is not a Heychat event` };
	}
	return { kind: 'accept', value: new AcceptedFrame(value, type, value.data) };
}

/** A checked frame; `sequence` is read when asked for (only de-duplication of passing frames needs it). */
class AcceptedFrame implements HeychatFrame {
	constructor(
		readonly raw: Record<string, unknown>,
		readonly type: string,
		readonly data: Record<string, unknown>,
	) {}

	get sequence(): string | undefined {
		return idText(this.raw.sequence);
	}
}

/** The frame's sequence as a de-duplication key (idKey): `idKey(frame.sequence)`, without its text. */
export function sequenceKey(frame: HeychatFrame): IdKey | undefined {
	return frame instanceof AcceptedFrame ? idKey(frame.raw.sequence) : idKey(frame.sequence);
}

/** The fields the trigger adds to every emitted event (only those that apply are set). */
export interface DerivedFields {
	/** The wire type as a string: "50", "3001", "5003", "card_message_btn_click", ... */
	eventType: string;
	/** botCommand, memberJoinLeave, reaction, cardButtonClick, or unknown. */
	typeName: string;
	/** Bot command: the command name as sent, e.g. "/weather". */
	command?: string;
	/** Bot command: the command's id. */
	commandId?: string;
	/** Bot command: option name → value (values as sent; Heychat sends strings). */
	options?: IDataObject;
	/** Bot command: the bot the command belongs to. */
	botId?: string;
	roomId?: string;
	channelId?: string;
	/** The user who ran the command, clicked, reacted, joined or left. */
	userId?: string;
	/** The command message, the reacted message or the clicked card message. */
	msgId?: string;
	/** Member event: true for a join (state 1), false for a leave (state 0). */
	joined?: boolean;
	/** Reaction: true when added (is_add 1), false when removed (is_add 0). */
	added?: boolean;
	/** Reaction: the emoji string, e.g. "[cube_doge]". */
	emoji?: string;
	/** Card button click: the button's value and label. */
	buttonValue?: string;
	buttonText?: string;
	/** Card button click: the button's event, "server" (or "link-to", as Heychat's own example shows). */
	buttonEvent?: string;
}

const TYPE_NAMES: ReadonlyMap<string, string> = new Map(HEYCHAT_EVENT_TYPES.map((t) => [t.value, t.typeName]));

export function typeNameOf(type: string): string {
	return TYPE_NAMES.get(type) ?? 'unknown';
}

function child(data: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
	const value = data[key];
	return isPlainObject(value) ? value : undefined;
}

/** 1 / "1" / true → true, 0 / "0" / false → false, anything else → undefined. */
function flag(value: unknown): boolean | undefined {
	if (value === 1 || value === '1' || value === true) return true;
	if (value === 0 || value === '0' || value === false) return false;
	return undefined;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/**
 * `command_info.options` as an object of name → value. An option that holds its own `options`
 * (a sub-command, option types 1 and 2) becomes a nested object.
 */
export function optionsObject(options: unknown, depth = 0): IDataObject {
	const out: IDataObject = {};
	if (!Array.isArray(options) || depth > 8) return out;
	for (let i = 0; i < options.length; i++) {
		const option: unknown = options[i];
		if (!isPlainObject(option)) continue;
		const name = text(option.name);
		if (name === undefined || name === '') continue;
		if (option.value === undefined && Array.isArray(option.options)) {
			setOwn(out, name, optionsObject(option.options, depth + 1));
		} else {
			setOwn(out, name, option.value ?? null);
		}
	}
	return out;
}

/** The room id, nested in `room_base_info` or flat. */
export function roomIdOf(data: Record<string, unknown>): string | undefined {
	return idText(child(data, 'room_base_info')?.room_id) ?? idText(data.room_id);
}

/** The channel id, nested in `channel_base_info` or flat. */
export function channelIdOf(data: Record<string, unknown>): string | undefined {
	return idText(child(data, 'channel_base_info')?.channel_id) ?? idText(data.channel_id);
}

/**
 * The user of the event: in the user object Heychat documents for its type (`user_info` for a
 * member joining or leaving, 3001; `sender_info` for the others), else in the other one (some SDKs
 * read it), else flat `user_id`. An object without a user_id does not hide the next.
 */
export function userIdOf(data: Record<string, unknown>, type: string): string | undefined {
	const [first, second] = type === '3001' ? USER_KEYS_MEMBER : USER_KEYS;
	return idText(child(data, first)?.user_id) ?? idText(child(data, second)?.user_id) ?? idText(data.user_id);
}

const USER_KEYS = ['sender_info', 'user_info'] as const;
const USER_KEYS_MEMBER = ['user_info', 'sender_info'] as const;

/** A bot command's name as sent (`command_info.name`). */
export function commandNameOf(data: Record<string, unknown>): string | undefined {
	return text(child(data, 'command_info')?.name);
}

/**
 * Reads the derived fields, accepting every shape the sources disagree on: rooms and channels in
 * `room_base_info` / `channel_base_info` or flat (`room_id`, `channel_id`), the user in
 * `sender_info`, `user_info` or flat `user_id` (userIdOf).
 */
export function deriveFields(frame: HeychatFrame): DerivedFields {
	const { data, type } = frame;
	const fields: DerivedFields = {
		eventType: type,
		typeName: typeNameOf(type),
		roomId: roomIdOf(data),
		channelId: channelIdOf(data),
		userId: userIdOf(data, type),
		msgId: idText(data.msg_id),
	};
	switch (type) {
		case '50': {
			const info = child(data, 'command_info');
			fields.command = text(info?.name);
			fields.commandId = idText(info?.id);
			fields.options = optionsObject(info?.options);
			fields.botId = idText(data.bot_id);
			break;
		}
		case '3001':
			fields.joined = flag(data.state);
			break;
		case '5003':
			fields.added = flag(data.is_add);
			fields.emoji = text(data.emoji);
			break;
		case 'card_message_btn_click':
			fields.buttonValue = text(data.value);
			fields.buttonText = text(data.text);
			fields.buttonEvent = text(data.event);
			break;
	}
	return fields;
}

/**
 * Sets the derived fields that apply (deriveFields, those not undefined) on `target`, in
 * deriveFields' order, and returns it: `addDerivedFields(copy, frame)` is `toItem(frame)` on a
 * copy, without the intermediate object. `target` may be `frame.raw` itself.
 */
export function addDerivedFields(target: IDataObject, frame: HeychatFrame): IDataObject {
	// One named store per field (not `target[key] = value` through a helper: a store site that
	// sees every key is a slow, megamorphic one).
	const { data, type } = frame;
	target.eventType = type;
	target.typeName = typeNameOf(type);
	const roomId = roomIdOf(data);
	if (roomId !== undefined) target.roomId = roomId;
	const channelId = channelIdOf(data);
	if (channelId !== undefined) target.channelId = channelId;
	const userId = userIdOf(data, type);
	if (userId !== undefined) target.userId = userId;
	const msgId = idText(data.msg_id);
	if (msgId !== undefined) target.msgId = msgId;
	switch (type) {
		case '50': {
			const info = child(data, 'command_info');
			const command = text(info?.name);
			if (command !== undefined) target.command = command;
			const commandId = idText(info?.id);
			if (commandId !== undefined) target.commandId = commandId;
			target.options = optionsObject(info?.options);
			const botId = idText(data.bot_id);
			if (botId !== undefined) target.botId = botId;
			break;
		}
		case '3001': {
			const joined = flag(data.state);
			if (joined !== undefined) target.joined = joined;
			break;
		}
		case '5003': {
			const added = flag(data.is_add);
			if (added !== undefined) target.added = added;
			const emoji = text(data.emoji);
			if (emoji !== undefined) target.emoji = emoji;
			break;
		}
		case 'card_message_btn_click': {
			const buttonValue = text(data.value);
			if (buttonValue !== undefined) target.buttonValue = buttonValue;
			const buttonText = text(data.text);
			if (buttonText !== undefined) target.buttonText = buttonText;
			const buttonEvent = text(data.event);
			if (buttonEvent !== undefined) target.buttonEvent = buttonEvent;
			break;
		}
	}
	return target;
}

/**
 * The item to emit: the frame as sent plus the derived fields that apply. `owned`: the frame was
 * parsed for this call and nothing else holds it (a gateway frame), so the fields are added to it
 * in place instead of to a copy (same keys, same order).
 */
export function toItem(frame: HeychatFrame, fields: DerivedFields = deriveFields(frame), owned = false): IDataObject {
	// Object.assign, not `{ ...raw }`: on Node 20, adding properties to a spread copy of a
	// JSON.parse object costs tens of microseconds (see bench/), Object.assign does not.
	const item: IDataObject = owned ? (frame.raw as IDataObject) : Object.assign({}, frame.raw as IDataObject);
	for (const key in fields) {
		const value = fields[key as keyof DerivedFields];
		if (value !== undefined) item[key] = value as IDataObject[string];
	}
	return item;
}
