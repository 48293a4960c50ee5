// Fault and abuse: the guarded fetcher (nodes/shared/fetch) and the Heychat node's fetches of image
// URLs. SSRF attempts are refused with nothing fetched (the target server saw no request), byte
// caps cut a server that ignores Range, redirects are checked and bounded, slow servers time out.
// Each case prints its figure.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import { FetchError, guardedFetch, nonPublicReason, type GuardedFetchOptions } from '../../nodes/shared/fetch';
import { FakeHeychat } from '../fakes/heychat';
import { byId, png, run } from '../heychat/setup';
import { figure } from './support/figure';
import { flood, silent, startServer, type TestServer } from './support/servers';

const MiB = 1024 * 1024;

const STRICT: GuardedFetchOptions = { allowPrivateNetwork: false, maxBytes: MiB, overflow: 'fail', timeoutMs: 5000 };

async function refusal(url: string, options: Partial<GuardedFetchOptions> = {}): Promise<FetchError> {
	try {
		await guardedFetch(url, { ...STRICT, ...options });
	} catch (error) {
		assert.ok(error instanceof FetchError, String(error));
		return error;
	}
	assert.fail(`${url} was fetched`);
}

let target: TestServer;
let target6: TestServer | undefined;
before(async () => {
	target = await startServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'image/png' });
		res.end(png(4, 3));
	});
	try {
		target6 = await startServer((_req, res) => {
			res.end('v6');
		}, '::1');
	} catch {
		target6 = undefined; // no IPv6 loopback on this machine
	}
});
after(async () => {
	await target.close();
	await target6?.close();
});
beforeEach(() => {
	target.requests.length = 0;
	if (target6) target6.requests.length = 0;
});

describe('which addresses are not public', () => {
	test('loopback, private, link-local, CGNAT, metadata, unique-local, mapped: not public; internet addresses: public', () => {
		const blocked = [
			'127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1',
			'100.100.100.200', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1',
			'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:8.8.8.8', '64:ff9b::a00:1', 'not-an-ip',
		];
		for (const address of blocked) assert.ok(nonPublicReason(address), `${address} is not public`);
		for (const address of ['8.8.8.8', '1.1.1.1', '140.82.112.3', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
			assert.equal(nonPublicReason(address), undefined, `${address} is public`);
		}
		figure(`${blocked.length} non-public address forms refused, 5 public ones allowed`);
	});
});

describe('SSRF attempts are refused, with nothing fetched', () => {
	test('loopback 127.0.0.1', async () => {
		const error = await refusal(`${target.url}/admin`);
		assert.equal(error.kind, 'refused');
		assert.match(error.message, /loopback address \(127\.0\.0\.1\).*Allow Private Network Addresses/);
		assert.equal(target.requests.length, 0, 'the target saw no request');
		figure(`requests that reached the target: ${target.requests.length}`);
	});

	test('private ranges 10.x and 192.168.x, link-local metadata 169.254.169.254: refused before connecting', async () => {
		for (const url of ['http://10.1.2.3/x', 'http://192.168.0.1/router', 'http://169.254.169.254/latest/meta-data/', 'http://100.100.100.200/']) {
			const started = performance.now();
			const error = await refusal(url);
			assert.equal(error.kind, 'refused', url);
			figure(`${url} refused in ${Math.round(performance.now() - started)} ms: ${error.message.split(':')[0]}`);
		}
	});

	test('IPv6 loopback [::1]', async (t) => {
		const url = target6 ? `${target6.url}/` : 'http://[::1]:9/';
		const error = await refusal(url);
		assert.equal(error.kind, 'refused');
		assert.match(error.message, /loopback address \(::1\)/);
		if (!target6) t.diagnostic('no IPv6 loopback here: checked the refusal only');
		assert.equal(target6?.requests.length ?? 0, 0);
		figure(`requests that reached the [::1] target: ${target6?.requests.length ?? 0}`);
	});

	test('IPv4-mapped IPv6 [::ffff:127.0.0.1]', async () => {
		const error = await refusal(`http://[::ffff:127.0.0.1]:${target.port}/`);
		assert.equal(error.kind, 'refused');
		assert.equal(target.requests.length, 0);
	});

	test('a DNS name that resolves to loopback (localhost): the resolved address is checked', async () => {
		const error = await refusal(`http://localhost:${target.port}/`);
		assert.equal(error.kind, 'refused');
		assert.match(error.message, /loopback address/);
		assert.equal(target.requests.length, 0, 'the target saw no request');
		figure(`localhost:${target.port} refused, requests seen by the target: ${target.requests.length}`);
	});

	test('a name that resolves to a public and a private address is refused (no picking)', async () => {
		const looked: string[] = [];
		const error = await refusal(`http://rebind.test:${target.port}/`, {
			resolve: async (host) => {
				looked.push(host);
				return [
					{ address: '93.184.216.34', family: 4 },
					{ address: '127.0.0.1', family: 4 },
				];
			},
		});
		assert.equal(error.kind, 'refused');
		assert.deepEqual(looked, ['rebind.test']);
		assert.equal(target.requests.length, 0);
	});

	test('the connection goes to the address that was checked (no second DNS lookup)', async () => {
		let lookups = 0;
		const fetched = await guardedFetch(`http://pinned.test:${target.port}/img.png`, {
			...STRICT,
			treatAsPublic: ['127.0.0.1'],
			resolve: async () => {
				lookups++;
				return [{ address: '127.0.0.1', family: 4 }];
			},
		});
		assert.equal(fetched.status, 200);
		assert.equal(lookups, 1);
		assert.equal(target.requests.length, 1);
		assert.equal(target.requests[0].headers.host, `pinned.test:${target.port}`, 'the Host header keeps the name');
	});

	test('a redirect from an allowed host to loopback: the redirect target is checked too', async () => {
		// the "public" host: a server on 127.0.0.2 that this test treats as public
		const redirector = await startServer((req, res) => {
			const to: Record<string, string> = {
				'/to-ip': `${target.url}/secret`,
				'/to-localhost': `http://localhost:${target.port}/secret`,
				'/to-v6': `http://[::1]:${target.port}/secret`,
				'/to-file': 'file:///etc/passwd',
			};
			res.writeHead(302, { Location: to[req.url ?? ''] ?? '/' });
			res.end();
		}, '127.0.0.2');
		try {
			for (const path of ['/to-ip', '/to-localhost', '/to-v6', '/to-file']) {
				const error = await refusal(`${redirector.url}${path}`, { treatAsPublic: ['127.0.0.2'] });
				assert.ok(error.kind === 'refused' || error.kind === 'url', `${path}: ${error.kind}`);
			}
			assert.equal(redirector.requests.length, 4, 'the allowed host was asked');
			assert.equal(target.requests.length, 0, 'the loopback target saw no request');
			figure(`4 redirects to loopback/file refused; requests seen by the target: ${target.requests.length}`);
		} finally {
			await redirector.close();
		}
	});

	test('only http and https: file:, ftp:, gopher: and credentials in the URL are refused', async () => {
		for (const url of ['file:///etc/passwd', 'ftp://example.com/a', 'gopher://127.0.0.1:70/', `http://user:pass@127.0.0.1:${target.port}/`]) {
			const error = await refusal(url, { allowPrivateNetwork: true });
			assert.equal(error.kind, 'url', url);
		}
		assert.equal(target.requests.length, 0);
	});

	test('redirects are bounded', async () => {
		const loop = await startServer((req, res) => {
			const n = Number((req.url ?? '/0').slice(1)) || 0;
			res.writeHead(302, { Location: `/${n + 1}` });
			res.end();
		});
		try {
			const error = await refusal(`${loop.url}/0`, { allowPrivateNetwork: true });
			assert.equal(error.kind, 'redirects');
			assert.equal(loop.requests.length, 6, 'the first request and 5 redirects');
			figure(`requests before giving up on a redirect loop: ${loop.requests.length}`);
		} finally {
			await loop.close();
		}
	});

	test('a redirect with a huge body: the body is not read, its connection closed (not drained in the background)', async () => {
		const chunk = Buffer.alloc(64 * 1024, 0x41);
		const server = await startServer(async (req, res, state) => {
			if (req.url === '/final.png') {
				res.end(png(4, 3));
				return;
			}
			res.writeHead(302, { Location: '/final.png' });
			// a 64 MiB body after the redirect, written as the socket drains
			for (let sent = 0; sent < 64 * MiB && !res.destroyed; sent += chunk.length) {
				state.bytesWritten += chunk.length;
				if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
			}
			if (!res.destroyed) res.end();
		});
		try {
			const fetched = await guardedFetch(`${server.url}/start`, { ...STRICT, allowPrivateNetwork: true });
			assert.ok(fetched.body.equals(png(4, 3)));
			assert.equal(fetched.redirects, 1);
			await server.responsesDone(2);
			assert.ok(server.bytesWritten < 16 * MiB, `the redirect's body was read: the server wrote ${(server.bytesWritten / MiB).toFixed(1)} MiB`);
			figure(`redirect with a 64 MiB body: server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB of it`);
		} finally {
			await server.close();
		}
	});

	test('with Allow Private Network Addresses on, the local server is reachable (redirects too)', async () => {
		const fetched = await guardedFetch(`http://localhost:${target.port}/img.png`, { ...STRICT, allowPrivateNetwork: true });
		assert.equal(fetched.status, 200);
		assert.ok(fetched.body.equals(png(4, 3)));
		assert.equal(target.requests.length, 1);
	});
});

describe('byte caps and timeouts', () => {
	test('a server that ignores Range and streams 100 MiB: the probe stops at its cap', async () => {
		const server = await startServer(flood(100 * MiB));
		try {
			const fetched = await guardedFetch(`${server.url}/big.png`, {
				allowPrivateNetwork: true,
				maxBytes: 256 * 1024,
				overflow: 'truncate',
				timeoutMs: 10_000,
				headers: { Range: 'bytes=0-262143' },
			});
			await server.responsesDone(1);
			assert.equal(fetched.truncated, true);
			assert.equal(fetched.body.length, 256 * 1024);
			assert.ok(server.bytesWritten < 16 * MiB, `the server wrote ${server.bytesWritten} bytes`);
			figure(`probe kept ${fetched.body.length} bytes; server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB of 100 MiB before the abort`);
		} finally {
			await server.close();
		}
	});

	test('a 100 MiB body against a 20 MiB cap: an error, the transfer aborted near the cap', async () => {
		const server = await startServer(flood(100 * MiB));
		try {
			const error = await refusal(`${server.url}/big.bin`, { allowPrivateNetwork: true, maxBytes: 20 * MiB, timeoutMs: 20_000 });
			await server.responsesDone(1);
			assert.equal(error.kind, 'tooLarge');
			assert.match(error.message, /larger than 20 MiB/);
			assert.ok(server.bytesWritten < 36 * MiB, `the server wrote ${server.bytesWritten} bytes`);
			figure(`cap 20 MiB; server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB of 100 MiB`);
		} finally {
			await server.close();
		}
	});

	test('a declared Content-Length over the cap is refused before the body is read', async () => {
		const server = await startServer(flood(100 * MiB, 'image/png', true));
		try {
			const error = await refusal(`${server.url}/big.png`, { allowPrivateNetwork: true, maxBytes: 20 * MiB });
			await server.responsesDone(1);
			assert.equal(error.kind, 'tooLarge');
			assert.ok(server.bytesWritten < 16 * MiB);
			figure(`declared 100 MiB refused; server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB`);
		} finally {
			await server.close();
		}
	});

	test('a server that never answers: a timeout', async () => {
		const server = await startServer(silent());
		try {
			const started = performance.now();
			const error = await refusal(`${server.url}/slow.png`, { allowPrivateNetwork: true, timeoutMs: 300 });
			assert.equal(error.kind, 'timeout');
			assert.match(error.message, /did not send the file within 0\.3 s/);
			figure(`gave up after ${Math.round(performance.now() - started)} ms (timeout 300 ms)`);
		} finally {
			await server.close();
		}
	});
});

describe('the Heychat node fetches image URLs through the guard', () => {
	let fake: FakeHeychat;
	before(async () => {
		fake = await FakeHeychat.start();
	});
	after(async () => {
		await fake.close();
	});
	beforeEach(() => fake.reset());

	const send = (imageUrl: string, extra: Record<string, unknown> = {}) => ({
		resource: 'message',
		operation: 'send_channel_message',
		room_id: byId('3663316788315193344'),
		channel_id: byId('3665944781964836864'),
		messageType: 'image',
		imageSource: 'url',
		imageUrl,
		...extra,
	});

	test('an image URL on loopback (measuring): refused by default, naming the field and the option; nothing fetched or sent', async () => {
		const url = fake.serveFile('/cdn/cat.png', png(5, 6), 'image/png');
		const result = await run(fake, send(url));
		assert.ok(result.error, 'the item fails');
		assert.match(result.error.message, /"Image URL": Refused to fetch .*loopback.*Allow Private Network Addresses/);
		assert.equal(fake.callsTo('/cdn/cat.png').length, 0, 'the image host saw no request');
		assert.equal(fake.callsTo('/chatroom/v2/channel_msg/send').length, 0, 'no message sent');
	});

	test('"Upload URL Image First" from loopback: refused by default; nothing fetched or uploaded', async () => {
		const url = fake.serveFile('/elsewhere/dog.png', png(5, 6), 'image/png');
		const result = await run(fake, send(url, { messageOptions: { reuploadUrl: true } }));
		assert.match(String(result.error?.message), /Refused to fetch/);
		assert.equal(fake.callsTo('/elsewhere/dog.png').length, 0);
		assert.equal(fake.callsTo('/upload').length, 0);
	});

	test('measuring an image whose server ignores Range and streams 100 MiB: at most 256 KiB read, message sent', async () => {
		const server = await startServer(flood(100 * MiB, 'image/png'));
		try {
			const url = `${server.url}/huge.png`;
			const result = await run(fake, send(url, { options: { allowPrivateNetwork: true } }));
			assert.equal(result.error, undefined, String(result.error?.message));
			await server.responsesDone(1);
			assert.equal(server.requests[0].headers.range, 'bytes=0-262143');
			assert.ok(server.bytesWritten < 16 * MiB, `the server wrote ${server.bytesWritten} bytes`);
			assert.equal(fake.callsTo('/chatroom/v2/channel_msg/send').length, 1);
			figure(`measuring probe against a 100 MiB flood: server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB`);
		} finally {
			await server.close();
		}
	});

	test('Re-Upload of a 100 MiB non-image: stopped at its first bytes, nothing uploaded', async () => {
		const server = await startServer(flood(100 * MiB, 'image/png'));
		try {
			const url = `${server.url}/huge.png`;
			const result = await run(fake, send(url, { options: { allowPrivateNetwork: true }, messageOptions: { reuploadUrl: true } }));
			await server.responsesDone(1);
			assert.match(String(result.error?.message), /is not a PNG, JPEG, GIF or WebP image/);
			assert.equal(fake.callsTo('/upload').length, 0);
			assert.ok(server.bytesWritten < 16 * MiB, `the server wrote ${server.bytesWritten} bytes`);
			figure(`Re-Upload against a 100 MiB non-image flood: server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB`);
		} finally {
			await server.close();
		}
	});

	test('Re-Upload of a 100 MiB "PNG": stopped at Max File Size (20 MiB default), the error names the field and the limit', async () => {
		const server = await startServer(flood(100 * MiB, 'image/png', false, png(8, 8).subarray(0, 33)));
		try {
			const url = `${server.url}/huge.png`;
			const result = await run(fake, send(url, { options: { allowPrivateNetwork: true }, messageOptions: { reuploadUrl: true } }));
			await server.responsesDone(1);
			assert.match(String(result.error?.message), /larger than 20 MiB, the "Max File Size \(MiB\)"/);
			assert.equal(fake.callsTo('/upload').length, 0);
			assert.ok(server.bytesWritten < 36 * MiB, `the server wrote ${server.bytesWritten} bytes`);
			figure(`Re-Upload against a 100 MiB flood behind a PNG header: server managed to write ${(server.bytesWritten / MiB).toFixed(2)} MiB (cap 20 MiB)`);
		} finally {
			await server.close();
		}
	});
});
