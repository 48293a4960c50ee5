import { parseJsonLossless, parseJsonLosslessFrame } from '../json';
import { redact } from '../redact';

/** The part of n8n's `this.logger` the connection pieces use. */
export interface ConnectionLogger {
	debug(message: string, metadata?: Record<string, unknown>): void;
	info(message: string, metadata?: Record<string, unknown>): void;
	warn(message: string, metadata?: Record<string, unknown>): void;
	error(message: string, metadata?: Record<string, unknown>): void;
}

/** Raw frame data as the `ws` library or an HTTP body hands it over. */
export type RawFrame = string | Buffer | ArrayBuffer | Buffer[];

/** Default bound for one event frame (a message event with a long forward list still fits). */
export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * The largest frame a trigger's socket reads: `floorBytes` (16 MiB), or Max Event Size when that is
 * set higher, so the option means what it says. A bigger frame is not read: the socket ends the
 * connection, which is opened again (a smaller one over Max Event Size is skipped with a warning).
 */
export function frameReadLimit(maxEventBytes: number, floorBytes: number): number {
	return Math.max(floorBytes, maxEventBytes);
}

export type FrameCheck<T> =
	/** The frame is what we want. */
	| { kind: 'accept'; value: T }
	/** A valid frame we do not handle (e.g. an API answer on a universal connection): dropped silently. */
	| { kind: 'ignore' }
	/** An unknown shape: dropped with a warning. */
	| { kind: 'reject'; reason: string };

export interface FrameGuardOptions<T> {
	/** Frames larger than this are skipped (bytes). */
	maxBytes: number;
	/** Shape check on the parsed JSON value. */
	check: (value: unknown) => FrameCheck<T>;
	logger: ConnectionLogger;
	/** Where frames come from, for the warning (a URL or a peer, never with a token). */
	source: string;
	/** Secrets to strip from the preview in warnings. */
	secrets?: Array<string | undefined>;
	/**
	 * True for a frame whose event would not be emitted anyway, recognised from its bytes (the
	 * triggers' prefilter.ts): dropped before it is parsed, without a warning.
	 */
	prefilter?: (frame: Buffer) => boolean;
}

/** A raw frame's size in bytes (a string counts as its UTF-8 bytes). */
export function frameBytes(data: RawFrame): number {
	if (typeof data === 'string') return Buffer.byteLength(data, 'utf8');
	if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
	return data.byteLength;
}

/** A raw frame as UTF-8 text. */
export function frameText(data: RawFrame): string {
	if (typeof data === 'string') return data;
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	if (Buffer.isBuffer(data)) return data.toString(); // UTF-8; without arguments Node skips the encoding lookup
	return Buffer.from(data).toString('utf8');
}

const PREVIEW_CHARS = 120;

/**
 * Turns raw frames into checked values. Anything wrong (too large, not JSON, truncated, an unknown
 * shape) is skipped with one warning through n8n's logger and never throws, so one bad frame
 * cannot take the trigger down.
 */
export class FrameGuard<T> {
	/** Frames skipped so far (for diagnostics and tests). */
	skipped = 0;

	constructor(private readonly options: FrameGuardOptions<T>) {}

	accept(data: RawFrame): T | undefined {
		let text: string;
		let bytes: Buffer | undefined;
		if (Buffer.isBuffer(data)) {
			// what `ws` hands over for every frame: the fast path
			if (data.length > this.options.maxBytes) return this.tooLarge(data.length);
			if (this.options.prefilter?.(data)) return undefined;
			text = data.toString();
			bytes = data;
		} else {
			const size = frameBytes(data);
			if (size > this.options.maxBytes) return this.tooLarge(size);
			text = frameText(data);
		}
		let value: unknown;
		try {
			// from bytes, the scan for big integers reads the bytes (cheaper than the text's characters)
			value = bytes ? parseJsonLosslessFrame(bytes, text) : parseJsonLossless(text);
		} catch (error) {
			return this.skip(`it is not valid JSON (${(error as Error).message})`, text);
		}
		let result: FrameCheck<T>;
		try {
			result = this.options.check(value);
		} catch (error) {
			return this.skip(`its shape could not be checked (${(error as Error).message})`, text);
		}
		if (result.kind === 'accept') return result.value;
		if (result.kind === 'ignore') return undefined;
		return this.skip(result.reason, text);
	}

	private tooLarge(size: number): undefined {
		return this.skip(`it is ${size} bytes, over the ${this.options.maxBytes}-byte limit`);
	}

	private skip(reason: string, text?: string): undefined {
		this.skipped++;
		let message = `Skipped a frame from ${this.options.source}: ${reason}`;
		if (text !== undefined) {
			const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
			message += ` — ${JSON.stringify(preview)}`;
		}
		this.options.logger.warn(redact(message, this.options.secrets ?? []));
		return undefined;
	}
}
