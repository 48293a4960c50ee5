/**
 * What n8n's node creator (2.8.4, editor-ui actionsGenerator) makes of the nodes: a trigger's
 * actions are the options of its first property displayed as "Event", "Events" or "Trigger On",
 * each listed by its `action` (else "On <Start Case name>"); the action node and its trigger
 * (name + "Trigger") share one entry that shows the TRIGGER's description above both lists.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { HeychatTrigger } from '../../nodes/Heychat/HeychatTrigger.node.ts';
import { OneBotTrigger } from '../../nodes/OneBot/OneBotTrigger.node.ts';
import { OneBotWebhookTrigger } from '../../nodes/OneBot/OneBotWebhookTrigger.node.ts';

/** The trigger actions n8n lists for a trigger node, as it names them. */
function triggerActions(description: INodeTypeDescription): string[] {
	const property = description.properties.find((p) => ['event', 'events', 'trigger on'].includes(p.displayName.toLowerCase()));
	assert.ok(property?.options, `${description.displayName}: no Events property`);
	return (property.options as INodePropertyOptions[])
		.filter((o) => !['*', '', ' '].includes(o.name))
		.map((o) => o.action ?? `On ${o.name}`);
}

describe('node creator', () => {
	for (const Trigger of [OneBotTrigger, OneBotWebhookTrigger]) {
		const { description } = new Trigger();
		test(`${description.displayName}: a short list of trigger actions named as n8n names its own`, () => {
			const actions = triggerActions(description);
			assert.ok(actions.length >= 10 && actions.length <= 30, `${actions.length} entries`);
			for (const action of actions) {
				assert.match(action, /^On [a-z][a-z ()]*[a-z)]$/i, action);
				assert.doesNotMatch(action, /[A-Z].* [A-Z]/, `${action}: sentence case, like "On new message"`);
				assert.doesNotMatch(action, /_|normal|\bnotify\b/i, `${action}: a wire name`);
			}
			for (const expected of ['On new message', 'On new group message', 'On new private message', 'On member joined', 'On member left', 'On friend request', 'On poke']) {
				assert.ok(actions.includes(expected), `${expected} missing: ${actions.join(' | ')}`);
			}
			assert.equal(new Set(actions).size, actions.length, 'duplicates');
		});
	}

	test('Heychat Trigger: its events as trigger actions', () => {
		const actions = triggerActions(new HeychatTrigger().description);
		assert.deepEqual([...actions].sort(), ['On any event', 'On card button click', 'On member joined or left', 'On reaction added or removed', 'On slash command']);
	});

	test("the merged OneBot and Heychat entries: the trigger's description reads for the actions too", () => {
		for (const { description } of [new OneBotTrigger(), new HeychatTrigger()]) {
			assert.doesNotMatch(description.description, /^Starts the workflow/, description.displayName);
			assert.match(description.description, /\bsend\b/i, `${description.displayName}: names what the actions do`);
			assert.match(description.description, /start workflows/i, `${description.displayName}: names what the trigger does`);
		}
	});
});
