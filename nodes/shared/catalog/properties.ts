import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Catalog, OperationSpec, ParamSpec } from './types';

/** How a `ParamSpec.locator` becomes a resourceLocator. */
export interface LocatorSpec {
	/** The node's `methods.listSearch` method that lists the entries. */
	searchListMethod: string;
	/** e.g. "group" → "Select a group..." */
	noun: string;
	/** Regex the By-ID value must match, and the message when it does not. */
	idRegex: string;
	idError: string;
	idPlaceholder: string;
}

export interface CatalogPropertyOptions {
	locators: Record<string, LocatorSpec>;
	/**
	 * Parameters that a hand-written handler reads itself (e.g. `message` for the message
	 * builder): they are not generated.
	 */
	skipParam?: (operation: OperationSpec, param: ParamSpec) => boolean;
	/**
	 * Extra properties (e.g. handler-specific fields such as the message text), shown after the
	 * generated required fields (targets first) and before "Additional Fields".
	 */
	extraProperties?: INodeProperties[];
	/** The resource selected in a new node (default: the catalog's first). */
	defaultResource?: string;
	/** Per resource, the operation selected first (default: the first by name). */
	defaultOperations?: Record<string, string>;
	/** Properties appended at the end (e.g. node-wide options). */
	trailingProperties?: INodeProperties[];
	/**
	 * When a required parameter of an operation is hidden by another field's value (e.g. the
	 * group ID when "Send To" is a list of groups): that field → the values that hide it.
	 */
	hideParam?: (operation: OperationSpec, param: ParamSpec) => Record<string, string[]> | undefined;
}

export const ADDITIONAL_FIELDS = 'additionalFields';

/** "group_id" → "Group ID", ".get_word_slices" → "Get Word Slices". */
export function toDisplayName(name: string): string {
	const words = name
		.replace(/^[._]+/, '')
		.split(/[_\s]+|(?<=[a-z])(?=[A-Z])/)
		.filter(Boolean);
	return words
		.map((word) => {
			const lower = word.toLowerCase();
			if (['id', 'qq', 'url', 'uin', 'ai', 'ocr', 'ip', 'csrf', 'json', 'xml', 'md5'].includes(lower)) {
				return lower === 'uin' ? 'UIN' : lower.toUpperCase();
			}
			return lower.charAt(0).toUpperCase() + lower.slice(1);
		})
		.join(' ');
}

function byName<T extends { name: string }>(a: T, b: T): number {
	return a.name.localeCompare(b.name);
}

function paramDescription(param: ParamSpec): string | undefined {
	const parts: string[] = [];
	if (param.description) parts.push(param.description);
	if (param.type === 'idList' || param.type === 'stringList') {
		parts.push('Comma-separated, or a JSON array.');
	}
	if (param.aliases && param.aliases.length > 0) {
		parts.push(`Also read as: ${param.aliases.join(', ')}.`);
	}
	if (parts.length === 0) return undefined;
	return parts.reduce((text, part) => (/[.!?。]$/.test(text) ? `${text} ${part}` : `${text}. ${part}`));
}

/** One catalog parameter as an n8n property (without displayOptions). */
export function paramToProperty(param: ParamSpec, options: CatalogPropertyOptions): INodeProperties {
	const base = {
		displayName: param.displayName ?? toDisplayName(param.name),
		name: param.property ?? param.name,
		required: param.required === true ? true : undefined,
		description: paramDescription(param),
	};
	const locator = param.locator ? options.locators[param.locator] : undefined;
	if (locator && (param.type === 'id' || param.type === 'stringId')) {
		return {
			...base,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: `Select a ${locator.noun}...`,
					typeOptions: { searchListMethod: locator.searchListMethod, searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: locator.idPlaceholder,
					validation: [
						{
							type: 'regex',
							properties: { regex: locator.idRegex, errorMessage: locator.idError },
						},
					],
				},
			],
		} as INodeProperties;
	}
	switch (param.type) {
		case 'boolean':
			return { ...base, type: 'boolean', default: typeof param.default === 'boolean' ? param.default : false };
		case 'number':
		case 'integer':
		case 'duration':
			return {
				...base,
				type: 'number',
				default: typeof param.default === 'number' ? param.default : 0,
				typeOptions: param.type === 'number' ? undefined : { minValue: param.type === 'duration' ? 0 : undefined, numberPrecision: 0 },
			} as INodeProperties;
		case 'options': {
			const opts = [...(param.options ?? [])].sort(byName) as INodePropertyOptions[];
			const fallback = opts.length > 0 ? opts[0].value : '';
			const def = opts.some((o) => o.value === param.default) ? param.default : fallback;
			return { ...base, type: 'options', options: opts, default: def as string | number | boolean };
		}
		case 'json':
			return {
				...base,
				type: 'json',
				default: typeof param.default === 'string' ? param.default : '',
			};
		case 'message':
			return {
				...base,
				type: 'string',
				default: '',
				typeOptions: { rows: 2 },
				description: base.description ?? 'Text with CQ codes, or a JSON array of message segments',
			};
		case 'id':
		case 'stringId':
			return {
				...base,
				type: 'string',
				default: param.default === null || param.default === undefined ? '' : String(param.default),
				placeholder: param.type === 'id' ? 'e.g. 123456789' : 'e.g. 3349562745675483136',
			};
		default:
			return {
				...base,
				type: 'string',
				default: param.default === null || param.default === undefined ? '' : String(param.default),
			};
	}
}

/**
 * A parameter that names where the operation acts: a required one with a pick-list (group, user,
 * room, channel, role, member), or one the catalog flags as a target (e.g. Send Message's message
 * type, user and group, none of them required). Targets are their own fields, listed first.
 */
export function isTargetParam(param: ParamSpec): boolean {
	return param.target === true || (param.required === true && param.locator !== undefined);
}

function stripUndefined<T extends object>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Builds every property of a catalog-driven node: the resource picker, one operation picker
 * per resource, each operation's required parameters (so the target comes first), the extra
 * properties, and an "Additional Fields" collection with its optional parameters. Identical properties shared by several operations are emitted
 * once, shown for all of them.
 */
export function buildCatalogProperties(
	catalog: Catalog,
	options: CatalogPropertyOptions,
): INodeProperties[] {
	const { resources, operations } = catalog;
	const firstResource = options.defaultResource ?? resources[0].value;
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources
				.map((r) => ({ name: r.name, value: r.value, description: r.description }))
				.sort(byName),
			default: firstResource,
		},
	];

	for (const resource of resources) {
		const ops = operations.filter((op) => op.resource === resource.value).sort(byName);
		if (ops.length === 0) continue;
		const firstOperation = options.defaultOperations?.[resource.value] ?? ops[0].value;
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: ops.map((op) => ({
				name: op.name,
				value: op.value,
				action: op.action,
				description: op.description,
			})),
			default: firstOperation,
		});
	}

	// Merge identical generated properties: key = the property without displayOptions.
	type Hide = Record<string, string[]> | undefined;
	const merged = new Map<string, { property: INodeProperties; resources: Set<string>; ops: string[]; hide: Hide }>();
	const add = (key: string, property: INodeProperties, op: OperationSpec, hide?: Hide) => {
		const entry = merged.get(key);
		if (entry) {
			entry.resources.add(op.resource);
			entry.ops.push(op.value);
		} else {
			merged.set(key, { property, resources: new Set([op.resource]), ops: [op.value], hide });
		}
	};

	for (const op of operations) {
		const params = op.params.filter((p) => !options.skipParam?.(op, p));
		// where before what: the targets (pick-list fields, flagged optional targets) get keys of
		// their own so they are listed before every other field of any operation; the key carries the
		// target's place in its operation so every operation lists its targets in its own order
		params.filter(isTargetParam).forEach((param, place) => {
			const property = stripUndefined(paramToProperty(param, options));
			const hide = options.hideParam?.(op, param);
			add(`target:${place}:${JSON.stringify(property)}${hide ? `:hide:${JSON.stringify(hide)}` : ''}`, property, op, hide);
		});
		for (const param of params.filter((p) => p.required && !isTargetParam(p))) {
			const property = stripUndefined(paramToProperty(param, options));
			const hide = options.hideParam?.(op, param);
			add(`req:${JSON.stringify(property)}${hide ? `:hide:${JSON.stringify(hide)}` : ''}`, property, op, hide);
		}
		const optional = params.filter((p) => !p.required && !isTargetParam(p));
		if (optional.length > 0) {
			const property: INodeProperties = stripUndefined({
				displayName: 'Additional Fields',
				name: ADDITIONAL_FIELDS,
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				description: 'Optional parameters; a parameter left out takes the backend default',
				options: optional
					.map((p) => {
						const property = paramToProperty(p, options);
						delete property.required;
						return property;
					})
					.sort((a, b) => a.displayName.localeCompare(b.displayName)),
			});
			add(`opt:${JSON.stringify(property)}`, property, op);
		}
	}

	const place = (key: string) => Number(/^target:(\d+):/.exec(key)?.[1] ?? 0);
	const shown = (key: string) =>
		[...merged.entries()]
			.filter(([k]) => k.startsWith(key))
			.sort(([a], [b]) => place(a) - place(b))
			.map(([, { property, resources: rs, ops, hide }]) => ({
				...property,
				displayOptions: { show: { resource: [...rs].sort(), operation: ops.sort() }, ...(hide ? { hide } : {}) },
			}));
	// Where before what: the targets (group, user, room, channel, the message type that picks
	// between them) come first, then the other required fields (the message to act on ...), then the
	// handlers' own fields (message text, uploads), then the optional ones.
	properties.push(...shown('target:'));
	properties.push(...shown('req:'));
	properties.push(...(options.extraProperties ?? []));
	properties.push(...shown('opt:'));

	properties.push(...(options.trailingProperties ?? []));
	return properties;
}
