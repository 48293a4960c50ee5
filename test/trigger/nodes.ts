// The node classes under test. Imported with their `.ts` extension: `X.node` alone resolves to the
// codex file `X.node.json` first (Node's resolution tries `.json` before tsx's `.ts`).
export { OneBotTrigger } from '../../nodes/OneBot/OneBotTrigger.node.ts';
export { OneBotWebhookTrigger } from '../../nodes/OneBot/OneBotWebhookTrigger.node.ts';
export { HeychatTrigger } from '../../nodes/Heychat/HeychatTrigger.node.ts';
