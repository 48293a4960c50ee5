// The sandbox CLI: one ready JSON line on stdout, tokens from flags, the world kept in --state
// across a restart, a clean stop on SIGTERM, a clear error for a bad flag.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { COMMON_QUERY, feed, http } from './support';
import type { Sandbox } from '../../sandbox/index';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
const children: ChildProcess[] = [];
after(() => {
	for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
	rmSync(dir, { recursive: true, force: true });
});

interface Started {
	child: ChildProcess;
	urls: Sandbox['urls'];
	stderr: () => string;
}

async function startCli(args: string[]): Promise<Started> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
	children.push(child);
	let err = '';
	child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
	const line = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			const nl = out.indexOf('\n');
			if (nl >= 0) resolve(out.slice(0, nl));
		});
		child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
	});
	const ready = JSON.parse(line) as { ready: boolean; urls: Sandbox['urls'] };
	assert.equal(ready.ready, true);
	return { child, urls: ready.urls, stderr: () => err };
}

async function stop(child: ChildProcess): Promise<number | null> {
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	child.kill('SIGTERM');
	return await exited;
}

describe('sandbox CLI', () => {
	test('ready line, token required, state kept across a restart, SIGTERM stops it', async () => {
		const state = join(dir, 'world.json');
		const first = await startCli(['--port', '0', '--onebot-token', 'cli-token', '--state', state]);
		assert.deepEqual(Object.keys(first.urls).sort(), ['feed', 'heychatApi', 'heychatGateway', 'heychatUpload', 'onebotHttp', 'onebotWs', 'page']);
		const refused = await http.post(`${first.urls.onebotHttp}/send_group_msg`, { group_id: 123456789, message: 'x' });
		assert.equal(refused.status, 401);
		const sent = await http.post(
			`${first.urls.onebotHttp}/send_group_msg`,
			{ group_id: 123456789, message: 'remember me' },
			{ headers: { Authorization: 'Bearer cli-token' } },
		);
		assert.equal(sent.data.status, 'ok');
		const form = new FormData();
		form.append('file', new Blob([Buffer.from('GIF89a-sandbox')], { type: 'image/gif' }), 'kept.gif');
		const upload = await fetch(`${first.urls.heychatUpload}/upload?${COMMON_QUERY}`, { method: 'POST', body: form, headers: { token: 't' } });
		const mediaUrl = ((await upload.json()) as { result: { url: string } }).result.url;
		const page = await http.get(first.urls.page);
		assert.equal(page.status, 200);
		assert.match(String(page.headers['content-type']), /text\/html/);
		assert.equal(await stop(first.child), 0);
		assert.match(first.stderr(), /SIGTERM: stopping/);
		const saved = JSON.parse(readFileSync(state, 'utf8')) as { messages: Record<string, Array<{ id: string }>> };
		assert.equal(saved.messages['qq:group:123456789'][0].id, String(sent.data.data.message_id));

		const second = await startCli(['--port', '0', '--state', state]);
		const snapshot = (await feed({ urls: second.urls } as Sandbox)).frames[0];
		assert.equal(snapshot.world.messages['qq:group:123456789'][0].segments[0].text, 'remember me');
		const got = await http.post(`${second.urls.onebotHttp}/get_msg`, { message_id: sent.data.data.message_id });
		assert.equal(got.data.data.raw_message, 'remember me');
		const next = await http.post(`${second.urls.onebotHttp}/send_group_msg`, { group_id: 123456789, message: 'new' });
		assert.equal(next.data.data.message_id, sent.data.data.message_id + 1, 'ids continue after a restart');
		const media = await http.get(mediaUrl.replace(first.urls.page, second.urls.page), { responseType: 'arraybuffer' });
		assert.equal(media.status, 200, 'uploaded media outlives a restart');
		assert.equal(media.headers['content-type'], 'image/gif');
		assert.equal(Buffer.from(media.data as ArrayBuffer).toString(), 'GIF89a-sandbox');
		assert.equal(await stop(second.child), 0);
	});

	test('an unknown flag: exit 1 with the flag named', async () => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--prot', '1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		children.push(child);
		let err = '';
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
		assert.equal(code, 1);
		assert.match(err, /unknown option --prot/);
	});
});
