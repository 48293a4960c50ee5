/** The last text escaped and its escaped form. */
let lastText: string | undefined;
let lastEscaped = '';

/**
 * Heychat's current docs list markdown (msg_type 4) as the message type for text; the older plain
 * text type 1 is no longer documented. A "Text" message is therefore sent as markdown with the
 * characters that would format it backslash-escaped, so it shows as typed. Mention tokens
 * (@{id:…}, #{id:…}, @{all}, @{here}) too: a text taken from elsewhere (a bridged chat, a form)
 * that holds `@{all}` shows it and notifies no one; mentions are the Markdown With Mentions type's.
 */
export function escapeMarkdown(text: string): string {
	// the same text item after item (a fixed Text field) is escaped once
	if (text === lastText) return lastEscaped;
	lastEscaped = escapeText(text);
	lastText = text;
	return lastEscaped;
}

function escapeText(text: string): string {
	return text
		.replace(/([\\`*_~[\]<|])/g, '\\$1')
		// @{…} and #{…}: the brace escaped, so no mention token is left
		.replace(/([@#])\{/g, '$1\\{')
		.replace(/^(\s{0,3})(#{1,6}|>|[-+=]|\d+[.)])(?=\s|$)/gm, (_match, indent: string, mark: string) =>
			/^\d/.test(mark) ? `${indent}${mark.slice(0, -1)}\\${mark.slice(-1)}` : `${indent}\\${mark}`,
		);
}
