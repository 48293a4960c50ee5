import { FrameScanner, scannedString } from '../../shared/trigger/rawScan';
import { ALL_EVENTS, KNOWN_EVENT_TYPES } from './events';
import type { HeychatFilterConfig } from './filters';

/**
 * Drops, from a gateway frame's bytes, events the filters would drop anyway, so that they cost
 * less than JSON.parse. It only says "drop" when the full path (parse, envelope check,
 * HeychatEventFilter) would not emit the frame either, and "parse" whenever unsure
 * (test/trigger/prefilter.test.ts). A frame it drops is not checked for being valid JSON (no
 * "skipped a frame" warning for a broken one), and no debug line names the reason.
 *
 * - Event type: FrameScanner reads the top-level `type`. A frame of a selected type is kept after a
 *   short look at its second key; the exact read, which walks the whole frame (`type` also occurs
 *   inside `data`, so a later duplicate must be ruled out), only runs before a drop.
 * - Room and channel lists: the ids are digit strings, and a frame whose id matches one contains
 *   that id as text, unless a value is written with a `\u` escape or as a number with a fraction or
 *   an exponent (`1e3` is room 1000). So a frame with neither, that contains none of the listed ids
 *   anywhere, cannot match. (Reading the nested id fields exactly cost about as much as the parse.)
 * - Command list, when the trigger listens to bot commands only (type 50, so the list applies to
 *   every frame that passes the type check): normaliseCommand(name) equals a listed name only when
 *   the name's text holds that name up to ASCII case, for listed names of printable ASCII without
 *   `"`, `\` and `/` (characters JSON may escape) and a frame without `\u` escapes. The one
 *   non-ASCII character that lower-cases to ASCII is the Kelvin sign (to "k"): a frame holding
 *   one is parsed when a listed name has a "k".
 */
export class HeychatPrefilter {
	private readonly scanner = new FrameScanner({ type: true });
	/** Whether the type selection drops any type. */
	private readonly typeFiltered: boolean;
	/** Room ids, channel ids: each a list that must be mentioned (as bytes). */
	private readonly idLists: Buffer[][] = [];
	/** Listed command names (normalised, printable ASCII), when the command list can be read from the bytes. */
	private readonly commands: readonly string[] | undefined;
	private readonly commandBytes: readonly Buffer[] = [];
	private readonly commandHasK: boolean = false;
	/** The selected event types as bytes (none when the selection is the known types). */
	private readonly selectedTypeBytes: readonly Buffer[];

	private constructor(private readonly config: HeychatFilterConfig) {
		this.typeFiltered = !config.eventTypes.has(ALL_EVENTS);
		this.selectedTypeBytes = [...config.eventTypes].filter((type) => !type.includes('\\')).map((type) => Buffer.from(type, 'utf8'));
		for (const ids of [config.roomIds, config.channelIds]) {
			if (ids.size > 0 && [...ids].every((id) => /^\d+$/.test(id))) this.idLists.push([...ids].map((id) => Buffer.from(id)));
		}
		const names = [...config.commandNames];
		const commandsOnly = config.eventTypes.size === 1 && config.eventTypes.has('50');
		if (commandsOnly && names.length > 0 && names.every((n) => PLAIN_COMMAND.test(n) && n === n.toLowerCase())) {
			this.commands = names;
			this.commandBytes = names.map((n) => Buffer.from(n));
			this.commandHasK = names.some((n) => n.includes('k'));
		}
	}

	/** The prefilter for a configuration, or undefined when it would never drop a frame. */
	static for(config: HeychatFilterConfig): HeychatPrefilter | undefined {
		const prefilter = new HeychatPrefilter(config);
		return prefilter.typeFiltered || prefilter.idLists.length > 0 || prefilter.commands ? prefilter : undefined;
	}

	/** True when the frame (a gateway text frame as received, PONG already taken out) would not be emitted. */
	drops(frame: Buffer): boolean {
		if (this.typeFiltered && this.typeDrops(frame)) return true;
		if (this.idLists.length === 0 && !this.commands) return false;
		return this.listsDrop(frame);
	}

	private typeDrops(frame: Buffer): boolean {
		// the common case first: a frame of a selected type is kept after a short look (its bytes
		// compared with the selected types', then its text)
		if (this.selectedTypeBytes.length > 0 && this.scanner.peekIs(frame, TYPE_PATH, this.selectedTypeBytes)) return false;
		const first = scannedString(this.scanner.peek(frame, TYPE_PATH))?.trim();
		if (first === undefined || first === '' || this.typeSelected(first)) return false;
		const type = scannedString(this.scanner.scan(frame)?.type)?.trim();
		// no type string: the full path reports the frame as not a Heychat event; a frame without a
		// `data` object is not emitted by the full path either
		return type !== undefined && type !== '' && !this.typeSelected(type);
	}

	private listsDrop(frame: Buffer): boolean {
		if (frame.indexOf(UNICODE_ESCAPE) !== -1) return false;
		let text: string | undefined;
		for (const ids of this.idLists) {
			if (ids.some((id) => frame.indexOf(id) !== -1)) continue;
			text ??= frame.toString('latin1');
			if (!NON_INTEGER_NUMBER.test(text)) return true;
		}
		const commands = this.commands;
		if (commands) {
			// as sent (the usual case: lower case) first, then up to ASCII case
			if (this.commandBytes.some((n) => frame.indexOf(n) !== -1)) return false;
			// latin1 keeps one character per byte; no latin1 character lower-cases to ASCII but ASCII
			const lower = (text ?? frame.toString('latin1')).toLowerCase();
			if (commands.some((n) => lower.includes(n))) return false;
			return !(this.commandHasK && frame.indexOf(KELVIN_SIGN) !== -1);
		}
		return false;
	}

	private typeSelected(type: string): boolean {
		const types = this.config.eventTypes;
		return types.size > 0 ? types.has(type) : KNOWN_EVENT_TYPES.has(type);
	}
}

const TYPE_PATH = ['type'];
const UNICODE_ESCAPE = Buffer.from('\\u');
const KELVIN_SIGN = Buffer.from('\u212A');
/**
 * A JSON number with a fraction or an exponent (its text is not its integer value). A number value
 * follows `:`, `,` or `[` (and white space); the same text inside a string only costs a parse.
 */
const NON_INTEGER_NUMBER = /[:,[]\s*-?\d+[.eE]/;
/** Printable ASCII without the characters JSON may write escaped (`"`, `\`, `/`). */
const PLAIN_COMMAND = /^[\x20-\x21\x23-\x2e\x30-\x5b\x5d-\x7e]+$/;
