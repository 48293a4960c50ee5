import type { OperationSpec, ResourceSpec } from '../../shared/catalog/types';
import actions from './actions.json';
import { REPLY_OPERATION } from '../actions/replyOperation';

/** The implementations the catalog was extracted from. */
export type Backend = 'onebot11' | 'gocqhttp' | 'napcat' | 'lagrange' | 'llonebot';

export const BACKEND_NAMES: Record<Backend, string> = {
	onebot11: 'OneBot 11 standard',
	gocqhttp: 'go-cqhttp',
	napcat: 'NapCat',
	lagrange: 'Lagrange',
	llonebot: 'LLOneBot',
};

export interface OneBotOperationSpec extends OperationSpec {
	/** Which implementations register this action. */
	backends: Backend[];
	/** One of the 73 endpoints of the go-cqhttp API document the project started from. */
	inSeed: boolean;
}

const data = actions as unknown as { resources: ResourceSpec[]; operations: OneBotOperationSpec[] };

/**
 * The catalog as generated. There is no "call any action by name" entry here: n8n adds "Custom API
 * Call" to the node (an HTTP Request node with the OneBot credential) for actions newer than the catalog.
 */
export const oneBotCatalog: { resources: ResourceSpec[]; operations: OneBotOperationSpec[] } = {
	resources: data.resources,
	operations: [...data.operations, REPLY_OPERATION],
};

const byValue = new Map(oneBotCatalog.operations.map((op) => [op.value, op]));

export function findOperation(value: string): OneBotOperationSpec | undefined {
	return byValue.get(value);
}

/** "go-cqhttp, NapCat" for error messages and descriptions. */
export function backendList(op: OneBotOperationSpec | undefined): string {
	return op && op.backends.length > 0 ? op.backends.map((b) => BACKEND_NAMES[b]).join(', ') : 'unknown';
}
