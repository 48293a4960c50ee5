import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { markFailure, type ItemError } from '../batch/output';

/*
 * "Send to many chats": a target mode on a send operation (one chat, a list of chats, or every
 * chat the bot is in except a list), and running one send per target with an outcome each.
 * The platforms say what a chat is, how a list is read and how "every chat" is listed.
 */

export type TargetMode = 'one' | 'list' | 'all';

export const TARGET_MODE = 'targetMode';
export const TARGET_LIST = 'targetIds';
export const EXCEPT_LIST = 'exceptIds';

export interface TargetModeSpec {
	/** "group", "channel" */
	noun: string;
	/** "groups", "channels" */
	plural: string;
	/** Whether "every chat the bot is in, except" is offered (the API can list them). */
	all: boolean;
	/** What a list entry looks like, for the field descriptions. */
	listHint: string;
	listPlaceholder: string;
	/**
	 * When "every chat" is counted in another unit than `noun` (Heychat: every room, one channel in
	 * each): its names, the mode's description and how its except list is typed.
	 */
	every?: { noun: string; plural: string; description: string; listHint: string; listPlaceholder: string };
}

/** The target-mode fields of a send operation (shown for the given resource and operation). */
export function targetModeProperties(
	spec: TargetModeSpec,
	show: { resource: string[]; operation: string[] },
): INodeProperties[] {
	const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
	const modes = [
		{ name: `One ${cap(spec.noun)}`, value: 'one', description: `Send to the ${spec.noun} picked below` },
		{
			name: `List of ${cap(spec.plural)}`,
			value: 'list',
			description: `Send to each ${spec.noun} of a list: one output item per ${spec.noun}`,
		},
	];
	const every = spec.every ?? {
		noun: spec.noun,
		plural: spec.plural,
		description: `Send to every ${spec.noun} the bot is in, except those listed: one output item per ${spec.noun}`,
		listHint: spec.listHint,
		listPlaceholder: spec.listPlaceholder,
	};
	if (spec.all) {
		modes.push({ name: `Every ${cap(every.noun)} the Bot Is In`, value: 'all', description: every.description });
	}
	return [
		{
			displayName: 'Send To',
			name: TARGET_MODE,
			type: 'options',
			noDataExpression: true,
			options: modes,
			default: 'one',
			displayOptions: { show },
			description: `One ${spec.noun}, or many in one go (paced by the credential's Send Rate; a failing ${spec.noun} does not stop the others)`,
		},
		{
			displayName: cap(spec.plural),
			name: TARGET_LIST,
			type: 'string',
			default: '',
			required: true,
			placeholder: spec.listPlaceholder,
			displayOptions: { show: { ...show, [TARGET_MODE]: ['list'] } },
			description: `The ${spec.plural} to send to, in this order: ${spec.listHint}`,
		},
		...(spec.all
			? [
					{
						displayName: `Except ${cap(every.plural)}`,
						name: EXCEPT_LIST,
						type: 'string',
						default: '',
						placeholder: every.listPlaceholder,
						displayOptions: { show: { ...show, [TARGET_MODE]: ['all'] } },
						description: `${cap(every.plural)} to leave out: ${every.listHint}`,
					} as INodeProperties,
				]
			: []),
	];
}

/** The target mode of an item ('one' when the field is not shown). */
export function readTargetMode(value: unknown): TargetMode {
	return value === 'list' || value === 'all' ? value : 'one';
}

/**
 * One target's outcome: its output json (target fields first, then the result or the error). A
 * failure's json is marked (markFailure), so its output item is an error item.
 */
export interface TargetOutcome {
	ok: boolean;
	json: IDataObject;
	error?: ItemError;
}

/** A failed target: the node error and the fields it adds to the target's output json. */
export interface TargetFailure {
	error: ItemError;
	json: IDataObject;
}

/**
 * Sends to each target in order, one after the other; a failure is kept with its target and does
 * not stop the others. `describe` gives the target's fields for the output item.
 */
export async function sendToTargets<T>(
	targets: readonly T[],
	describe: (target: T) => IDataObject,
	send: (target: T, index: number) => Promise<IDataObject>,
	failure: (error: unknown) => TargetFailure | Promise<TargetFailure>,
): Promise<TargetOutcome[]> {
	const outcomes: TargetOutcome[] = [];
	for (let i = 0; i < targets.length; i++) {
		const target = targets[i];
		try {
			outcomes.push({ ok: true, json: { ...describe(target), ...(await send(target, i)) } });
		} catch (caught) {
			const { error, json } = await failure(caught);
			outcomes.push({ ok: false, json: markFailure({ ...describe(target), ...json }), error });
		}
	}
	return outcomes;
}
