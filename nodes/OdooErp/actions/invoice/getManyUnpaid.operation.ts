import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['getManyUnpaid'] } }, [
	{ displayName: 'Customer ID', name: 'customerId', type: 'string', default: '', required: true, description: 'The Odoo partner; invoices of its contacts count too' },
] as INodeProperties[]);

/** A customer's posted invoices with an open balance, with the customer's open count and total due. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const raw = String(this.getNodeParameter('customerId', i, '') ?? '').trim();
			if (!raw) throw new InputError('A customer is required', 'customerId');
			const customerId = Number(raw);
			if (!Number.isInteger(customerId) || customerId <= 0) throw new InputError(`Customer ID "${raw}" is not an ID`, 'customerId');
			const [customer] = await client.call<IDataObject[]>('res.partner', 'read', { ids: [customerId], kwargs: { fields: ['name'] } });
			if (!customer) throw new InputError(`No customer with ID ${customerId}`, 'customerId');
			const invoices = await client.call<IDataObject[]>('account.move', 'search_read', {
				args: [[['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['payment_state', 'in', ['not_paid', 'partial']], ['commercial_partner_id', '=', customerId]]],
				kwargs: { fields: ['name', 'invoice_date', 'invoice_date_due', 'amount_total', 'amount_residual', 'payment_state', 'currency_id'], order: 'invoice_date_due, id' },
			});
			const totalDue = Math.round(invoices.reduce((s, inv) => s + Number(inv.amount_residual), 0) * 100) / 100;
			out.push(
				ok(
					{
						customerId,
						customerName: customer.name,
						openCount: invoices.length,
						totalDue,
						invoices: invoices.map((inv) => ({
							id: inv.id,
							number: inv.name,
							date: inv.invoice_date,
							dueDate: inv.invoice_date_due,
							total: inv.amount_total,
							residual: inv.amount_residual,
							paymentState: inv.payment_state,
							currency: Array.isArray(inv.currency_id) ? inv.currency_id[1] : null,
						})),
					},
					i,
				),
			);
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
