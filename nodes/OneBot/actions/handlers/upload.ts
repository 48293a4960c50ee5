import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { fileUriToPath, resolveMediaFile } from '../../message/segmentBuilder';
import { binaryResolver, openUploadBinary } from './binary';
import { Base64Value } from '../../../shared/upload/streamedJson';
import { refuseEmpty } from '../../../shared/upload/binarySource';
import { InputError } from '../../../shared/validation';
import { readCatalogParams, type OperationHandler, type PreparedCall } from './types';

const OWN: readonly string[] = ['file', 'name'];

/**
 * Operations that send a file (group/private file upload, avatar, group portrait): the `file`
 * parameter comes from an n8n binary property (sent as base64://), a URL, a path on the backend
 * or base64 text. The file name defaults to the binary's file name.
 */
export const uploadHandler: OperationHandler = {
	ownParams: OWN,
	properties: (show): INodeProperties[] => [
		{
			displayName: 'File Source',
			name: 'fileSource',
			type: 'options',
			options: [
				{ name: 'Base64 Text', value: 'base64', description: 'Base64-encoded file content' },
				{ name: 'Binary Field', value: 'binary', description: "A binary property of the input item (e.g. from Read File or HTTP Request)" },
				{ name: 'Path on the Backend', value: 'path', description: 'A file path on the machine the OneBot backend runs on' },
				{ name: 'URL', value: 'url', description: 'An http(s) URL the backend downloads' },
			],
			default: 'binary',
			displayOptions: { show },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field containing the file',
			displayOptions: { show: { ...show, fileSource: ['binary'] } },
		},
		{
			displayName: 'File URL',
			name: 'fileUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/report.pdf',
			displayOptions: { show: { ...show, fileSource: ['url'] } },
		},
		{
			displayName: 'File Path',
			name: 'filePath',
			type: 'string',
			default: '',
			required: true,
			placeholder: '/data/files/report.pdf',
			displayOptions: { show: { ...show, fileSource: ['path'] } },
		},
		{
			displayName: 'Base64 Content',
			name: 'fileBase64',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { ...show, fileSource: ['base64'] } },
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'report.pdf',
			description:
				"The name the file gets in the chat (for file uploads). Empty: the binary's file name, or the last part of the URL/path.",
			displayOptions: { show },
		},
	],
	async prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall> {
		const params = readCatalogParams(this, itemIndex, op, OWN);
		const source = this.getNodeParameter('fileSource', itemIndex, 'binary') as string;
		const input: Record<string, unknown> = { source };
		if (source === 'binary') input.binaryProperty = this.getNodeParameter('binaryPropertyName', itemIndex, 'data');
		if (source === 'url') input.url = this.getNodeParameter('fileUrl', itemIndex, '');
		if (source === 'path') input.path = this.getNodeParameter('filePath', itemIndex, '');
		if (source === 'base64') input.base64 = this.getNodeParameter('fileBase64', itemIndex, '');
		let media: { file: string | Base64Value; fileName?: string };
		const binaryName = input.binaryProperty === undefined ? 'data' : String(input.binaryProperty);
		if (source === 'binary' && binaryName.trim() !== '') {
			// size-checked before reading, then streamed as base64:// into the call (never one whole copy)
			const file = await openUploadBinary(this, itemIndex, binaryName);
			refuseEmpty(file, 'binaryPropertyName', binaryName);
			media = { file: new Base64Value('base64://', file), fileName: file.fileName };
		} else {
			media = await resolveMediaFile(input, binaryResolver(this, itemIndex), UPLOAD_FIELDS);
		}
		// Upload actions take a plain local path (go-cqhttp reads it with os.Open, Lagrange opens it as a
		// file), not a file:// URI: one typed as the path is turned back into the path it names.
		params.file = (source === 'path' ? fileUriToPath(String(input.path)) : media.file) as never;
		const nameParam = op.params.find((p) => p.name === 'name');
		if (nameParam) {
			const given = String(this.getNodeParameter('fileName', itemIndex, '')).trim();
			const fromSource = media.fileName || lastPathPart(String(input.url ?? input.path ?? ''));
			const name = given || fromSource;
			if (name) params.name = name;
			else if (nameParam.required) {
				throw new InputError('fileName', '"fileName" is required: the file source gives no file name');
			}
		}
		return { action: op.value, params };
	},
};

/** The media inputs → this handler's fields, for error messages. */
const UPLOAD_FIELDS: Record<string, string> = {
	source: 'fileSource',
	binaryProperty: 'binaryPropertyName',
	url: 'fileUrl',
	path: 'filePath',
	base64: 'fileBase64',
};

function lastPathPart(location: string): string {
	const clean = location.split(/[?#]/)[0];
	const part = clean.split(/[\\/]/).pop() ?? '';
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}
