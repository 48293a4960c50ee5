/**
 * The nodes as they ship: the JavaScript `npm run build` writes to dist/ and n8n loads, not the
 * TypeScript sources through tsx (whose module wrapper turns every call into another module's
 * function into a getter call, a few per cent on the hot paths). `npm run bench` builds first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type * as OneBotNode from '../../nodes/OneBot/OneBot.node';
import type * as HeychatNode from '../../nodes/Heychat/Heychat.node';
import type * as OneBotTriggerNode from '../../nodes/OneBot/OneBotTrigger.node';
import type * as HeychatTriggerNode from '../../nodes/Heychat/HeychatTrigger.node';

function shipped<T>(path: string): T {
	const file = join(__dirname, '..', '..', 'dist', path);
	if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (the bench measures the built package)`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file, loaded at run time
	return require(file) as T;
}

export const { OneBot } = shipped<typeof OneBotNode>('nodes/OneBot/OneBot.node.js');
export const { Heychat } = shipped<typeof HeychatNode>('nodes/Heychat/Heychat.node.js');
export const { OneBotTrigger } = shipped<typeof OneBotTriggerNode>('nodes/OneBot/OneBotTrigger.node.js');
export const { HeychatTrigger } = shipped<typeof HeychatTriggerNode>('nodes/Heychat/HeychatTrigger.node.js');
