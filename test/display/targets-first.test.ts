/**
 * Both action nodes list where before what: the target (group, user, room, channel) comes before the
 * message text and the options, as n8n's own nodes do.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { INodeProperties } from 'n8n-workflow';

import { heychatProperties } from '../../nodes/Heychat/actions/properties';
import { oneBotProperties } from '../../nodes/OneBot/actions/properties';

/** Names of the properties shown for one operation, in the order the editor shows them. */
function shownFor(properties: INodeProperties[], resource: string, operation: string): string[] {
	return properties
		.filter((p) => {
			const show = p.displayOptions?.show;
			if (!show) return true;
			if (show.resource && !show.resource.includes(resource)) return false;
			if (show.operation && !show.operation.includes(operation)) return false;
			return true;
		})
		.map((p) => p.name)
		.filter((name, i, all) => all.indexOf(name) === i);
}

function assertBefore(names: string[], first: string, later: string[]): void {
	const at = names.indexOf(first);
	assert.ok(at >= 0, `${first} is not shown: ${names.join(', ')}`);
	for (const name of later) {
		const laterAt = names.indexOf(name);
		assert.ok(laterAt >= 0, `${name} is not shown: ${names.join(', ')}`);
		assert.ok(at < laterAt, `${first} comes after ${name}: ${names.join(', ')}`);
	}
}

describe('targets first', () => {
	test('OneBot Send Group Message: the group, then the message, then the options', () => {
		const names = shownFor(oneBotProperties, 'message', 'send_group_msg');
		assert.deepEqual(names.slice(0, 3), ['resource', 'operation', 'group_id']);
		assertBefore(names, 'group_id', ['messageFormat', 'additionalFields', 'options']);
	});

	test('OneBot Send Private Message: the user before the message', () => {
		const names = shownFor(oneBotProperties, 'message', 'send_private_msg');
		assertBefore(names, 'user_id', ['messageFormat', 'additionalFields', 'options']);
	});

	test('OneBot Upload Group File: the group before the file', () => {
		const names = shownFor(oneBotProperties, 'groupFile', 'upload_group_file');
		const file = names.find((n) => /binary|fileSource|file/i.test(n) && n !== 'group_id');
		assert.ok(file, names.join(', '));
		assertBefore(names, 'group_id', [file, 'options']);
	});

	test('Heychat Send Channel Message: room and channel, then the message', () => {
		const operation = heychatProperties
			.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('message'))
			.flatMap((p) => p.options ?? [])
			.map((o) => ('value' in o ? String(o.value) : ''))
			.find((v) => /send.*channel|channel.*send/i.test(v) || v === '/chatroom/v2/channel_msg/send');
		assert.ok(operation, 'no send-to-channel operation');
		const names = shownFor(heychatProperties, 'message', operation);
		assertBefore(names, 'room_id', ['channel_id', 'messageType', 'text']);
		assertBefore(names, 'channel_id', ['messageType', 'text']);
	});
});
