import type { INodeProperties } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import type { OperationSpec, ParamSpec } from '../../../shared/catalog/types';
import { forwardHandler } from './forward';
import { genericHandler } from './generic';
import { messageHandler } from './message';
import { replyHandler } from './reply';
import type { OperationHandler } from './types';
import { uploadHandler } from './upload';

/** Catalog `handler` keys → the code that prepares those operations' calls. */
const HANDLERS: Record<string, OperationHandler> = {
	message: messageHandler,
	forward: forwardHandler,
	upload: uploadHandler,
	reply: replyHandler,
};

export function handlerFor(op: Pick<OperationSpec, 'handler'>): OperationHandler {
	return (op.handler && HANDLERS[op.handler]) || genericHandler;
}

/** True for catalog parameters that the operation's handler reads itself. */
export function isOwnParam(op: OperationSpec, param: ParamSpec): boolean {
	return handlerFor(op).ownParams.includes(param.name);
}

/** Each handler's fields, shown for the operations it handles. */
export function handlerProperties(operations: OneBotOperationSpec[]): INodeProperties[] {
	const properties: INodeProperties[] = [];
	for (const [key, handler] of Object.entries(HANDLERS)) {
		const ops = operations.filter((op) => op.handler === key);
		if (ops.length === 0) continue;
		properties.push(
			...handler.properties({
				resource: [...new Set(ops.map((op) => op.resource))].sort(),
				operation: ops.map((op) => op.value).sort(),
			}),
		);
	}
	return properties;
}
