/**
 * Both action nodes list where before what: the target (group, user, room, channel, message) comes
 * before the message text and the options, as n8n's own nodes do; for every operation of both nodes,
 * no target is listed after the content or left under Additional Fields when nothing above picks it.
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

/** Fields that say where an operation acts (the chat, the user, the message), by name. */
const TARGETS = new Set([
	'message_type', 'group_id', 'user_id', 'guild_id', 'channel_id', 'room_id', 'to_user_id', 'to_user_ids',
	'origin_channel_id', 'message_id', 'msg_id', 'targetMode', 'targetIds', 'exceptIds',
]);
/** Fields that carry what is sent (message builders, forward nodes, uploads, texts), by name. */
const CONTENT = new Set([
	// OneBot message builder, merged-forward nodes, file uploads
	'messageFormat', 'text', 'cqString', 'segments', 'segmentsJson', 'forwardSource', 'forwardNodes', 'forwardNodeName',
	'forwardNodeUin', 'forwardNodeContent', 'fileSource', 'binaryPropertyName', 'fileUrl', 'filePath', 'fileBase64', 'fileName',
	// catalog fields that are the payload
	'content', 'messages', 'files', 'fileset_id', 'character', 'msg',
	// Heychat message builder and media
	'messageType', 'card', 'imageSource', 'imageUrl', 'mentions',
]);

/** Every [resource, operation] a node offers. */
function operationsOf(properties: INodeProperties[]): Array<[string, string]> {
	return properties
		.filter((p) => p.name === 'operation')
		.flatMap((p) => (p.options ?? []).map((o) => [String(p.displayOptions?.show?.resource?.[0]), String((o as { value: unknown }).value)] as [string, string]));
}

/** Names of the fields under Additional Fields for one operation. */
function additionalFor(properties: INodeProperties[], resource: string, operation: string): string[] {
	const shown = properties.filter(
		(p) =>
			p.name === 'additionalFields' &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			p.displayOptions?.show?.operation?.includes(operation),
	);
	return shown.flatMap((p) => (p.options ?? []).map((o) => String((o as { name: string }).name)));
}

/** What is wrong with one operation's order: targets after the content, or only under Additional Fields. */
function orderProblems(properties: INodeProperties[], resource: string, operation: string): string[] {
	const names = shownFor(properties, resource, operation);
	const targets = names.filter((n) => TARGETS.has(n));
	const content = names.filter((n) => CONTENT.has(n));
	const hidden = additionalFor(properties, resource, operation).filter((n) => TARGETS.has(n));
	const problems: string[] = [];
	if (content.length === 0) return problems;
	const firstContent = names.indexOf(content[0]);
	for (const target of targets) {
		if (names.indexOf(target) > firstContent) problems.push(`${resource} › ${operation}: ${target} after ${content[0]} (${names.join(', ')})`);
	}
	// a target under Additional Fields only refines one picked above (the group a private message goes through)
	if (hidden.length > 0 && targets.length === 0) {
		problems.push(`${resource} › ${operation}: its target (${hidden.join(', ')}) is under Additional Fields, after ${content[0]}`);
	}
	return problems;
}

describe('targets first: every operation of both nodes', () => {
	for (const [label, properties] of [
		['OneBot', oneBotProperties],
		['Heychat', heychatProperties],
	] as const) {
		test(`${label}: no target after the content, none only under Additional Fields`, () => {
			const operations = operationsOf(properties);
			const checked = operations.filter(([r, o]) => {
				const names = shownFor(properties, r, o);
				return names.some((n) => CONTENT.has(n)) && [...names, ...additionalFor(properties, r, o)].some((n) => TARGETS.has(n));
			});
			// the check sees the sending operations (it would pass vacuously on a renamed field otherwise)
			assert.ok(checked.length >= (label === 'OneBot' ? 12 : 3), `${label}: only ${checked.length} operations with a target and content`);
			assert.deepEqual(operations.flatMap(([r, o]) => orderProblems(properties, r, o)), []);
		});
	}

	test('the check finds a target listed after the content, and one left under Additional Fields', () => {
		const [groupId] = oneBotProperties.filter((p) => p.name === 'group_id');
		const messageFormat = oneBotProperties.find((p) => p.name === 'messageFormat')!;
		const show = { show: { resource: ['message'], operation: ['x'] } };
		const late: INodeProperties[] = [{ ...messageFormat, displayOptions: show }, { ...groupId, displayOptions: show }];
		assert.equal(orderProblems(late, 'message', 'x').length, 1);
		const hidden: INodeProperties[] = [
			{ ...messageFormat, displayOptions: show },
			{ displayName: 'Additional Fields', name: 'additionalFields', type: 'collection', default: {}, options: [{ ...groupId }], displayOptions: show },
		];
		assert.equal(orderProblems(hidden, 'message', 'x').length, 1);
	});

	test('OneBot Send Message and Send Forward Message: message type, user, group, then the message', () => {
		for (const operation of ['send_msg', 'send_forward_msg']) {
			const names = shownFor(oneBotProperties, 'message', operation);
			assert.deepEqual(names.slice(0, 5), ['resource', 'operation', 'message_type', 'user_id', 'group_id'], operation);
			assert.deepEqual(
				additionalFor(oneBotProperties, 'message', operation).filter((n) => TARGETS.has(n)),
				[],
				`${operation}: a target under Additional Fields`,
			);
		}
		assertBefore(shownFor(oneBotProperties, 'message', 'send_msg'), 'group_id', ['messageFormat', 'additionalFields', 'options']);
		assertBefore(shownFor(oneBotProperties, 'message', 'send_forward_msg'), 'group_id', ['forwardSource', 'additionalFields', 'options']);
	});
});

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
