// Environment for running n8n-core in-process. Imported by ./n8n before anything that loads
// n8n-core, so that n8n-core's DI services (InstanceSettings, BinaryDataConfig, Logger, ...) read
// these values when they are first constructed.
//
// - N8N_USER_FOLDER: n8n-core writes `<folder>/.n8n/config` (with a fresh encryption key) and its
//   binary-data storage folder here. Always a throw-away temp dir, removed when the process exits.
// - N8N_DEFAULT_BINARY_DATA_MODE=default: binary data stays in memory (base64 in the item), the
//   way n8n keeps it in "default" mode.
// - N8N_LOG_LEVEL=silent unless the caller asks for logs (e.g. N8N_LOG_LEVEL=debug).
import { mkdtempSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const harnessUserFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = harnessUserFolder;
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';
process.env.N8N_BINARY_DATA_STORAGE_PATH = join(harnessUserFolder, 'binaryData');
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_RUNNERS_ENABLED = 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';

// One dependency-injection container. This install holds several copies of `@n8n/di` (n8n-core,
// @n8n/backend-common and @n8n/decorators each have a nested 0.10.0, @n8n/node-cli pulls 0.12.0 to
// the top level). Each copy keeps its own registry, so n8n-core's Container cannot see the Logger
// that @n8n/backend-common registered ("Logger is not decorated with Service"). A real n8n install
// has a single copy; emulate that by resolving every `@n8n/di` request to n8n-core's own copy.
const n8nCoreDir = dirname(require.resolve('n8n-core/package.json'));
export const diPath = require.resolve('@n8n/di', { paths: [n8nCoreDir] });
type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename };
const originalResolveFilename = moduleInternals._resolveFilename;
if (!(originalResolveFilename as { harnessPatched?: boolean }).harnessPatched) {
	const patched: ResolveFilename = function (this: unknown, request, parent, ...rest) {
		if (request === '@n8n/di') return diPath;
		return originalResolveFilename.call(this, request, parent, ...rest);
	};
	(patched as { harnessPatched?: boolean }).harnessPatched = true;
	moduleInternals._resolveFilename = patched;
}

process.once('exit', () => {
	rmSync(harnessUserFolder, { recursive: true, force: true });
});
