/** A customer's open invoices: what Get Many Unpaid and the POS counter API answer. */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient } from '../transport';

/** The customer's posted invoices with an open balance in the credential's company, oldest due first. */
export async function openInvoicesOf(client: OdooClient, customerId: number): Promise<IDataObject[]> {
	const company = await client.company();
	return await client.call<IDataObject[]>('account.move', 'search_read', {
		args: [
			[
				['move_type', '=', 'out_invoice'],
				['state', '=', 'posted'],
				['payment_state', 'in', ['not_paid', 'partial']],
				['commercial_partner_id', '=', customerId],
				['company_id', '=', company.id],
			],
		],
		kwargs: { fields: ['name', 'payment_reference', 'invoice_date', 'invoice_date_due', 'amount_total', 'amount_residual', 'payment_state', 'currency_id'], order: 'invoice_date_due, id' },
	});
}

/** The answer: the customer, how many are open and the total due (summed in cents), each invoice. */
export function openInvoicesAnswer(customer: { id: number; name: string }, invoices: IDataObject[]): IDataObject {
	const totalDue = invoices.reduce((s, inv) => s + Math.round(Number(inv.amount_residual) * 100), 0) / 100;
	return {
		customerId: customer.id,
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
	};
}
