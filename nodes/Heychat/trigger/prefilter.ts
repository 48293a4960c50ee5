import { FrameScanner, scannedString } from '../../shared/trigger/rawScan';
import { ALL_EVENTS, KNOWN_EVENT_TYPES } from './events';
import type { HeychatFilterConfig } from './filters';

/**
 * Drops, from a gateway frame's bytes, events of a `type` the trigger does not select, so that they
 * cost less than JSON.parse (FrameScanner reads the top-level `type`). It only says "drop" when the
 * full path (parse, envelope check, HeychatEventFilter) would not emit the frame either, and
 * "parse" whenever unsure (test/trigger/prefilter.test.ts). A frame of a selected type is kept
 * after a short look at its second key; the exact read, which walks the whole frame (`type` also
 * occurs inside `data`, so a later duplicate must be ruled out), only runs before a drop. A frame
 * it drops is not checked for being valid JSON (no "skipped a frame" warning for a broken one),
 * and no debug line names the reason.
 *
 * Not done from the bytes: the command, room and channel lists. Their fields sit deep in `data`,
 * and reading them exactly in JavaScript cost about as much as JSON.parse of the whole frame
 * (measured: 0.8–1.1× the parse for a dropped frame, and 0.3–0.8× of it on top for a kept one).
 */
export class HeychatPrefilter {
	private readonly scanner = new FrameScanner({ type: true });

	private constructor(private readonly config: HeychatFilterConfig) {}

	/** The prefilter for a configuration, or undefined when it selects every type. */
	static for(config: HeychatFilterConfig): HeychatPrefilter | undefined {
		return config.eventTypes.has(ALL_EVENTS) ? undefined : new HeychatPrefilter(config);
	}

	/** True when the frame (a gateway text frame as received, PONG already taken out) would not be emitted. */
	drops(frame: Buffer): boolean {
		// the common case first: a frame of a selected type is kept after a short look
		const first = scannedString(this.scanner.peek(frame, ['type']))?.trim();
		if (first === undefined || first === '' || this.typeSelected(first)) return false;
		const type = scannedString(this.scanner.scan(frame)?.type)?.trim();
		// no type string: the full path reports the frame as not a Heychat event; a frame without a
		// `data` object is not emitted by the full path either
		return type !== undefined && type !== '' && !this.typeSelected(type);
	}

	private typeSelected(type: string): boolean {
		const types = this.config.eventTypes;
		return types.size > 0 ? types.has(type) : KNOWN_EVENT_TYPES.has(type);
	}
}
