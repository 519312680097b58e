import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { InputError, parseIds } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

export const INVOICE_FIELDS = ['name', 'ref', 'move_type', 'state', 'partner_id', 'invoice_date', 'invoice_date_due', 'currency_id', 'amount_untaxed', 'amount_tax', 'amount_total', 'amount_residual', 'payment_state'];

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['get', 'post'] } }, [
	{ displayName: 'Invoice ID', name: 'invoiceId', type: 'string', default: '', required: true },
] as INodeProperties[]);

/** Invoices by ID, read in one call. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const wanted: Array<{ i: number; id: number }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			wanted.push({ i, id: parseIds(this.getNodeParameter('invoiceId', i), 'Invoice ID')[0] });
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	const rows = wanted.length ? await client.call<IDataObject[]>('account.move', 'read', { ids: [...new Set(wanted.map((w) => w.id))], kwargs: { fields: INVOICE_FIELDS } }) : [];
	for (const w of wanted) {
		const r = rows.find((x) => x.id === w.id);
		out[w.i] = r && String(r.move_type).startsWith('out_') ? ok(r, w.i) : failItem(this, new InputError(`No customer invoice with ID ${w.id}`, 'invoiceId'), w.i);
	}
	return out;
}

/** Posts draft invoices (numbering them); already posted ones are reported unchanged. */
export async function post(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const id = parseIds(this.getNodeParameter('invoiceId', i), 'Invoice ID')[0];
			const [before] = await client.call<IDataObject[]>('account.move', 'read', { ids: [id], kwargs: { fields: ['state', 'move_type'] } });
			if (!before || !String(before.move_type).startsWith('out_')) throw new InputError(`No customer invoice with ID ${id}`, 'invoiceId');
			if (before.state === 'draft') await client.call('account.move', 'action_post', { ids: [id], itemIndex: i });
			else if (before.state !== 'posted') throw new InputError(`Invoice ${id} is ${before.state}: only a draft can be posted`, 'invoiceId');
			const [after] = await client.call<IDataObject[]>('account.move', 'read', { ids: [id], kwargs: { fields: INVOICE_FIELDS } });
			out.push(ok({ ...after, posted: before.state === 'draft' }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
