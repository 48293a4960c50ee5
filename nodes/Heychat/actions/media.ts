import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HeychatOperationSpec } from '../catalog';
import { readBinary, uploadFile } from './common';

export const mediaProperties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { resource: ['media'], operation: ['upload_media'] } },
		hint: 'The name of the input binary field with the file to upload',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		displayOptions: { show: { resource: ['media'], operation: ['upload_media'] } },
		description: 'The name to upload the file as; by default the binary file name',
	},
];

/** Media > Upload: multipart field `file` to the upload host; returns the URL (and the image size). */
export async function upload(
	this: IExecuteFunctions,
	_op: HeychatOperationSpec,
	itemIndex: number,
): Promise<IDataObject[]> {
	const property = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const file = await readBinary.call(this, itemIndex, property, 'binaryPropertyName');
	const fileName = String(this.getNodeParameter('fileName', itemIndex, '') ?? '').trim();
	if (fileName !== '') file.fileName = fileName;
	const url = await uploadFile.call(this, itemIndex, file);
	const output: IDataObject = {
		url,
		fileName: file.fileName,
		mimeType: file.mimeType,
		fileSize: file.source.size,
	};
	if (file.image) {
		output.width = file.image.width;
		output.height = file.image.height;
		output.img_files_info = [{ url, width: file.image.width, height: file.image.height }];
	}
	return [output];
}
