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

/** Not in the catalog: any action name with JSON parameters, for backends newer than the catalog. */
export const CUSTOM_ACTION: OneBotOperationSpec = {
	value: 'customAction',
	resource: 'custom',
	name: 'Call Any Action',
	action: 'Call any action by name',
	description: 'Call any action by name with JSON parameters, for actions newer than this node',
	params: [],
	handler: 'custom',
	backends: [],
	inSeed: false,
};

const data = actions as unknown as { resources: ResourceSpec[]; operations: OneBotOperationSpec[] };

export const oneBotCatalog: { resources: ResourceSpec[]; operations: OneBotOperationSpec[] } = {
	resources: [
		...data.resources,
		{ value: 'custom', name: 'Custom Action', description: 'Any action by name, with JSON parameters' },
	],
	operations: [...data.operations, REPLY_OPERATION, CUSTOM_ACTION],
};

const byValue = new Map(oneBotCatalog.operations.map((op) => [op.value, op]));

export function findOperation(value: string): OneBotOperationSpec | undefined {
	return byValue.get(value);
}

/** "go-cqhttp, NapCat" for error messages and descriptions. */
export function backendList(op: OneBotOperationSpec | undefined): string {
	return op && op.backends.length > 0 ? op.backends.map((b) => BACKEND_NAMES[b]).join(', ') : 'unknown';
}
