// A WebSocket event source for the trigger benchmark, run as a child process so that producing
// events does not share the measured process's event loop. Prints its port, then serves
// ws://127.0.0.1:<port>/<scenario>?n=<count>: on connect it sends a start marker, then <count>
// distinct events (unique message ids and sequences) as fast as the client takes them, then a
// sentinel; the marker and the sentinel are events the scenario's filter lets through, so the
// client's clock runs from the one to the other. Answers PING with PONG (Heychat gateway heartbeat).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const SELF = 10001;

function oneBotMessage(id, text, groupId = 200001) {
	const message = JSON.stringify([{ type: 'text', data: { text } }]);
	return (
		`{"time":1733500000,"self_id":${SELF},"post_type":"message","message_type":"group","sub_type":"normal",` +
		`"message_id":${id},"group_id":${groupId},"user_id":${30000 + (id % 997)},"anonymous":null,"message":${message},` +
		`"raw_message":${JSON.stringify(text)},"font":0,"sender":{"user_id":${30000 + (id % 997)},"nickname":"user","card":"","sex":"unknown","age":0,"role":"member"}}`
	);
}

const ROOM = '3611849174284943360';
const CHANNEL = '3611849174307799042';

function heychatCommand(seq, name = '/weather', room = ROOM) {
	return (
		`{"sequence":${seq},"type":"50","notify_type":"","data":{"bot_id":72053518,` +
		`"channel_base_info":{"channel_id":"${CHANNEL}","channel_name":"默认频道","channel_type":1},` +
		`"command_info":{"id":"1831636113196855296","name":"${name}","options":[{"name":"city","type":3,"value":"Shanghai"}],"type":0},` +
		`"msg_id":"${1831637085605466112n + BigInt(seq)}","room_base_info":{"room_avatar":"","room_id":"${room}","room_name":"测试房间"},` +
		`"send_time":1725531286039,"sender_info":{"avatar":"","bot":false,"level":10,"medals":null,"nickname":"玩家","roles":null,"room_nickname":"","tag":null,"user_id":43028164}},` +
		`"timestamp":1725531286040}`
	);
}

const scenarios = {
	// OneBot: group messages; the sentinel is what the scenario's filter lets through.
	'onebot-raw': { event: (i) => oneBotMessage(i, `hello world ${i}`), sentinel: (i) => oneBotMessage(i, 'end') },
	'onebot-type': {
		event: (i) => oneBotMessage(i, `hello world ${i}`),
		sentinel: () => `{"time":1733500000,"self_id":${SELF},"post_type":"notice","notice_type":"group_increase","sub_type":"approve","group_id":200001,"operator_id":1,"user_id":2}`,
	},
	'onebot-keyword': { event: (i) => oneBotMessage(i, `hello world ${i}`), sentinel: (i) => oneBotMessage(i, 'a zebra here') },
	'onebot-regex': { event: (i) => oneBotMessage(i, `hello world ${i}`), sentinel: (i) => oneBotMessage(i, '/deploy now') },
	'onebot-ids': { event: (i) => oneBotMessage(i, `hello world ${i}`), sentinel: (i) => oneBotMessage(i, 'end', 999999) },
	'onebot-pass': { event: (i) => oneBotMessage(i, `hello world ${i}`), sentinel: (i) => oneBotMessage(i, 'end') },
	// Heychat: bot commands.
	'heychat-raw': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i) },
	'heychat-type': {
		event: (i) => heychatCommand(i),
		sentinel: (i) => `{"sequence":${i},"type":"3001","notify_type":"","data":{"room_id":"${ROOM}","user_id":1,"state":1},"timestamp":1}`,
	},
	'heychat-command': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i, '/zebra') },
	'heychat-ids': { event: (i) => heychatCommand(i), sentinel: (i) => heychatCommand(i, '/weather', '1') },
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

let base = 1_000_000; // unique ids across connections (de-duplication stays out of the way)

const server = createServer();
const wss = new WebSocketServer({ server, maxPayload: 1 << 20 });
wss.on('connection', (ws, req) => {
	const url = new URL(req.url ?? '/', 'http://x');
	const scenario = scenarios[url.pathname.slice(1)];
	const n = Number(url.searchParams.get('n') ?? 1000);
	if (!scenario) {
		ws.close(1008, 'unknown scenario');
		return;
	}
	ws.on('message', (data) => {
		if (String(data).startsWith('PING')) ws.send('PONG');
	});
	// ids: the start marker base, the events base + 1 … base + n, the sentinel base + n + 1
	const start = base + 1;
	base += n + 2;
	const socket = ws._socket;
	let i = 0;
	socket.write(textFrames([scenario.sentinel(start - 1)]));
	const pump = () => {
		if (ws.readyState !== ws.OPEN) return;
		while (i < n && socket.writableLength < 1 << 20) {
			const stop = Math.min(n, i + BATCH);
			const frames = [];
			for (; i < stop; i++) frames.push(scenario.event(start + i));
			socket.write(textFrames(frames));
		}
		if (i < n) {
			// wait for the socket to drain (no busy loop: the source must not eat the client's CPU)
			socket.once('drain', pump);
			return;
		}
		socket.write(textFrames([scenario.sentinel(start + n)]));
	};
	pump();
});
server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`${server.address().port}\n`);
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
