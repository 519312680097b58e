import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { readAccountingInvoices } from '../../helpers/accounting';
import type { ExternalIdRow } from '../../helpers/interfaces';
import { ok } from '../../helpers/items';
import { InputError, parseIds } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Namespace',
		name: 'namespace',
		type: 'string',
		default: 'procountor',
		required: true,
		description: 'Module of the external IDs that mark invoices as claimed and exported, e.g. procountor',
	},
	{
		displayName: 'Invoices',
		name: 'selection',
		type: 'options',
		options: [
			{ name: 'Not Yet Exported', value: 'unsent', description: 'Posted customer invoices and credit notes nobody has claimed' },
			{ name: 'By ID', value: 'ids', description: 'The invoices given (claimed ones are still skipped)' },
		],
		default: 'unsent',
	},
	{ displayName: 'Invoice IDs', name: 'invoiceIds', type: 'string', default: '', placeholder: 'e.g. 35, 39', displayOptions: { show: { selection: ['ids'] } } },
	{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return' },
	{
		displayName: 'Claim',
		name: 'claim',
		type: 'boolean',
		default: true,
		description:
			'Whether to claim each invoice with an external ID before returning it (Odoo\'s unique index lets one run claim it), so overlapping runs never export an invoice twice',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['getForExport'] } }, properties);

const claimName = (id: number) => `claim_invoice_${id}`;

/** Posted customer invoices and credit notes not yet exported, claimed and in the neutral accounting shape. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const ns = String(this.getNodeParameter('namespace', 0)).trim();
	if (!/^[A-Za-z0-9_-]+$/.test(ns)) throw new InputError(`Namespace "${ns}" may only hold letters, digits, _ and -`, 'namespace');
	const limit = Number(this.getNodeParameter('limit', 0, 50));
	const claimed = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
		args: [[['module', '=', ns], ['model', '=', 'account.move'], ['name', '=like', 'claim_invoice_%']]],
		kwargs: { fields: ['res_id'] },
	});
	const domain: unknown[] = [
		['move_type', 'in', ['out_invoice', 'out_refund']],
		['state', '=', 'posted'],
		['id', 'not in', claimed.map((c) => c.res_id)],
	];
	if (this.getNodeParameter('selection', 0) === 'ids') domain.push(['id', 'in', parseIds(this.getNodeParameter('invoiceIds', 0), 'Invoice IDs')]);
	let ids = await client.call<number[]>('account.move', 'search', { args: [domain], kwargs: { order: 'id', limit } });
	if (this.getNodeParameter('claim', 0, true) && ids.length) {
		const rows = (list: number[]) => list.map((id) => ({ module: ns, name: claimName(id), model: 'account.move', res_id: id }));
		try {
			await client.call('ir.model.data', 'create', { args: [rows(ids)] });
		} catch {
			// Some were claimed meanwhile by another run: claim one by one, keep what we got.
			const mine: number[] = [];
			for (const id of ids) {
				try {
					await client.call('ir.model.data', 'create', { args: [rows([id])] });
					mine.push(id);
				} catch {
					// taken by the other run
				}
			}
			ids = mine;
		}
	}
	return (await readAccountingInvoices(client, ids, ns)).map((inv: IDataObject) => ok(inv, 0));
}
