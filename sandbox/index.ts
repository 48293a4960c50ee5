// The chat sandbox (issue 14): a pretend QQ (OneBot v11) and Heychat backend with a few groups,
// friends, rooms and channels, and a chat page to talk to the bots as a pretend user.
//
//   const sandbox = await startSandbox({ port: 0 });
//   sandbox.urls.onebotHttp / onebotWs      → the OneBot credential's httpUrl / wsUrl
//   sandbox.urls.heychatApi / heychatUpload / heychatGateway → the Heychat credential
//   await sandbox.say({ kind: 'message', chatId: 'qq:group:123456789', userId: '20001', text: 'help' });
//   await sandbox.close();
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import { FakeHeychat } from './heychat/server';
import { createHeychatRoute } from './heychat/actions';
import { createOneBotActions } from './onebot/actions';
import { OneBotConsumers, type PostTarget } from './onebot/consumers';
import { FakeOneBot, type JsonObject } from './onebot/server';
import { createInputHandler, InputError } from './inputs';
import { PageServer } from './web';
import type { UserInput } from './world/types';
import { World } from './world/world';

export { World } from './world/world';
export type * from './world/types';
export { InputError } from './inputs';

export interface SandboxOptions {
	host?: string;
	/** The page + feed port (0 = a free port). */
	port?: number;
	/** OneBot and Heychat ports: default port+1 and port+2 when port is set, else free ports. */
	onebotPort?: number;
	heychatPort?: number;
	/** Tokens the backends require when set (OneBot access token; Heychat bot token). */
	onebotToken?: string;
	heychatToken?: string;
	/** Reverse WebSocket URLs the OneBot backend connects to (and keeps reconnecting to). */
	onebotReverseUrls?: string[];
	/** HTTP POST URLs the OneBot backend reports events to (X-Signature with a secret). */
	onebotPostUrls?: PostTarget[];
	/** A JSON file the world is loaded from and saved to. */
	stateFile?: string;
	/** Diagnostics (default: none). */
	log?: (line: string) => void;
	/** OneBot heartbeat interval in ms (0 = none; default 30000). */
	heartbeatMs?: number;
}

export interface SandboxUrls {
	page: string;
	feed: string;
	onebotHttp: string;
	onebotWs: string;
	heychatApi: string;
	heychatUpload: string;
	heychatGateway: string;
}

export interface Sandbox {
	urls: SandboxUrls;
	world: World;
	onebot: FakeOneBot;
	heychat: FakeHeychat;
	consumers: OneBotConsumers;
	/** The same as a page 'input' frame; rejects with an InputError for a bad input. */
	say(input: UserInput): Promise<void>;
	/** Saves the state file now (when one is set). */
	save(): void;
	close(): Promise<void>;
}

function loadWorld(file: string | undefined, log: (line: string) => void): World {
	if (!file || !existsSync(file)) return new World();
	try {
		return World.fromJSON(JSON.parse(readFileSync(file, 'utf8')) as unknown);
	} catch (error) {
		log(`state file ${file} not loaded (${(error as Error).message}); starting from the seed world`);
		return new World();
	}
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const host = options.host ?? '127.0.0.1';
	const port = options.port ?? 0;
	const log = options.log ?? (() => {});
	const world = loadWorld(options.stateFile, log);
	if (options.stateFile) world.mediaDir = `${options.stateFile}.media`;
	let say: (input: UserInput) => void = () => {
		throw new InputError('the sandbox is starting');
	};

	const page = new PageServer({ world, host, port, say: async (input) => say(input) });
	await page.start();
	const mediaBase = () => page.url;

	let notify: (event: JsonObject) => void = () => {};
	const { handlers, fallback } = createOneBotActions({ world, mediaBase, notify: (event) => notify(event) });
	// A server that cannot start (its port taken) leaves none of the others listening.
	const started: Array<{ close(): Promise<void> }> = [page];
	const starting = async <T extends { close(): Promise<void> }>(start: () => Promise<T>): Promise<T> => {
		const server = await start().catch(async (error: unknown) => {
			await Promise.allSettled(started.map((running) => running.close()));
			return await Promise.reject(error as Error);
		});
		started.push(server);
		return server;
	};
	const onebot = await starting(() => FakeOneBot.start({
		host,
		port: options.onebotPort ?? (port ? port + 1 : 0),
		accessToken: options.onebotToken || undefined,
		defaults: false,
		handlers,
		fallback,
		unknownAction: 'retcode1404',
	}));
	const heychat = await starting(() => FakeHeychat.start({
		host,
		port: options.heychatPort ?? (port ? port + 2 : 0),
		token: options.heychatToken || 'sandbox',
		acceptAnyToken: !options.heychatToken,
		route: createHeychatRoute({ world, mediaBase }),
	}));
	let consumersChanged = () => {};
	const consumers = new OneBotConsumers(onebot, {
		reverseUrls: options.onebotReverseUrls,
		postUrls: options.onebotPostUrls,
		token: options.onebotToken || undefined,
		heartbeatMs: options.heartbeatMs,
		log,
		onChange: () => consumersChanged(),
		onQuickOperation: (event: JsonObject, operation: JsonObject) => {
			void handlers['.handle_quick_operation']({ context: event, operation }, {} as never);
		},
	});
	notify = (event) => consumers.push(event);
	page.setConsumers(() => ({
		onebot: {
			forward: onebot.connections('universal') + onebot.connections('event'),
			reverse: consumers.reverseOpen(),
			post: consumers.postTargets(),
		},
		heychat: { gateway: heychat.openGatewayConnections().length },
	}));
	consumersChanged = () => page.publishConsumers();
	onebot.onForwardChange = consumersChanged;
	heychat.onGatewayChange = consumersChanged;
	const handle = createInputHandler({ world, onebot: consumers, heychat, mediaBase });
	say = handle;

	let saveTimer: NodeJS.Timeout | undefined;
	const save = () => {
		if (!options.stateFile) return;
		const tmp = `${options.stateFile}.tmp`;
		writeFileSync(tmp, JSON.stringify(world.toJSON()));
		renameSync(tmp, options.stateFile);
	};
	const stopSaving = options.stateFile
		? world.onChange(() => {
				if (saveTimer) return;
				saveTimer = setTimeout(() => {
					saveTimer = undefined;
					try {
						save();
					} catch (error) {
						log(`state not saved: ${(error as Error).message}`);
					}
				}, 300);
			})
		: () => {};

	const urls: SandboxUrls = {
		page: page.url,
		feed: page.feedUrl,
		onebotHttp: onebot.httpUrl,
		onebotWs: onebot.wsUrl,
		heychatApi: heychat.url,
		heychatUpload: heychat.url,
		heychatGateway: heychat.gatewayUrl,
	};

	return {
		urls,
		world,
		onebot,
		heychat,
		consumers,
		say: async (input) => {
			say(input);
		},
		save,
		close: async () => {
			stopSaving();
			if (saveTimer) {
				clearTimeout(saveTimer);
				saveTimer = undefined;
			}
			if (options.stateFile) save();
			await consumers.close();
			await Promise.all([onebot.close(), heychat.close(), page.close()]);
		},
	};
}
