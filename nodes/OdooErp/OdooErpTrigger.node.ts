import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError, NodeConnectionTypes } from 'n8n-workflow';
import { modelLocator } from './actions/common.descriptions';
import { domainProperty } from './actions/record/getMany.operation';
import { InputError, fingerprint, parseDomain } from './helpers/utils';
import { listSearch, loadOptions } from './methods';
import { OdooClient } from './transport';

/**
 * Cursor kept in the node's static data. `seen` holds the ids (with their timestamp) already
 * emitted at the newest timestamps, because Odoo's timestamps have one-second resolution:
 * records written in the same second as the last poll must not be lost nor sent twice.
 * For updates the timestamp carries a fingerprint of what was read ("ts#fp"): a second change
 * within the same second leaves write_date as it was, only the content tells.
 */
interface Cursor {
	ts: string;
	seen: Record<string, string>;
}

const PAGE = 1000;

const toMs = (ts: string) => Date.parse(`${ts.replace(' ', 'T')}Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export class OdooErpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Odoo ERP Trigger',
		name: 'odooErpTrigger',
		icon: { light: 'file:odoo.svg', dark: 'file:odoo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] + ": " + $parameter["model"].value}}',
		description: 'Starts the workflow when Odoo records matching a domain are created or updated',
		defaults: { name: 'Odoo ERP Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'odooErpApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{ name: 'Record Created or Updated', value: 'createdOrUpdated' },
					{ name: 'Record Created', value: 'created' },
				],
				default: 'createdOrUpdated',
			},
			modelLocator,
			{
				...domainProperty,
				description:
					'Only records matching this filter, e.g. posted customer invoices: [["move_type", "=", "out_invoice"], ["state", "=", "posted"]]',
			},
			{
				displayName: 'Field Names or IDs',
				name: 'fields',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getModelFields', loadOptionsDependsOn: ['model.value'] },
				default: [],
				description: 'Fields to return; none returns every field. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Lookback (Seconds)',
						name: 'lookbackSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description:
							'Also look this far behind the last timestamp seen, for records committed late by long transactions; records already emitted are not emitted again unless the fields read changed',
					},
				],
			},
		],
	};

	methods = { listSearch, loadOptions };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const model = String(this.getNodeParameter('model', '', { extractValue: true }) ?? '').trim();
		const event = this.getNodeParameter('event', 'createdOrUpdated') as string;
		let domain: unknown[];
		try {
			domain = parseDomain(this.getNodeParameter('domain', '[]'));
		} catch (error) {
			throw new NodeOperationError(this.getNode(), (error as InputError).message);
		}
		const fields = (this.getNodeParameter('fields', []) as string[]) ?? [];
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const lookbackMs = Number(options.lookbackSeconds ?? 0) * 1000;
		const tsField = event === 'created' ? 'create_date' : 'write_date';
		const readFields = fields.length ? [...new Set([...fields, tsField, 'id'])] : [];
		const client = await OdooClient.fromContext(this);
		const kwargs = (extra: IDataObject): IDataObject => (readFields.length ? { fields: readFields, ...extra } : extra);

		if (this.getMode() === 'manual') {
			// A sample for building the workflow; the cursor does not move.
			const rows = await client.call<IDataObject[]>(model, 'search_read', { args: [domain], kwargs: kwargs({ order: `${tsField} desc, id desc`, limit: 1 }) });
			return rows.length ? [this.helpers.returnJsonArray(rows)] : null;
		}

		const state = this.getWorkflowStaticData('node') as { cursor?: Cursor };
		if (!state.cursor) {
			// First poll after activation: start from the newest matching record, emit nothing.
			const rows = await client.call<IDataObject[]>(model, 'search_read', {
				args: [domain],
				kwargs: { fields: [tsField], order: `${tsField} desc, id desc`, limit: 1 },
			});
			const ts = (rows[0]?.[tsField] as string) || '1970-01-01 00:00:00';
			const seen: Record<string, string> = {};
			if (rows[0]) {
				const same = await client.call<IDataObject[]>(model, 'search_read', { args: [[...domain, [tsField, '=', ts]]], kwargs: { fields: [tsField] } });
				for (const r of same) seen[String(r.id)] = ts;
			}
			state.cursor = { ts, seen };
			return null;
		}

		const cursor = state.cursor;
		const mark = (r: IDataObject): string => (event === 'created' ? String(r[tsField]) : `${String(r[tsField])}#${fingerprint(r)}`);
		const since = lookbackMs ? fromMs(toMs(cursor.ts) - lookbackMs) : cursor.ts;
		const fresh: IDataObject[] = [];
		let maxTs = cursor.ts;
		for (let offset = 0; ; offset += PAGE) {
			const rows = await client.call<IDataObject[]>(model, 'search_read', {
				args: [[...domain, [tsField, '>=', since]]],
				kwargs: kwargs({ order: `${tsField} asc, id asc`, offset, limit: PAGE }),
			});
			for (const r of rows) {
				const ts = String(r[tsField]);
				const before = cursor.seen[String(r.id)];
				// Cursors saved before fingerprints hold the timestamp alone.
				if (before === ts || (before !== undefined && before === mark(r))) continue;
				fresh.push(r);
				if (ts > maxTs) maxTs = ts;
			}
			if (rows.length < PAGE) break;
		}
		if (!fresh.length) return null;

		const seen: Record<string, string> = {};
		const keepFrom = lookbackMs ? fromMs(toMs(maxTs) - lookbackMs) : maxTs;
		for (const [id, value] of Object.entries(cursor.seen)) if (value.split('#')[0] >= keepFrom) seen[id] = value;
		for (const r of fresh) if (String(r[tsField]) >= keepFrom) seen[String(r.id)] = mark(r);
		state.cursor = { ts: maxTs, seen };
		return [this.helpers.returnJsonArray(fresh)];
	}
}
