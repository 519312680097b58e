import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { checkFieldNames, getModel, readValues } from '../../helpers/params';
import { wouldChange } from '../../helpers/relations';
import { parseIds } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { modelLocator, skipUnchangedOption, valuesInput } from '../common.descriptions';

const properties: INodeProperties[] = [
	modelLocator,
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '',
		required: true,
		description: 'One ID, or several separated by commas (all get the same values)',
	},
	...valuesInput,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			skipUnchangedOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['update'] } }, properties);

/** Items writing the same values to the same model share one write call (e.g. archiving many records). */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const groups = new Map<string, { model: string; vals: IDataObject; members: Array<{ i: number; ids: number[] }> }>();
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const ids = parseIds(this.getNodeParameter('recordId', i), 'Record ID');
			const vals = await readValues(this, client, model, i);
			await checkFieldNames(client, model, vals);
			const key = `${model}|${JSON.stringify(vals)}`;
			const g = groups.get(key) ?? { model, vals, members: [] };
			g.members.push({ i, ids });
			groups.set(key, g);
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	const done = (model: string, m: { i: number; ids: number[] }, updated = true) =>
		(out[m.i] = ok({ ...(m.ids.length === 1 ? { id: m.ids[0] } : { ids: m.ids }), model, updated, ...(updated ? {} : { unchanged: true }) }, m.i));
	for (const g of groups.values()) {
		try {
			let ids = [...new Set(g.members.flatMap((m) => m.ids))];
			if (this.getNodeParameter('options.skipUnchanged', g.members[0].i, false) === true) {
				// Only the records the values would change are written.
				const fields = await client.fields(g.model);
				const rows = await client.call<IDataObject[]>(g.model, 'read', { ids, kwargs: { fields: Object.keys(g.vals) }, itemIndex: g.members[0].i });
				// A record Odoo did not answer is written too: the write says it does not exist.
				const same = new Set(rows.filter((r) => !Object.entries(g.vals).some(([k, v]) => wouldChange(fields[k], r[k], v))).map((r) => r.id as number));
				ids = ids.filter((id) => !same.has(id));
				if (ids.length) await client.call(g.model, 'write', { ids, args: [g.vals], itemIndex: g.members[0].i });
				g.members.forEach((m) => done(g.model, m, m.ids.some((id) => !same.has(id))));
				continue;
			}
			await client.call(g.model, 'write', { ids, args: [g.vals], itemIndex: g.members[0].i });
			g.members.forEach((m) => done(g.model, m));
		} catch (groupError) {
			if (g.members.length === 1) {
				out[g.members[0].i] = failItem(this, groupError, g.members[0].i);
				continue;
			}
			for (const m of g.members) {
				try {
					await client.call(g.model, 'write', { ids: m.ids, args: [g.vals], itemIndex: m.i });
					done(g.model, m);
				} catch (error) {
					out[m.i] = failItem(this, error, m.i);
				}
			}
		}
	}
	return out;
}
