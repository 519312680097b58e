import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { releaseClaim } from '../../helpers/claims';
import { failItem, ok, passOn } from '../../helpers/items';
import { resolveXids } from '../../helpers/upsert';
import { InputError } from '../../helpers/utils';
import { UnknownOutcomeError } from '../../../shared/http';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Namespace', name: 'namespace', type: 'string', default: 'procountor', required: true },
	{ displayName: 'Invoice ID', name: 'invoiceId', type: 'string', default: '={{ $json.odooId }}', required: true, description: 'The Odoo invoice' },
	{ displayName: 'External Invoice ID', name: 'externalId', type: 'string', default: '={{ $json.procountorInvoiceId }}', required: true, description: 'Its ID in the other system' },
	{ displayName: 'Customer ID', name: 'partnerId', type: 'string', default: '={{ $json.odooPartnerId }}', description: 'The Odoo customer (optional)' },
	{ displayName: 'External Customer ID', name: 'externalPartnerId', type: 'string', default: '={{ $json.procountorPartnerId }}', description: 'The customer\'s ID in the other system (optional)' },
];

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['recordExport'] } }, properties);

/** Records the exported invoice (and customer) as external IDs: <namespace>.invoice_<id>, <namespace>.partner_<id>. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const want: Array<{ i: number; rows: IDataObject[] }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			if (!Object.keys(items[i].json).length) continue;
			const ns = String(this.getNodeParameter('namespace', i)).trim();
			if (typeof items[i].json.error === 'string') {
				// The export failed: release the claim so the next run tries again, looking first for what got through.
				const failedId = Number(this.getNodeParameter('invoiceId', i, ''));
				if (Number.isInteger(failedId) && failedId > 0) await releaseClaim(client, ns, failedId);
				throw new InputError(`The step before failed: ${items[i].json.error}`);
			}
			const num = (name: string, label: string, required: boolean) => {
				const v = String(this.getNodeParameter(name, i, '') ?? '').trim();
				if (!v && !required) return undefined;
				if (!/^\d+$/.test(v)) throw new InputError(`${label} "${v}" is not an ID`, name);
				return Number(v);
			};
			const invoice = num('invoiceId', 'Invoice ID', true)!;
			const ext = num('externalId', 'External Invoice ID', true)!;
			const partner = num('partnerId', 'Customer ID', false);
			const extPartner = num('externalPartnerId', 'External Customer ID', false);
			const rows: IDataObject[] = [{ module: ns, name: `invoice_${ext}`, model: 'account.move', res_id: invoice }];
			if (partner && extPartner) rows.push({ module: ns, name: `partner_${extPartner}`, model: 'res.partner', res_id: partner });
			want.push({ i, rows });
		} catch (error) {
			out[i] = failItem(this, error, i);
			// The invoice it was about, for a flow's waiting list.
			const about = Number(this.getNodeParameter('invoiceId', i, ''));
			if (Number.isInteger(about) && about > 0) out[i].json.odooId = about;
		}
	}
	const existing = await resolveXids(client, want.flatMap((w) => w.rows.map((r) => `${r.module}.${r.name}`)));
	const seen = new Set<string>();
	const create = want.flatMap((w) => w.rows).filter((r) => {
		const k = `${r.module}.${r.name}`;
		if (existing.has(k) || seen.has(k)) return false;
		seen.add(k);
		return true;
	});
	if (create.length) {
		try {
			await client.call('ir.model.data', 'create', { args: [create] });
		} catch (error) {
			// Recording is idempotent in effect: after a lost answer or a concurrent record, add what is missing.
			const now = await resolveXids(client, create.map((r) => `${r.module}.${r.name}`));
			const missing = create.filter((r) => !now.has(`${r.module}.${r.name}`));
			if (missing.length === create.length && !(error instanceof UnknownOutcomeError)) throw passOn(client.node, error);
			if (missing.length) await client.call('ir.model.data', 'create', { args: [missing] });
		}
	}
	const markers = await client.call<number[]>('ir.model.data', 'search', {
		args: [[['module', 'in', [...new Set(want.map((w) => w.rows[0].module))]], ['name', 'in', want.map((w) => `retry_invoice_${w.rows[0].res_id}`)]]],
	});
	if (markers.length) await client.call('ir.model.data', 'unlink', { ids: markers, idempotent: true });
	for (const w of want) out[w.i] = ok({ ...this.getInputData()[w.i].json, recorded: w.rows.map((r) => `${r.module}.${r.name}`) }, w.i);
	return out;
}
