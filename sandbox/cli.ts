// Starts the chat sandbox: node --import tsx sandbox/cli.ts [--port N] [--host H]
//   [--onebot-token T] [--heychat-token T] [--state FILE]
//   [--onebot-reverse-url URL]... [--onebot-post-url URL[#secret]]...
// Prints ONE JSON line {"ready":true,"urls":{…}} to stdout once listening; logs go to stderr.
// Environment: SANDBOX_PORT, SANDBOX_HOST, SANDBOX_ONEBOT_TOKEN, SANDBOX_HEYCHAT_TOKEN, SANDBOX_STATE,
// SANDBOX_ONEBOT_REVERSE_URLS / SANDBOX_ONEBOT_POST_URLS (comma-separated). Stops on SIGINT/SIGTERM.
import { startSandbox } from './index';

function parse(argv: string[]): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
		const eq = arg.indexOf('=');
		const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
		const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
		if (value === undefined) throw new Error(`--${name} needs a value`);
		out.set(name, [...(out.get(name) ?? []), value]);
	}
	return out;
}

const KNOWN = new Set(['port', 'host', 'onebot-token', 'heychat-token', 'state', 'onebot-reverse-url', 'onebot-post-url']);

async function main(): Promise<void> {
	const args = parse(process.argv.slice(2));
	for (const name of args.keys()) if (!KNOWN.has(name)) throw new Error(`unknown option --${name}`);
	const one = (name: string, env: string) => args.get(name)?.at(-1) ?? process.env[env];
	const list = (name: string, env: string) => [...(process.env[env]?.split(',').filter(Boolean) ?? []), ...(args.get(name) ?? [])];
	const portText = one('port', 'SANDBOX_PORT') ?? '5690';
	const port = Number(portText);
	if (!Number.isInteger(port) || port < 0 || port > 65533) throw new Error(`--port must be a port number, got ${portText}`);
	const log = (line: string) => process.stderr.write(`[sandbox] ${line}\n`);
	const sandbox = await startSandbox({
		port,
		host: one('host', 'SANDBOX_HOST') ?? '127.0.0.1',
		onebotToken: one('onebot-token', 'SANDBOX_ONEBOT_TOKEN') || undefined,
		heychatToken: one('heychat-token', 'SANDBOX_HEYCHAT_TOKEN') || undefined,
		stateFile: one('state', 'SANDBOX_STATE') || undefined,
		onebotReverseUrls: list('onebot-reverse-url', 'SANDBOX_ONEBOT_REVERSE_URLS'),
		onebotPostUrls: list('onebot-post-url', 'SANDBOX_ONEBOT_POST_URLS').map((entry) => {
			const hash = entry.indexOf('#');
			return hash > 0 ? { url: entry.slice(0, hash), secret: entry.slice(hash + 1) } : { url: entry };
		}),
		log,
	});
	process.stdout.write(`${JSON.stringify({ ready: true, urls: sandbox.urls })}\n`);
	log(`chat page: ${sandbox.urls.page}`);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		log(`${signal}: stopping`);
		sandbox
			.close()
			.then(() => process.exit(0))
			.catch((error: Error) => {
				log(`close failed: ${error.message}`);
				process.exit(1);
			});
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	process.stderr.write(`[sandbox] ${error.message}\n`);
	process.exit(1);
});
