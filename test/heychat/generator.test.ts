// The catalog generator refuses a catalog that differs from what the HeyBox.Net SDK sends.
// Runs the generator (--check, which never writes) on copies of the reference with one fact changed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const root = join(__dirname, '..', '..');
const sharedDir = process.env.SHARED_DIR ?? join(root, '..', 'shared');
const heychatRef = join(sharedDir, 'reference', 'heychat');
const skip = !existsSync(join(heychatRef, 'heyboxnet-sdk.json')) && 'no ../shared here';

const temps: string[] = [];
after(() => {
	for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

type Sdk = { actions: Record<string, { params: Record<string, { in: string; types: string[]; required: boolean }> }> };

/** Runs the generator's check on a copy of the reference where `change` edited the SDK data. */
function checkWith(change: (sdk: Sdk) => void): { status: number | null; stderr: string } {
	const dir = mkdtempSync(join(tmpdir(), 'heychat-ref-'));
	temps.push(dir);
	const target = join(dir, 'reference', 'heychat');
	cpSync(heychatRef, target, { recursive: true });
	const sdk = JSON.parse(readFileSync(join(target, 'heyboxnet-sdk.json'), 'utf8')) as Sdk;
	change(sdk);
	writeFileSync(join(target, 'heyboxnet-sdk.json'), JSON.stringify(sdk));
	const result = spawnSync(process.execPath, [join(root, 'scripts', 'generate-heychat-catalog.mjs'), '--check'], {
		env: { ...process.env, SHARED_DIR: dir },
		encoding: 'utf8',
	});
	return { status: result.status, stderr: result.stderr };
}

describe('generate-heychat-catalog checks the catalog against HeyBox.Net', { skip }, () => {
	test('unchanged: the checked-in catalog and sdk-wire.json pass', () => {
		const result = checkWith(() => {});
		assert.equal(result.status, 0, result.stderr);
	});

	test('a JSON type the catalog does not send', () => {
		const result = checkWith((sdk) => {
			sdk.actions['POST /chatroom/v2/room_role/grant'].params.to_user_id.types = ['number'];
		});
		assert.equal(result.status, 1);
		assert.match(result.stderr, /grant_room_role\.to_user_id: the SDK sends JSON number, the catalog string/);
	});

	test('a parameter the SDK always sends that the node sends only when given', () => {
		const result = checkWith((sdk) => {
			sdk.actions['POST /chatroom/v2/room_role/update'].params.color.required = true;
		});
		assert.equal(result.status, 1);
		assert.match(result.stderr, /update_room_role\.color: the SDK always sends it/);
	});

	test('a parameter the node sends that the SDK never does', () => {
		const result = checkWith((sdk) => {
			delete sdk.actions['POST /chatroom/v2/msg/meme/room/edit'].params.name;
		});
		assert.equal(result.status, 1);
		assert.match(result.stderr, /update_room_meme\.name: sent by the node, never by the SDK/);
	});

	test('a parameter in the query where the node puts it in the body', () => {
		const result = checkWith((sdk) => {
			sdk.actions['POST /chatroom/v2/room_role/delete'].params.role_id.in = 'query';
		});
		assert.equal(result.status, 1);
		assert.match(result.stderr, /delete_room_role\.role_id: the SDK sends it in the query, the catalog in the body/);
	});
});
