import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { getModel } from '../../helpers/params';
import { parseIds } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { modelLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	modelLocator,
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '',
		required: true,
		description: 'One ID, or several separated by commas',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['delete'] } }, properties);

/** Deletes all items' records of a model in one call; if Odoo refuses, deletes item by item to report which. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const byModel = new Map<string, Array<{ i: number; ids: number[] }>>();
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const ids = parseIds(this.getNodeParameter('recordId', i), 'Record ID');
			byModel.set(model, [...(byModel.get(model) ?? []), { i, ids }]);
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	const done = (model: string, m: { i: number; ids: number[] }) =>
		(out[m.i] = ok(m.ids.length === 1 ? { id: m.ids[0], model, deleted: true } : { ids: m.ids, model, deleted: true }, m.i));
	for (const [model, members] of byModel) {
		try {
			// unlink is idempotent: deleting an already deleted record is not an error.
			await client.call(model, 'unlink', { ids: [...new Set(members.flatMap((m) => m.ids))], idempotent: true, itemIndex: members[0].i });
			members.forEach((m) => done(model, m));
		} catch (groupError) {
			if (members.length === 1) {
				out[members[0].i] = failItem(this, groupError, members[0].i);
				continue;
			}
			for (const m of members) {
				try {
					await client.call(model, 'unlink', { ids: m.ids, idempotent: true, itemIndex: m.i });
					done(model, m);
				} catch (error) {
					out[m.i] = failItem(this, error, m.i);
				}
			}
		}
	}
	return out;
}
