import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { readAccountingInvoices } from '../../helpers/accounting';
import { createClaim, releaseClaim } from '../../helpers/claims';
import type { ExternalIdRow } from '../../helpers/interfaces';
import { ok, passOn } from '../../helpers/items';
import { resolveXids } from '../../helpers/upsert';
import { InputError, parseIds } from '../../helpers/utils';
import { UnknownOutcomeError } from '../../../shared/http';
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
		displayName: 'Resume Claims Older Than (Minutes)',
		name: 'staleMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		description: 'An invoice claimed this long ago but never recorded as exported (a run that stopped midway) is claimed again and marked resumed',
	},
	{
		displayName: 'Dated On or After',
		name: 'dateFrom',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-12-01',
		description: 'Only invoices and credit notes dated on or after this day (YYYY-MM-DD), so a first run does not export the whole history; empty: no limit',
	},
	{
		displayName: 'E-Invoice Address Field',
		name: 'einvoiceAddressField',
		type: 'string',
		default: 'peppol_endpoint',
		description: "Field of the customer (res.partner) holding its e-invoice address (OVT); Odoo's own is peppol_endpoint. Read only when the server has it.",
	},
	{
		displayName: 'E-Invoice Operator Field',
		name: 'einvoiceOperatorField',
		type: 'string',
		default: '',
		placeholder: 'e.g. x_einvoice_operator',
		description: "Field of the customer (res.partner) holding its e-invoice operator code; Odoo has none of its own, so it is usually a custom field. Empty: none.",
	},
	{
		displayName: 'Leave Out IDs',
		name: 'excludeIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. 35, 39',
		description: 'Invoices a person decided not to export (skipped in the Sync State): never returned',
	},
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
	let claimed = await client.call<Array<ExternalIdRow & { create_date: string }>>('ir.model.data', 'search_read', {
		args: [[['module', '=', ns], ['model', '=', 'account.move'], ['name', '=like', 'claim_invoice_%']]],
		kwargs: { fields: ['res_id', 'create_date'] },
	});
	// Claims of runs that stopped midway: released, then claimed again below like new ones.
	const staleMs = Number(this.getNodeParameter('staleMinutes', 0, 30)) * 60_000;
	const old = claimed.filter((c) => client.ageMs(c.create_date) > staleMs);
	const resumed = new Set<number>();
	// Invoices whose last export failed (retry_invoice_<id>): tried again, looking first for what got through.
	const retries = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
		args: [[['module', '=', ns], ['model', '=', 'account.move'], ['name', '=like', 'retry_invoice_%']]],
		kwargs: { fields: ['res_id'] },
	});
	retries.forEach((r) => resumed.add(r.res_id));
	if (old.length) {
		const recorded = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
			args: [[['module', '=', ns], ['model', '=', 'account.move'], ['name', '=like', 'invoice_%'], ['res_id', 'in', old.map((c) => c.res_id)]]],
			kwargs: { fields: ['res_id'] },
		});
		const done = new Set(recorded.map((r) => r.res_id));
		const stale = old.filter((c) => !done.has(c.res_id));
		if (stale.length) {
			await client.call('ir.model.data', 'unlink', { ids: stale.map((c) => c.id), idempotent: true });
			stale.forEach((c) => resumed.add(c.res_id));
			claimed = claimed.filter((c) => !stale.includes(c));
		}
	}
	const domain: unknown[] = [
		['move_type', 'in', ['out_invoice', 'out_refund']],
		['state', '=', 'posted'],
		['id', 'not in', claimed.map((c) => c.res_id)],
	];
	const dateFrom = String(this.getNodeParameter('dateFrom', 0, '') ?? '').trim();
	if (dateFrom) {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(dateFrom) || Number.isNaN(Date.parse(dateFrom))) throw new InputError(`Dated On or After "${dateFrom}" is not a date (YYYY-MM-DD)`, 'dateFrom');
		domain.push(['invoice_date', '>=', dateFrom]);
	}
	const leaveOut = String(this.getNodeParameter('excludeIds', 0, '') ?? '').trim();
	if (leaveOut) domain.push(['id', 'not in', parseIds(leaveOut, 'Leave Out IDs')]);
	if (this.getNodeParameter('selection', 0) === 'ids') domain.push(['id', 'in', parseIds(this.getNodeParameter('invoiceIds', 0), 'Invoice IDs')]);
	let ids = await client.call<number[]>('account.move', 'search', { args: [domain], kwargs: { order: 'id', limit } });
	if (this.getNodeParameter('claim', 0, true) && ids.length) {
		const rows = (list: number[]) => list.map((id) => ({ module: ns, name: claimName(id), model: 'account.move', res_id: id }));
		try {
			await client.call('ir.model.data', 'create', { args: [rows(ids)] });
		} catch (error) {
			if (error instanceof UnknownOutcomeError) {
				// The answer was lost: claims that exist now were made by this call.
				const made = await resolveXids(client, ids.map((id) => `${ns}.${claimName(id)}`), 'account.move');
				const rest = ids.filter((id) => !made.has(`${ns}.${claimName(id)}`));
				if (rest.length) await client.call('ir.model.data', 'create', { args: [rows(rest)] });
			} else {
				// Some were claimed meanwhile by another run: claim one by one, keep what we got.
				const mine: number[] = [];
				for (const id of ids) {
					try {
						await createClaim(client, rows([id])[0]);
						mine.push(id);
					} catch {
						// taken by the other run
					}
				}
				ids = mine;
			}
		}
	}
	try {
		const einvoice = { address: String(this.getNodeParameter('einvoiceAddressField', 0, 'peppol_endpoint') ?? '').trim(), operator: String(this.getNodeParameter('einvoiceOperatorField', 0, '') ?? '').trim() };
		for (const f of [einvoice.address, einvoice.operator]) if (f && !/^[a-z_][a-z0-9_]*$/.test(f)) throw new InputError(`"${f}" is not an Odoo field name`, 'einvoiceAddressField');
		return (await readAccountingInvoices(client, ids, ns, einvoice)).map((inv: IDataObject) => ok(resumed.has(inv.odooId as number) ? { ...inv, resumed: true } : inv, 0));
	} catch (error) {
		// Nothing was handed on: release what this run claimed, so the next run takes it.
		for (const id of this.getNodeParameter('claim', 0, true) ? ids : []) await releaseClaim(client, ns, id).catch(() => undefined);
		throw passOn(this.getNode(), error);
	}
}
