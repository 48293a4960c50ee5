// The backend is known: the credential's Backend field, or Auto-detect by get_version_info
// (remembered per credential for ten minutes, asked again after a connection error); with a known
// backend nothing is sent that it would drop or ignore, and each parameter goes out under the name
// it reads. Against fakes with each backend's personality (test/fakes/onebotPersonalities.ts).
import { byId, credentialData, credentialType, node, run, TOKEN, wireParams } from './setup';

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import {
	clearBackendCache,
	DETECTION_TTL_MS,
	identifyBackend,
	resolveBackend,
} from '../../nodes/OneBot/backend';
import { createTransport, toOneBotCredentials } from '../../nodes/OneBot/transport';
import { FakeOneBot, failed } from '../fakes/onebot';
import { PERSONALITIES, startPersonality, VERSION_INFO, type Personality, type PersonalityName } from '../fakes/onebotPersonalities';
import { runCredentialTest, runNode } from '../harness/n8n';

const backends = {} as Record<PersonalityName, Personality>;
let plain: FakeOneBot;

before(async () => {
	for (const name of PERSONALITIES) backends[name] = await startPersonality(name, { accessToken: TOKEN });
	plain = await FakeOneBot.start({ accessToken: TOKEN });
});
after(async () => {
	for (const name of PERSONALITIES) await backends[name].fake.close();
	await plain.close();
});
beforeEach(() => {
	clearBackendCache();
	for (const name of PERSONALITIES) {
		backends[name].fake.reset();
		backends[name].fake.resetBehaviour();
		backends[name].delivered.length = 0;
	}
	plain.reset();
	plain.resetBehaviour();
});

const WORKFLOW_MOVE: INodeParameters = {
	resource: 'groupFile',
	operation: 'move_group_file',
	group_id: byId('100001'),
	file_id: '/abc',
	parent_directory: '/',
	target_directory: '/docs',
};

const NAMES: Record<PersonalityName, string> = { napcat: 'NapCat', llonebot: 'LLOneBot', lagrange: 'Lagrange', gocqhttp: 'go-cqhttp' };

function groupMessage(segments: INodeParameters[]): INodeParameters {
	return {
		resource: 'message',
		operation: 'send_group_msg',
		group_id: byId('100001'),
		messageFormat: 'segments',
		segments: { segment: segments },
	};
}

function sends(fake: FakeOneBot, action: string): number {
	return fake.callsTo(action).length;
}

describe('detection', () => {
	test('get_version_info names each backend as its source answers it', () => {
		assert.deepEqual(
			PERSONALITIES.map((name) => identifyBackend(VERSION_INFO[name]).backend),
			['napcat', 'llonebot', 'lagrange', 'gocqhttp'],
		);
		assert.deepEqual(identifyBackend({ app_name: 'fake-onebot', app_version: '0.0.0' }), {
			backend: 'other',
			appName: 'fake-onebot',
			appVersion: '0.0.0',
		});
		assert.equal(identifyBackend(undefined).backend, 'other');
	});

	for (const name of PERSONALITIES) {
		test(`${name}: asked once, before the first call; not again for the next items nor the next execution`, async () => {
			const { fake } = backends[name];
			const first = await run(fake, { resource: 'account', operation: 'get_login_info' });
			assert.equal(first.error, undefined, String(first.error?.message));
			assert.deepEqual(fake.calls.map((c) => c.action), ['get_version_info', 'get_login_info']);
			const second = await run(fake, { resource: 'account', operation: 'get_login_info' }, { items: [{ json: {} }, { json: {} }, { json: {} }] });
			assert.equal(second.error, undefined);
			assert.equal(sends(fake, 'get_version_info'), 1, 'the answer is remembered per credential');
			assert.equal(sends(fake, 'get_login_info'), 4);
		});
	}

	test('over the WebSocket transport: asked on the same connection, once for all items', async () => {
		const { fake } = backends.lagrange;
		const result = await run(
			fake,
			{ ...WORKFLOW_MOVE, options: { transport: 'websocket' } },
			{ items: [{ json: {} }, { json: {} }] },
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(fake.calls.map((c) => [c.transport, c.action]), [
			['ws', 'get_version_info'],
			['ws', 'move_group_file'],
			['ws', 'move_group_file'],
		]);
		assert.deepEqual(wireParams(fake.calls[1]), { group_id: 100001, file_id: '/abc', parent_directory: '/', target_directory: '/docs' });
	});

	test('the credential test names the backend and its version', async () => {
		for (const name of PERSONALITIES) {
			const { fake } = backends[name];
			const result = await runCredentialTest(credentialType, credentialData(fake), [node]);
			const version = VERSION_INFO[name].app_version as string;
			assert.deepEqual(result, { status: 'OK', message: `Connected to ${NAMES[name]} ${version} as FakeBot (10001) over HTTP` });
		}
	});

	test('the credential test says when the Backend field names another backend', async () => {
		const result = await runCredentialTest(credentialType, credentialData(backends.llonebot.fake, { backend: 'napcat' }), [node]);
		assert.equal(result.status, 'OK');
		assert.match(result.message, /^Connected to LLOneBot 6\.6\.1 .*, but the credential's Backend is NapCat: set it to Auto-Detect or LLOneBot$/);
	});

	test('a Backend chosen in the credential is used as is: no get_version_info', async () => {
		const { fake } = backends.napcat;
		const result = await run(fake, { resource: 'account', operation: 'get_login_info' }, { credentialOverrides: { backend: 'napcat' } });
		assert.equal(result.error, undefined);
		assert.deepEqual(fake.calls.map((c) => c.action), ['get_login_info']);
	});

	test('remembered for ten minutes, then asked again', async () => {
		const { fake } = backends.lagrange;
		const credentials = toOneBotCredentials(credentialData(fake));
		const transport = createTransport('http', credentials, { timeoutMs: 5000 });
		try {
			assert.equal((await resolveBackend('auto', credentials, transport, undefined, 1_000)).backend, 'lagrange');
			await resolveBackend('auto', credentials, transport, undefined, 1_000 + DETECTION_TTL_MS - 1);
			assert.equal(sends(fake, 'get_version_info'), 1);
			await resolveBackend('auto', credentials, transport, undefined, 1_000 + DETECTION_TTL_MS);
			assert.equal(sends(fake, 'get_version_info'), 2);
			// Another token is another credential.
			const other = { ...credentials, accessToken: `${TOKEN}-2` };
			await resolveBackend('auto', other, createTransport('http', other, { timeoutMs: 5000 }), undefined, 1_000 + DETECTION_TTL_MS);
			assert.equal(sends(fake, 'get_version_info'), 3);
		} finally {
			await transport.close();
		}
	});

	test('the ten minutes are measured on the monotonic clock: a system clock set forward does not end them', async () => {
		const { fake } = backends.lagrange;
		const login = { resource: 'account', operation: 'get_login_info' };
		assert.equal((await run(fake, login)).error, undefined);
		const realDateNow = Date.now;
		const inAnHour = realDateNow() + 3_600_000;
		Date.now = () => inAnHour; // time sync (or a resumed VM) sets the system clock an hour forward
		try {
			assert.equal((await run(fake, login)).error, undefined);
		} finally {
			Date.now = realDateNow;
		}
		assert.deepEqual(fake.calls.map((c) => c.action), ['get_version_info', 'get_login_info', 'get_login_info']);
	});

	test('asked again after a connection error', async () => {
		const { fake } = backends.llonebot;
		const status = { resource: 'system', operation: 'get_status' };
		assert.equal((await run(fake, status)).error, undefined);
		await fake.stop();
		const down = await run(fake, status);
		assert.match(String(down.error?.message), /Could not reach the OneBot backend/);
		await fake.start();
		fake.reset();
		assert.equal((await run(fake, status)).error, undefined);
		assert.deepEqual(fake.calls.map((c) => c.action), ['get_version_info', 'get_status']);
	});

	test("a failed detection whose answer echoes the token: n8n's log does not get the token", async () => {
		plain.setHandler('get_version_info', () => failed(100, `bad token ${TOKEN}`, `access_token=${TOKEN} rejected`));
		const credentials = toOneBotCredentials(credentialData(plain));
		const transport = createTransport('http', credentials, { timeoutMs: 5000 });
		const warnings: string[] = [];
		try {
			assert.deepEqual(await resolveBackend('auto', credentials, transport, { warn: (message: string) => warnings.push(message) }, 0), { backend: 'other' });
			assert.equal(warnings.length, 1, warnings.join('\n'));
			assert.match(warnings[0], /could not detect the backend \(get_version_info: get_version_info failed \(retcode 100\): access_token=\*\*\* rejected \/ bad token \*\*\*\)/);
			assert.ok(!warnings[0].includes(TOKEN), warnings[0]);
		} finally {
			await transport.close();
		}
	});

	test('a failed detection falls back to Other (sent as entered) and is logged once', async () => {
		plain.setHandler('get_version_info', () => failed(1404, 'API_NOT_FOUND'));
		const credentials = toOneBotCredentials(credentialData(plain));
		const transport = createTransport('http', credentials, { timeoutMs: 5000 });
		const warnings: string[] = [];
		const logger = { warn: (message: string) => warnings.push(message) };
		try {
			assert.deepEqual(await resolveBackend('auto', credentials, transport, logger, 0), { backend: 'other' });
			await resolveBackend('auto', credentials, transport, logger, DETECTION_TTL_MS + 1);
			assert.equal(sends(plain, 'get_version_info'), 2);
			assert.equal(warnings.length, 1, warnings.join('\n'));
			assert.match(warnings[0], /could not detect the backend .*Backend: Other/);
			assert.ok(!warnings[0].includes(TOKEN));
		} finally {
			await transport.close();
		}
		// The run goes on as Other: a location (which NapCat would replace) is sent as entered.
		plain.reset();
		const result = await run(plain, groupMessage([{ type: 'location', locationLat: '39.9', locationLon: '116.3', locationTitle: 'Here' }]));
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(wireParams(plain.lastCall('send_group_msg')!).message, [
			{ type: 'location', data: { lat: '39.9', lon: '116.3', title: 'Here' } },
		]);
	});
});

describe('nothing is sent that the backend would drop or ignore', () => {
	const refused = async (name: PersonalityName, parameters: INodeParameters, pattern: RegExp, action = String(parameters.operation)) => {
		const { fake } = backends[name];
		const result = await run(fake, parameters);
		assert.ok(result.error, `${name} refuses it`);
		assert.match(result.error.message, pattern);
		assert.equal(sends(fake, action), 0, 'nothing was sent');
		return result.error;
	};

	test('NapCat: a location segment → use a JSON card or text', async () => {
		const error = await refused('napcat', groupMessage([{ type: 'text', textText: 'at ' }, { type: 'location', locationLat: '39.9', locationLon: '116.3' }]), /Segment 2 \(location\): NapCat sends a fixed placeholder card.*Use a JSON Card \(json\) segment, or the place as text instead/);
		assert.match(String((error as { description?: string }).description), /type/);
	});

	test('NapCat: a flash image → Normal', async () => {
		await refused('napcat', groupMessage([{ type: 'image', source: 'url', url: 'https://example.com/a.png', imageType: 'flash' }]), /NapCat sends a flash image as a normal image \("type" = "flash"\)\. Instead: set Image Type to Normal/);
	});

	test('NapCat: a custom music card without an image → add the image', async () => {
		await refused(
			'napcat',
			groupMessage([{ type: 'music', musicType: 'custom', musicUrl: 'https://example.com', musicAudio: 'https://example.com/a.mp3', musicTitle: 'Song' }]),
			/NapCat logs an error and drops a custom music card without an image: set "image"/,
		);
	});

	test('NapCat and LLOneBot: an xml segment; Lagrange and go-cqhttp send it', async () => {
		const xml = groupMessage([{ type: 'xml', xmlData: '<msg/>' }]);
		await refused('napcat', xml, /NapCat drops xml segments/);
		await refused('llonebot', xml, /LLOneBot has no xml segment/);
		for (const name of ['lagrange', 'gocqhttp'] as const) {
			const result = await run(backends[name].fake, xml);
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.deepEqual(backends[name].delivered[0].segments, [{ type: 'xml', data: { data: '<msg/>' } }]);
		}
	});

	test('an image download option the backend never reads', async () => {
		const cached = groupMessage([{ type: 'image', source: 'url', url: 'https://example.com/a.png', imageCache: '0' }]);
		await refused('napcat', cached, /NapCat ignores "cache"/);
		const result = await run(backends.gocqhttp.fake, cached);
		assert.equal(result.error, undefined, 'go-cqhttp reads cache');
	});

	test('a parameter the backend ignores: refused naming backend, field and what to do', async () => {
		await refused(
			'napcat',
			{ resource: 'account', operation: 'set_qq_profile', nickname: 'Bot', additionalFields: { company: 'ACME' } },
			/^NapCat ignores "Company" \(company\) of "Set Profile": it would have no effect\. Leave it out: this backend reads only the nickname and personal note\.$/,
		);
		await refused('llonebot', { resource: 'groupAdmin', operation: 'set_group_leave', group_id: byId('100001'), additionalFields: { is_dismiss: true } }, /^LLOneBot ignores "Is Dismiss" \(is_dismiss\)/);
	});

	test('a parameter the backend requires: get_cookies without a domain on NapCat and LLOneBot; Lagrange takes it', async () => {
		const cookies = { resource: 'credential', operation: 'get_cookies' };
		await refused('napcat', cookies, /^NapCat requires "Domain" \(domain\) for "Get Cookies"/);
		await refused('llonebot', cookies, /^LLOneBot requires "Domain" \(domain\)/);
		const result = await run(backends.lagrange.fake, cookies);
		assert.equal(result.error, undefined, String(result.error?.message));
	});

	test('download_file: base64 alone is enough on NapCat and LLOneBot (they read url or base64); neither is refused', async () => {
		const base64 = { resource: 'media', operation: 'download_file', additionalFields: { base64: 'aGVsbG8=', name: 'hello.txt' } };
		const napcat = await run(backends.napcat.fake, base64);
		assert.equal(napcat.error, undefined, String(napcat.error?.message));
		assert.deepEqual(wireParams(backends.napcat.fake.lastCall('download_file')!), { base64: 'aGVsbG8=', name: 'hello.txt' });
		const llonebot = await run(backends.llonebot.fake, { ...base64, additionalFields: { base64: 'aGVsbG8=' } });
		assert.equal(llonebot.error, undefined, String(llonebot.error?.message));
		assert.deepEqual(wireParams(backends.llonebot.fake.lastCall('download_file')!), { base64: 'aGVsbG8=' });
		backends.napcat.fake.reset();
		await refused('napcat', { resource: 'media', operation: 'download_file' }, /^Download File needs "url" \(the file to download\) or, on NapCat and LLOneBot, "base64"/);
		await refused('gocqhttp', { resource: 'media', operation: 'download_file', additionalFields: { base64: 'aGVsbG8=' } }, /^go-cqhttp ignores "Base64" \(base64\)/);
	});

	test('an action the backend does not have', async () => {
		await refused('gocqhttp', { resource: 'credential', operation: 'get_cookies', additionalFields: { domain: 'qun.qq.com' } }, /^go-cqhttp has no "Get Cookies" action \(get_cookies\): it would not run\. Backends that have it: NapCat, LLOneBot, Lagrange\./);
	});

	test('go-cqhttp reads a custom music card\'s audio as "voice"', async () => {
		const result = await run(
			backends.gocqhttp.fake,
			groupMessage([{ type: 'music', musicType: 'custom', musicUrl: 'https://example.com', musicAudio: 'https://example.com/a.mp3', musicTitle: 'Song' }]),
		);
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(wireParams(backends.gocqhttp.fake.lastCall('send_group_msg')!).message, [
			{ type: 'music', data: { type: 'custom', url: 'https://example.com', voice: 'https://example.com/a.mp3', title: 'Song' } },
		]);
	});

	test('CQ-code text is checked too', async () => {
		await refused('napcat', { resource: 'message', operation: 'send_group_msg', group_id: byId('100001'), messageFormat: 'cqCode', cqString: 'hi [CQ:xml,data=<x/>]' }, /NapCat drops xml segments/);
	});

	test('with Other, everything is sent as entered (and NapCat silently drops what it drops)', async () => {
		const { fake, delivered } = backends.napcat;
		const message = [{ type: 'text', textText: 'card: ' }, { type: 'xml', xmlData: '<msg/>' }];
		const result = await run(fake, groupMessage(message), { credentialOverrides: { backend: 'other' } });
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.equal(sends(fake, 'get_version_info'), 0);
		assert.deepEqual(wireParams(fake.lastCall('send_group_msg')!).message, [
			{ type: 'text', data: { text: 'card: ' } },
			{ type: 'xml', data: { data: '<msg/>' } },
		]);
		assert.deepEqual(delivered[0].segments, [{ type: 'text', data: { text: 'card: ' } }], 'what the chat got: no card, and n8n showed success');
	});
});

describe('dialects: one field, the name the backend reads', () => {
	const move = { resource: 'groupFile', operation: 'move_group_file', group_id: byId('100001'), file_id: '/abc', parent_directory: '/', target_directory: '/docs' };

	test('move_group_file: NapCat current_/target_parent_directory, LLOneBot and Lagrange parent_/target_directory', async () => {
		const napcat = await run(backends.napcat.fake, move);
		assert.equal(napcat.error, undefined, String(napcat.error?.message));
		assert.deepEqual(wireParams(backends.napcat.fake.lastCall('move_group_file')!), {
			group_id: '100001',
			file_id: '/abc',
			current_parent_directory: '/',
			target_parent_directory: '/docs',
		});
		for (const name of ['llonebot', 'lagrange'] as const) {
			const result = await run(backends[name].fake, move);
			assert.equal(result.error, undefined, String(result.error?.message));
			assert.deepEqual(wireParams(backends[name].fake.lastCall('move_group_file')!), {
				group_id: 100001,
				file_id: '/abc',
				parent_directory: '/',
				target_directory: '/docs',
			});
		}
	});

	test('fetch_emoji_like: NapCat emojiId + emojiType (required there), LLOneBot emoji_id as a string', async () => {
		const fetch = { resource: 'reaction', operation: 'fetch_emoji_like', message_id: '12345', emoji_id: '76' };
		const missing = await run(backends.napcat.fake, fetch);
		assert.match(String(missing.error?.message), /^NapCat requires "Emoji Type" \(emojiType\) for "Fetch Emoji Reaction Users"/);
		assert.equal(sends(backends.napcat.fake, 'fetch_emoji_like'), 0);
		const napcat = await run(backends.napcat.fake, { ...fetch, additionalFields: { emojiType: 1 } });
		assert.equal(napcat.error, undefined, String(napcat.error?.message));
		assert.deepEqual(wireParams(backends.napcat.fake.lastCall('fetch_emoji_like')!), { message_id: 12345, emojiId: '76', emojiType: 1 });
		const llonebot = await run(backends.llonebot.fake, fetch);
		assert.equal(llonebot.error, undefined, String(llonebot.error?.message));
		assert.deepEqual(wireParams(backends.llonebot.fake.lastCall('fetch_emoji_like')!), { message_id: 12345, emoji_id: '76' });
		const ignored = await run(backends.llonebot.fake, { ...fetch, additionalFields: { emojiType: 1 } });
		assert.match(String(ignored.error?.message), /^LLOneBot ignores "Emoji Type" \(emojiType\)/);
	});

	test('an old workflow on an old credential (no Backend field) is detected like Auto-detect', async () => {
		const { fake } = backends.napcat;
		const data = credentialData(fake);
		assert.equal('backend' in data, false, 'saved before the field existed');
		const result = await runNode({ node, parameters: move, credentials: { oneBotV11Api: { data, type: credentialType } } });
		assert.equal(result.error, undefined, String(result.error?.message));
		assert.deepEqual(fake.calls.map((c) => c.action), ['get_version_info', 'move_group_file']);
		assert.equal(fake.lastCall('move_group_file')!.params.current_parent_directory, '/');
	});
});

describe('the personalities check payloads their own way', () => {
	const post = async (fake: FakeOneBot, action: string, body: unknown) => {
		const response = await fetch(`${fake.httpUrl}/${action}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify(body),
		});
		return (await response.json()) as { status: string; retcode: number; message?: string };
	};

	test('LLOneBot refuses a number for a string field and a missing required field (retcode 400)', async () => {
		const number = await post(backends.llonebot.fake, 'move_group_file', { group_id: 1, file_id: 5, parent_directory: '/', target_directory: '/' });
		assert.deepEqual([number.status, number.retcode], ['failed', 400]);
		assert.match(String(number.message), /expected string/);
		const missing = await post(backends.llonebot.fake, 'get_cookies', {});
		assert.deepEqual([missing.status, missing.retcode], ['failed', 400]);
		assert.match(String(missing.message), /missing required value/);
	});

	test('Lagrange fails a number in a string field (retcode 200, no message)', async () => {
		const answer = await post(backends.lagrange.fake, 'move_group_file', { group_id: 1, file_id: 5 });
		assert.deepEqual(answer, { status: 'failed', retcode: 200, data: null });
	});

	test('NapCat drops an xml segment and delivers the rest', async () => {
		const answer = await post(backends.napcat.fake, 'send_group_msg', {
			group_id: '1',
			message: [{ type: 'text', data: { text: 'hi' } }, { type: 'xml', data: { data: '<x/>' } }],
		});
		assert.equal(answer.status, 'ok');
		assert.deepEqual(backends.napcat.delivered, [{ action: 'send_group_msg', segments: [{ type: 'text', data: { text: 'hi' } }] }]);
	});
});

describe('segment support data', () => {
	test('names only segment types and fields the segment builder knows', async () => {
		const { SEGMENT_TYPES, getSegmentType } = await import('../../nodes/OneBot/message/segmentTypes');
		const { segmentTypesInData, segmentSupport, KNOWN_BACKENDS } = await import('../../nodes/OneBot/backend/data');
		assert.deepEqual([...segmentTypesInData()].sort(), SEGMENT_TYPES.map((s) => s.type).sort(), 'every builder type has its support data');
		for (const type of segmentTypesInData()) {
			const spec = getSegmentType(type)!;
			const fields = new Set(spec.fields.map((f) => f.name));
			for (const backend of KNOWN_BACKENDS) {
				const support = segmentSupport(type, backend);
				if (support === undefined || support === true) continue;
				const named = [
					...(support.ignores ?? []),
					...Object.keys(support.rename ?? {}),
					...(support.refuse ?? []).map((r) => r.field),
					...(support.requires ?? []).flatMap((r) => [...r.fields, ...(r.when ? [r.when.field] : [])]),
				];
				for (const field of named) assert.ok(fields.has(field), `${type}.${field} (${backend})`);
			}
		}
	});
});
