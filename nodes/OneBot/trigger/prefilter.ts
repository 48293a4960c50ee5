import { KeywordScan, textStandsAsIs } from '../../shared/trigger/keywordScan';
import { FrameScanner, NOT_STRING, scannedString, type ScanSchema } from '../../shared/trigger/rawScan';
import { detailKeyFor, EVENT_POST_TYPES, eventTypeMatcher } from './eventTypes';
import type { FilterConfig } from './filters';

/**
 * Drops, from a frame's bytes, events that EventFilter would drop anyway, so that they cost less
 * than JSON.parse: an event type that is not selected (post_type, its detail type and sub_type read
 * at the top level by FrameScanner), and a message in which no keyword can occur (KeywordScan).
 * It only ever says "drop" when the full path (parse, shape check, EventFilter) would not emit the
 * event either; whenever it is unsure it says "parse" (test/trigger/prefilter.test.ts holds the
 * adversarial frames). What it cannot keep: a frame it drops is not checked for being valid JSON,
 * so a broken frame of an unselected type is dropped without the "skipped a frame" warning, and the
 * debug line of a drop names the first reason of these two, not of the fixed filter order.
 * Meta events (heartbeat, lifecycle) are never dropped here: the listeners read their interval.
 */
const USUAL_POST_TYPES = ['message', 'message_sent', 'notice', 'request'];

export class OneBotPrefilter {
	private readonly scanner: FrameScanner;

	private readonly typeSelected: (event: Record<string, unknown>) => boolean;

	private readonly readsDetail: boolean;

	private constructor(
		private readonly byType: boolean,
		private readonly keywords: KeywordScan | undefined,
		config: FilterConfig,
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
		this.scanner = new FrameScanner(schema as ScanSchema);
	}

	/** The prefilter for a configuration, or undefined when none of its shortcuts applies. */
	static for(config: FilterConfig): OneBotPrefilter | undefined {
		// Only a selection that leaves out one of the usual post types can drop anything here: the
		// default (empty, or the node's message/message_sent/notice/request) drops meta events
		// only, and those are never dropped here.
		const types = config.eventTypes;
		const byType = types.size > 0 && !types.has('*') && USUAL_POST_TYPES.some((post) => !types.has(post));
		const keywords = KeywordScan.for(config.keywords);
		return byType || keywords ? new OneBotPrefilter(byType, keywords, config) : undefined;
	}

	/** True when the event in `frame` (a WebSocket text frame as received) would not be emitted. */
	drops(frame: Buffer): boolean {
		if (!this.keywords) {
			// the common case first: a frame of a selected post type is kept after a short look
			const first = this.scanner.peek(frame, 'post_type');
			if (first === undefined || this.typeSelected({ post_type: first })) return false;
		}
		const fields = this.scanner.scan(frame);
		if (!fields) return false;
		const post = scannedString(fields.post_type);
		// no post_type string: an API answer or a malformed frame; the full path ignores or reports it
		if (post === undefined || post === '' || post === 'meta_event') return false;
		if (this.byType) {
			const view: Record<string, unknown> = { post_type: post };
			if (this.readsDetail) {
				const detailKey = detailKeyFor(post);
				if (!(detailKey in fields) && !this.scannerReads(detailKey)) return false;
				view[detailKey] = fields[detailKey] === NOT_STRING ? null : fields[detailKey];
				view.sub_type = fields.sub_type === NOT_STRING ? null : fields.sub_type;
			}
			if (!this.typeSelected(view)) return true;
		}
		if (this.keywords && (post === 'message' || post === 'message_sent') && textStandsAsIs(frame)) {
			return this.keywords.cannotMatch(frame);
		}
		return false;
	}

	private scannerReads(key: string): boolean {
		return key === 'message_type' || key === 'sub_type' || EVENT_POST_TYPES.some((p) => p.detailKey === key);
	}
}
