import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { UpsertResult } from '../../helpers/interfaces';
import { failItem, ok } from '../../helpers/items';
import { getModel, readValues } from '../../helpers/params';
import { type UpsertRow, upsertRows } from '../../helpers/upsert';
import { InputError, parseExternalId, toLoadCell } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { modelLocator, skipUnchangedOption, valuesInput } from '../common.descriptions';

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
	...valuesInput,
	{
		displayName: 'External ID',
		name: 'externalId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. product_{{ $json.ProdNum }}',
		description: 'Stable key of the record in the source system: an existing one is updated, a new one created',
		displayOptions: { hide: { inputMode: ['auto'] } },
	},
	{
		displayName: 'External ID Field',
		name: 'externalIdField',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. ProdNum',
		description: 'Input field holding the stable key of the record in the source system',
		displayOptions: { show: { inputMode: ['auto'] } },
	},
	{
		displayName: 'External ID Prefix',
		name: 'externalIdPrefix',
		type: 'string',
		default: '',
		placeholder: 'e.g. product_',
		description: 'Put before the key, e.g. product_ gives product_1001',
		displayOptions: { show: { inputMode: ['auto'] } },
	},
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
			{
				displayName: 'Match Existing By',
				name: 'matchBy',
				type: 'string',
				default: '',
				placeholder: 'e.g. vat or default_code',
				description:
					'A field whose value identifies a record created outside this flow: a new external ID is linked to it instead of creating a duplicate',
			},
			skipUnchangedOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['upsertByExternalId'] } }, properties);

/**
 * Odoo's import (load) sets a relation to a list of records; it has no add, remove or line edits.
 * A relation given as "set these records" becomes that list; anything else is refused clearly.
 */
function asLoadValues(values: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(values)) {
		if (Array.isArray(v) && v.length && v.every((c) => Array.isArray(c))) {
			const [cmd, more] = [v[0] as unknown[], v.length > 1];
			if (more || cmd[0] !== 6) {
				throw new InputError(`Field "${k}": an upsert sets a relation to a list of records (Set); add, remove, clear or line changes go in an Update after the upsert`, k);
			}
			out[k] = cmd[2] as number[];
		} else out[k] = v;
	}
	return out;
}

/**
 * Upserts through model.load, Odoo's own import: one call per batch creates or updates every
 * record by its external id, atomically. Rows Odoo rejects are reported against their items;
 * with continue-on-fail the rest of the batch is loaded again without them.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const byModel = new Map<string, Array<{ i: number; row: UpsertRow }>>();
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const auto = this.getNodeParameter('inputMode', i, 'json') === 'auto';
			let rawXid: unknown;
			if (auto) {
				// Taken from the item itself: no expression to evaluate per item.
				const field = String(this.getNodeParameter('externalIdField', i, '') ?? '').trim();
				const key = items[i].json[field];
				if (!field) throw new InputError('External ID Field is empty', 'externalIdField');
				if (key === undefined || key === null || key === '') throw new InputError(`The item has no "${field}" for its external ID`, field);
				rawXid = `${this.getNodeParameter('externalIdPrefix', i, '') ?? ''}${String(key)}`;
			} else {
				rawXid = this.getNodeParameter('externalId', i);
			}
			const { module, name } = parseExternalId(rawXid, this.getNodeParameter('namespace', i, '') as string);
			const values = asLoadValues(await readValues(this, client, model, i));
			const fields = await client.fields(model);
			const cells = Object.fromEntries(
				Object.entries(values)
					.filter(([k]) => k !== 'id')
					.map(([k, v]) => toLoadCell(k, fields[k.split('/')[0]], v)),
			);
			byModel.set(model, [...(byModel.get(model) ?? []), { i, row: { xid: `${module}.${name}`, cells } }]);
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	for (const [model, list] of byModel) {
		const options = this.getNodeParameter('options', list[0].i, {}) as IDataObject;
		const outcomes = await upsertRows(
			client,
			model,
			list.map((x) => x.row),
			{
				batchSize: (options.batchSize as number) || 1000,
				skipUnchanged: options.skipUnchanged === true,
				matchBy: String(options.matchBy ?? '').trim() || undefined,
				itemIndex: list[0].i,
			},
		);
		outcomes.forEach((o, k) => {
			const { i } = list[k];
			if (o.error) {
				out[i] = failItem(this, new InputError(`Odoo refused ${o.xid}: ${o.error}`, o.field ?? 'values'), i);
				out[i].json.externalId = o.xid; // what was refused, for a flow's waiting list
				return;
			}
			const json: UpsertResult = { id: o.id!, model, externalId: o.xid, action: o.action! };
			if (o.archived) json.archived = true;
			out[i] = ok(json as IDataObject, i);
		});
	}
	return out;
}
