/**
 * The sandbox chat page in headless Chromium against the real sandbox (startSandbox): the snapshot renders, a typed
 * message goes out as an 'input' frame and comes back live, the bot's answers over the real OneBot HTTP API show
 * up (reply quote, system line, member muted, raw call, unread count), untrusted text stays text in the real DOM,
 * an error frame is a toast, and the page reconnects to a restarted sandbox and re-renders from its snapshot.
 *
 * Needs a Chromium (CHROMIUM_PATH, or Debian's /usr/bin/chromium as the e2e suite installs it); without one the
 * test is skipped with that reason.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../sandbox/index';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const LOBBY = 'qq:group:123456789';
const DEV = 'qq:group:987654321';
const GENERAL = 'hc:channel:3663316788315193344:3665944781964836864';

async function onebot(sandbox: Sandbox, action: string, params: Record<string, unknown>): Promise<{ status: string; data: unknown }> {
	const res = await fetch(`${sandbox.urls.onebotHttp.replace(/\/$/, '')}/${action}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(params),
	});
	return (await res.json()) as { status: string; data: unknown };
}

/** The computed text colour of an element (runs in the page). */
const colour = (e: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(e).color;

describe('chat page in Chromium', { skip: CHROMIUM ? false : 'no Chromium (set CHROMIUM_PATH or install Debian chromium)' }, () => {
	let sandbox: Sandbox;
	/** Whether `sandbox` still has to be closed (after() closes it once). */
	let sandboxOpen = false;
	let context: BrowserContext;
	let page: Page;
	let profile: string;
	const pageErrors: string[] = [];

	before(async () => {
		sandbox = await startSandbox({ port: 0 });
		sandboxOpen = true;
		const { chromium } = await import('playwright-core');
		profile = mkdtempSync(join(tmpdir(), 'sandbox-page-chromium-'));
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
			viewport: { width: 1280, height: 860 },
		});
		page = context.pages()[0] ?? (await context.newPage());
		page.on('pageerror', (e) => pageErrors.push(e.message));
		page.on('dialog', (d) => {
			pageErrors.push(`dialog: ${d.message()}`);
			void d.dismiss();
		});
		await page.goto(`${sandbox.urls.page}/#chat=${encodeURIComponent(LOBBY)}`);
		await page.locator('body[data-ready="true"]').waitFor();
	});

	after(async () => {
		await context?.close();
		if (sandboxOpen) await sandbox.close();
		if (profile) rmSync(profile, { recursive: true, force: true });
	});

	test('the snapshot renders: chats grouped by platform, the lobby open with its members', async () => {
		assert.equal(await page.locator('[data-testid="connection"]').getAttribute('data-state'), 'open');
		const groups = await page.locator('[data-testid="chat-group"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
		assert.deepEqual(groups.slice(0, 2), ['qq:group', 'qq:private']);
		assert.ok(groups.some((g) => g?.startsWith('hc:room:')), groups.join());
		for (const id of [LOBBY, DEV, 'qq:group:555000111', GENERAL]) {
			assert.equal(await page.locator(`[data-testid="chat-item"][data-chat-id="${id}"]`).count(), 1, id);
		}
		assert.equal(await page.locator('[data-testid="conversation"]').getAttribute('data-chat-id'), LOBBY);
		const members = await page.locator('[data-testid="member"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id')));
		assert.deepEqual([...members].sort(), ['10001', '20001', '20002', '20003']);
		const speakers = await page.locator('[data-testid="user-picker"] option').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
		assert.deepEqual([...speakers].sort(), ['20001', '20002', '20003'], 'the bot is not a speaker');
	});

	test('the bot-online lines follow the listeners: a OneBot forward client and a Heychat gateway connect, then leave', async () => {
		const qq = page.locator('[data-testid="listeners"] [data-testid="listener"][data-platform="onebot"]');
		const hc = page.locator('[data-testid="listeners"] [data-testid="listener"][data-platform="heychat"]');
		assert.equal(await qq.getAttribute('data-state'), 'offline');
		assert.match(await qq.innerText(), /QQ bot: no workflow listening — start n8n or activate a workflow/);
		assert.equal(await hc.getAttribute('data-state'), 'offline');
		const trigger = new WebSocket(sandbox.urls.onebotWs);
		const gateway = new WebSocket(sandbox.urls.heychatGateway, { headers: { token: 'any' } });
		try {
			await page.locator('[data-testid="listener"][data-platform="onebot"][data-state="online"][data-count="1"]').waitFor();
			assert.equal(await qq.innerText(), 'QQ bot: 1 listener connected');
			await page.locator('[data-testid="listener"][data-platform="heychat"][data-state="online"]').waitFor();
			assert.equal(await hc.innerText(), 'Heychat bot: 1 listener connected');
			assert.equal(await qq.evaluate(colour), 'rgb(91, 100, 112)', 'online: the ordinary muted text colour');
		} finally {
			trigger.close();
			gateway.close();
		}
		await page.locator('[data-testid="listener"][data-platform="onebot"][data-state="offline"]').waitFor();
		await page.locator('[data-testid="listener"][data-platform="heychat"][data-state="offline"]').waitFor();
		assert.equal(await qq.evaluate(colour), 'rgb(161, 98, 7)', 'offline: the muted warning colour');
	});

	test('a typed message goes out as the chosen user and comes back live; hostile text stays text', async () => {
		const text = 'hello <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>';
		await page.locator('[data-testid="user-picker"]').selectOption('20002');
		await page.locator('[data-testid="composer-input"]').fill(text);
		await page.locator('[data-testid="composer-input"]').press('Enter');
		const mine = page.locator('[data-testid="message"][data-from-bot="false"][data-user-id="20002"]', { hasText: 'hello <img' });
		await mine.waitFor();
		assert.equal(await mine.locator('[data-testid="message-body"]').innerText(), text);
		assert.equal(await mine.locator('img, script').count(), 0);
		assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
		assert.equal(await page.locator('[data-testid="composer-input"]').inputValue(), '', 'the box is cleared');
		const stored = sandbox.world.snapshot().messages[LOBBY].at(-1);
		assert.equal(stored?.from.userId, '20002');
	});

	test('the bot answers over OneBot HTTP: a reply with a quote, a mute as a system line, a raw call in the panel', async () => {
		const question = sandbox.world.snapshot().messages[LOBBY].at(-1)!;
		const sent = await onebot(sandbox, 'send_group_msg', {
			group_id: 123456789,
			message: [{ type: 'reply', data: { id: question.id } }, { type: 'at', data: { qq: '20002' } }, { type: 'text', data: { text: ' hi Bob' } }],
		});
		assert.equal(sent.status, 'ok');
		const reply = page.locator('[data-testid="message"][data-from-bot="true"]', { hasText: 'hi Bob' });
		await reply.waitFor();
		assert.equal(await reply.locator('[data-testid="reply-quote"]').getAttribute('data-reply-to'), question.id);
		assert.equal(await reply.locator('[data-testid="mention"]').innerText(), '@Bob');

		assert.equal((await onebot(sandbox, 'set_group_ban', { group_id: 123456789, user_id: 20002, duration: 600 })).status, 'ok');
		await page.locator('[data-testid="system-line"][data-action="set_group_ban"]', { hasText: 'muted Bob for 10 min' }).waitFor();
		await page.locator('[data-testid="member"][data-user-id="20002"][data-muted="true"]').waitFor();

		assert.equal((await onebot(sandbox, 'get_cookies', { domain: 'qq.com' })).status, 'ok');
		await page.locator('[data-testid="tab-bot-calls"]').click();
		const raw = page.locator('[data-testid="bot-call"][data-action="get_cookies"][data-modelled="false"]');
		await raw.waitFor();
		assert.equal(await raw.locator('[data-testid="raw-call"]').innerText(), 'raw call');
		const first = await page.locator('[data-testid="bot-call"]').first().getAttribute('data-action');
		assert.equal(first, 'get_cookies', 'newest first');
		// a send gets no system line (the message shows), only a bot-call entry
		assert.equal(await page.locator('[data-testid="system-line"][data-action="send_group_msg"]').count(), 0);
		assert.ok(await page.locator('[data-testid="bot-call"][data-action="send_group_msg"]').count() >= 1);
	});

	test('refused input is a toast: the muted user cannot speak', async () => {
		await page.locator('[data-testid="user-picker"]').selectOption('20002');
		await page.locator('[data-testid="composer-input"]').fill('am I muted?');
		await page.locator('[data-testid="composer-input"]').press('Enter');
		await page.locator('[data-testid="toast"]', { hasText: 'muted' }).waitFor();
	});

	test('a message in another chat counts as unread there; opening the chat clears it', async () => {
		assert.equal((await onebot(sandbox, 'send_group_msg', { group_id: 987654321, message: 'dev news' })).status, 'ok');
		const item = page.locator(`[data-testid="chat-item"][data-chat-id="${DEV}"]`);
		await page.locator(`[data-testid="chat-item"][data-chat-id="${DEV}"][data-unread="1"]`).waitFor();
		await item.click();
		await page.locator(`[data-testid="chat-item"][data-chat-id="${DEV}"][data-unread="0"]`).waitFor();
		await page.locator('[data-testid="message"][data-from-bot="true"]', { hasText: 'dev news' }).waitFor();
		assert.ok(page.url().endsWith(`#chat=${encodeURIComponent(DEV)}`));
	});

	test('replying to a message from its hover action sends a reply the page quotes', async () => {
		const news = page.locator('[data-testid="message"][data-from-bot="true"]', { hasText: 'dev news' });
		const newsId = await news.getAttribute('data-message-id');
		await news.hover();
		await news.locator('[data-testid="reply-button"]').click();
		await page.locator('[data-testid="composer-reply"]', { hasText: 'Replying to Sandbox Bot' }).waitFor();
		await page.locator('[data-testid="user-picker"]').selectOption('20001');
		await page.locator('[data-testid="composer-input"]').fill('thanks for the news');
		await page.locator('[data-testid="composer-input"]').press('Enter');
		const answer = page.locator('[data-testid="message"][data-user-id="20001"]', { hasText: 'thanks for the news' });
		await answer.locator('[data-testid="reply-quote"]').waitFor();
		assert.equal(await answer.locator('[data-testid="reply-quote"]').getAttribute('data-reply-to'), newsId);
		assert.equal(await page.locator('[data-testid="composer-reply"]').isHidden(), true, 'the reply bar is gone after sending');
		const stored = sandbox.world.snapshot().messages[DEV].at(-1);
		assert.equal(stored?.replyTo, newsId, 'the sandbox stored a reply to the news');
	});

	test('a slash command in a Heychat channel is sent as a command input', async () => {
		await page.locator(`[data-testid="chat-item"][data-chat-id="${GENERAL}"]`).click();
		await page.locator('[data-testid="command-button"]').waitFor();
		const before = sandbox.world.snapshot().messages[GENERAL]?.length ?? 0;
		await page.locator('[data-testid="composer-input"]').fill('/roll sides=20');
		await page.locator('[data-testid="composer-input"]').press('Enter');
		await page.locator('[data-testid="message"][data-from-bot="false"]', { hasText: '/roll' }).waitFor();
		assert.equal(sandbox.world.snapshot().messages[GENERAL].length, before + 1);
	});

	test('the page reconnects to a restarted sandbox and re-renders from the new snapshot', async () => {
		// The same three ports as before (page, OneBot, Heychat): with only the page's, the others
		// would be port + 1 and port + 2, which any socket on this machine may hold.
		const port = (url: string) => Number(new URL(url).port);
		const ports = { port: port(sandbox.urls.page), onebotPort: port(sandbox.urls.onebotHttp), heychatPort: port(sandbox.urls.heychatApi) };
		sandboxOpen = false;
		await sandbox.close();
		await page.locator('[data-testid="connection"][data-state="closed"]').waitFor();
		sandbox = await startSandbox(ports);
		sandboxOpen = true;
		await page.locator('[data-testid="connection"][data-state="open"]').waitFor({ timeout: 20000 });
		await sandbox.say({ kind: 'message', chatId: GENERAL, userId: '30002', text: 'after the restart' });
		await page.locator('[data-testid="message"]', { hasText: 'after the restart' }).waitFor();
		// the restarted world has no '/roll' from before: the page shows the new snapshot, not stale messages
		assert.equal(await page.locator('[data-testid="message"]', { hasText: '/roll' }).count(), 0);
		assert.deepEqual(pageErrors, []);
	});
});
