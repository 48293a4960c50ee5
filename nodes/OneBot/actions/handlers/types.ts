import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { planOperationParams, type ParamReadPlan } from '../../../shared/catalog/readParams';
import { readItemParams } from '../../../shared/catalog/itemParams';

/** What an operation sends: the action name and its parameters. */
export interface PreparedCall {
	action: string;
	params: IDataObject;
	/** Send to many chats: one call per target, with `fanOut.param` set to each. */
	fanOut?: { operation: string; mode: 'list' | 'all' };
}

/**
 * How an operation's call is prepared. The generic handler serves every catalog entry; a few
 * operations whose wire form differs (messages, forward nodes, file uploads, custom actions)
 * have their own.
 */
export interface OperationHandler {
	/** Catalog parameters this handler reads itself; they get no generated field. */
	ownParams: readonly string[];
	/** Fields this handler adds, shown for the given operations. */
	properties(show: { resource: string[]; operation: string[] }): INodeProperties[];
	prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall>;
	/**
	 * `prepare` without a promise, for an item whose call needs nothing asynchronous (no file to
	 * read); undefined when it does (then `prepare` is used). Same checks, same errors.
	 */
	prepareNow?(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): PreparedCall | undefined;
	/**
	 * When it returns true, the operation makes ONE call for all input items
	 * (e.g. a forward message with one node per item) via `prepareBatch`.
	 */
	isBatch?(this: IExecuteFunctions, op: OneBotOperationSpec): boolean;
	prepareBatch?(this: IExecuteFunctions, op: OneBotOperationSpec, itemCount: number): Promise<PreparedCall>;
	/**
	 * True when `prepare` reads nothing but node parameters (no input item data, no binary file),
	 * so that with no expression among the parameters it makes the same call for every item.
	 */
	readsParametersOnly?(this: IExecuteFunctions, op: OneBotOperationSpec): boolean;
}

const NO_OWN: readonly string[] = [];

/**
 * The catalog parameters of an operation for one item, except those a handler reads itself (read
 * and checked once per execution when none of them holds an expression, see readItemParams).
 */
export function readCatalogParams(
	ctx: IExecuteFunctions,
	itemIndex: number,
	op: OneBotOperationSpec,
	own: readonly string[] = NO_OWN,
): IDataObject {
	return readItemParams(ctx, itemIndex, readPlan(op, own));
}

/*
 * The read plan of an operation depends only on the operation and the handler's own parameters
 * (both fixed), so it is worked out once rather than for every item.
 */
const plans = new WeakMap<OneBotOperationSpec, Map<string, ParamReadPlan>>();

/** The last plan asked for, by the handler's own-parameter list (a handler passes the same array every time). */
const lastPlans = new WeakMap<readonly string[], { op: OneBotOperationSpec; plan: ParamReadPlan }>();

function readPlan(op: OneBotOperationSpec, own: readonly string[]): ParamReadPlan {
	const last = lastPlans.get(own);
	if (last?.op === op) return last.plan;
	const plan = planFor(op, own);
	lastPlans.set(own, { op, plan });
	return plan;
}

function planFor(op: OneBotOperationSpec, own: readonly string[]): ParamReadPlan {
	let byOwn = plans.get(op);
	if (!byOwn) {
		byOwn = new Map();
		plans.set(op, byOwn);
	}
	const key = own.join('\u0000');
	let plan = byOwn.get(key);
	if (!plan) {
		plan = planOperationParams(op, (_o, p) => own.includes(p.name));
		byOwn.set(key, plan);
	}
	return plan;
}
