/**
 * The shape of an endpoint catalog. Both platforms describe every operation as data of this
 * shape (OneBot: `nodes/OneBot/catalog/actions.json`, Heychat: `nodes/Heychat/catalog/endpoints.json`),
 * and the node properties, the generic call and the README tables are all generated from it.
 */

/** How a parameter is shown in n8n and checked before it is sent. */
export type ParamType =
	/** free text */
	| 'string'
	/** a number (float allowed) */
	| 'number'
	/** an integer; a digit string is accepted too */
	| 'integer'
	/** a non-negative integer (durations, counts) */
	| 'duration'
	| 'boolean'
	/**
	 * An id that must be an integer (OneBot: QQ number, group number, message id; int64).
	 * Entered as a string; sent as a JSON number (BigInt-safe) on OneBot.
	 */
	| 'id'
	/** An id kept as a string end to end (Heychat ids exceed 2^53). */
	| 'stringId'
	/** a list of ids, entered comma-separated or as a JSON array */
	| 'idList'
	/** a list of strings, entered comma-separated or as a JSON array */
	| 'stringList'
	/** any JSON value, entered as JSON text */
	| 'json'
	/** one of `options` */
	| 'options'
	/** a OneBot message (string, segment, or segment array) */
	| 'message';

export interface ParamOption {
	name: string;
	value: string | number | boolean;
	description?: string;
}

export interface ParamSpec {
	/** The name on the wire (body/query key). */
	name: string;
	/**
	 * The node parameter's name when it differs from `name` (a wire name such as `operation` that
	 * would collide with the node's own resource/operation/options fields).
	 */
	property?: string;
	/** Shown in the editor; derived from `name` when absent. */
	displayName?: string;
	type: ParamType;
	/** Required parameters are top-level fields; optional ones go into "Additional Fields". */
	required?: boolean;
	/** Default shown in the editor (for optional parameters: the backend's default, informative only). */
	default?: string | number | boolean | null;
	description?: string;
	/** For `type: 'options'`. */
	options?: ParamOption[];
	/**
	 * Name of a searchable list (a `listSearch` method of the node) that turns this parameter into a
	 * resourceLocator with "From List" and "By ID" modes.
	 */
	locator?: string;
	/**
	 * Names where the operation acts (the chat, the user, the message type that picks between them)
	 * without being required: shown as its own field among the targets, before the content, instead
	 * of under "Additional Fields"; left empty, it is not sent. Required parameters with a `locator`
	 * are targets too (they are listed first without this flag).
	 */
	target?: boolean;
	/** Heychat: where the parameter goes. OneBot: always the action's params object. */
	in?: 'body' | 'query';
	/**
	 * Inclusive bounds for ids, integers, durations and numbers (every element of an id list):
	 * e.g. a QQ number or group number is at least 1, QQ's mute duration at most 30 days.
	 * Checked before anything is sent; the error names the field.
	 */
	min?: number;
	max?: number;
	/** Strings: the most characters (code points) the backend takes, checked before anything is sent. */
	maxLength?: number;
	/** Other names some backends read for the same value (documentation only). */
	aliases?: string[];
	/**
	 * What a value must look like beyond its type, checked before anything is sent: `digits` for a
	 * `string` kept as text that must be a decimal number (Heychat permission bits, beyond 2^53);
	 * `array` / `object` for a `json` value (`array`: a JSON array of objects).
	 */
	shape?: 'digits' | 'array' | 'object';
}

export interface OperationSpec {
	/** The operation value. OneBot: the action name; Heychat: the endpoint name. Unique per node. */
	value: string;
	/** The resource this operation is listed under. */
	resource: string;
	/** Display name in the operation picker, e.g. "Send Group Message". */
	name: string;
	/** The picker's action label, e.g. "Send a group message". */
	action: string;
	/** Shown under the operation; says which backends support it. */
	description: string;
	params: ParamSpec[];
	/**
	 * The key of a hand-written handler for operations whose wire form differs (messages, forward
	 * nodes, uploads). Absent: the generic catalog-driven call handles it.
	 */
	handler?: string;
	/**
	 * When the result is a list, where it is: `true` for `data` itself, or a dotted path inside
	 * `data` (e.g. `files`). Each element becomes one output item.
	 */
	list?: true | string;
}

export interface ResourceSpec {
	value: string;
	name: string;
	description?: string;
}

export interface Catalog {
	resources: ResourceSpec[];
	operations: OperationSpec[];
}
