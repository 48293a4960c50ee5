// Node parameters for catalog-driven Heychat operations, built from the catalog entry alone: a
// sample editor value per parameter type (what the node makes of it on the wire is the tests' business).
import type { INodeParameters } from 'n8n-workflow';

import { BIG_CHANNEL, BIG_MSG, BIG_ROLE, BIG_ROOM, byId } from './setup';

export interface CatalogParam {
	name: string;
	type: string;
	required: boolean;
	in: 'body' | 'query';
	locator?: string;
	options?: Array<{ value: string | number | boolean }>;
	handled?: boolean;
	wire?: 'string';
	shape?: 'digits' | 'array' | 'object';
}

export interface CatalogOp {
	value: string;
	resource: string;
	method: 'GET' | 'POST';
	path: string;
	handler?: string;
	params: CatalogParam[];
}

/** An editor value for a catalog parameter (its wire form is the node's business). */
export function sample(p: CatalogParam, index: number): unknown {
	const locate = (v: string) => (p.locator ? byId(v) : v);
	switch (p.type) {
		case 'stringId': {
			const id = p.name === 'room_id' ? BIG_ROOM : p.name === 'channel_id' ? BIG_CHANNEL : p.name === 'msg_id' ? BIG_MSG : BIG_ROLE;
			return locate(id);
		}
		case 'id':
			return locate(String(66837313 + index));
		case 'integer':
		case 'duration':
			return 3 + index;
		case 'boolean':
			return true;
		case 'options':
			return p.options?.[p.options.length - 1]?.value;
		case 'idList':
			return '16711680, 255';
		case 'json':
			return '[]';
		default:
			return p.shape === 'digits' ? '16384' : `${p.name}-value`;
	}
}

/** Node parameters for a catalog-driven operation: its required fields, and optionally all others. */
export function catalogCase(op: CatalogOp, withOptional: boolean): INodeParameters {
	const parameters: INodeParameters = { resource: op.resource, operation: op.value };
	const additional: INodeParameters = {};
	op.params.forEach((p, index) => {
		if (p.handled) return;
		if (p.required) parameters[p.name] = sample(p, index) as never;
		else if (withOptional) additional[p.name] = sample(p, index) as never;
	});
	if (Object.keys(additional).length > 0) parameters.additionalFields = additional;
	return parameters;
}

