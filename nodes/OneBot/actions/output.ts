import type { IDataObject } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../catalog';
import type { OneBotResponse } from '../transport/types';
import { getPath } from '../../shared/json';

function asObject(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: { value: value as IDataObject[string] };
}

/**
 * The items an answered call produces: one per element for list operations, otherwise the
 * `data` object (an action without a result gives `{ success: true }`; an accepted async call
 * gives `{ status: "async" }`).
 */
export function responseToItems(op: OneBotOperationSpec | undefined, action: string, response: OneBotResponse): IDataObject[] {
	if (response.status === 'async') {
		return [{ status: 'async', retcode: response.retcode, action, queued: true }];
	}
	const data = response.data;
	if (op?.list) {
		const list = op.list === true ? data : getPath(data, op.list);
		if (Array.isArray(list)) return list.map(asObject);
		if (list === null || list === undefined) return [];
	}
	if (data === null || data === undefined) return [{ success: true }];
	if (Array.isArray(data)) return [{ data: data as IDataObject[] }];
	return [asObject(data)];
}
