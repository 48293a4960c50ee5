/**
 * The sandbox chat page's composer (sandbox/page/composer.mjs): the 'input' frames it sends (the contract in sandbox/world/types.ts),
 * slash commands in Heychat channels, and "@" autocompletion.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
	applyMention, DEFAULT_COMMANDS, inputFrame, matchMembers, mentionQuery, normaliseCommands, parseCommand, speakers,
} from '../../sandbox/page/composer.mjs';
import type { Chat } from '../../sandbox/page/render.mjs';

const lobby: Chat = {
	id: 'qq:group:123456789', platform: 'onebot', kind: 'group', name: 'Sandbox Lobby',
	members: [
		{ userId: '10001', name: 'Sandbox Bot', role: 'owner' }, { userId: '20001', name: 'Alice' },
		{ userId: '20002', name: 'Bob', card: 'Bobby' }, { userId: '20003', name: 'Carol' },
	],
};
const general: Chat = { id: 'hc:channel:3663316788315193344:3665944781964836864', platform: 'heychat', kind: 'channel', name: 'general', room: 'Sandbox Room', members: [] };

describe('input frames', () => {
	test('text in a QQ group is a message input as the chosen user', () => {
		assert.deepEqual(inputFrame({ chat: lobby, userId: '20001', text: 'help @Sandbox Bot' }), {
			frame: { type: 'input', input: { kind: 'message', chatId: 'qq:group:123456789', userId: '20001', text: 'help @Sandbox Bot' } },
		});
	});

	test('a reply in a QQ chat leads the text with a CQ reply code; Heychat has no such input', () => {
		assert.equal(inputFrame({ chat: lobby, userId: '20001', text: 'thanks', replyTo: '1002' }).frame?.input.text, '[CQ:reply,id=1002]thanks');
		assert.equal(inputFrame({ chat: lobby, userId: '20001', text: 'x', replyTo: '1],[CQ:face,id=1' }).frame?.input.text, '[CQ:reply,id=1CQfaceid1]x', 'the id cannot inject codes');
		assert.equal(inputFrame({ chat: general, userId: '30001', text: 'thanks', replyTo: '1002' }).frame?.input.text, 'thanks');
	});

	test('"/roll sides=20" in a Heychat channel is a command input; in QQ it stays text', () => {
		assert.deepEqual(inputFrame({ chat: general, userId: '30001', text: '/roll sides=20' }).frame, {
			type: 'input', input: { kind: 'command', chatId: general.id, userId: '30001', command: '/roll', options: { sides: '20' } },
		});
		assert.equal(inputFrame({ chat: lobby, userId: '20001', text: '/roll sides=20' }).frame?.input.kind, 'message');
	});

	test('empty text and bad commands are refused with a reason, nothing to send', () => {
		assert.equal(inputFrame({ chat: lobby, userId: '20001', text: '   ' }).error, 'type a message first');
		assert.match(inputFrame({ chat: general, userId: '30001', text: '/nope' }).error ?? '', /unknown command \/nope/);
		assert.match(inputFrame({ chat: general, userId: '30001', text: '/roll sides=many' }).error ?? '', /"sides" must be a number/);
	});
});

describe('slash commands', () => {
	test('positional options fill in order; the last takes the rest of the line; quotes group words', () => {
		assert.deepEqual(parseCommand('/roll 6'), { command: '/roll', options: { sides: '6' } });
		assert.deepEqual(parseCommand('/qq hello there world'), { command: '/qq', options: { text: 'hello there world' } });
		assert.deepEqual(parseCommand('/qq text="a b=c"'), { command: '/qq', options: { text: 'a b=c' } });
		assert.deepEqual(parseCommand('/help'), { command: '/help', options: {} });
		assert.match((parseCommand('/help me') as { error: string }).error, /takes no more options/);
	});

	test('command lists from the snapshot are normalised (names with "/", options as an object)', () => {
		assert.deepEqual(normaliseCommands([{ name: 'roll', options: { sides: 'number' } }]), [
			{ name: '/roll', description: '', options: [{ name: 'sides', type: 'number', description: '' }] },
		]);
		assert.equal(normaliseCommands(undefined), DEFAULT_COMMANDS);
	});
});

describe('@ autocompletion', () => {
	test('the query before the caret starts at an "@" after a space or at the start', () => {
		assert.deepEqual(mentionQuery('hi @Al', 6), { start: 3, query: 'Al' });
		assert.deepEqual(mentionQuery('@', 1), { start: 0, query: '' });
		assert.equal(mentionQuery('mail a@b', 8), null);
		assert.equal(mentionQuery('hi @Al ', 7), null);
	});

	test('members match by name or card, prefix first; choosing inserts "@Name "', () => {
		assert.deepEqual(matchMembers(lobby.members ?? [], 'b').map((m) => m.name), ['Bob', 'Sandbox Bot']);
		assert.deepEqual(matchMembers(lobby.members ?? [], 'o').map((m) => m.name), ['Bob', 'Carol', 'Sandbox Bot']);
		assert.deepEqual(applyMention('hi @Al and', 3, 6, 'Alice'), { text: 'hi @Alice  and', caret: 10 });
	});

	test('the user picker offers the non-bot members', () => {
		assert.deepEqual(speakers(lobby, ['10001']).map((m) => m.userId), ['20001', '20002', '20003']);
	});
});
