// A tiny virtual-node layer: the page's rendering code builds plain objects ({tag, attrs, children}),
// and toDom turns them into real DOM nodes with createElement / setAttribute / createTextNode only.
// Strings are always text: nothing untrusted ever reaches innerHTML. Pure; importable by Node tests.

/** @typedef {{tag: string, attrs: Record<string, string|number|boolean|null|undefined>, children: Array<VNode|string>}} VNode */

/**
 * Builds a vnode. Children may be vnodes, strings, numbers, arrays (flattened), or null/false/undefined (skipped).
 * @returns {VNode}
 */
export function h(tag, attrs, ...children) {
	return { tag, attrs: attrs ?? {}, children: flatten(children) };
}

function flatten(children, out = []) {
	for (const child of children) {
		if (child === null || child === undefined || child === false || child === true) continue;
		if (Array.isArray(child)) flatten(child, out);
		else if (typeof child === 'number') out.push(String(child));
		else out.push(child);
	}
	return out;
}

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const MEDIA_PROTOCOLS = new Set(['http:', 'https:', 'blob:']);
const DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]+$/i;

/**
 * Returns the URL when it is safe to put in an href ("link") or a src ("media"), otherwise undefined.
 * Relative URLs (served by the sandbox) are allowed; javascript:, vbscript:, data: (except images) are not.
 */
export function safeUrl(url, kind = 'link') {
	if (typeof url !== 'string') return undefined;
	const trimmed = url.trim();
	if (trimmed === '' || /[\u0000-\u001f]/.test(trimmed)) return undefined;
	if (kind === 'media' && DATA_IMAGE.test(trimmed)) return trimmed;
	let parsed;
	try {
		parsed = new URL(trimmed, 'http://sandbox.invalid/');
	} catch {
		return undefined;
	}
	const allowed = kind === 'media' ? MEDIA_PROTOCOLS : LINK_PROTOCOLS;
	return allowed.has(parsed.protocol) ? trimmed : undefined;
}

const ALLOWED_ATTRS = new Set([
	'class', 'href', 'src', 'alt', 'title', 'target', 'rel', 'loading', 'open', 'type', 'disabled', 'role',
	'tabindex', 'datetime', 'aria-label', 'aria-hidden', 'aria-expanded', 'colspan', 'value', 'name', 'for',
	'id', 'placeholder', 'autocomplete', 'start',
]);
const ALLOWED_TAGS = new Set([
	'div', 'span', 'p', 'a', 'img', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr',
	'br', 'details', 'summary', 'button', 'time', 'section', 'header', 'article', 'small', 'h1', 'h2', 'h3',
	'h4', 'h5', 'h6', 'table', 'tbody', 'tr', 'td', 'th', 'label', 'input', 'select', 'option', 'form', 'textarea',
]);

/** Whether an attribute name may be set by toDom (data-* and a fixed list; never on* handlers or style). */
export function allowedAttribute(name) {
	return ALLOWED_ATTRS.has(name) || /^data-[a-z0-9-]+$/.test(name);
}

/**
 * Turns a vnode (or string) into a DOM node of `doc`. Unknown tags become <span>, unknown attributes are
 * dropped, href/src are re-checked with safeUrl.
 */
export function toDom(node, doc) {
	if (typeof node === 'string') return doc.createTextNode(node);
	const tag = ALLOWED_TAGS.has(node.tag) ? node.tag : 'span';
	const el = doc.createElement(tag);
	for (const [name, value] of Object.entries(node.attrs)) {
		if (value === null || value === undefined || value === false) continue;
		if (!allowedAttribute(name)) continue;
		let text = value === true ? '' : String(value);
		if (name === 'href' || name === 'src') {
			const safe = safeUrl(text, name === 'src' ? 'media' : 'link');
			if (safe === undefined) continue;
			text = safe;
		}
		el.setAttribute(name, text);
	}
	for (const child of node.children) el.appendChild(toDom(child, doc));
	return el;
}

/** The text content of a vnode tree (for tests and snippets). */
export function textOf(node) {
	if (typeof node === 'string') return node;
	if (node.tag === 'br') return '\n';
	return node.children.map(textOf).join('');
}

/** Depth-first search of a vnode tree. */
export function findAll(node, predicate, out = []) {
	if (typeof node === 'string') return out;
	if (predicate(node)) out.push(node);
	for (const child of node.children) findAll(child, predicate, out);
	return out;
}
