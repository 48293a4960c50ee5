import type { Catalog } from './types';

/** What n8n puts in the resource and operation lists of nodes whose credential it can call. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/**
 * The canvas subtitle of a catalog-driven node: "Send Group Message: Message", the operation and the
 * resource as the pickers name them. The operation values are wire names (`send_group_msg`), so the
 * expression carries the catalog's names as two inline lookup tables (names only, built from the
 * catalog when the node loads). Values the tables do not know (newer workflows, expressions) show as
 * they are.
 */
export function catalogSubtitle(catalog: Pick<Catalog, 'resources' | 'operations'>): string {
	const operations: Record<string, string> = {};
	for (const op of catalog.operations) operations[op.value] = op.name;
	const resources: Record<string, string> = {};
	for (const resource of catalog.resources) resources[resource.value] = resource.name;
	const operation = `(${JSON.stringify(operations)}[$parameter["operation"]] || $parameter["operation"])`;
	const resource = `(${JSON.stringify(resources)}[$parameter["resource"]] || $parameter["resource"])`;
	return `={{ $parameter["resource"] === "${CUSTOM_API_CALL}" ? "Custom API Call" : ${operation} + ": " + ${resource} }}`;
}
