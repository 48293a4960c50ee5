import { FrameScanner, NOT_STRING, scannedObject, scannedString, type ScanResult, type ScanSchema } from '../../shared/trigger/rawScan';
import { ALL_EVENTS, idText, KNOWN_EVENT_TYPES } from './events';
import { normaliseCommand, type HeychatFilterConfig } from './filters';

/** An id read from the frame: `known` false when the scanner could not read it exactly. */
interface ScannedId {
	known: boolean;
	id?: string;
}

const UNKNOWN_ID: ScannedId = { known: false };

/**
 * `idText(child(data, nested)?.[key]) ?? idText(data[key])`, as roomIdOf / channelIdOf read it,
 * from scanned fields.
 */
function scannedId(data: ScanResult, nested: string, key: string): ScannedId {
	const child = scannedObject(data[nested]);
	if (child) {
		const inner = readId(child[key]);
		if (!inner.known || inner.id !== undefined) return inner;
	}
	return readId(data[key]);
}

function readId(value: ScanResult[string] | undefined): ScannedId {
	return value === NOT_STRING || typeof value === 'object' ? UNKNOWN_ID : { known: true, id: idText(value) };
}

/**
 * Drops, from a gateway frame's bytes, events that HeychatEventFilter would drop anyway, so that
 * they cost less than JSON.parse: a `type` that is not selected, a bot command whose name is not in
 * the command list, a room or channel not in the lists (`type`, `data.command_info.name`,
 * `data.room_base_info.room_id` / `data.room_id`, `data.channel_base_info.channel_id` /
 * `data.channel_id`, read by FrameScanner at their exact places). It only says "drop" when the full
 * path (parse, envelope check, the filter) would not emit the frame either, and "parse" whenever
 * unsure (test/trigger/prefilter.test.ts). A frame that is kept costs a short look (`peek`); the
 * exact read, which walks the frame, only runs before a drop. A frame it drops is not checked for
 * being valid JSON (no "skipped a frame" warning for a broken one), and no debug line names the
 * reason.
 */
export class HeychatPrefilter {
	private readonly typeScanner = new FrameScanner({ type: true });

	private readonly dataScanner: FrameScanner;

	private constructor(
		private readonly config: HeychatFilterConfig,
		private readonly byType: boolean,
		private readonly byCommand: boolean,
		private readonly byRoom: boolean,
		private readonly byChannel: boolean,
	) {
		const data: Record<string, true | ScanSchema> = {};
		if (byCommand) data.command_info = { name: true };
		if (byRoom) Object.assign(data, { room_base_info: { room_id: true }, room_id: true });
		if (byChannel) Object.assign(data, { channel_base_info: { channel_id: true }, channel_id: true });
		this.dataScanner = new FrameScanner({ type: true, data });
	}

	/** The prefilter for a configuration, or undefined when none of its shortcuts applies. */
	static for(config: HeychatFilterConfig): HeychatPrefilter | undefined {
		const byType = !config.eventTypes.has(ALL_EVENTS);
		const byCommand = config.commandNames.size > 0;
		const byRoom = config.roomIds.size > 0;
		const byChannel = config.channelIds.size > 0;
		return byType || byCommand || byRoom || byChannel ? new HeychatPrefilter(config, byType, byCommand, byRoom, byChannel) : undefined;
	}

	/** True when the frame (a gateway text frame as received, PONG already taken out) would not be emitted. */
	drops(frame: Buffer): boolean {
		if (this.byType && this.typeDrops(frame)) return true;
		if (!this.byCommand && !this.byRoom && !this.byChannel) return false;
		if (this.looksKept(frame)) return false;
		const fields = this.dataScanner.scan(frame);
		const type = scannedString(fields?.type)?.trim();
		const data = scannedObject(fields?.data);
		// no type string or no data object: the full path reports the frame as not a Heychat event
		if (type === undefined || type === '' || !data) return false;
		if (this.byType && !this.typeSelected(type)) return true;
		if (this.byCommand && type === '50' && this.commandDrops(data)) return true;
		const c = this.config;
		if (this.byRoom) {
			const room = scannedId(data, 'room_base_info', 'room_id');
			if (room.known && (room.id === undefined || !c.roomIds.has(room.id))) return true;
		}
		if (this.byChannel) {
			const channel = scannedId(data, 'channel_base_info', 'channel_id');
			if (channel.known && (channel.id === undefined || !c.channelIds.has(channel.id))) return true;
		}
		return false;
	}

	private typeSelected(type: string): boolean {
		const types = this.config.eventTypes;
		return types.size > 0 ? types.has(type) : KNOWN_EVENT_TYPES.has(type);
	}

	private typeDrops(frame: Buffer): boolean {
		// a frame of a selected type is kept after a short look (reading `type` exactly means
		// walking all of `data`, to rule out a later duplicate key)
		const first = scannedString(this.typeScanner.peek(frame, ['type']))?.trim();
		if (first === undefined || first === '' || this.typeSelected(first)) return false;
		const type = scannedString(this.typeScanner.scan(frame)?.type)?.trim();
		// (a frame without a `data` object is not emitted by the full path either)
		return type !== undefined && type !== '' && !this.typeSelected(type);
	}

	/** A short look: whether the first command name, room and channel found all pass their lists. */
	private looksKept(frame: Buffer): boolean {
		const c = this.config;
		const scanner = this.typeScanner;
		if (this.byCommand && scannedString(scanner.peek(frame, ['type']))?.trim() === '50') {
			const name = scannedString(scanner.peek(frame, ['data', 'command_info', 'name']));
			if (name === undefined || !c.commandNames.has(normaliseCommand(name))) return false;
		}
		if (this.byRoom) {
			const room = idText(scanner.peek(frame, ['data', 'room_base_info', 'room_id']) ?? scanner.peek(frame, ['data', 'room_id']));
			if (room === undefined || !c.roomIds.has(room)) return false;
		}
		if (this.byChannel) {
			const channel = idText(scanner.peek(frame, ['data', 'channel_base_info', 'channel_id']) ?? scanner.peek(frame, ['data', 'channel_id']));
			if (channel === undefined || !c.channelIds.has(channel)) return false;
		}
		return true;
	}

	private commandDrops(data: ScanResult): boolean {
		const names = this.config.commandNames;
		const info = data.command_info;
		if (info === undefined || typeof info !== 'object') return !names.has(''); // no command_info object: no name
		if (!('name' in info)) return !names.has('');
		const name = scannedString(info.name);
		if (name === undefined) return false; // a number or boolean is turned into text by the full path
		return !names.has(normaliseCommand(name));
	}
}
