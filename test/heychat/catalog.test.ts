// The catalog, the node description built from it, the credential and the generated docs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import type { INodeProperties } from 'n8n-workflow';

import { heychatCatalog } from '../../nodes/Heychat/catalog';
import { credentialType, node } from './setup';

const root = join(__dirname, '..', '..');
const sharedDir = process.env.SHARED_DIR ?? join(root, '..', 'shared');
const reference = join(sharedDir, 'reference', 'heychat', 'heychat-endpoints.json');

describe('catalog', () => {
	test('39 operations in the six resources the issue names, plus Reply', () => {
		assert.equal(heychatCatalog.operations.filter((o) => o.value !== 'reply').length, 39);
		assert.deepEqual(
			heychatCatalog.resources.map((r) => r.name),
			['Message', 'Media', 'Role', 'Room', 'Channel', 'Emoji'],
		);
		const count = (resource: string) => heychatCatalog.operations.filter((o) => o.resource === resource).length;
		assert.deepEqual(
			['message', 'media', 'role', 'room', 'channel', 'emoji'].map(count),
			[6, 1, 6, 9, 15, 3],
		);
	});

	test('every id of a room, channel, message or role is a string id', () => {
		for (const op of heychatCatalog.operations) {
			for (const p of op.params) {
				if (['room_id', 'channel_id', 'msg_id', 'role_id', 'origin_channel_id', 'parent_id'].includes(p.name)) {
					assert.equal(p.type, 'stringId', `${op.value}.${p.name}`);
				}
			}
		}
	});

	test('the checked-in catalog is what the generator makes from the reference', { skip: !existsSync(reference) && 'no ../shared here' }, () => {
		const result = spawnSync(process.execPath, [join(root, 'scripts', 'generate-heychat-catalog.mjs'), '--check'], {
			env: { ...process.env, SHARED_DIR: sharedDir },
			encoding: 'utf8',
		});
		assert.equal(result.status, 0, result.stderr);
	});

	test('every bot endpoint of the reference is an operation with the same method, host and path', { skip: !existsSync(reference) && 'no ../shared here' }, () => {
		const entries = JSON.parse(readFileSync(reference, 'utf8')) as Array<{ name: string; method: string; host: string; path: string; common_query: boolean; auth_header: string | null }>;
		const bot = entries.filter((e) => e.common_query && e.auth_header === 'token' && e.host.startsWith('https://'));
		assert.equal(bot.length, 39);
		for (const entry of bot) {
			const op = heychatCatalog.operations.find((o) => o.value === entry.name);
			assert.ok(op, entry.name);
			assert.equal(op.method, entry.method);
			assert.equal(op.path, entry.path);
			assert.equal(op.host, entry.host.includes('upload') ? 'upload' : 'api');
		}
	});
});

describe('node description', () => {
	const { description } = node;
	const properties = description.properties;

	test('n8n conventions: tool use, icons, credential, codex', () => {
		assert.equal(description.name, 'heychat');
		assert.equal(description.usableAsTool, true);
		assert.deepEqual(description.icon, { light: 'file:heychat.svg', dark: 'file:heychat.dark.svg' });
		for (const file of ['heychat.svg', 'heychat.dark.svg']) {
			assert.match(readFileSync(join(root, 'nodes', 'Heychat', file), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
		}
		assert.deepEqual(description.credentials, [{ name: 'heychatBotApi', required: true, testedBy: 'heychatApiTest' }]);
		const codex = JSON.parse(readFileSync(join(root, 'nodes', 'Heychat', 'Heychat.node.json'), 'utf8')) as { node: string; alias: string[] };
		assert.equal(codex.node, 'n8n-nodes-onebot-heychat.heychat');
		for (const alias of ['Heychat', '黑盒语音', 'Xiaoheihe', 'heybox']) assert.ok(codex.alias.includes(alias), alias);
	});

	test('every operation can be picked under its resource', () => {
		for (const op of heychatCatalog.operations) {
			const picker = properties.find(
				(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(op.resource),
			);
			assert.ok(picker?.options?.some((o) => 'value' in o && o.value === op.value), op.value);
		}
	});

	const visibleFor = (p: INodeProperties, resource: string, operation: string) =>
		p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation);

	test('every required field of every operation is shown for it; ids with a list are resource locators', () => {
		for (const op of heychatCatalog.operations) {
			for (const p of op.params.filter((x) => x.required && !x.handled)) {
				const property = properties.find((x) => x.name === p.name && visibleFor(x, op.resource, op.value));
				assert.ok(property, `${op.value}.${p.name}`);
				if (p.locator) {
					assert.equal(property.type, 'resourceLocator', `${op.value}.${p.name}`);
					assert.deepEqual(property.modes?.map((m) => m.name), ['list', 'id']);
				}
			}
		}
	});

	test('a list that is read from the selected room (channels, roles, members) is offered only where the operation has a Room field', () => {
		// searchChannels/searchRoles/searchRoomMembers read room_id: without one they can only say "Select a room first"
		const fromRoom = new Set(['channel', 'role', 'roomMember']);
		for (const op of heychatCatalog.operations) {
			const hasRoom = op.params.some((p) => p.name === 'room_id');
			for (const p of op.params.filter((x) => x.locator && fromRoom.has(x.locator))) {
				assert.ok(hasRoom, `${op.value}.${p.name} lists ${p.locator}s, but ${op.value} has no room_id`);
			}
		}
	});

	test('message and upload fields are shown for their operations', () => {
		for (const name of ['messageType', 'text', 'card', 'imageSource', 'binaryPropertyName', 'imageUrl', 'mentions', 'messageOptions']) {
			assert.ok(properties.some((p) => p.name === name && visibleFor(p, 'message', 'send_channel_message')), name);
		}
		assert.ok(properties.some((p) => p.name === 'binaryPropertyName' && visibleFor(p, 'media', 'upload_media')));
		assert.ok(properties.some((p) => p.name === 'options' && !p.displayOptions));
	});
});

describe('credential', () => {
	test('type name, fields and defaults', () => {
		assert.equal(credentialType.name, 'heychatBotApi');
		assert.equal(credentialType.displayName, 'Heychat Bot API');
		const byName = Object.fromEntries(credentialType.properties.map((p) => [p.name, p]));
		assert.equal(byName.token.typeOptions?.password, true);
		assert.equal(byName.apiBaseUrl.default, 'https://chat.xiaoheihe.cn');
		assert.equal(byName.uploadUrl.default, 'https://chat-upload.xiaoheihe.cn');
		assert.equal(byName.gatewayUrl.default, 'wss://chat.xiaoheihe.cn/chatroom/ws/connect');
		assert.ok(credentialType.documentationUrl);
	});

	test('authenticates with the "token" header, no prefix', () => {
		assert.deepEqual(credentialType.authenticate, {
			type: 'generic',
			properties: { headers: { token: '={{$credentials.token}}' } },
		});
	});
});

test('docs/heychat.md operation table is up to date', { skip: !existsSync(join(root, 'docs', 'heychat.md')) && 'no docs yet' }, () => {
	const result = spawnSync(process.execPath, [join(root, 'scripts', 'generate-heychat-docs.mjs'), '--check'], { encoding: 'utf8' });
	assert.equal(result.status, 0, result.stderr);
});
