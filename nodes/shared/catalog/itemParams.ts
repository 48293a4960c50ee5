import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { copyParameterValue, itemParameter, parameterHoldsExpression } from '../itemParameters';
import { ADDITIONAL_FIELDS } from './properties';
import { readPlannedParams, type ParamReadPlan } from './readParams';

/*
 * The catalog parameters of one item (readPlannedParams with the node's parameters). When none of
 * the fields a plan reads holds an expression, every item reads, checks and converts the same
 * values: the first item's result that passed is kept for the execution and each later item gets
 * a copy of it. A field with an expression makes the plan read per item, as before; a refused
 * value is not kept, so every item is refused with its own error.
 */

const fixed = new WeakMap<object, Map<ParamReadPlan, IDataObject>>();

/** Whether a field the plan reads (its own fields, and Additional Fields when it has optional ones) holds an expression. */
function planHoldsExpression(ctx: IExecuteFunctions, plan: ParamReadPlan): boolean {
	for (const param of plan.required) if (parameterHoldsExpression(ctx, param.property ?? param.name)) return true;
	for (const param of plan.targets) if (parameterHoldsExpression(ctx, param.property ?? param.name)) return true;
	return plan.optional.length > 0 && parameterHoldsExpression(ctx, ADDITIONAL_FIELDS);
}

/** The checked catalog parameters of a plan for one item (resourceLocator values extracted). */
export function readItemParams(ctx: IExecuteFunctions, itemIndex: number, plan: ParamReadPlan): IDataObject {
	const kept = fixed.get(ctx)?.get(plan);
	if (kept) return copyParameterValue(kept) as IDataObject;
	const params = readPlannedParams((name, fallback) => itemParameter(ctx, name, itemIndex, fallback, true), plan);
	if (!planHoldsExpression(ctx, plan)) {
		let byPlan = fixed.get(ctx);
		if (!byPlan) {
			byPlan = new Map();
			fixed.set(ctx, byPlan);
		}
		byPlan.set(plan, copyParameterValue(params) as IDataObject);
	}
	return params;
}
