/**
 * The example workflows (examples/*.json) in a real n8n, unchanged, against the fake backends: the
 * tests import credentials under the examples' placeholder ids, pointing at the fakes (OneBot,
 * Heychat, and an OpenAI-compatible chat model), then
 *   - check every example statically (fixed ids, credential placeholders, parameters the nodes know),
 *   - run the scheduled announcement with `n8n execute` (its "Run now" manual trigger),
 *   - activate the trigger-based examples in a running n8n and push events from the fakes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { INode } from 'n8n-workflow';

import { FakeHeychat } from '../fakes/heychat';
import { FakeOneBot, groupMessageEvent, privateMessageEvent } from '../fakes/onebot';
import { FakeOpenAi, type ChatRequest } from '../fakes/openai';
import {
	credentialPlaceholders,
	importExampleCredentials,
	loadExample,
	loadExamples,
	nodeNamed,
	type Example,
} from './support/examples';
import { checkPackageNode } from './support/nodeCheck';
import { nodeJson, prepareN8n, readPackageInfo, type Execution, type N8nInstance, type N8nServer } from './support/n8n';

const pkg = readPackageInfo();
const TOKEN = 'e2e-Examples-Token';
const SELF_ID = 10001;

let bot: FakeOneBot;
let hey: FakeHeychat;
let ai: FakeOpenAi;
let n8n: N8nInstance;
let server: N8nServer | undefined;
const examples = loadExamples();

function triggerItems(execution: Execution, node: string): Array<Record<string, unknown>> {
	return nodeJson(execution, node);
}

/** A type "50" (bot command) frame as the gateway sends it, from user 43028164 in the fake's room. */
function commandEvent(name: string, options: unknown[], where: { channelId?: string; msgId: string }) {
	return hey.event('50', {
		bot_id: 72053518,
		channel_base_info: { channel_id: where.channelId ?? '3611849174307799042', channel_name: '默认频道', channel_type: 1 },
		command_info: { id: '1831636113196855296', name, options, type: 0 },
		msg_id: where.msgId,
		room_base_info: { room_avatar: '', room_id: '3611849174284943360', room_name: 'Second Room' },
		send_time: Date.now(),
		sender_info: { avatar: '', bot: false, level: 10, nickname: '玩家一', roles: null, room_nickname: '', user_id: 43028164 },
	});
}

/** Resolves when the fake sees a gateway connection close. */
async function waitForClose(connection: { socket: { readyState: number } }, timeoutMs = 60_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (connection.socket.readyState !== 3 /* CLOSED */) {
		if (performance.now() > deadline) throw new Error('the gateway connection was not closed');
		await new Promise((r) => setTimeout(r, 50));
	}
}

before(async () => {
	bot = await FakeOneBot.start({ accessToken: TOKEN, selfId: SELF_ID });
	bot.setHandler('_send_group_notice', () => null);
	hey = await FakeHeychat.start();
	ai = await FakeOpenAi.start(() => ({ content: 'not scripted' }));
	n8n = await prepareN8n();
	await importExampleCredentials(n8n, {
		oneBotV11Api: bot.credentials(),
		heychatBotApi: hey.credentials(),
		openAiApi: { apiKey: ai.apiKey, url: ai.baseUrl, header: false },
	});
	await n8n.importWorkflows(examples.map((e) => e.workflow as unknown as Record<string, unknown>));
});

after(async () => {
	await n8n?.cleanup();
	await bot?.close();
	await hey?.close();
	await ai?.close();
});

describe('example workflows: files', () => {
	it('have fixed 16-character ids, unique names, and reference credentials only by placeholder', () => {
		assert.ok(examples.length >= 4, `only ${examples.length} examples`);
		const ids = new Set<string>();
		const names = new Set<string>();
		for (const { file, workflow } of examples) {
			assert.match(workflow.id, /^[A-Za-z0-9]{16}$/, `${file}: id`);
			assert.ok(!ids.has(workflow.id), `${file}: duplicate id ${workflow.id}`);
			ids.add(workflow.id);
			assert.ok(!names.has(workflow.name), `${file}: duplicate name`);
			names.add(workflow.name);
			assert.notEqual(workflow.active, true, `${file}: must be imported inactive`);
			for (const node of workflow.nodes) assert.ok(!node.type.startsWith('CUSTOM.'), `${file}: ${node.name} is a CUSTOM. node`);
		}
		for (const [type, ref] of credentialPlaceholders(examples)) {
			assert.match(ref.id, /^REPLACE_/, `${type}: placeholder id`);
			assert.ok(ref.name.length > 0, `${type}: placeholder name`);
		}
	});

	it('use only node types that package.json declares', () => {
		const declared = new Set([...pkg.nodeTypes, ...pkg.toolNodeTypes]);
		const missing = examples.flatMap(({ file, workflow }) =>
			workflow.nodes.filter((n) => n.type.startsWith(`${pkg.name}.`) && !declared.has(n.type)).map((n) => `${file}: ${n.type}`),
		);
		assert.deepEqual(missing, []);
	});

	it("set only parameters the package's nodes show, with valid options and no missing required field", () => {
		const problems: string[] = [];
		for (const { file, workflow } of examples) {
			for (const node of workflow.nodes) problems.push(...checkPackageNode(node as unknown as INode).map((p) => `${file}: ${p}`));
		}
		assert.deepEqual(problems, []);
	});
});

describe('example workflows: executed', () => {
	it('scheduled group announcement: "Run now" sends the group message and publishes the notice', async () => {
		const { workflow } = loadExample('onebot-scheduled-group-announcement.json');
		bot.reset();
		const res = await n8n.execute(workflow.id);
		assert.ok(res.ok, `${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
		const announcement = nodeJson(res.run!, 'Announcement')[0];
		const week = String(announcement.title).match(/^Week (\d+) reminder$/)?.[1];
		assert.ok(week, `title: ${String(announcement.title)}`);

		// one message per listed group, in list order (paced by the credential's Send Rate)
		const sent = bot.callsTo('send_group_msg');
		assert.equal(sent.length, 2);
		assert.equal(sent[0].transport, 'http');
		assert.equal(sent[0].headers.authorization, `Bearer ${TOKEN}`);
		const message = [
			{ type: 'face', data: { id: '144' } },
			{ type: 'text', data: { text: ` Week ${week} reminder\n${String(announcement.text)}` } },
		];
		assert.deepEqual(sent.map((c) => c.params), [
			{ group_id: 123456789, message },
			{ group_id: 987654321, message },
		]);
		const notice = bot.callsTo('_send_group_notice');
		assert.equal(notice.length, 1);
		assert.deepEqual(notice[0].params, {
			group_id: 123456789,
			content: `Week ${week} reminder\n${String(announcement.text)}`,
			confirm_required: 0,
		});
		assert.deepEqual(
			nodeJson(res.run!, 'Send group message'),
			sent.map((c) => ({ group_id: c.params.group_id, success: true, message_id: (c.response?.data as { message_id: number }).message_id })),
		);
		assert.deepEqual(nodeJson(res.run!, 'Publish group notice'), [{ success: true }]);
	});
});

describe('example workflows: activated in a running n8n', () => {
	before(async () => {
		server = await n8n.start();
		await server.setupOwner();
		await server.createApiKey();
	});

	it('every example is imported, and every node type in them is known to n8n', async () => {
		const known = new Set((await server!.nodeTypes()).map((t) => t.name));
		for (const { file, workflow } of examples) {
			const res = await server!.rest<{ id: string; nodes: unknown[] }>('GET', `/rest/workflows/${workflow.id}`);
			assert.equal(res.status, 200, `${file}: not imported (${res.status})`);
			for (const node of workflow.nodes) {
				assert.ok(known.has(node.type), `${file}: n8n does not know ${node.type} (${node.name})`);
			}
		}
	});

	it('keyword auto-reply: answers matching private and group messages in place, ignores the rest', async () => {
		const { workflow } = loadExample('onebot-keyword-auto-reply.json');
		bot.reset();
		await server!.activate(workflow.id);
		await bot.waitForConnection(1, 60_000);
		// the events to ignore first: once the executions of the later ones exist, theirs would too
		bot.pushEvent(groupMessageEvent(SELF_ID, 555, 20001, 'nothing to see', { message_id: 501 }));
		bot.pushEvent(groupMessageEvent(SELF_ID, 555, SELF_ID, 'help (my own message)', { message_id: 504 }));
		bot.pushEvent(groupMessageEvent(SELF_ID, 555, 20001, [{ type: 'text', data: { text: 'Hello bot' } }], { message_id: 502 }));
		bot.pushEvent(privateMessageEvent(SELF_ID, 20002, '你好', { message_id: 503 }));
		const executions = await server!.waitForExecutions(workflow.id, 2, 60_000);
		await server!.expectExecutionCount(workflow.id, 2, 0);
		assert.deepEqual(executions.map((e) => e.status), ['success', 'success']);

		// Reply answers where each message came from: the group, or the private chat
		assert.deepEqual(bot.callsTo('send_group_msg').map((c) => c.params), [
			{
				group_id: 555,
				message: [
					{ type: 'reply', data: { id: '502' } },
					{ type: 'text', data: { text: `Hi user20001! I'm a bot built with n8n. Send "help" any time to see this again.` } },
				],
			},
		]);
		assert.deepEqual(bot.callsTo('send_private_msg').map((c) => c.params), [
			{
				user_id: 20002,
				message: [
					{ type: 'reply', data: { id: '503' } },
					{ type: 'text', data: { text: `Hi user20002! I'm a bot built with n8n. Send "help" any time to see this again.` } },
				],
			},
		]);
		const texts = executions.map((e) => triggerItems(e, 'QQ message')[0].text).sort();
		assert.deepEqual(texts, ['Hello bot', '你好']);

		const gone = bot.waitForDisconnect(60_000);
		await server!.deactivate(workflow.id);
		await gone;
		assert.equal(bot.connections(), 0);
	});

	it('QQ ↔ Heychat bridge: group messages go to the channel, /qq commands to the group', async () => {
		const { workflow } = loadExample('qq-heychat-bridge.json');
		const target = nodeNamed(workflow, 'To Heychat channel').parameters as { room_id: { value: string }; channel_id: { value: string } };
		bot.reset();
		hey.reset();
		const gatewaysBefore = hey.gatewayConnections.length;
		await server!.activate(workflow.id);
		await bot.waitForConnection(1, 60_000);
		bot.pushEvent(groupMessageEvent(SELF_ID, 987654321, 20001, 'other group', { message_id: 601 }));
		bot.pushEvent(
			groupMessageEvent(SELF_ID, 123456789, 20001, [{ type: 'text', data: { text: 'see you *tonight*' } }], {
				message_id: 602,
				sender: { user_id: 20001, nickname: 'Alice', card: 'Alice (admin)', role: 'admin' },
			}),
		);
		// the other group's message came first: had it started an execution, it would exist by now
		await server!.waitForExecutions(workflow.id, 1, 60_000);
		const [execution] = await server!.expectExecutionCount(workflow.id, 1, 0);
		assert.equal(execution.status, 'success');

		const posts = hey.callsTo('/chatroom/v2/channel_msg/send');
		assert.equal(posts.length, 1);
		const body = posts[0].json as Record<string, unknown>;
		assert.equal(body.room_id, target.room_id.value);
		assert.equal(body.channel_id, target.channel_id.value);
		assert.equal(body.msg_type, 4);
		assert.equal(body.msg, '\\[QQ\\] Alice (admin): see you \\*tonight\\*');
		assert.equal(posts[0].headers.token, hey.token);

		{
			// Heychat → QQ: the /qq command in the bridged channel is posted in the QQ group as plain text
			const gateway = await hey.waitForGateway(gatewaysBefore + 1, 60_000);
			bot.reset();
			hey.pushEvent(commandEvent('/qq', [{ name: 'text', type: 3, value: 'hello [from] Heychat' }], { channelId: '3611849174307799042', msgId: '1831637085605466001' }));
			hey.pushEvent(commandEvent('/qq', [{ name: 'text', type: 3, value: 'hello [from] Heychat' }], { channelId: target.channel_id.value, msgId: '1831637085605466002' }));
			// the command in another channel came first: had it started an execution, it would exist by now
			await server!.waitForExecutions(workflow.id, 2, 60_000);
			await server!.expectExecutionCount(workflow.id, 2, 0);
			assert.deepEqual(bot.callsTo('send_group_msg').map((c) => c.params), [
				{ group_id: 123456789, message: '[Heychat] 玩家一: hello [from] Heychat', auto_escape: true },
			]);
			const gatewayGone = waitForClose(gateway);
			const gone = bot.waitForDisconnect(60_000);
			await server!.deactivate(workflow.id);
			await Promise.all([gone, gatewayGone]);
		}
	});

	it('Heychat /roll bot: answers the command in its channel, mentioning the user and quoting the command', async () => {
		const { workflow } = loadExample('heychat-slash-command-bot.json');
		hey.reset();
		const before = hey.gatewayConnections.length;
		await server!.activate(workflow.id);
		const gateway = await hey.waitForGateway(before + 1, 60_000);
		assert.equal(gateway.headers.token ?? gateway.query.token, hey.token);
		// the events to ignore first (a reaction, another command): once /roll's execution exists, theirs would too
		hey.pushEvent(hey.event('5003', { channel_id: '3611849174307799042', emoji: '[cube_doge]', is_add: 1, msg_id: '1843536909979836416', user_id: 8829926 }));
		hey.pushEvent(commandEvent('/help', [], { msgId: '1831637085605466100' }));
		hey.pushEvent(commandEvent('/roll', [{ name: 'sides', type: 4, value: '20' }], { msgId: '1831637085605466101' }));
		const [execution] = await server!.waitForExecutions(workflow.id, 1, 60_000);
		await server!.expectExecutionCount(workflow.id, 1, 0);
		assert.equal(execution.status, 'success');
		const item = nodeJson(execution, 'Slash command')[0];
		assert.equal(item.command, '/roll');
		assert.deepEqual(item.options, { sides: '20' });

		const posts = hey.callsTo('/chatroom/v2/channel_msg/send').map((c) => c.json as Record<string, unknown>);
		assert.equal(posts.length, 1);
		const [post] = posts;
		const rolled = Number(/^@\{id:43028164\} 🎲 rolled \*\*(\d+)\*\* \(1–20\)$/.exec(String(post.msg))?.[1]);
		assert.ok(rolled >= 1 && rolled <= 20, String(post.msg));
		assert.equal(post.msg_type, 10);
		assert.equal(post.at_user_id, '43028164');
		assert.equal(post.room_id, '3611849174284943360');
		assert.equal(post.channel_id, '3611849174307799042');
		assert.equal(post.reply_id, '1831637085605466101');

		const closed = waitForClose(gateway);
		await server!.deactivate(workflow.id);
		await closed;
	});

	it('AI Agent: the model calls the OneBot and Heychat tools; the tools reach the backends', async () => {
		const example: Example = loadExample('ai-agent-onebot-heychat-tools.json');
		const { workflow } = example;
		bot.reset();
		hey.reset();
		const argsFor = (req: ChatRequest, name: string, values: Record<string, unknown>) => {
			const tool = req.tools.find((t) => t.function.name === name)!;
			const required = ((tool.function.parameters ?? {}) as { required?: string[] }).required ?? [];
			const args: Record<string, unknown> = { ...values };
			for (const key of required) args[key] ??= values.message ?? '';
			return args;
		};
		ai.setScript((req) => {
			if (req.toolResults.length === 0) {
				return { toolCalls: [{ name: req.toolNamed(/members/i), args: argsFor(req, req.toolNamed(/members/i), {}) }] };
			}
			if (req.toolResults.length === 1) {
				const reply = req.toolNamed(/reply/i);
				const heychat = req.toolNamed(/heychat/i);
				return {
					toolCalls: [
						{ name: reply, args: argsFor(req, reply, { message: 'Alice and Bob are here.' }) },
						{ name: heychat, args: argsFor(req, heychat, { message: '**From QQ**: Alice and Bob say hi' }) },
					],
				};
			}
			return { content: 'Done: answered in the group and posted to Heychat.' };
		});

		await server!.activate(workflow.id);
		await bot.waitForConnection(1, 60_000);
		// not mentioned: no run
		bot.pushEvent(groupMessageEvent(SELF_ID, 123456789, 20001, 'who is here?', { message_id: 700 }));
		bot.pushEvent(
			groupMessageEvent(
				SELF_ID,
				123456789,
				20001,
				[
					{ type: 'at', data: { qq: String(SELF_ID) } },
					{ type: 'text', data: { text: ' who is here? tell Heychat too' } },
				],
				{ message_id: 701 },
			),
		);
		// the message without a mention came first: had it started an execution, it would exist by now
		await server!.waitForExecutions(workflow.id, 1, 120_000);
		const [execution] = await server!.expectExecutionCount(workflow.id, 1, 0);
		assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 2000));
		assert.deepEqual(nodeJson(execution, 'AI Agent'), [{ output: 'Done: answered in the group and posted to Heychat.' }]);

		// the model saw the user's text, our three tools, and the member list from the fake
		assert.ok(ai.requests.length >= 3, `${ai.requests.length} model calls`);
		assert.match(ai.requests[0].userText, /who is here\? tell Heychat too/);
		assert.equal(ai.requests[0].tools.length, 3, ai.requests[0].tools.map((t) => t.function.name).join(', '));
		assert.match(String(ai.requests[1].toolResults[0].content), /Alice/);

		assert.deepEqual(bot.callsTo('get_group_member_list').map((c) => c.params), [{ group_id: 123456789 }]);
		assert.deepEqual(bot.callsTo('send_group_msg').map((c) => c.params), [
			{
				group_id: 123456789,
				message: [
					{ type: 'reply', data: { id: '701' } },
					{ type: 'text', data: { text: 'Alice and Bob are here.' } },
				],
			},
		]);
		const posts = hey.callsTo('/chatroom/v2/channel_msg/send');
		assert.equal(posts.length, 1);
		assert.equal((posts[0].json as Record<string, unknown>).msg, '**From QQ**: Alice and Bob say hi');
		assert.equal((posts[0].json as Record<string, unknown>).msg_type, 4);

		const gone = bot.waitForDisconnect(60_000);
		await server!.deactivate(workflow.id);
		await gone;
	});

	it(`no example left untested (${pkg.name})`, () => {
		const tested = [
			'onebot-scheduled-group-announcement.json',
			'onebot-keyword-auto-reply.json',
			'heychat-slash-command-bot.json',
			'qq-heychat-bridge.json',
			'ai-agent-onebot-heychat-tools.json',
		];
		assert.deepEqual(
			examples.map((e) => e.file).filter((f) => !tested.includes(f)),
			[],
			'an example without a test here',
		);
	});
});
