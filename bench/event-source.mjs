// A WebSocket event source for the trigger benchmark, run as a child process so that producing
// events does not share the measured process's event loop. Prints its port, then serves
//   ws://127.0.0.1:<port>/<scenario>?n=<count>: on connect it sends a start marker, then <count>
//     distinct events (unique message ids and sequences) as fast as the client takes them, then a
//     sentinel; the marker and the sentinel are events the scenario's filter lets through, so the
//     client's clock runs from the one to the other;
//   ws://127.0.0.1:<port>/<scenario>?stream=<id>: a long-lived connection that gets such a block
//     (marker, events, sentinel) each time the control connection ws://…/control asks for one
//     with `{"stream": id, "n": count}`.
// Every block is built before its first byte is written, so that during a measurement the source
// only writes (building events on the other core would compete with the measured client: on a
// 2-vCPU machine with shared cores, a busy sibling slows the client by up to 40 %). Answers PING
// with PONG (Heychat gateway heartbeat).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

// Events as backends send them (../shared/reference/onebot/events.json: a group message with every
// standard field, sender included; ids as wide as real QQ ids; the text in Chinese like most QQ
// chat; Heychat: the type "50" example of heychat-api.md §4.5 with its avatar URLs and
// avatar_decoration), each with its own message id / msg_id and sequence.
const SELF = 2854196310;

function oneBotMessage(id, text, groupId = 736120001) {
	const user = 1_000_000_000 + (id % 997) * 7919;
	const message = JSON.stringify([{ type: 'text', data: { text } }]);
	return (
		`{"time":1733500000,"self_id":${SELF},"post_type":"message","message_type":"group","sub_type":"normal",` +
		`"message_id":${id},"group_id":${groupId},"user_id":${user},"anonymous":null,"message":${message},` +
		`"raw_message":${JSON.stringify(text)},"font":0,"sender":{"user_id":${user},"nickname":"小明","card":"","sex":"unknown","age":0,` +
		`"area":"","level":"","role":"member","title":""}}`
	);
}

const ROOM = '3611849174284943360';
const CHANNEL = '3611849174307799042';

function heychatCommand(seq, name = '/weather', room = ROOM) {
	return (
		`{"sequence":${11736260019 + seq},"type":"50","notify_type":"","data":{"bot_id":72053518,` +
		`"channel_base_info":{"channel_id":"${CHANNEL}","channel_name":"默认频道","channel_type":1},` +
		`"command_info":{"id":"1831636113196855296","name":"${name}","options":[{"name":"city","type":3,"value":"上海"}],"type":0},` +
		`"msg_id":"${1831637085605466112n + BigInt(seq)}","room_base_info":{"room_avatar":"","room_id":"${room}","room_name":"测试房间"},` +
		`"send_time":1725531286039,"sender_info":{"avatar":"https://avatar.max-c.com/bbs/avatar/2024/09/05/3f1c0c7a5e2b4d9f8a6e1b2c3d4e5f60.png",` +
		`"avatar_decoration":{"src_type":"image","src_url":"https://imgheybox.max-c.com/avatar_decoration/2024/08/12/frame.png"},` +
		`"bot":false,"level":10,"medals":null,"nickname":"玩家","roles":null,"room_nickname":"","tag":null,"user_id":43028164}},` +
		`"timestamp":1725531286040}`
	);
}

const scenarios = {
	// OneBot: group messages; the sentinel is what the scenario's filter lets through.
	'onebot-raw': { event: (i) => oneBotMessage(i, `今天下午三点开会，记得带电脑 ${i}`), sentinel: (i) => oneBotMessage(i, 'end') },
	'onebot-type': {
		event: (i) => oneBotMessage(i, `今天下午三点开会，记得带电脑 ${i}`),
		sentinel: () => `{"time":1733500000,"self_id":${SELF},"post_type":"notice","notice_type":"group_increase","sub_type":"approve","group_id":736120001,"operator_id":1000000001,"user_id":1000000002}`,
	},
	'onebot-keyword': { event: (i) => oneBotMessage(i, `今天下午三点开会，记得带电脑 ${i}`), sentinel: (i) => oneBotMessage(i, 'a zebra here') },
	'onebot-regex': { event: (i) => oneBotMessage(i, `今天下午三点开会，记得带电脑 ${i}`), sentinel: (i) => oneBotMessage(i, '/deploy now') },
	'onebot-ids': { event: (i) => oneBotMessage(i, `今天下午三点开会，记得带电脑 ${i}`), sentinel: (i) => oneBotMessage(i, 'end', 999999999) },
	'onebot-pass': { event: (i) => oneBotMessage(i, `今天下午三点开会，记得带电脑 ${i}`), sentinel: (i) => oneBotMessage(i, 'end') },
	// Heychat: bot commands.
	'heychat-raw': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i) },
	'heychat-type': {
		event: (i) => heychatCommand(i),
		sentinel: (i) => `{"sequence":${i},"type":"3001","notify_type":"","data":{"room_id":"${ROOM}","user_id":1,"state":1},"timestamp":1}`,
	},
	'heychat-command': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i, '/zebra') },
	'heychat-ids': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i, '/weather', '3611849174284943361') },
	'heychat-pass': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i) },
};

/** Frames per socket write: a backend under load writes many frames at once, as the kernel would coalesce them. */
const BATCH = 128;

/**
 * Unmasked WebSocket text frames (RFC 6455 §5.2; a server never masks), written straight to the
 * TCP socket, many per write: one `ws.send` per event costs the source a write system call per
 * frame, and the source, not the client, then sets the pace.
 */
function textFrames(texts) {
	const bodies = texts.map((t) => Buffer.from(t, 'utf8'));
	let size = 0;
	for (const b of bodies) size += b.length + (b.length < 126 ? 2 : b.length < 65536 ? 4 : 10);
	const out = Buffer.allocUnsafe(size);
	let at = 0;
	for (const b of bodies) {
		out[at++] = 0x81; // FIN + text
		if (b.length < 126) out[at++] = b.length;
		else if (b.length < 65536) {
			out[at++] = 126;
			out.writeUInt16BE(b.length, at);
			at += 2;
		} else {
			out[at++] = 127;
			out.writeBigUInt64BE(BigInt(b.length), at);
			at += 8;
		}
		at += b.copy(out, at);
	}
	return out;
}

let base = 1_000_000; // unique ids across connections and blocks (de-duplication stays out of the way)

/** Frames for a marker, `n` events and a sentinel, built before the first byte is written. */
function blockChunks(scenario, n) {
	// ids: the start marker base, the events base + 1 … base + n, the sentinel base + n + 1
	const start = base + 1;
	base += n + 2;
	const chunks = [textFrames([scenario.sentinel(start - 1)])];
	for (let i = 0; i < n; i += BATCH) {
		const frames = [];
		for (let k = i; k < Math.min(n, i + BATCH); k++) frames.push(scenario.event(start + k));
		chunks.push(textFrames(frames));
	}
	chunks.push(textFrames([scenario.sentinel(start + n)]));
	return chunks;
}

/** Writes the chunks as fast as the client takes them (waiting for 'drain', never busy-looping). */
function writeChunks(ws, chunks) {
	const socket = ws._socket;
	let c = 0;
	const pump = () => {
		if (ws.readyState !== ws.OPEN) return;
		while (c < chunks.length && socket.writableLength < 1 << 20) socket.write(chunks[c++]);
		if (c < chunks.length) socket.once('drain', pump);
	};
	pump();
}

/** Stream connections (`?stream=<id>`): they get a block of events each time the control connection asks. */
const streams = new Map();

const server = createServer();
const wss = new WebSocketServer({ server, maxPayload: 1 << 20 });
wss.on('connection', (ws, req) => {
	const url = new URL(req.url ?? '/', 'http://x');
	if (url.pathname === '/control') {
		// `{"stream": id, "n": count}`: build a block (marker, n events, sentinel) for that stream, then send it
		ws.on('message', (data) => {
			const { stream, n } = JSON.parse(String(data));
			const target = streams.get(stream);
			if (target) writeChunks(target.ws, blockChunks(target.scenario, n));
		});
		return;
	}
	const scenario = scenarios[url.pathname.slice(1)];
	if (!scenario) {
		ws.close(1008, 'unknown scenario');
		return;
	}
	ws.on('message', (data) => {
		if (String(data).startsWith('PING')) ws.send('PONG');
	});
	const stream = url.searchParams.get('stream');
	if (stream !== null) {
		// a first event the filter lets through, so that the trigger's activation completes at once
		streams.set(stream, { ws, scenario });
		ws.on('close', () => streams.delete(stream));
		writeChunks(ws, [textFrames([scenario.sentinel(base++)])]);
		return;
	}
	// one run per connection: the marker, n events, the sentinel
	writeChunks(ws, blockChunks(scenario, Number(url.searchParams.get('n') ?? 1000)));
});
server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`${server.address().port}\n`);
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
