// The fake OneBot v11 backend the tests use. Its implementation lives in sandbox/onebot/server.ts,
// shared with the chat sandbox (`npm run n8n`), so tests and sandbox speak one protocol implementation.
export * from '../../sandbox/onebot/server';
