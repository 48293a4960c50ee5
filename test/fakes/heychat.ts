// The fake Heychat bot backend the tests use. Its implementation lives in sandbox/heychat/server.ts,
// shared with the chat sandbox (`npm run n8n`), so tests and sandbox speak one protocol implementation.
export * from '../../sandbox/heychat/server';
