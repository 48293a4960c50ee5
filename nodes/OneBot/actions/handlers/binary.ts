import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../../shared/validation';

export interface ResolvedBinary {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

/** Reads an item's binary property through n8n's helpers (works in memory and filesystem mode). */
export function binaryResolver(ctx: IExecuteFunctions, itemIndex: number) {
	return async (propertyName: string): Promise<ResolvedBinary> => {
		const name = propertyName.trim();
		const binary = ctx.getInputData()[itemIndex]?.binary?.[name];
		if (!binary) {
			throw new InputError(
				'binaryPropertyName',
				`The input item has no binary property "${name}" (check the Input Binary Field)`,
			);
		}
		const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
		return { data, fileName: binary.fileName, mimeType: binary.mimeType };
	};
}
