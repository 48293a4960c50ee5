import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OneBotOperationSpec } from '../../catalog';
import { parseCQString } from '../../message/cqcode';
import { InputError, requirePresent, toInt64 } from '../../../shared/validation';
import { checkSendMsgTarget } from './message';
import { readCatalogParams, type OperationHandler, type PreparedCall } from './types';

interface NodeInput {
	name?: string;
	uin?: string | number;
	content?: string;
	messageId?: string | number;
}

/** One `node` segment of a merged-forward message: custom content, or a reference to a message. */
export function buildForwardNode(input: NodeInput, field: string): IDataObject {
	if (input.messageId !== undefined && String(input.messageId).trim() !== '') {
		return { type: 'node', data: { id: String(toInt64(`${field}.messageId`, input.messageId)) } };
	}
	requirePresent(`${field}.name`, input.name);
	requirePresent(`${field}.uin`, input.uin);
	const content = String(input.content ?? '');
	if (content.trim() === '') throw new InputError(`${field}.content`, `"${field}.content" must not be empty`);
	const uin = toInt64(`${field}.uin`, input.uin);
	return {
		type: 'node',
		data: {
			name: String(input.name),
			uin: typeof uin === 'bigint' ? uin.toString() : String(uin),
			content: parseCQString(content) as unknown as IDataObject[],
		},
	};
}

const OWN: readonly string[] = ['messages', 'message'];

/** send_forward_msg names its chat like send_msg: by message_type, user_id or group_id. */
function checkTarget(op: OneBotOperationSpec, params: IDataObject): void {
	if (op.value === 'send_forward_msg') checkSendMsgTarget(params, op.name);
}

/**
 * send_group_forward_msg / send_private_forward_msg / send_forward_msg: the `messages` array of
 * `node` segments is built from a list in the node, or from the input items (one node per item,
 * sent as one message).
 */
export const forwardHandler: OperationHandler = {
	ownParams: OWN,
	properties: (show): INodeProperties[] => [
		{
			displayName: 'Nodes From',
			name: 'forwardSource',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'List Below',
					value: 'list',
					description: 'Each entry of the list is one message in the merged forward',
				},
				{
					name: 'Input Items',
					value: 'items',
					description: 'Each input item becomes one message; all of them are sent as one merged forward',
				},
			],
			default: 'list',
			displayOptions: { show },
		},
		{
			displayName: 'Messages',
			name: 'forwardNodes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Message',
			default: {},
			displayOptions: { show: { ...show, forwardSource: ['list'] } },
			options: [
				{
					displayName: 'Node',
					name: 'node',
					values: [
						{ displayName: 'Sender Name', name: 'name', type: 'string', default: '', description: 'Name shown for this message' },
						{ displayName: 'Sender QQ', name: 'uin', type: 'string', default: '', description: 'QQ number shown for this message (its avatar)' },
						{
							displayName: 'Content',
							name: 'content',
							type: 'string',
							typeOptions: { rows: 2 },
							default: '',
							description: 'Text; CQ codes such as [CQ:image,file=…] are allowed',
						},
						{
							displayName: 'Existing Message ID',
							name: 'messageId',
							type: 'string',
							default: '',
							description: 'Forward an existing message instead (name, QQ and content are then ignored)',
						},
					],
				},
			],
		},
		{
			displayName: 'Sender Name',
			name: 'forwardNodeName',
			type: 'string',
			default: '={{ $json.name }}',
			description: 'Per item: the name shown for its message',
			displayOptions: { show: { ...show, forwardSource: ['items'] } },
		},
		{
			displayName: 'Sender QQ',
			name: 'forwardNodeUin',
			type: 'string',
			default: '={{ $json.uin }}',
			description: 'Per item: the QQ number shown for its message',
			displayOptions: { show: { ...show, forwardSource: ['items'] } },
		},
		{
			displayName: 'Content',
			name: 'forwardNodeContent',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '={{ $json.content }}',
			description: 'Per item: the text of its message (CQ codes allowed)',
			displayOptions: { show: { ...show, forwardSource: ['items'] } },
		},
	],
	isBatch(this: IExecuteFunctions): boolean {
		return this.getNodeParameter('forwardSource', 0, 'list') === 'items';
	},
	async prepare(this: IExecuteFunctions, itemIndex: number, op: OneBotOperationSpec): Promise<PreparedCall> {
		const params = readCatalogParams(this, itemIndex, op, OWN);
		checkTarget(op, params);
		const list = this.getNodeParameter('forwardNodes.node', itemIndex, []) as NodeInput[];
		if (list.length === 0) throw new InputError('forwardNodes', '"Messages" must contain at least one message');
		params.messages = list.map((entry, i) => buildForwardNode(entry, `forwardNodes[${i}]`));
		return { action: op.value, params };
	},
	async prepareBatch(this: IExecuteFunctions, op: OneBotOperationSpec, itemCount: number): Promise<PreparedCall> {
		const params = readCatalogParams(this, 0, op, OWN);
		checkTarget(op, params);
		const nodes: IDataObject[] = [];
		for (let i = 0; i < itemCount; i++) {
			nodes.push(
				buildForwardNode(
					{
						name: this.getNodeParameter('forwardNodeName', i, '') as string,
						uin: this.getNodeParameter('forwardNodeUin', i, '') as string,
						content: this.getNodeParameter('forwardNodeContent', i, '') as string,
					},
					`item ${i}`,
				),
			);
		}
		if (nodes.length === 0) throw new InputError('forwardSource', 'No input items to forward');
		params.messages = nodes;
		return { action: op.value, params };
	},
};
