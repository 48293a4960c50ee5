// A fake OpenAI-compatible Chat Completions server for the AI Agent example: answers
// POST /v1/chat/completions (plain JSON or server-sent events when the request asks to stream) and
// GET /v1/models, on 127.0.0.1. The test scripts each answer: tool calls or a final text.
//
//   const ai = await FakeOpenAi.start((req) => req.toolResults.length === 0
//     ? { toolCalls: [{ name: req.toolNamed(/qq/i), args: { message: 'hi' } }] }
//     : { content: 'done' });
//   credential openAiApi: { apiKey: ai.apiKey, url: ai.baseUrl }
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ChatTool {
	type: string;
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	name?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools: ChatTool[];
	stream: boolean;
	headers: IncomingMessage['headers'];
	/** The `tool` messages (results of earlier tool calls), in order. */
	toolResults: ChatMessage[];
	/** The text of the last user message. */
	userText: string;
	/** The name of the first tool whose name or description matches, or throws. */
	toolNamed(pattern: RegExp): string;
}

export type ChatReply =
	| { content: string }
	| { toolCalls: Array<{ name: string; args: Record<string, unknown> }> };

export type ChatScript = (request: ChatRequest) => ChatReply;

function text(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) => (part && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : ''))
			.join('');
	}
	return '';
}

export class FakeOpenAi {
	readonly requests: ChatRequest[] = [];
	readonly apiKey = 'sk-fake-e2e-key';
	private server!: Server;
	private port = 0;
	private readonly sockets = new Set<Socket>();
	private counter = 0;

	private constructor(private script: ChatScript) {}

	static async start(script: ChatScript): Promise<FakeOpenAi> {
		const fake = new FakeOpenAi(script);
		await fake.listen();
		return fake;
	}

	/** The base URL to put in the OpenAI credential ("Base URL"), ending in /v1. */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}/v1`;
	}

	setScript(script: ChatScript): void {
		this.script = script;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async listen(): Promise<void> {
		this.server = createServer((req, res) => {
			void this.handle(req, res).catch((error: unknown) => {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: String(error), type: 'fake_error' } }));
			});
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
		this.port = (this.server.address() as AddressInfo).port;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
			res.writeHead(401, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
			return;
		}
		if (req.method === 'GET' && url.pathname === '/v1/models') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }] }));
			return;
		}
		if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: `no route ${req.method} ${url.pathname}`, type: 'invalid_request_error' } }));
			return;
		}
		const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
			model?: string;
			messages?: ChatMessage[];
			tools?: ChatTool[];
			stream?: boolean;
		};
		const messages = body.messages ?? [];
		const tools = body.tools ?? [];
		const users = messages.filter((m) => m.role === 'user');
		const request: ChatRequest = {
			model: body.model ?? '',
			messages,
			tools,
			stream: body.stream === true,
			headers: req.headers,
			toolResults: messages.filter((m) => m.role === 'tool'),
			userText: text(users[users.length - 1]?.content),
			toolNamed: (pattern) => {
				const tool = tools.find((t) => pattern.test(t.function.name) || pattern.test(t.function.description ?? ''));
				if (!tool) throw new Error(`no tool matches ${pattern}; tools: ${tools.map((t) => t.function.name).join(', ')}`);
				return tool.function.name;
			},
		};
		this.requests.push(request);
		const reply = this.script(request);
		const id = `chatcmpl-fake-${++this.counter}`;
		const created = Math.floor(Date.now() / 1000);
		const toolCalls =
			'toolCalls' in reply
				? reply.toolCalls.map((call, i) => ({
						id: `call_${this.counter}_${i}`,
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.args) },
					}))
				: undefined;
		const content = 'content' in reply ? reply.content : null;
		const finish = toolCalls ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

		if (request.stream) {
			res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
			const send = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) =>
				res.write(
					`data: ${JSON.stringify({
						id,
						object: 'chat.completion.chunk',
						created,
						model: request.model,
						choices: [{ index: 0, delta, finish_reason: finishReason }],
						...extra,
					})}\n\n`,
				);
			send({ role: 'assistant', content: '' }, null);
			if (toolCalls) {
				send({ tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }, null);
			} else {
				send({ content }, null);
			}
			send({}, finish, { usage });
			res.end('data: [DONE]\n\n');
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({
				id,
				object: 'chat.completion',
				created,
				model: request.model,
				choices: [
					{
						index: 0,
						message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
						finish_reason: finish,
					},
				],
				usage,
			}),
		);
	}
}
