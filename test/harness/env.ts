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
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const harnessUserFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = harnessUserFolder;
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';
process.env.N8N_BINARY_DATA_STORAGE_PATH = join(harnessUserFolder, 'binaryData');
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_RUNNERS_ENABLED = 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';

process.once('exit', () => {
	rmSync(harnessUserFolder, { recursive: true, force: true });
});
