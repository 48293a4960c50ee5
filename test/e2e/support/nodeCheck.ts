/**
 * Checks a workflow's nodes of this package against the built node descriptions (dist/), with
 * n8n-workflow's own parameter logic: every parameter set must be one the node shows for the chosen
 * resource/operation (a misspelt or hidden one would be silently dropped by n8n), option values must
 * exist, and n8n must see no parameter issues (missing required fields).
 */
import { NodeHelpers, type INode, type INodeParameters, type INodeTypeDescription } from 'n8n-workflow';
import { join } from 'node:path';

import { readPackageInfo, repoRoot } from './n8n';

const pkg = readPackageInfo();

/** n8n adds these to the `<node>Tool` variant of a node with `usableAsTool`. */
const TOOL_PARAMETERS = ['descriptionType', 'toolDescription'];

function loadDescriptions(): Map<string, INodeTypeDescription> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pj = require(join(repoRoot, 'package.json')) as { n8n?: { nodes?: string[] } };
	const out = new Map<string, INodeTypeDescription>();
	for (const file of pj.n8n?.nodes ?? []) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(join(repoRoot, file)) as Record<string, new () => { description: INodeTypeDescription }>;
		for (const Cls of Object.values(mod)) {
			if (typeof Cls !== 'function') continue;
			const description = new Cls().description;
			if (description?.name) out.set(`${pkg.name}.${description.name}`, description);
		}
	}
	return out;
}

let cache: Map<string, INodeTypeDescription> | undefined;

/** The description of one of this package's node types (`<pkg>.oneBotTool` gives the oneBot one). */
export function packageNodeDescription(
	type: string,
): { description: INodeTypeDescription; tool: boolean } | undefined {
	cache ??= loadDescriptions();
	const direct = cache.get(type);
	if (direct) return { description: direct, tool: false };
	if (type.endsWith('Tool')) {
		const base = cache.get(type.slice(0, -'Tool'.length));
		if (base?.usableAsTool) return { description: base, tool: true };
	}
	return undefined;
}

function isExpression(value: unknown): boolean {
	return typeof value === 'string' && value.startsWith('=');
}

/** Problems with one node of this package (empty when it is fine). */
export function checkPackageNode(node: INode): string[] {
	const found = packageNodeDescription(node.type);
	if (!found) return node.type.startsWith(`${pkg.name}.`) ? [`${node.name}: unknown node type ${node.type}`] : [];
	const { description, tool } = found;
	const problems: string[] = [];
	const where = `${node.name} (${node.type})`;

	const versions = Array.isArray(description.version) ? description.version : [description.version];
	if (!versions.includes(node.typeVersion)) problems.push(`${where}: typeVersion ${node.typeVersion} not in ${versions.join(', ')}`);

	for (const type of Object.keys(node.credentials ?? {})) {
		if (!(description.credentials ?? []).some((c) => c.name === type)) problems.push(`${where}: credential type ${type} is not one the node takes`);
	}

	const given = node.parameters;
	const resolved = NodeHelpers.getNodeParameters(description.properties, given, true, false, node, description) ?? {};
	for (const [name, value] of Object.entries(given)) {
		if (tool && TOOL_PARAMETERS.includes(name)) continue;
		if (!(name in resolved)) problems.push(`${where}: parameter "${name}" is not shown for these settings (misspelt, or hidden for this operation)`);
		else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('__rl' in value)) {
			// collections / fixed collections: n8n drops entries it does not know
			const kept = (resolved[name] ?? {}) as INodeParameters;
			for (const [key, inner] of Object.entries(value)) {
				if (!(key in kept)) {
					problems.push(`${where}: "${name}.${key}" is not a known option`);
					continue;
				}
				// fixed collection entries: every field must survive (shown for the entry's type)
				if (Array.isArray(inner) && Array.isArray(kept[key])) {
					inner.forEach((entry, i) => {
						const keptEntry = ((kept[key] as INodeParameters[])[i] ?? {}) as INodeParameters;
						for (const field of Object.keys(entry as object)) {
							if (!(field in keptEntry)) problems.push(`${where}: "${name}.${key}[${i}].${field}" is not shown for this entry`);
						}
					});
				}
			}
		}
	}

	// option values (resource, operation, messageFormat, ...) must exist among the visible properties
	for (const property of description.properties) {
		if (property.type !== 'options' || !(property.name in given)) continue;
		if (!NodeHelpers.displayParameter(given, property, node, description)) continue;
		const value = given[property.name];
		if (isExpression(value)) continue;
		if (!(property.options ?? []).some((o) => 'value' in o && o.value === value)) {
			problems.push(`${where}: ${property.name} = ${JSON.stringify(value)} is not an option`);
		}
	}

	const issues = NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: resolved }, description);
	if (issues?.parameters) {
		for (const [name, list] of Object.entries(issues.parameters)) problems.push(`${where}: n8n reports "${name}": ${list.join('; ')}`);
	}
	return problems;
}
