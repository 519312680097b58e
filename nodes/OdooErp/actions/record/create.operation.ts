import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { checkFieldNames, getModel, readValues } from '../../helpers/params';
import { chunk } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { modelLocator, valuesInput } from '../common.descriptions';

const properties: INodeProperties[] = [
	modelLocator,
	...valuesInput,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 500,
				description: 'How many records one create call carries',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['create'] } }, properties);

/** Creates all items of a model in one call per batch; if Odoo refuses a batch, finds the failing items one by one. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const byModel = new Map<string, Array<{ i: number; vals: IDataObject }>>();
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const vals = await readValues(this, client, model, i);
			await checkFieldNames(client, model, vals);
			byModel.set(model, [...(byModel.get(model) ?? []), { i, vals }]);
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	for (const [model, list] of byModel) {
		const batchSize = (this.getNodeParameter('options.batchSize', list[0].i, 500) as number) || 500;
		for (const batch of chunk(list, batchSize)) {
			try {
				const ids = await client.call<number[]>(model, 'create', { args: [batch.map((b) => b.vals)], itemIndex: batch[0].i });
				batch.forEach((b, k) => (out[b.i] = ok({ id: ids[k], model }, b.i)));
			} catch (batchError) {
				if (batch.length === 1) {
					out[batch[0].i] = failItem(this, batchError, batch[0].i);
					continue;
				}
				// Odoo rolled the whole batch back: create item by item to report the failing ones.
				for (const b of batch) {
					try {
						const id = await client.call<number>(model, 'create', { args: [b.vals], itemIndex: b.i });
						out[b.i] = ok({ id, model }, b.i);
					} catch (error) {
						out[b.i] = failItem(this, error, b.i);
					}
				}
			}
		}
	}
	return out;
}
