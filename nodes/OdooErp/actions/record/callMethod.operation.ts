import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { getModel } from '../../helpers/params';
import { InputError, parseArray, parseIds, parseObject } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { modelLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	modelLocator,
	{
		displayName: 'Method',
		name: 'method',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. action_post',
		description: 'A public method of the model (names starting with _ are private and refused by Odoo)',
	},
	{
		displayName: 'Record IDs',
		name: 'recordIds',
		type: 'string',
		default: '',
		description: 'Records the method runs on, separated by commas; empty for a model-level method such as create or search',
	},
	{
		displayName: 'Arguments (JSON)',
		name: 'args',
		type: 'json',
		default: '[]',
		description: 'Further positional arguments, as a JSON list',
	},
	{
		displayName: 'Keyword Arguments (JSON)',
		name: 'kwargs',
		type: 'json',
		default: '{}',
		description: 'Keyword arguments, as a JSON object; "context" is passed as the call\'s context',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Safe to Repeat',
				name: 'idempotent',
				type: 'boolean',
				default: false,
				description:
					'Whether calling the method twice has the same effect as once. Only then is it re-sent when a timeout or reset leaves the outcome unknown.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['callMethod'] } }, properties);

export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const method = String(this.getNodeParameter('method', i)).trim();
			if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(method)) throw new InputError(`Method "${method}" is not a public method name`, 'method');
			const rawIds = String(this.getNodeParameter('recordIds', i, '') ?? '').trim();
			const ids = rawIds ? parseIds(rawIds, 'Record IDs') : undefined;
			const args = parseArray(this.getNodeParameter('args', i, '[]'), 'Arguments (JSON)');
			const kwargs = parseObject(this.getNodeParameter('kwargs', i, '{}'), 'Keyword Arguments (JSON)');
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const result = await client.call(model, method, { ids, args, kwargs, idempotent: options.idempotent === true ? true : undefined, itemIndex: i });
			out.push(ok({ result: result === undefined ? null : (result as IDataObject) }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
