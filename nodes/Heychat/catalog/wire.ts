import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../shared/validation';
import type { HeychatOperationSpec } from './index';

const DIGITS = /^\d+$/;

function describe(value: unknown): string {
	return typeof value === 'string' ? `"${value}"` : String(value);
}

/**
 * The last step before a Heychat body or query is built: every room, channel, message or role ID
 * (catalog type `stringId`, a 64-bit snowflake kept as text) must be digits, every user ID (catalog
 * type `id`) a positive integer, and a parameter the catalog marks `wire: 'string'` travels as a JSON string
 * of digits (e.g. `to_user_id` of grant/revoke role, as the HeyBox.Net SDK sends it).
 * Throws an InputError naming the field before anything is sent.
 */
export function toWireValues(op: HeychatOperationSpec, values: IDataObject): IDataObject {
	for (const param of op.params) {
		if (!(param.name in values)) continue;
		const value = values[param.name] as unknown;
		if (param.type === 'stringId' && !(typeof value === 'string' && DIGITS.test(value))) {
			throw new InputError(
				param.name,
				`"${param.name}" must be a Heychat ID: digits only (e.g. 3663316788315193344), got ${describe(value)}`,
			);
		}
		if (param.type === 'id') {
			const positive =
				(typeof value === 'number' && Number.isSafeInteger(value) && value > 0) ||
				(typeof value === 'bigint' && value > 0n);
			if (!positive) {
				throw new InputError(
					param.name,
					`"${param.name}" must be a Heybox user ID: a positive whole number (digits only), got ${describe(value)}`,
				);
			}
			if (param.wire === 'string') values[param.name] = String(value);
		}
	}
	return values;
}
