import type { OperationSpec, ParamSpec, ResourceSpec } from '../../shared/catalog/types';
import endpoints from './endpoints.json';

/** A catalog parameter with what only Heychat needs. */
export interface HeychatParamSpec extends ParamSpec {
	in: 'body' | 'query';
	/** Built by the operation's handler; not an editor field. */
	handled?: boolean;
	/** 'nonce': a random value is sent when the user leaves the field out. */
	generate?: 'nonce';
	/** Sent when the user leaves the (optional) field out. */
	wireDefault?: string | number | boolean | unknown[];
	/**
	 * The JSON type on the wire when it differs from the editor type: 'string' sends a user ID
	 * (checked as a positive integer) as a JSON string, as the HeyBox.Net SDK does for grant/revoke.
	 */
	wire?: 'string';
}

/** One Heychat endpoint as an operation. */
export interface HeychatOperationSpec extends OperationSpec {
	method: 'GET' | 'POST';
	/** Which credential URL: the API base URL or the upload URL. */
	host: 'api' | 'upload';
	path: string;
	/** How sure the reference is about the endpoint ("certain", "uncertain", with notes). */
	certainty: string;
	contentType?: string;
	/**
	 * Where the answer's object is when sources disagree: `result[key]`, or `result` itself when the
	 * server answers flat. `aliases` fills a field from another name some servers use
	 * (`{ roles: 'role' }`: roles ← role when only role is there).
	 */
	result?: { key: string; aliases?: Record<string, string> };
	/** The response shape the reference describes (informative). */
	response?: string;
	params: HeychatParamSpec[];
}

export interface HeychatCatalog {
	resources: ResourceSpec[];
	operations: HeychatOperationSpec[];
}

export const heychatCatalog = endpoints as unknown as HeychatCatalog;

const byValue = new Map(heychatCatalog.operations.map((op) => [op.value, op]));

export function findOperation(value: string): HeychatOperationSpec | undefined {
	return byValue.get(value);
}

/** Parameters a handler builds itself are not generated as editor fields. */
export function isHandledParam(_op: OperationSpec, param: ParamSpec): boolean {
	return (param as HeychatParamSpec).handled === true;
}
