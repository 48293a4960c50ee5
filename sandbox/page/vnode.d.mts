// Types for vnode.mjs (the page is plain JS; Node tests import it through these declarations).
export type Child = VNode | string;
export interface VNode {
	tag: string;
	attrs: Record<string, string | number | boolean | null | undefined>;
	children: Child[];
}
export function h(tag: string, attrs?: VNode['attrs'] | null, ...children: unknown[]): VNode;
export function safeUrl(url: unknown, kind?: 'link' | 'media'): string | undefined;
export function allowedAttribute(name: string): boolean;
/** A document-like object: what toDom needs from `document`. */
export interface DocLike<N> {
	createElement(tag: string): N & { setAttribute(name: string, value: string): void; appendChild(child: N): unknown };
	createTextNode(text: string): N;
}
export function toDom<N>(node: Child, doc: DocLike<N>): N;
export function textOf(node: Child): string;
export function findAll(node: Child, predicate: (node: VNode) => boolean, out?: VNode[]): VNode[];
