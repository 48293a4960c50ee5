// The sandbox's page port: the page's files (or a placeholder), nothing outside sandbox/page/,
// uploaded media by id, and the feed WebSocket's answers to frames that are not inputs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { connect, feed, http, LOBBY, sandbox } from './support';

describe('the page port', () => {
	test('/ serves the chat page (or the placeholder before it exists); nothing outside sandbox/page/', async () => {
		const s = await sandbox();
		const page = await http.get(`${s.urls.page}/`);
		assert.equal(page.status, 200);
		assert.match(String(page.headers['content-type']), /^text\/html/);
		if (!existsSync(join(__dirname, '..', '..', 'sandbox', 'page', 'index.html'))) assert.match(String(page.data), /chat sandbox/);
		for (const path of ['/../tsconfig.json', '/%2e%2e/tsconfig.json', '/..%2ftsconfig.json', '/nope.js']) {
			const res = await http.get(`${s.urls.page}${path}`);
			assert.equal(res.status, 404, path);
		}
		assert.equal((await http.get(`${s.urls.page}/%E0%A4%A`)).status, 400);
		assert.equal((await http.get(`${s.urls.page}/media/0000000000000000.png`)).status, 404);
		assert.equal((await http.post(`${s.urls.page}/`, {})).status, 405);
		await assert.rejects(connect(`${s.urls.page.replace('http:', 'ws:')}/other`), /HTTP 404/);
	});

	test('the feed: a snapshot with the world first, an error frame for anything but an input', async () => {
		const s = await sandbox();
		const log = await feed(s);
		const [snapshot] = log.frames;
		assert.deepEqual(snapshot.world.platforms, {
			onebot: { self: { id: '10001', name: 'Sandbox Bot' } },
			heychat: { self: { id: '9001', name: 'Sandbox Bot' } },
		});
		assert.deepEqual(
			snapshot.world.chats.map((c: { id: string; kind: string; name: string }) => [c.id, c.kind, c.name]),
			[
				['qq:group:123456789', 'group', 'Sandbox Lobby'],
				['qq:group:987654321', 'group', 'Sandbox Dev'],
				['qq:group:555000111', 'group', 'Sandbox Games'],
				['qq:private:20001', 'private', 'Alice'],
				['qq:private:20002', 'private', 'Bob'],
				['hc:channel:3663316788315193344:3665944781964836864', 'channel', 'general'],
				['hc:channel:3663316788315193344:3665944781964836865', 'channel', 'commands'],
				['hc:dm:30001', 'dm', 'Alice'],
				['hc:dm:30002', 'dm', 'Bob'],
			],
		);
		assert.deepEqual(snapshot.world.users[0], { id: 'qq:20001', platform: 'onebot', userId: '20001', name: 'Alice', avatar: null });
		assert.deepEqual(snapshot.world.messages, {});
		log.ws.send('not json');
		await log.waitFor((f) => f.type === 'error' && /JSON/.test(f.message), 'the JSON error');
		log.send({ type: 'hello' });
		await log.waitFor((f) => f.type === 'error' && /expected \{"type":"input"/.test(f.message), 'the shape error');
		log.send({ type: 'input', input: { kind: 'message', chatId: LOBBY, userId: '10001', text: 'as the bot' } });
		await log.waitFor((f) => f.type === 'error' && /not as the bot/.test(f.message), 'the bot error');
		assert.equal(s.world.messages(LOBBY).length, 0);
	});
});
