import { FrameScanner, scannedObject, scannedString } from '../../shared/trigger/rawScan';
import { ALL_EVENTS, KNOWN_EVENT_TYPES } from './events';
import { normaliseCommand, type HeychatFilterConfig } from './filters';

/**
 * Drops, from a gateway frame's bytes, events that HeychatEventFilter would drop anyway, so that
 * they cost less than JSON.parse: a `type` that is not selected, and a bot command whose name is
 * not in the command list (`type`, `data.command_info.name` read by FrameScanner at their exact
 * places). It only says "drop" when the full path (parse, envelope check, the filter) would not
 * emit the frame either, and "parse" whenever unsure (test/trigger/prefilter.test.ts). A frame it
 * drops is not checked for being valid JSON (no "skipped a frame" warning for a broken frame of an
 * unselected type), and no debug line names the reason.
 */
export class HeychatPrefilter {
	private readonly scanner: FrameScanner;

	private constructor(
		private readonly config: HeychatFilterConfig,
		private readonly byType: boolean,
		private readonly byCommand: boolean,
	) {
		// `type` is the second key of a frame; reading `data` means walking it, so only a command list reads it
		this.scanner = new FrameScanner(byCommand ? { type: true, data: { command_info: { name: true } } } : { type: true });
	}

	/** The prefilter for a configuration, or undefined when none of its shortcuts applies. */
	static for(config: HeychatFilterConfig): HeychatPrefilter | undefined {
		const byType = !config.eventTypes.has(ALL_EVENTS);
		const byCommand = config.commandNames.size > 0;
		return byType || byCommand ? new HeychatPrefilter(config, byType, byCommand) : undefined;
	}

	private typeSelected(type: string): boolean {
		const types = this.config.eventTypes;
		return types.size > 0 ? types.has(type) : KNOWN_EVENT_TYPES.has(type);
	}

	/** True when the frame (a gateway text frame as received, PONG already taken out) would not be emitted. */
	drops(frame: Buffer): boolean {
		if (!this.byCommand) {
			// the common case first: a frame of a selected type is kept after a short look (reading
			// `type` exactly means walking all of `data`, to rule out a later duplicate key)
			const first = this.scanner.peek(frame, 'type')?.trim();
			if (first === undefined || first === '' || this.typeSelected(first)) return false;
		}
		const fields = this.scanner.scan(frame);
		if (!fields) return false;
		const sent = scannedString(fields.type);
		const type = sent?.trim();
		// no type string: the full path reports the frame as not a Heychat event
		if (type === undefined || type === '') return false;
		// (a frame without a `data` object is not emitted by the full path either)
		if (this.byType && !this.typeSelected(type)) return true;
		const data = scannedObject(fields.data);
		if (!data) return false;
		if (this.byCommand && type === '50') {
			const info = data.command_info;
			if (info === undefined || typeof info !== 'object') return !this.config.commandNames.has(''); // no command_info object: no name
			if (!('name' in info)) return !this.config.commandNames.has('');
			const name = scannedString(info.name);
			if (name === undefined) return false; // a number or boolean is turned into text by the full path
			return !this.config.commandNames.has(normaliseCommand(name));
		}
		return false;
	}
}
