import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { UpsertResult } from '../../helpers/interfaces';
import { failItem, ok, passOn } from '../../helpers/items';
import { wouldChange } from '../../helpers/relations';
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
 * A relation given as "set these records" goes in the load; any other edit of a relation (add,
 * remove, clear, lines) is written after it, on the record the load made or found.
 */
function splitForLoad(values: IDataObject): { load: IDataObject; after: IDataObject } {
	const load: IDataObject = {};
	const after: IDataObject = {};
	for (const [k, v] of Object.entries(values)) {
		const commands = Array.isArray(v) && v.length && v.every((c) => Array.isArray(c)) ? (v as unknown[][]) : undefined;
		if (commands && commands.length === 1 && commands[0][0] === 6) load[k] = commands[0][2] as number[];
		else if (commands) after[k] = commands;
		else load[k] = v;
	}
	return { load, after };
}

/**
 * The relation edits of an upserted record. New lines (Create Lines) belong to the record as the
 * upsert creates it: on a record that already existed they are left out, so a re-run does not
 * add them again.
 */
function editsFor(after: IDataObject, created: boolean): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(after)) {
		const commands = (v as unknown[][]).filter((c) => created || c[0] !== 0);
		if (commands.length) out[k] = commands;
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
	const byModel = new Map<string, Array<{ i: number; row: UpsertRow; after: IDataObject }>>();
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
			const { load, after } = splitForLoad(await readValues(this, client, model, i));
			const fields = await client.fields(model);
			const cells = Object.fromEntries(
				Object.entries(load)
					.filter(([k]) => k !== 'id')
					.map(([k, v]) => toLoadCell(k, fields[k.split('/')[0]], v)),
			);
			byModel.set(model, [...(byModel.get(model) ?? []), { i, row: { xid: `${module}.${name}`, cells }, after }]);
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
		const edited = await writeEdits(client, model, list.map((x, k) => ({ i: x.i, id: outcomes[k].id, created: outcomes[k].action === 'created', after: x.after })), options.skipUnchanged === true);
		outcomes.forEach((o, k) => {
			const { i } = list[k];
			if (o.error) {
				out[i] = failItem(this, new InputError(`Odoo refused ${o.xid}: ${o.error}`, o.field ?? 'values'), i);
				out[i].json.externalId = o.xid; // what was refused, for a flow's waiting list
				return;
			}
			const edit = edited.get(i);
			if (edit instanceof Error) {
				// The record is there; its relations are not yet as asked: a run again finishes it.
				out[i] = failItem(this, edit, i);
				Object.assign(out[i].json, { id: o.id, externalId: o.xid });
				return;
			}
			const json: UpsertResult = { id: o.id!, model, externalId: o.xid, action: edit && o.action === 'unchanged' ? 'updated' : o.action! };
			if (o.archived) json.archived = true;
			out[i] = ok(json as IDataObject, i);
		});
	}
	return out;
}

/**
 * Writes the relation edits after the load, records with the same edits in one call. With Skip
 * Unchanged the records are read first and only those the edits would change are written.
 * Answers, per item, whether it wrote, or the error.
 */
async function writeEdits(
	client: OdooClient,
	model: string,
	rows: Array<{ i: number; id?: number; created: boolean; after: IDataObject }>,
	skipUnchanged: boolean,
): Promise<Map<number, boolean | Error>> {
	const result = new Map<number, boolean | Error>();
	const todo = rows.map((r) => ({ ...r, vals: editsFor(r.after, r.created) })).filter((r): r is typeof r & { id: number } => !!r.id && Object.keys(r.vals).length > 0);
	if (!todo.length) return result;
	let current = new Map<number, IDataObject>();
	const fields = await client.fields(model);
	if (skipUnchanged) {
		const names = [...new Set(todo.flatMap((r) => Object.keys(r.vals)))];
		const read = await client.call<IDataObject[]>(model, 'read', { ids: [...new Set(todo.map((r) => r.id))], kwargs: { fields: names }, itemIndex: todo[0].i });
		current = new Map(read.map((r) => [r.id as number, r]));
	}
	const groups = new Map<string, { vals: IDataObject; members: typeof todo }>();
	for (const r of todo) {
		const have = current.get(r.id);
		if (have && !Object.entries(r.vals).some(([k, v]) => wouldChange(fields[k], have[k], v))) {
			result.set(r.i, false);
			continue;
		}
		const key = JSON.stringify(r.vals);
		const g = groups.get(key) ?? { vals: r.vals, members: [] };
		g.members.push(r);
		groups.set(key, g);
	}
	for (const g of groups.values()) {
		// Edits that create lines are written record by record: each record gets its own lines, whatever
		// a write on several records would do with them.
		const parts = Object.values(g.vals).some((v) => (v as unknown[][]).some((c) => c[0] === 0)) ? g.members.map((m) => [m]) : [g.members];
		for (const part of parts) {
			try {
				await client.call(model, 'write', { ids: part.map((m) => m.id), args: [g.vals], itemIndex: part[0].i });
				for (const m of part) result.set(m.i, true);
			} catch (error) {
				for (const m of part) result.set(m.i, passOn(client.node, error));
			}
		}
	}
	return result;
}
