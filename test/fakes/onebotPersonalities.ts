// The OneBot fake with the personality of a real backend: it answers get_version_info as that backend
// does, takes every action that backend registers (and no other), checks the parameters the way
// that backend checks them, and delivers a message the way its converter would:
//
//   NapCat   (NapNeko/NapCatQQ): TypeBox Value.Parse converts numbers <-> numeric strings; a missing
//            required field is refused (retcode 1400); drops xml, poke, miniapp, onlinefile,
//            flashtransfer, sends location as a placeholder, a flash image as a normal one, drops a
//            custom music card without an image (packages/napcat-onebot/api/msg.ts).
//   LLOneBot (LLOneBot/LLOneBot src/onebot11/action/BaseAction.ts): schemastery, no conversion: a
//            JSON number for a string field and a missing required field throw; the answer is
//            OB11Response.error(message, 400) over HTTP and 1400 over WebSocket.
//   Lagrange (LagrangeDev/Lagrange.Core v1, Core/Operation/OperationService.cs): System.Text.Json
//            throws for a JSON number in a string property (and for a missing C# `required`); the
//            exception becomes {status: "failed", retcode: 200, data: null}. Unknown segments dropped.
//   go-cqhttp (Mrs4s/go-cqhttp coolq/cqcode.go): gjson converts everything; an unsupported segment
//            is sent as its CQ code text.
//
// What each backend reads comes from the checked-in data the node uses (nodes/OneBot/catalog/
// backends.json, generated from each backend's source). `delivered` records the message as the
// chat would show it, segment by segment.
import backendsData from '../../nodes/OneBot/catalog/backends.json';
import {
	defaultHandlers,
	failed,
	FakeOneBot,
	type FakeOneBotOptions,
	type JsonObject,
	type OneBotCall,
	type OneBotHandler,
	type UnknownActionMode,
} from './onebot';

export type PersonalityName = 'napcat' | 'llonebot' | 'lagrange' | 'gocqhttp';

export const PERSONALITIES: readonly PersonalityName[] = ['napcat', 'llonebot', 'lagrange', 'gocqhttp'];

interface WireParam {
	types: string[];
	required?: boolean;
}
interface ActionSpec {
	params: Record<string, WireParam>;
	alsoReads?: Record<string, string>;
}
const actions = (backendsData as unknown as { actions: Record<string, Partial<Record<PersonalityName, ActionSpec>>> }).actions;

/** get_version_info as each backend answers it (its GetVersionInfo source). */
export const VERSION_INFO: Record<PersonalityName, JsonObject> = {
	napcat: { app_name: 'NapCat.Onebot', protocol_version: 'v11', app_version: '4.8.98' },
	llonebot: { app_name: 'LLOneBot', protocol_version: 'v11', app_version: '6.6.1' },
	lagrange: { app_name: 'Lagrange.OneBot', app_version: '0.0.3', protocol_version: 'v11', nt_protocol: 'Linux | 3.2.15-30366' },
	gocqhttp: {
		app_name: 'go-cqhttp',
		app_version: 'v1.2.0',
		app_full_name: 'go-cqhttp-v1.2.0_linux_amd64-go1.20.2',
		protocol_version: 'v11',
		coolq_edition: 'pro',
		coolq_directory: '',
		'go-cqhttp': true,
		plugin_version: '4.15.0',
		plugin_build_number: 99,
		plugin_build_configuration: 'release',
		runtime_version: 'go1.20.2',
		runtime_os: 'linux',
		version: 'v1.2.0',
	},
};

const UNKNOWN_ACTION: Record<PersonalityName, UnknownActionMode> = {
	napcat: 'retcode1404',
	llonebot: 'retcode1404',
	lagrange: 'retcode404',
	gocqhttp: 'retcode404',
};

/** Segments each converter sends; others are dropped (or, on go-cqhttp, sent as CQ text). */
const SENDS: Record<PersonalityName, readonly string[]> = {
	napcat: ['text', 'face', 'at', 'reply', 'image', 'record', 'video', 'file', 'json', 'music', 'contact', 'dice', 'rps', 'forward', 'node', 'markdown', 'mface'],
	llonebot: ['text', 'face', 'at', 'reply', 'image', 'record', 'video', 'file', 'json', 'music', 'contact', 'dice', 'rps', 'shake', 'forward', 'node', 'mface'],
	lagrange: ['text', 'face', 'at', 'reply', 'image', 'record', 'video', 'json', 'xml', 'poke', 'music', 'location', 'dice', 'rps', 'forward', 'node', 'markdown', 'mface', 'keyboard', 'longmsg'],
	gocqhttp: ['text', 'face', 'at', 'reply', 'image', 'record', 'video', 'json', 'xml', 'poke', 'music', 'share', 'dice', 'rps', 'forward', 'node', 'cardimage', 'tts'],
};

export interface DeliveredMessage {
	action: string;
	/** The message as the chat gets it: segments (type + data) after the backend's converter. */
	segments: Array<{ type: string; data: JsonObject }>;
}

export interface Personality {
	name: PersonalityName;
	fake: FakeOneBot;
	/** Every message the backend sent to QQ, in order. */
	delivered: DeliveredMessage[];
}

function jsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'bigint') return 'number';
	return typeof value;
}

function numericText(value: unknown): boolean {
	return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim());
}

/** Whether the backend takes `value` for a field of these types, the way it converts. */
function takes(name: PersonalityName, types: string[], value: unknown): boolean {
	if (types.includes('any')) return true;
	const type = jsonType(value);
	if (types.includes('message') && ['string', 'array', 'object'].includes(type)) return true;
	if (types.includes(type)) return true;
	switch (name) {
		case 'napcat':
		case 'gocqhttp':
			// TypeBox Convert / gjson: numbers and numeric text, booleans and "true"/"false" interchange.
			if (types.includes('string') && (type === 'number' || type === 'boolean')) return true;
			if (types.includes('number') && numericText(value)) return true;
			if (types.includes('boolean') && (value === 'true' || value === 'false')) return true;
			return false;
		case 'lagrange':
			// AllowReadingFromString: numeric text for a number; never a number for a string.
			return types.includes('number') && numericText(value);
		default:
			return false; // LLOneBot: no conversion
	}
}

/** The error the backend answers a bad payload with, or undefined when it takes it. */
function checkPayload(name: PersonalityName, action: string, params: JsonObject, call: OneBotCall): ReturnType<typeof failed> | undefined {
	const spec = actions[action]?.[name];
	if (!spec) return undefined;
	// NapCat's send actions skip the schema check (SendMsgBase.check() without super.check()).
	if (name === 'napcat' && SEND_ACTIONS.has(action)) return undefined;
	for (const [field, schema] of Object.entries(spec.params)) {
		const names = [field, ...Object.entries(spec.alsoReads ?? {}).filter(([, t]) => t === field).map(([a]) => a)];
		const present = names.find((n) => params[n] !== undefined);
		if (present === undefined) {
			if (!schema.required) continue;
			switch (name) {
				case 'llonebot':
					return failed(call.transport === 'ws' ? 1400 : 400, 'missing required value');
				case 'lagrange':
					return { status: 'failed', retcode: 200, data: null } as ReturnType<typeof failed>;
				default:
					return failed(1400, `${field} is required`);
			}
		}
		const value = params[present];
		if (takes(name, schema.types, value)) continue;
		switch (name) {
			case 'llonebot':
				return failed(call.transport === 'ws' ? 1400 : 400, `expected ${schema.types.join(' | ')} but got ${String(value)}`);
			case 'lagrange':
				return { status: 'failed', retcode: 200, data: null } as ReturnType<typeof failed>;
			default:
				return failed(1400, `${field}: expected ${schema.types.join(' | ')}`);
		}
	}
	return undefined;
}

type Segment = { type: string; data: JsonObject };

/** The actions whose `message` is delivered to a chat. */
const MESSAGE_ACTIONS = new Set(['send_msg', 'send_private_msg', 'send_group_msg']);
/** NapCat's SendMsgBase actions (schema not enforced). */
const SEND_ACTIONS = new Set([...MESSAGE_ACTIONS, 'send_forward_msg', 'send_group_forward_msg', 'send_private_forward_msg']);

function asSegments(message: unknown): Segment[] {
	if (typeof message === 'string') return [{ type: 'text', data: { text: message } }];
	if (Array.isArray(message)) return message as Segment[];
	if (message && typeof message === 'object') return [message as Segment];
	return [];
}

function cqText(segment: Segment): string {
	const data = Object.entries(segment.data ?? {}).map(([k, v]) => `,${k}=${String(v)}`).join('');
	return `[CQ:${segment.type}${data}]`;
}

/** What the backend's converter makes of one segment: sent, changed, text, or nothing. */
function convert(name: PersonalityName, segment: Segment): Segment | undefined {
	const data = { ...(segment.data ?? {}) };
	if (name === 'napcat') {
		if (segment.type === 'location') return { type: 'json', data: { data: '{"app":"com.tencent.map","prompt":"测试"}' } };
		if (segment.type === 'image' && data.type === 'flash') {
			delete data.type;
			return { type: 'image', data };
		}
		if (segment.type === 'music' && data.type === 'custom' && !data.image) return undefined;
	}
	if (SENDS[name].includes(segment.type)) return { type: segment.type, data };
	if (name === 'gocqhttp') return { type: 'text', data: { text: cqText(segment) } };
	return undefined;
}

function deliver(name: PersonalityName, message: unknown): Segment[] {
	return asSegments(message)
		.map((s) => convert(name, s))
		.filter((s): s is Segment => s !== undefined);
}

/** The handlers of a personality: every action it registers, checked its way, then answered. */
export function personalityHandlers(name: PersonalityName, delivered: DeliveredMessage[], selfId = 10001): Record<string, OneBotHandler | undefined> {
	const base = defaultHandlers(selfId);
	const handlers: Record<string, OneBotHandler | undefined> = {};
	// Actions the default fake answers that this backend does not register become unknown.
	for (const action of Object.keys(base)) if (!actions[action]?.[name]) handlers[action] = undefined;
	for (const [action, perBackend] of Object.entries(actions)) {
		if (!perBackend[name]) continue;
		handlers[action] = async (params, call) => {
			const refused = checkPayload(name, action, params, call);
			if (refused) return refused;
			if (MESSAGE_ACTIONS.has(action)) {
				const segments = deliver(name, params.message);
				if (segments.length === 0) return failed(1200, '消息体无法解析, 请检查是否发送了不支持的消息类型');
				delivered.push({ action, segments });
			}
			const answer = base[action];
			return answer ? await answer(params, call) : null;
		};
	}
	handlers.get_version_info = () => ({ ...VERSION_INFO[name] });
	return handlers;
}

/** A fake backend with the personality of NapCat, LLOneBot, Lagrange.OneBot or go-cqhttp. */
export async function startPersonality(name: PersonalityName, options: Omit<FakeOneBotOptions, 'handlers' | 'unknownAction'> = {}): Promise<Personality> {
	const delivered: DeliveredMessage[] = [];
	const fake = await FakeOneBot.start({
		...options,
		unknownAction: UNKNOWN_ACTION[name],
		handlers: personalityHandlers(name, delivered, options.selfId),
	});
	return { name, fake, delivered };
}
