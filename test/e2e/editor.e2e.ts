/**
 * The package as a person sees it: a headless Debian Chromium, driven by playwright-core (no browser
 * download), opens the running n8n editor as the owner, shows every example workflow and the OneBot
 * node's node-creator entry, parameters and operation picker, and saves screenshots for the README
 * into docs/screenshots/ (N8N_E2E_SCREENSHOT_DIR to put them elsewhere). Asserts that the package's
 * nodes render as installed nodes (their own icons; no "unknown node" / "install this node"
 * placeholder) and that the operation list is searchable.
 *
 * Chromium comes from scripts/n8n/install-chromium.sh (run by scripts/n8n/run-e2e.mjs, which passes
 * N8N_E2E_CHROMIUM or N8N_E2E_CHROMIUM_SKIP). Every request to a host other than 127.0.0.1 is
 * aborted, so the editor stays off the network.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { BrowserContext, Page } from 'playwright-core';

import { importExampleCredentials, loadExample, loadExamples } from './support/examples';
import { OWNER, prepareN8n, readPackageInfo, repoRoot, type N8nInstance, type N8nServer } from './support/n8n';

const pkg = readPackageInfo();
const screenshotDir = process.env.N8N_E2E_SCREENSHOT_DIR ?? join(repoRoot, 'docs', 'screenshots');
const examples = loadExamples();

/** Chromium's path, or why the editor tests are skipped. */
function findChromium(): { path?: string; skip?: string } {
	if (process.env.N8N_E2E_CHROMIUM) return { path: process.env.N8N_E2E_CHROMIUM };
	if (process.env.N8N_E2E_CHROMIUM_SKIP) return { skip: process.env.N8N_E2E_CHROMIUM_SKIP };
	const res = spawnSync('bash', [join(repoRoot, 'scripts', 'n8n', 'install-chromium.sh')], { encoding: 'utf8' });
	const path = res.stdout.trim().split('\n').pop();
	if (res.status === 0 && path) return { path };
	return { skip: `no Chromium for the editor screenshots: ${res.stderr.trim().split('\n').pop() ?? `install-chromium.sh exited ${res.status}`}` };
}

function playwrightMissing(): string | undefined {
	try {
		require.resolve('playwright-core');
		return undefined;
	} catch {
		return 'playwright-core is not installed (it is a devDependency: run npm ci)';
	}
}

const chromium = findChromium();
const skip = playwrightMissing() ?? chromium.skip ?? false;

/** Texts n8n shows for a node type it does not know. */
const PLACEHOLDER_TEXTS = [/install this node/i, /not currently installed/i, /unknown node/i, /node is not installed/i];

let n8n: N8nInstance;
let server: N8nServer;
let context: BrowserContext;
let page: Page;
let profileDir: string;
const blocked = new Set<string>();

async function shot(name: string): Promise<void> {
	mkdirSync(screenshotDir, { recursive: true });
	await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

async function assertNoPlaceholder(where: string): Promise<void> {
	const text = await page.locator('body').innerText();
	for (const pattern of PLACEHOLDER_TEXTS) assert.doesNotMatch(text, pattern, `${where}: n8n shows a placeholder for an unknown node`);
}

async function openWorkflow(id: string, nodeCount: number): Promise<void> {
	await page.goto(`${server.baseUrl}/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
	// (browser-side code as strings: the tests compile without the DOM library)
	await page.waitForFunction(`document.querySelectorAll('[data-test-id="canvas-node"]').length >= ${nodeCount}`, undefined, { timeout: 15_000 });
	await page.locator('[data-test-id="zoom-to-fit"]').click();
	await page.waitForTimeout(500); // the fit animation
	await page.locator('[data-test-id="zoom-out-button"]').click(); // a margin, clear of the floating buttons
	await page.waitForTimeout(500);
}

describe('n8n editor in headless Chromium', { skip }, () => {
	before(async () => {
		const { chromium: browserType } = await import('playwright-core');
		n8n = await prepareN8n();
		await importExampleCredentials(n8n, {
			oneBotV11Api: { httpUrl: 'http://127.0.0.1:3000', wsUrl: 'ws://127.0.0.1:3001', accessToken: 'screenshot', authLocation: 'header' },
			heychatBotApi: { token: 'screenshot' },
			openAiApi: { apiKey: 'sk-screenshot', url: 'http://127.0.0.1:9/v1' },
		});
		for (const example of examples) await n8n.importWorkflow(example.workflow as unknown as Record<string, unknown>);
		server = await n8n.start();
		await server.setupOwner();

		profileDir = mkdtempSync(join(tmpdir(), 'n8n-e2e-chromium-'));
		context = await browserType.launchPersistentContext(profileDir, {
			executablePath: chromium.path,
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
		await context.route('**/*', async (route) => {
			const url = new URL(route.request().url());
			if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return await route.continue();
			blocked.add(url.origin);
			return await route.abort();
		});
		page = context.pages()[0] ?? (await context.newPage());

		await page.goto(`${server.baseUrl}/signin`);
		await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(OWNER.email);
		await page.locator('[data-test-id="password"] input').fill(OWNER.password);
		await page.locator('[data-test-id="form-submit-button"]').click();
		await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 30_000 });
	});

	after(async () => {
		await context?.close();
		if (profileDir) rmSync(profileDir, { recursive: true, force: true });
		await n8n?.cleanup();
	});

	it("shows every example with the package's nodes as installed nodes (their icons, no placeholder)", async () => {
		for (const { file, workflow } of examples) {
			const nodes = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
			await openWorkflow(workflow.id, nodes.length);
			await assertNoPlaceholder(file);
			for (const node of nodes.filter((n) => n.type.startsWith(`${pkg.name}.`))) {
				const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`);
				await canvasNode.waitFor();
				assert.equal(await canvasNode.getAttribute('data-node-type'), node.type);
				const icon = canvasNode.locator(`img[src*="/icons/${pkg.name}/"]`).first();
				await icon.waitFor({ timeout: 10_000 });
				const loaded = await icon.evaluate((img) => {
					const image = img as unknown as { complete: boolean; naturalWidth: number };
					return image.complete && image.naturalWidth > 0;
				});
				assert.ok(loaded, `${file}: the icon of ${node.name} did not load`);
			}
			await shot(`example-${file.replace(/\.json$/, '')}`);
		}
	});

	it('lists OneBot in the node creator as an installed node with its actions', async () => {
		const { workflow } = loadExample('onebot-keyword-auto-reply.json');
		await openWorkflow(workflow.id, 2);
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		await page.locator('input[data-test-id="node-creator-search-bar"]').fill('OneBot');
		const entry = page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^OneBot$/ }).first();
		await entry.waitFor();
		await entry.click();
		const panel = page.locator('[data-test-id="node-creator"]');
		await panel.getByText('Installed', { exact: true }).waitFor();
		const actions = Number((await panel.getByText(/^Actions \(\d+\)$/).innerText()).match(/\d+/)?.[0]);
		assert.ok(actions >= 200, `only ${actions} actions`);
		await panel.getByText('Send a group notice').first().waitFor();
		await shot('onebot-node-creator');
		await page.keyboard.press('Escape');
	});

	it("opens a OneBot node's parameters; its operation picker is searchable", async (t) => {
		const { workflow } = loadExample('onebot-keyword-auto-reply.json');
		await openWorkflow(workflow.id, 2);
		await page.locator('[data-test-id="canvas-node"][data-node-name="Reply"]').dblclick();
		const operation = page.locator('[data-test-id="parameter-input-operation"]');
		await operation.waitFor();
		await assertNoPlaceholder('Reply node');
		assert.equal(await page.locator('[data-test-id="parameter-input-messageFormat"] input').first().inputValue(), 'Segment Builder');
		// the credential the example references (imported under its placeholder id)
		assert.equal(await page.locator('[data-test-id="node-credentials-select"] input').first().inputValue(), 'OneBot account');
		await shot('onebot-node-parameters');

		await operation.click();
		const options = page.locator('.el-select-dropdown__item:visible');
		await options.first().waitFor();
		const all = await options.allInnerTexts();
		assert.ok(all.length >= 10, `operation list: ${all.length} options`);
		await page.keyboard.type('forward');
		await page.waitForFunction(
			`Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((e) => e.offsetParent !== null).length < ${all.length}`,
			undefined,
			{ timeout: 10_000 },
		);
		const filtered = await options.allInnerTexts();
		assert.ok(filtered.length >= 1 && filtered.length < all.length, `filtered: ${filtered.length} of ${all.length}`);
		for (const option of filtered) assert.match(option, /forward/i);
		await page.waitForTimeout(500); // let the dropdown finish fading in before the screenshot
		assert.ok(filtered.some((o) => o.includes('Send Group Forward Message')), filtered.join(' | '));
		await shot('onebot-operation-picker');
		await page.keyboard.press('Escape');
		if (blocked.size > 0) t.diagnostic(`requests to other hosts the browser was kept from: ${[...blocked].join(', ')}`);
	});
});
