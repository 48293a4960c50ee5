/**
 * Heychat's Message Options offer only what the chosen operation and message type use: Channel Type
 * is a field of Send Channel Message (and Reply, which sends one), not of Update Channel Message;
 * Append Images adds images below a text or markdown message, not to an image or card message.
 * Read with n8n's own NodeHelpers.getNodeParameters, as the editor and the run read a node: an
 * option that is not shown is not kept.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import { Heychat } from '../../nodes/Heychat/Heychat.node.ts';

const description = new Heychat().description;

/** The Message Options the node keeps for these parameters. */
function keptOptions(parameters: INodeParameters): Record<string, unknown> {
	const node = { id: 'n', name: 'Heychat', type: 'heychat', typeVersion: 1, position: [0, 0] as [number, number], parameters };
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, false, false, node, description);
	return (values?.messageOptions ?? {}) as Record<string, unknown>;
}

const channel = (operation: string, messageType: string): INodeParameters => ({
	resource: 'message',
	operation,
	room_id: { __rl: true, mode: 'id', value: '3663316788315193344' },
	channel_id: { __rl: true, mode: 'id', value: '3665944781964836864' },
	msg_id: '1836295184143134721',
	messageType,
	text: 'hi',
	card: '{"data": []}',
	messageOptions: { channelType: 4, inlineImages: 'chart', replyTo: '1836295184143134721' },
});

test('Channel Type is kept for Send Channel Message and Reply, not for Update Channel Message (which has no channel_type)', () => {
	assert.equal(keptOptions(channel('send_channel_message', 'text')).channelType, 4);
	assert.equal(keptOptions(channel('reply', 'text')).channelType, 4);
	const update = keptOptions(channel('update_channel_message', 'text'));
	assert.equal(update.channelType, undefined);
	assert.equal(update.replyTo, '1836295184143134721', 'the other options stay');
});

test('Append Images is kept for text and markdown messages, not for image or card messages', () => {
	for (const type of ['text', 'markdown', 'markdownMentions']) {
		assert.equal(keptOptions(channel('send_channel_message', type)).inlineImages, 'chart', type);
	}
	for (const type of ['image', 'card']) {
		const kept = keptOptions(channel('send_channel_message', type));
		assert.equal(kept.inlineImages, undefined, type);
		assert.equal(kept.channelType, 4, `${type}: the other options stay`);
	}
});
