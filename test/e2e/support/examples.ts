/**
 * The example workflows in examples/*.json, and the credentials that make them run against the fake
 * backends: the examples reference credentials by type with placeholder ids (the user re-selects
 * theirs after importing); the tests import credentials under exactly those ids, pointing at the
 * fakes, so the example files run unchanged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nInstance } from './n8n';
import { repoRoot } from './n8n';

export const examplesDir = join(repoRoot, 'examples');

export interface ExampleNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[k: string]: unknown;
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>;
	settings?: Record<string, unknown>;
	[k: string]: unknown;
}

export interface Example {
	file: string;
	path: string;
	workflow: ExampleWorkflow;
}

export function loadExamples(): Example[] {
	return readdirSync(examplesDir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => {
			const path = join(examplesDir, file);
			return { file, path, workflow: JSON.parse(readFileSync(path, 'utf8')) as ExampleWorkflow };
		});
}

export function loadExample(file: string): Example {
	const found = loadExamples().find((e) => e.file === file);
	if (!found) throw new Error(`examples/${file} does not exist`);
	return found;
}

/** Every credential reference of every example, by type: `{ oneBotV11Api: { id, name } }`. */
export function credentialPlaceholders(examples = loadExamples()): Map<string, { id: string; name: string }> {
	const out = new Map<string, { id: string; name: string }>();
	for (const { file, workflow } of examples) {
		for (const node of workflow.nodes) {
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				const seen = out.get(type);
				if (seen && (seen.id !== ref.id || seen.name !== ref.name)) {
					throw new Error(`${file}: ${node.name} references ${type} as ${JSON.stringify(ref)}, other examples as ${JSON.stringify(seen)}`);
				}
				out.set(type, ref);
			}
		}
	}
	return out;
}

/**
 * Imports, under the examples' placeholder ids, one credential per type with the given data (e.g.
 * pointing at the fakes). Types without data are an error, so a new credential type in an example is
 * noticed.
 */
export async function importExampleCredentials(
	n8n: N8nInstance,
	dataByType: Record<string, Record<string, unknown>>,
	examples = loadExamples(),
): Promise<void> {
	const credentials = [...credentialPlaceholders(examples)].map(([type, ref]) => {
		const data = dataByType[type];
		if (!data) throw new Error(`no test credential data for ${type} (used by the examples)`);
		return { id: ref.id, name: ref.name, type, data };
	});
	await n8n.importCredentials(credentials);
}

export function nodeNamed(workflow: ExampleWorkflow, name: string): ExampleNode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`${workflow.name}: no node "${name}"`);
	return node;
}

export function nodesOfType(workflow: ExampleWorkflow, type: string): ExampleNode[] {
	return workflow.nodes.filter((n) => n.type === type);
}
