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

import type { Locator, Page } from 'playwright-core';

import { oneBotCatalog } from '../../nodes/OneBot/catalog';
import { editorSkipReason, findChromium, openEditor, waitUntil, type Editor } from './support/editor';
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

/** Waits until an input shows `expected` (n8n fills inputs as its stores load), then returns it. */
async function inputShows(input: Locator, expected: string, what: string): Promise<string> {
	let last = '';
	try {
		return await waitUntil(what, async () => {
			last = await input.inputValue();
			return last === expected ? last : undefined;
		});
	} catch {
		return last; // the assertion that follows names the value it read
	}
}

/** Waits until an <img> has loaded (complete, with pixels); false if it never does. */
async function imageLoaded(icon: Locator): Promise<boolean> {
	const handle = await icon.elementHandle();
	try {
		await page.waitForFunction((img) => {
			const image = img as unknown as { complete: boolean; naturalWidth: number };
			return image.complete && image.naturalWidth > 0;
		}, handle);
		return true;
	} catch {
		return false;
	} finally {
		await handle?.dispose();
	}
}

/** The canvas subtitle of a OneBot node as the pickers name its operation and resource. */
function oneBotSubtitle(parameters: Record<string, unknown>): string {
	const operation = oneBotCatalog.operations.find((op) => op.value === parameters.operation);
	const resource = oneBotCatalog.resources.find((r) => r.value === parameters.resource);
	assert.ok(operation && resource, `unknown OneBot operation ${String(parameters.resource)}/${String(parameters.operation)}`);
	return `${operation.name}: ${resource.name}`;
}

async function assertNoPlaceholder(where: string): Promise<void> {
	const text = await page.locator('body').innerText();
	for (const pattern of PLACEHOLDER_TEXTS) assert.doesNotMatch(text, pattern, `${where}: n8n shows a placeholder for an unknown node`);
}

/** The canvas viewport's transform, to know when a zoom animation has come to rest. */
async function viewportTransform(): Promise<string> {
	return String(await page.evaluate(`getComputedStyle(document.querySelector('.vue-flow__transformationpane')).transform`));
}

/** Waits until the canvas stops moving: the same transform on three reads, each a frame apart. */
async function canvasAtRest(): Promise<void> {
	let last = await viewportTransform();
	let same = 0;
	while (same < 2) {
		await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
		const now = await viewportTransform();
		same = now === last ? same + 1 : 0;
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
			for (const node of nodes.filter((n) => n.type.startsWith(`${pkg.name}.`))) {
				const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`);
				await canvasNode.waitFor();
				assert.equal(await canvasNode.getAttribute('data-node-type'), node.type);
				const icon = canvasNode.locator(`img[src*="/icons/${pkg.name}/"]`).first();
				await icon.waitFor();
				assert.ok(await imageLoaded(icon), `${file}: the icon of ${node.name} did not load`);
			}
			// canvas subtitles read as the pickers name the operation, never the wire name: wait for
			// the readable subtitle to be drawn, then check the wire name is nowhere on the node
			for (const node of nodes.filter((n) => n.type === `${pkg.name}.oneBot`)) {
				const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`);
				const subtitle = oneBotSubtitle(node.parameters);
				await canvasNode.filter({ hasText: subtitle }).waitFor();
				const text = await canvasNode.innerText();
				assert.doesNotMatch(text, new RegExp(`\\b${String(node.parameters.operation)}\\b`), `${file}: ${node.name} shows the wire name`);
			}
			// every node drawn with its icon and subtitle: n8n has decided whether it knows the node types
			await assertNoPlaceholder(file);
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
		// the trigger's events as n8n names its own, few of them; no trigger-only description above the actions
		const triggersTitle = /^Triggers \(\d+\)$/;
		const triggersHeader = panel.getByText(triggersTitle);
		const triggers = Number((await triggersHeader.innerText()).match(/\d+/)?.[0]);
		assert.ok(triggers >= 10 && triggers <= 30, `${triggers} trigger entries`);
		// with a trigger already in the workflow, n8n lists the node's triggers folded: unfold them. The
		// section says whether it is folded (data-category-collapsed); n8n may also unfold it by itself
		// when its list arrives, so click only while it reads folded and wait for it to read unfolded.
		const triggersSection = panel.locator('[data-category-collapsed]').filter({ has: page.getByText(triggersTitle) });
		await waitUntil('the trigger list to be unfolded', async () => {
			const collapsed = await triggersSection.first().getAttribute('data-category-collapsed');
			if (collapsed === 'false') return true;
			await triggersHeader.click();
			try {
				await panel.locator('[data-category-collapsed="false"]').filter({ has: page.getByText(triggersTitle) }).first().waitFor({ timeout: 10_000 });
				return true;
			} catch {
				return undefined; // folded again (n8n's own unfold crossed our click): look again
			}
		}, 90_000);
		const onNewMessage = panel.getByText('On new message', { exact: true }).first();
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
		const operationInput = operation.locator('input').first();
		assert.equal(await inputShows(operationInput, 'Reply', 'the operation to read Reply'), 'Reply');
		const format = page.locator('[data-test-id="parameter-input-messageFormat"] input').first();
		assert.equal(await inputShows(format, 'Plain Text', 'the message format to read Plain Text'), 'Plain Text');
		await assertNoPlaceholder('Reply node');

		// the credential the example references (imported under its placeholder id), once n8n has loaded the credentials
		const credential = page.locator('[data-test-id="node-credentials-select"] input').first();
		assert.equal(await inputShows(credential, 'OneBot account', 'the credential to read OneBot account'), 'OneBot account');
		await shot('onebot-node-parameters');

		await operation.click();
		// the state asserted below: the list is open with its entries drawn; their texts are read in
		// the same look (a second look could come after a re-render had closed the list again)
		const drawn = await page.waitForFunction(
			`(() => {
				const texts = Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((e) => e.offsetParent !== null).map((e) => e.innerText);
				return texts.length >= 10 ? texts : null;
			})()`,
		);
		const all = (await drawn.jsonValue()) as string[];
		assert.ok(all.length >= 10, `operation list: ${all.length} options`);
		// type into the picker's own search box (not wherever the focus happens to be)
		await operationInput.pressSequentially('forward');
		// the state asserted below: the list shows only matching entries (it filters as the letters
		// arrive), read in the same look
		const shownNow = await page.waitForFunction(
			`(() => {
				const shown = Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((e) => e.offsetParent !== null);
				return shown.length > 0 && shown.every((e) => /forward/i.test(e.textContent || '')) ? shown.map((e) => e.innerText) : null;
			})()`,
		);
		const filtered = (await shownNow.jsonValue()) as string[];
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
