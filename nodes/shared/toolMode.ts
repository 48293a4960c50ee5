import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/*
 * As an AI agent's tool (usableAsTool), n8n runs the node with the agent's execution data
 * (n8n-core's makeHandleToolInvocation): the node's input item is the model's arguments for the
 * call, and `$json` in its expressions is the item the agent works on.
 */

const asTool = new WeakMap<IExecuteFunctions, boolean>();

/** Whether the node runs as an AI agent's tool (worked out once per context). */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	let tool = asTool.get(ctx);
	if (tool === undefined) {
		const run = ctx.getExecuteData?.();
		tool = run?.node !== undefined && run.node.name !== ctx.getNode().name;
		asTool.set(ctx, tool);
	}
	return tool;
}

/**
 * The item a Reply answers: the input item; as an AI agent's tool, the item the agent works on
 * (what `$json` gives the tool's expressions), since the tool's input is the model's arguments.
 */
export function answeredItem(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	if (runsAsTool(ctx)) {
		const json: unknown = ctx.getWorkflowDataProxy(itemIndex).$json;
		return json !== null && typeof json === 'object' ? (json as IDataObject) : {};
	}
	return ctx.getInputData()[itemIndex]?.json ?? {};
}
