import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { getModel } from '../../helpers/params';
import { InputError, parseIds } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { fieldsOption, modelLocator } from '../common.descriptions';

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
	fieldsOption,
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['get'] } }, properties);

/** Reads the records of all items in one call per model. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const wanted: Array<{ i: number; model: string; ids: number[]; fields: string[] } | undefined> = [];
	const groups = new Map<string, { model: string; fields: string[]; ids: Set<number> }>();
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const ids = parseIds(this.getNodeParameter('recordId', i), 'Record ID');
			const fields = (this.getNodeParameter('fields', i, []) as string[]) ?? [];
			const key = `${model}|${[...fields].sort().join(',')}`;
			const g = groups.get(key) ?? { model, fields, ids: new Set<number>() };
			ids.forEach((id) => g.ids.add(id));
			groups.set(key, g);
			wanted[i] = { i, model, ids, fields };
		} catch (error) {
			wanted[i] = undefined;
			out.push(failItem(this, error, i));
		}
	}
	const found = new Map<string, Map<number, IDataObject>>();
	for (const [key, g] of groups) {
		const rows = await client.call<IDataObject[]>(g.model, 'read', { ids: [...g.ids], kwargs: g.fields.length ? { fields: g.fields } : {} });
		found.set(key, new Map(rows.map((r) => [r.id as number, r])));
	}
	const result: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const w = wanted[i];
		if (!w) continue;
		const byId = found.get(`${w.model}|${[...w.fields].sort().join(',')}`)!;
		const missing = w.ids.filter((id) => !byId.has(id));
		if (missing.length) {
			result.push(failItem(this, new InputError(`No ${w.model} record with id ${missing.join(', ')} (deleted, or not visible to this user)`, 'recordId'), i));
			continue;
		}
		for (const id of w.ids) result.push(ok(byId.get(id)!, i));
	}
	return [...out, ...result].sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
}
