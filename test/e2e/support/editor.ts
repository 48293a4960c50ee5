/**
 * The n8n editor in headless Chromium (playwright-core, Debian's chromium: no browser download),
 * driven as a person does. Every step waits for the state it needs (an element, a text, an API
 * answer), never for a fixed time.
 *
 *   const editor = await openEditor(server);           // signed in as the owner
 *   await editor.createCredential('OneBot API', { httpUrl: ..., accessToken: ... });
 *   await editor.openWorkflow(id, nodeCount);
 *   await editor.publish(id);                          // the header's Publish button and its dialog
 *   await editor.close();
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BrowserContext, Page } from 'playwright-core';

import { OWNER, repoRoot, sleep, type N8nServer } from './n8n';

/** Chromium's path, or why the editor tests are skipped. */
export function findChromium(): { path?: string; skip?: string } {
	if (process.env.N8N_E2E_CHROMIUM) return { path: process.env.N8N_E2E_CHROMIUM };
	if (process.env.N8N_E2E_CHROMIUM_SKIP) return { skip: process.env.N8N_E2E_CHROMIUM_SKIP };
	const res = spawnSync('bash', [join(repoRoot, 'scripts', 'n8n', 'install-chromium.sh')], { encoding: 'utf8' });
	const path = res.stdout.trim().split('\n').pop();
	if (res.status === 0 && path) return { path };
	return { skip: `no Chromium for the editor tests: ${res.stderr.trim().split('\n').pop() ?? `install-chromium.sh exited ${res.status}`}` };
}

/** Why the editor tests cannot run here, or false. */
export function editorSkipReason(chromium = findChromium()): string | false {
	try {
		require.resolve('playwright-core');
	} catch {
		return 'playwright-core is not installed (it is a devDependency: run npm ci)';
	}
	return chromium.skip ?? false;
}

export interface Editor {
	page: Page;
	context: BrowserContext;
	/** origins of requests the browser was kept from (everything but 127.0.0.1) */
	blocked: Set<string>;
	createCredential(typeName: string, fields: Record<string, string>): Promise<void>;
	openWorkflow(id: string, nodeCount: number): Promise<void>;
	publish(id: string): Promise<void>;
	close(): Promise<void>;
}

/** Polls `check` until it returns a value other than undefined. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(200);
	}
}

export async function openEditor(server: N8nServer, chromiumPath: string): Promise<Editor> {
	const { chromium } = await import('playwright-core');
	const profileDir = mkdtempSync(join(tmpdir(), 'n8n-e2e-chromium-'));
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath: chromiumPath,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1440, height: 900 },
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	// a loaded 2-core machine: give every wait room, they all end as soon as the state is there
	context.setDefaultTimeout(30_000);
	const blocked = new Set<string>();
	await context.route('**/*', async (route) => {
		const url = new URL(route.request().url());
		if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return await route.continue();
		blocked.add(url.origin);
		return await route.abort();
	});
	const page = context.pages()[0] ?? (await context.newPage());

	await page.goto(`${server.baseUrl}/signin`);
	await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(OWNER.email);
	await page.locator('[data-test-id="password"] input').fill(OWNER.password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((url) => !url.pathname.includes('signin'));

	const editor: Editor = {
		page,
		context,
		blocked,

		/** Overview > Create credential: pick the type, fill the fields, Save; waits for n8n's connection test after the save. */
		async createCredential(typeName, fields) {
			await page.goto(`${server.baseUrl}/home/credentials/create`);
			await page.locator('[data-test-id="new-credential-type-select"] input').fill(typeName);
			// case-insensitive: n8n renames types' casing between versions (2.8 "OpenAi", 2.41 "OpenAI")
			const exact = new RegExp(`^\\s*${typeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'i');
			await page.locator('[data-test-id="new-credential-type-select-option"]', { hasText: exact }).first().click();
			await page.locator('[data-test-id="new-credential-type-button"]').click();
			const dialog = page.locator('[data-test-id="editCredential-modal"]');
			await dialog.locator('[data-test-id="credential-save-button"]').waitFor();
			// The form can still be settling when its Save button shows: a field filled then may be reset to
			// its default (CI saw httpUrl lose its value). Fill every field that does not show its value, and
			// go on only after a look in which every field already showed it, with nothing filled in that look.
			const inputs = Object.entries(fields).map(([name, value]) => ({
				name,
				value,
				input: dialog.locator(`[data-test-id="parameter-input-${name}"] input`).first(),
			}));
			await waitUntil(`${typeName} › ${Object.keys(fields).join(', ')} to keep their values`, async () => {
				let settled = true;
				for (const { value, input } of inputs) {
					if ((await input.inputValue()) === value) continue;
					settled = false;
					await input.fill(value);
				}
				return settled ? true : undefined;
			});
			await dialog.locator('[data-test-id="credential-save-button"]').click();
			// saved: n8n tests a credential once it is saved, so its answer shows the save went through (n8n
			// 2.8 also turns the button into a "Saved" label; 2.41 keeps "Save")
			await dialog
				.locator('[data-test-id="credentials-config-container-test-success"]')
				.or(dialog.getByText(/Couldn.t connect with these settings/))
				.first()
				.waitFor();
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
		},

		/** Opens a workflow and waits until its nodes are on the canvas. */
		async openWorkflow(id, nodeCount) {
			await page.goto(`${server.baseUrl}/workflow/${id}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			// (browser-side code as strings: the tests compile without the DOM library)
			await page.waitForFunction(`document.querySelectorAll('[data-test-id="canvas-node"]').length >= ${nodeCount}`);
		},

		/**
		 * The header's Publish button, then Publish in its dialog; waits until n8n reports the workflow
		 * active. A workflow published for the first time (no published version before, "Don't show
		 * again" not ticked) gets n8n's "Workflow published" notice: waited for and closed with its
		 * "Got it" button, so nothing is left over the canvas.
		 */
		async publish(id) {
			const before = await server.rest<{ activeVersion?: unknown }>('GET', `/rest/workflows/${id}`);
			const hadPublishedVersion = Boolean(before.data.activeVersion);
			const hideNotice = (await page.evaluate(`localStorage.getItem('N8N_HIDE_ACTIVATION_ALERT')`)) === 'true';
			await page.locator('[data-test-id="workflow-open-publish-modal-button"]').click();
			const dialog = page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Publish', exact: true }) });
			await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
			await waitUntil(`workflow ${id} to be published`, async () => {
				const error = page.locator('.el-notification--error, .el-notification:has(.el-notification__icon--error)');
				if ((await error.count()) > 0) throw new Error(`publishing failed in the editor: ${await error.first().innerText()}`);
				// a kept-alive connection n8n closed just as it was reused (ECONNRESET): ask again
				const res = await server
					.api<{ active?: boolean }>('GET', `/workflows/${id}`)
					.catch(async (error: unknown) =>
						error instanceof TypeError && /fetch failed/.test(error.message) ? undefined : await Promise.reject(error),
					);
				return res?.body.active === true ? true : undefined;
			}, 60_000);
			// the publish dialog closes once the editor has the answer
			await dialog.waitFor({ state: 'hidden' });
			if (!hadPublishedVersion && !hideNotice) {
				const notice = page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Got it', exact: true }) });
				await notice.getByRole('button', { name: 'Got it', exact: true }).click();
				await notice.waitFor({ state: 'hidden' });
			}
		},

		async close() {
			await context.close();
			rmSync(profileDir, { recursive: true, force: true });
		},
	};
	return editor;
}
