import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { ExternalIdRow, LoadResult, UpsertResult } from '../../helpers/interfaces';
import { failItem, ok } from '../../helpers/items';
import { getModel, readValues } from '../../helpers/params';
import { InputError, chunk, parseExternalId, toLoadCell } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { modelLocator, valuesInput } from '../common.descriptions';

const properties: INodeProperties[] = [
	modelLocator,
	{
		displayName: 'Namespace',
		name: 'namespace',
		type: 'string',
		default: 'n8n',
		required: true,
		placeholder: 'e.g. pixelpoint',
		description: 'Module part of the external IDs: pixelpoint gives IDs like pixelpoint.product_1001',
	},
	{
		displayName: 'External ID',
		name: 'externalId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. product_{{ $json.ProdNum }}',
		description: 'Stable key of the record in the source system: an existing one is updated, a new one created',
	},
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
				typeOptions: { minValue: 1, maxValue: 10000 },
				default: 1000,
				description: 'How many records one load call carries',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['upsertByExternalId'] } }, properties);

interface Pending {
	i: number;
	module: string;
	name: string;
	columns: string[];
	row: string[];
}

/** Looks up which of the external ids already exist, in one call per model (chunked for very long lists). */
async function existingIds(client: OdooClient, model: string, list: Pending[]): Promise<Set<string>> {
	const found = new Set<string>();
	for (const part of chunk(list, 5000)) {
		const modules = [...new Set(part.map((p) => p.module))];
		const names = [...new Set(part.map((p) => p.name))];
		const rows = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
			args: [[['model', '=', model], ['module', 'in', modules], ['name', 'in', names]]],
			kwargs: { fields: ['module', 'name', 'res_id'] },
		});
		for (const r of rows) found.add(`${r.module}.${r.name}`);
	}
	return found;
}

/**
 * Upserts through model.load, Odoo's own import: one call per batch creates or updates every
 * record by its external id, atomically. Rows Odoo rejects are reported against their items
 * and, with continue-on-fail, the rest of the batch is loaded again without them.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const byModel = new Map<string, Pending[]>();
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const { module, name } = parseExternalId(this.getNodeParameter('externalId', i), this.getNodeParameter('namespace', i, '') as string);
			const values = await readValues(this, client, model, i);
			const fields = await client.fields(model);
			const cells = Object.entries(values)
				.filter(([k]) => k !== 'id')
				.map(([k, v]) => toLoadCell(k, fields[k.split('/')[0]], v));
			const order = cells.map(([c], k) => [c, k] as const).sort((a, b) => a[0].localeCompare(b[0]));
			byModel.set(model, [
				...(byModel.get(model) ?? []),
				{ i, module, name, columns: order.map(([c]) => c), row: order.map(([, k]) => cells[k][1]) },
			]);
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}

	for (const [model, list] of byModel) {
		const existed = await existingIds(client, model, list);
		const batchSize = (this.getNodeParameter('options.batchSize', list[0].i, 1000) as number) || 1000;
		// Rows of one load call share their columns: group items by the fields they set.
		const byColumns = new Map<string, Pending[]>();
		for (const p of list) {
			const key = p.columns.join('\u0000');
			byColumns.set(key, [...(byColumns.get(key) ?? []), p]);
		}
		for (const group of byColumns.values()) {
			for (const batch of chunk(group, batchSize)) {
				let rows = batch;
				while (rows.length) {
					const result = await client.call<LoadResult>(model, 'load', {
						args: [['id', ...rows[0].columns], rows.map((p) => [`${p.module}.${p.name}`, ...p.row])],
						idempotent: true,
						itemIndex: rows[0].i,
					});
					if (result.ids) {
						rows.forEach((p, k) => {
							const xid = `${p.module}.${p.name}`;
							const json: UpsertResult = { id: (result.ids as number[])[k], model, externalId: xid, action: existed.has(xid) ? 'updated' : 'created' };
							existed.add(xid);
							out[p.i] = ok(json as IDataObject, p.i);
						});
						break;
					}
					// Nothing was written: report the rejected rows and load the others again.
					const rejected = new Set<number>();
					for (const m of result.messages.filter((x) => x.type === 'error')) {
						const k = m.record ?? m.rows?.from ?? 0;
						if (rejected.has(k) || !rows[k]) continue;
						rejected.add(k);
						const p = rows[k];
						out[p.i] = failItem(this, new InputError(`Odoo refused ${p.module}.${p.name}: ${m.message}`, m.field ?? 'values'), p.i);
					}
					if (!rejected.size) throw new InputError(`Odoo refused the batch without saying which row: ${JSON.stringify(result.messages).slice(0, 300)}`);
					rows = rows.filter((_, k) => !rejected.has(k));
				}
			}
		}
	}
	return out;
}
