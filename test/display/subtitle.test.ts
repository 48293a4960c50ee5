/**
 * Canvas subtitles: evaluated with n8n-workflow's own expression engine, the way the editor does
 * (getNodeSubtitle → workflow.expression.getSimpleParameterValue), they read as the pickers name
 * the operation and the resource, never the wire names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NodeHelpers, Workflow, type INode, type INodeType, type INodeTypes } from 'n8n-workflow';

import { Heychat } from '../../nodes/Heychat/Heychat.node.ts';
import { OneBot } from '../../nodes/OneBot/OneBot.node.ts';

function subtitleOf(type: INodeType, parameters: Record<string, string>): unknown {
	const node: INode = { id: 'n', name: 'Node', type: 'x', typeVersion: 1, position: [0, 0], parameters };
	const nodeTypes: INodeTypes = {
		getByName: () => type,
		getByNameAndVersion: () => type,
		getKnownTypes: () => ({}),
	};
	// the editor resolves defaults before it evaluates the subtitle
	node.parameters = NodeHelpers.getNodeParameters(type.description.properties, node.parameters, true, false, node, type.description) ?? {};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, type.description.subtitle as string, 'internal', {});
}

describe('canvas subtitles', () => {
	const oneBot = new OneBot();
	const heychat = new Heychat();

	test('OneBot: "Send Group Message: Message", not send_group_msg', () => {
		assert.equal(subtitleOf(oneBot, { resource: 'message', operation: 'send_group_msg' }), 'Send Group Message: Message');
	});

	test('OneBot: an extension action reads by its name', () => {
		const text = String(subtitleOf(oneBot, { resource: 'groupNotice', operation: '_send_group_notice' }));
		assert.doesNotMatch(text, /_send_group_notice|groupNotice/);
		assert.match(text, /^[A-Z][\w ]+: Group Notice & Essence$/);
	});

	test('OneBot: a new node shows its default operation by name', () => {
		assert.equal(subtitleOf(oneBot, {}), 'Send Group Message: Message');
	});

	test("OneBot: n8n's Custom API Call", () => {
		assert.equal(subtitleOf(oneBot, { resource: '__CUSTOM_API_CALL__', operation: '__CUSTOM_API_CALL__' }), 'Custom API Call');
	});

	test('Heychat: the operation and resource by name, no wire paths', () => {
		const resource = heychat.description.properties.find((p) => p.name === 'resource');
		const operations = heychat.description.properties.filter((p) => p.name === 'operation');
		let checked = 0;
		for (const picker of operations) {
			const res = picker.displayOptions?.show?.resource?.[0] as string;
			const resourceName = resource?.options?.find((o) => 'value' in o && o.value === res)?.name;
			for (const option of picker.options ?? []) {
				if (!('value' in option)) continue;
				assert.equal(subtitleOf(heychat, { resource: res, operation: String(option.value) }), `${option.name}: ${resourceName}`);
				checked++;
			}
		}
		assert.ok(checked >= 10, `${checked} operations`);
	});

	test('the subtitle stays small (names only)', () => {
		assert.ok(String(oneBot.description.subtitle).length < 12_000, `${String(oneBot.description.subtitle).length} characters`);
	});
});
