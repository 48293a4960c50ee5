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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import { editorSkipReason, findChromium, openEditor, type Editor } from './support/editor';
import { importExampleCredentials, loadExample, loadExamples } from './support/examples';
import { prepareN8n, readPackageInfo, repoRoot, type N8nInstance, type N8nServer } from './support/n8n';

const pkg = readPackageInfo();
const screenshotDir = process.env.N8N_E2E_SCREENSHOT_DIR ?? join(repoRoot, 'docs', 'screenshots');
const examples = loadExamples();

const chromium = findChromium();
const skip = editorSkipReason(chromium);

/** Texts n8n shows for a node type it does not know. */
const PLACEHOLDER_TEXTS = [/install this node/i, /not currently installed/i, /unknown node/i, /node is not installed/i];

let n8n: N8nInstance;
let server: N8nServer;
let editor: Editor;
let page: Page;

async function shot(name: string): Promise<void> {
	mkdirSync(screenshotDir, { recursive: true });
	await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

async function assertNoPlaceholder(where: string): Promise<void> {
	const text = await page.locator('body').innerText();
	for (const pattern of PLACEHOLDER_TEXTS) assert.doesNotMatch(text, pattern, `${where}: n8n shows a placeholder for an unknown node`);
}

/** The canvas viewport's transform, to know when a zoom animation has come to rest. */
async function viewportTransform(): Promise<string> {
	return String(await page.evaluate(`getComputedStyle(document.querySelector('.vue-flow__transformationpane')).transform`));
}

/** Waits until the canvas stops moving: the same transform on two reads a frame apart. */
async function canvasAtRest(): Promise<void> {
	let last = await viewportTransform();
	for (;;) {
		await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
		const now = await viewportTransform();
		if (now === last) return;
		last = now;
	}
}

async function openWorkflow(id: string, nodeCount: number): Promise<void> {
	await editor.openWorkflow(id, nodeCount);
	await page.locator('[data-test-id="zoom-to-fit"]').click();
	await canvasAtRest();
	const before = await viewportTransform();
	await page.locator('[data-test-id="zoom-out-button"]').click(); // a margin, clear of the floating buttons
	// the zoom-out takes effect: the transform changes, then comes to rest
	await page.waitForFunction(`getComputedStyle(document.querySelector('.vue-flow__transformationpane')).transform !== ${JSON.stringify(before)}`);
	await canvasAtRest();
}

describe('n8n editor in headless Chromium', { skip }, () => {
	before(async () => {
		n8n = await prepareN8n();
		await importExampleCredentials(n8n, {
			oneBotV11Api: { httpUrl: 'http://127.0.0.1:3000', wsUrl: 'ws://127.0.0.1:3001', accessToken: 'screenshot', authLocation: 'header' },
			heychatBotApi: { token: 'screenshot' },
			openAiApi: { apiKey: 'sk-screenshot', url: 'http://127.0.0.1:9/v1' },
		});
		await n8n.importWorkflows(examples.map((e) => e.workflow as unknown as Record<string, unknown>));
		server = await n8n.start();
		await server.setupOwner();
		editor = await openEditor(server, chromium.path!);
		page = editor.page;
	});

	after(async () => {
		await editor?.close();
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
			// canvas subtitles read as the pickers name the operation, never the wire name
			for (const node of nodes.filter((n) => n.type === `${pkg.name}.oneBot`)) {
				const text = await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).innerText();
				assert.doesNotMatch(text, new RegExp(`\\b${String(node.parameters.operation)}\\b`), `${file}: ${node.name} shows the wire name`);
			}
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
		// the trigger's events as n8n names its own, few of them; no trigger-only description above the actions
		const triggersHeader = panel.getByText(/^Triggers \(\d+\)$/);
		const triggers = Number((await triggersHeader.innerText()).match(/\d+/)?.[0]);
		assert.ok(triggers >= 10 && triggers <= 30, `${triggers} trigger entries`);
		const onNewMessage = panel.getByText('On new message', { exact: true }).first();
		// with a trigger already in the workflow, n8n lists the node's triggers folded: unfold them
		if (!(await onNewMessage.isVisible())) await triggersHeader.click();
		await onNewMessage.waitFor();
		await panel.getByText('On member joined', { exact: true }).first().waitFor();
		const text = await panel.innerText();
		assert.doesNotMatch(text, /Starts the workflow on QQ bot events/);
		assert.doesNotMatch(text, /message sent by the bot group message normal/i);
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
		assert.equal(await page.locator('[data-test-id="parameter-input-messageFormat"] input').first().inputValue(), 'Plain Text');

		// the credential the example references (imported under its placeholder id)
		assert.equal(await page.locator('[data-test-id="node-credentials-select"] input').first().inputValue(), 'OneBot account');
		await shot('onebot-node-parameters');

		await operation.click();
		const options = page.locator('.el-select-dropdown__item:visible');
		await options.first().waitFor();
		const all = await options.allInnerTexts();
		assert.ok(all.length >= 10, `operation list: ${all.length} options`);
		await page.keyboard.type('forward');
		// the state asserted below: the list shows only matching entries (it filters as the letters arrive)
		await page.waitForFunction(
			`(() => {
				const shown = Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((e) => e.offsetParent !== null);
				return shown.length > 0 && shown.every((e) => /forward/i.test(e.textContent || ''));
			})()`,
		);
		const filtered = await options.allInnerTexts();
		assert.ok(filtered.length >= 1 && filtered.length < all.length, `filtered: ${filtered.length} of ${all.length}`);
		for (const option of filtered) assert.match(option, /forward/i);
		assert.ok(filtered.some((o) => o.includes('Send Group Forward Message')), filtered.join(' | '));
		// the dropdown has finished fading in (no transition running, fully opaque) before the screenshot
		await page.waitForFunction(
			`Array.from(document.querySelectorAll('.el-select-dropdown')).some((d) => d.offsetParent !== null && getComputedStyle(d.closest('.el-popper') || d).opacity === '1' && (d.closest('.el-popper') || d).getAnimations({ subtree: true }).length === 0)`,
		);
		await shot('onebot-operation-picker');
		await page.keyboard.press('Escape');
		if (editor.blocked.size > 0) t.diagnostic(`requests to other hosts the browser was kept from: ${[...editor.blocked].join(', ')}`);
	});
});
