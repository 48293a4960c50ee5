import { KeywordScan, textKeyCount } from '../../shared/trigger/keywordScan';
import { FrameScanner, hasUnicodeEscape, NOT_STRING, scannedString, type ScanResult, type ScanSchema } from '../../shared/trigger/rawScan';
import { RegexScan } from '../../shared/trigger/regexScan';
import { detailKeyFor, EVENT_POST_TYPES, eventTypeMatcher } from './eventTypes';
import { idMatcher, type FilterConfig } from './filters';

/** The post types a selection must keep whole for the type shortcut to have nothing to drop. */
const USUAL_POST_TYPES = ['message', 'message_sent', 'notice', 'request'];

/** One id filter: the top-level key it reads and whether a value (as JSON.parse gives it) keeps the event. */
interface IdCheck {
	key: 'self_id' | 'group_id' | 'user_id';
	keeps: (value: unknown) => boolean;
}

/**
 * Drops, from a frame's bytes, events that EventFilter would drop anyway, so that they cost less
 * than JSON.parse: an event type that is not selected (post_type, its detail type and sub_type),
 * a bot / group / user id the id filters refuse (self_id, group_id, user_id), a message in which
 * no keyword can occur (KeywordScan) and one the regular expression cannot match (RegexScan: the
 * literal text every match needs is not in the frame); all read at the top level by FrameScanner. It only
 * ever says "drop" when the full path (parse, shape check, EventFilter) would not emit the event
 * either; whenever it is unsure it says "parse" (test/trigger/prefilter.test.ts holds the
 * adversarial frames). A frame that is kept costs a short look (`peek`); the exact read only runs
 * before a drop. What it cannot keep: a frame it drops is not checked for being valid JSON, so a
 * broken frame is dropped without the "skipped a frame" warning, and no debug line names the
 * reason. Meta events (heartbeat, lifecycle) and frames without a post_type are never dropped here:
 * the listeners read the heartbeat's interval, and report frames that are not events.
 */
export class OneBotPrefilter {
	private readonly typeScanner: FrameScanner;

	private readonly idScanner: FrameScanner;

	private readonly postScanner = new FrameScanner({ post_type: true });

	private readonly messageScanner = new FrameScanner({ message: true });

	private readonly typeSelected: (event: Record<string, unknown>) => boolean;

	private readonly readsDetail: boolean;

	private constructor(
		config: FilterConfig,
		private readonly byType: boolean,
		private readonly idChecks: readonly IdCheck[],
		private readonly keywords: KeywordScan | undefined,
		private readonly regex: RegexScan | undefined,
	) {
		this.typeSelected = eventTypeMatcher(config.eventTypes);
		this.readsDetail = [...config.eventTypes].some((path) => path.includes('.'));
		// post_type alone is found in the first few keys; the detail keys (absent but one) make the
		// scanner read the whole top level, so they are read only when a selected path needs them
		const schema: Record<string, true> = { post_type: true };
		if (this.readsDetail) {
			schema.sub_type = true;
			for (const post of EVENT_POST_TYPES) schema[post.detailKey] = true;
			schema.message_type = true;
		}
		this.typeScanner = new FrameScanner(schema as ScanSchema);
		const idSchema: Record<string, true> = { post_type: true };
		for (const check of idChecks) idSchema[check.key] = true;
		this.idScanner = new FrameScanner(idSchema as ScanSchema);
	}

	/** The prefilter for a configuration, or undefined when none of its shortcuts applies. */
	static for(config: FilterConfig): OneBotPrefilter | undefined {
		// Only a selection that leaves out one of the usual post types can drop anything by type: the
		// default (empty, or the node's message/message_sent/notice/request) drops meta events only,
		// and those are never dropped here.
		const types = config.eventTypes;
		const byType = types.size > 0 && !types.has('*') && USUAL_POST_TYPES.some((post) => !types.has(post));
		const idChecks: IdCheck[] = [];
		const allow = (key: IdCheck['key'], ids: ReadonlySet<string>) => {
			const matches = idMatcher(ids);
			if (ids.size > 0) idChecks.push({ key, keeps: matches });
		};
		const deny = (key: IdCheck['key'], ids: ReadonlySet<string>) => {
			const matches = idMatcher(ids);
			if (ids.size > 0) idChecks.push({ key, keeps: (value) => !matches(value) });
		};
		allow('self_id', config.selfIds);
		allow('group_id', config.groupAllow);
		deny('group_id', config.groupDeny);
		allow('user_id', config.userAllow);
		deny('user_id', config.userDeny);
		const keywords = KeywordScan.for(config.keywords);
		const regex = RegexScan.for(config.regex);
		return byType || idChecks.length > 0 || keywords || regex ? new OneBotPrefilter(config, byType, idChecks, keywords, regex) : undefined;
	}

	/** True when the event in `frame` (a WebSocket text frame as received) would not be emitted. */
	drops(frame: Buffer): boolean {
		if (this.byType && this.typeDrops(frame)) return true;
		if (this.idChecks.length > 0 && this.idDrops(frame)) return true;
		return (this.keywords !== undefined || this.regex !== undefined) && this.textDrops(frame);
	}

	private typeDrops(frame: Buffer): boolean {
		// the common case first: a frame of a selected post type is kept after a short look
		const first = scannedString(this.postScanner.peek(frame, ['post_type']));
		if (first === undefined || this.typeSelected({ post_type: first })) return false;
		const fields = this.typeScanner.scan(frame);
		const post = eventPost(fields);
		if (!fields || post === undefined) return false;
		const view: Record<string, unknown> = { post_type: post };
		if (this.readsDetail) {
			const detailKey = detailKeyFor(post);
			if (!this.typeScanner.reads(detailKey)) return false;
			view[detailKey] = fields[detailKey] === NOT_STRING ? null : fields[detailKey];
			view.sub_type = fields.sub_type === NOT_STRING ? null : fields.sub_type;
		}
		return !this.typeSelected(view);
	}

	private idDrops(frame: Buffer): boolean {
		let kept = true;
		for (const check of this.idChecks) {
			const first = this.postScanner.peek(frame, [check.key]);
			if (first === undefined || !check.keeps(first)) {
				kept = false;
				break;
			}
		}
		if (kept) return false;
		const fields = this.idScanner.scan(frame);
		if (!fields || eventPost(fields) === undefined) return false;
		for (const check of this.idChecks) {
			const value = fields[check.key];
			if (value === NOT_STRING || typeof value === 'object') continue; // not read exactly here
			if (!check.keeps(value)) return true; // absent: undefined, as the filter sees it
		}
		return false;
	}

	private textDrops(frame: Buffer): boolean {
		const first = scannedString(this.postScanner.peek(frame, ['post_type']));
		if (first !== 'message' && first !== 'message_sent') return false;
		// the cheap tests first (a frame with the keyword's characters is kept right away), then what
		// makes them exact: a message event (keywords and the expression apply to those only) whose
		// text stands as is
		const keywordMisses = this.keywords?.cannotMatch(frame) === true;
		if (!keywordMisses && this.regex === undefined) return false;
		if (hasUnicodeEscape(frame)) return false;
		const textKeys = textKeyCount(frame);
		if (textKeys === -1) return false;
		if (!keywordMisses && !this.regexMisses(frame, this.regex!, textKeys)) return false;
		const post = eventPost(this.postScanner.scan(frame));
		return post === 'message' || post === 'message_sent';
	}

	/**
	 * Whether the expression cannot match the frame's text: by its literals' characters, or, when the
	 * text is one piece of the frame, by the literals themselves. One piece: at most one text field
	 * (a literal could be split over two text segments), and no CQ code in the message string (the
	 * text around a code is joined: `de[CQ:face,id=1]ploy` reads "deploy").
	 */
	private regexMisses(frame: Buffer, regex: RegexScan, textKeys: number): boolean {
		if (regex.cannotMatch(frame, false)) return true;
		if (textKeys > 1) return false;
		const whole = frame.indexOf(CQ_CODE) === -1 || this.messageScanner.scan(frame)?.message === NOT_STRING;
		return whole && regex.cannotMatch(frame, true);
	}
}

const CQ_CODE = Buffer.from('[CQ:', 'latin1');

/** The event's post_type when it is an event this prefilter may drop: a non-empty string, not a meta event. */
function eventPost(fields: ScanResult | undefined): string | undefined {
	const post = scannedString(fields?.post_type);
	return post === undefined || post === '' || post === 'meta_event' ? undefined : post;
}
