// OneBot message segments ⇄ the sandbox's normalised segments, and "@Name" mentions in typed text.
import { parseCQString, toCQString, type Segment as OneBotSegment } from '../../nodes/OneBot/message/cqcode';
import type { World } from '../world/world';
import type { ForwardNode, Segment } from '../world/types';

export type { OneBotSegment };

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');

const MIME_BY_TYPE: Record<string, { mime: string; ext: string }> = {
	image: { mime: 'image/png', ext: 'png' },
	record: { mime: 'audio/mpeg', ext: 'mp3' },
	video: { mime: 'video/mp4', ext: 'mp4' },
	file: { mime: 'application/octet-stream', ext: 'bin' },
};

/** A media reference as a URL the page can load: http(s) as is, base64:// stored and served by the sandbox. */
export function mediaUrl(world: World, type: string, data: Record<string, unknown>, mediaBase: string): string | undefined {
	const url = str(data.url);
	if (/^https?:\/\//i.test(url)) return url;
	const file = str(data.file);
	if (/^https?:\/\//i.test(file)) return file;
	const base64 = /^base64:\/\/(.*)$/s.exec(file)?.[1] ?? /^data:[^;,]*;base64,(.*)$/s.exec(file)?.[1];
	if (base64 !== undefined) {
		const kind = MIME_BY_TYPE[type] ?? MIME_BY_TYPE.file;
		const bytes = Buffer.from(base64, 'base64');
		const mime = sniffMime(bytes) ?? kind.mime;
		const name = str(data.name) || `${type}.${mime.split('/')[1] ?? kind.ext}`;
		return `${mediaBase}/media/${world.storeMedia({ data: bytes, mimeType: mime, name })}`;
	}
	return undefined;
}

export function sniffMime(bytes: Buffer): string | undefined {
	if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
	if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
	if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
	if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
	return undefined;
}

export interface Normalised {
	segments: Segment[];
	replyTo?: string;
}

export interface SegmentContext {
	world: World;
	chatId: string;
	mediaBase: string;
}

/** OneBot segments → the page's segments (the reply segment becomes `replyTo`). */
export function fromOneBot(input: readonly OneBotSegment[], ctx: SegmentContext): Normalised {
	const out: Normalised = { segments: [] };
	if (input.length > 0 && input.every((s) => s.type === 'node')) {
		out.segments.push({ type: 'forward', nodes: forwardNodes(input, ctx) });
		return out;
	}
	for (const { type, data } of input) {
		switch (type) {
			case 'text': {
				const text = str(data.text);
				const last = out.segments[out.segments.length - 1];
				if (last?.type === 'text') last.text += text;
				else if (text !== '') out.segments.push({ type: 'text', text });
				break;
			}
			case 'at': {
				const qq = str(data.qq);
				out.segments.push(
					qq === 'all'
						? { type: 'at', userId: 'all', name: 'all' }
						: { type: 'at', userId: qq, name: str(data.name) || ctx.world.nameOf('onebot', qq, ctx.chatId) },
				);
				break;
			}
			case 'reply':
				out.replyTo = str(data.id);
				break;
			case 'face':
				out.segments.push({ type: 'face', id: str(data.id) });
				break;
			case 'image':
			case 'record':
			case 'video': {
				const url = mediaUrl(ctx.world, type, data, ctx.mediaBase);
				if (url) out.segments.push(type === 'image' ? { type: 'image', url } : { type, url });
				else out.segments.push({ type: 'raw', kind: type, data });
				break;
			}
			case 'file': {
				const url = mediaUrl(ctx.world, type, data, ctx.mediaBase);
				out.segments.push({ type: 'file', name: str(data.name) || str(data.file) || 'file', ...(url ? { url } : {}) });
				break;
			}
			case 'json':
			case 'xml': {
				const value = data.data;
				out.segments.push({ type, data: typeof value === 'string' ? value : JSON.stringify(value ?? null) });
				break;
			}
			case 'markdown':
				out.segments.push({ type: 'markdown', text: str(data.content) || str(data.text) });
				break;
			case 'forward': {
				const nodes = ctx.world.state.forwards[str(data.id)];
				out.segments.push(nodes ? { type: 'forward', nodes } : { type: 'raw', kind: type, data });
				break;
			}
			default:
				out.segments.push({ type: 'raw', kind: type, data });
		}
	}
	return out;
}

/** `node` segments (custom nodes or references to stored messages) → forward nodes. */
export function forwardNodes(nodes: readonly OneBotSegment[], ctx: SegmentContext): ForwardNode[] {
	const out: ForwardNode[] = [];
	for (const node of nodes) {
		if (node.type !== 'node') continue;
		const d = node.data;
		const ref = str(d.id);
		if (ref && d.content === undefined) {
			const stored = ctx.world.findMessage(ref);
			if (stored) out.push({ name: stored.from.name, userId: stored.from.userId, segments: stored.segments });
			continue;
		}
		const userId = str(d.user_id) || str(d.uin) || ctx.world.onebotSelf.id;
		const name = str(d.nickname) || str(d.name) || ctx.world.nameOf('onebot', userId, ctx.chatId);
		let content: OneBotSegment[] = [];
		if (typeof d.content === 'string') content = parseCQString(d.content);
		else if (Array.isArray(d.content)) content = d.content as OneBotSegment[];
		else if (d.content && typeof d.content === 'object') content = [d.content as OneBotSegment];
		out.push({ name, userId, segments: fromOneBot(content, ctx).segments });
	}
	return out;
}

/**
 * Typed text (CQ codes allowed) → OneBot segments, "@Name" → at segments for the chat's members
 * (longest name first; "@all" / "@全体成员" → @all).
 */
export function typedTextToOneBot(text: string, world: World, chatId: string): OneBotSegment[] {
	const chat = world.chat(chatId);
	const names: Array<{ name: string; userId: string }> = [{ name: world.onebotSelf.name, userId: world.onebotSelf.id }];
	for (const m of chat?.members ?? []) {
		names.push({ name: m.name, userId: m.userId });
		if (m.card) names.push({ name: m.card, userId: m.userId });
	}
	if (chat?.kind === 'group') names.push({ name: 'all', userId: 'all' }, { name: '全体成员', userId: 'all' });
	names.sort((a, b) => b.name.length - a.name.length);
	const out: OneBotSegment[] = [];
	for (const segment of parseCQString(text)) {
		if (segment.type !== 'text') {
			out.push(segment);
			continue;
		}
		out.push(...splitMentions(String(segment.data.text ?? ''), names).map((p) =>
			typeof p === 'string' ? { type: 'text', data: { text: p } } : { type: 'at', data: { qq: p.userId } },
		));
	}
	return out;
}

/** Splits text at "@Name" for the given names; returns text pieces and mentions. */
export function splitMentions(
	text: string,
	names: ReadonlyArray<{ name: string; userId: string }>,
): Array<string | { userId: string; name: string }> {
	const out: Array<string | { userId: string; name: string }> = [];
	let buffer = '';
	let i = 0;
	while (i < text.length) {
		if (text[i] === '@') {
			const rest = text.slice(i + 1);
			const hit = names.find((n) => n.name !== '' && rest.toLowerCase().startsWith(n.name.toLowerCase()));
			if (hit) {
				if (buffer) out.push(buffer);
				buffer = '';
				out.push({ userId: hit.userId, name: hit.name });
				i += 1 + hit.name.length;
				continue;
			}
		}
		buffer += text[i];
		i++;
	}
	if (buffer) out.push(buffer);
	return out;
}

export { toCQString };
