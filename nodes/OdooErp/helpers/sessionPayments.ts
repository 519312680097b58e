/** Invoice payments taken in a POS session: what the counter API and the Session Summary operation answer. */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient } from '../transport';

const money = (v: number) => Math.round(v * 100) / 100;

/** The session's invoice payments, split into cash and bank, each with its invoice and journal. */
export async function sessionInvoicePayments(client: OdooClient, sessionId: number, session: { name: string; state: string }): Promise<IDataObject> {
	// Invoice payments only: the session's own combined POS payments reconcile no invoice.
	const payments = await client.call<Array<{ id: number; name: string; amount: number; date: string; journal_id: [number, string]; reconciled_invoice_ids: number[]; payment_type: string }>>(
		'account.payment',
		'search_read',
		{
			// Stored fields only (Odoo ignores a domain on reconciled_invoice_ids): invoice payments taken at the
			// counter carry the session but no POS payment method; Odoo's combined card settlements carry one.
			args: [[['pos_session_id', '=', sessionId], ['pos_payment_method_id', '=', false], ['state', 'not in', ['draft', 'cancel', 'canceled', 'rejected']]]],
			kwargs: { fields: ['name', 'amount', 'date', 'journal_id', 'reconciled_invoice_ids', 'payment_type'], order: 'id' },
		},
	);
	const journalIds = [...new Set(payments.map((p) => p.journal_id[0]))];
	const journals = journalIds.length ? await client.call<Array<{ id: number; type: string }>>('account.journal', 'read', { ids: journalIds, kwargs: { fields: ['type'] } }) : [];
	const invoiceIds = [...new Set(payments.flatMap((p) => p.reconciled_invoice_ids))];
	const invoices = invoiceIds.length ? await client.call<Array<{ id: number; name: string }>>('account.move', 'read', { ids: invoiceIds, kwargs: { fields: ['name'] } }) : [];
	const typeOf = new Map(journals.map((j) => [j.id, j.type]));
	const lines = payments.filter((p) => p.reconciled_invoice_ids.length).map((p) => ({
		paymentId: p.id,
		payment: p.name,
		amount: (p.payment_type === 'outbound' ? -1 : 1) * p.amount,
		date: p.date,
		journalId: p.journal_id[0],
		journal: p.journal_id[1],
		journalType: typeOf.get(p.journal_id[0]) ?? 'bank',
		invoiceIds: p.reconciled_invoice_ids,
		invoices: p.reconciled_invoice_ids.map((id) => invoices.find((inv) => inv.id === id)?.name ?? String(id)),
	}));
	const sum = (type: string) => money(lines.filter((l) => l.journalType === type).reduce((s, l) => s + l.amount, 0));
	const count = (type: string) => lines.filter((l) => l.journalType === type).length;
	return {
		sessionId,
		session: session.name,
		state: session.state,
		cash: { total: sum('cash'), count: count('cash') },
		bank: { total: sum('bank'), count: count('bank') },
		total: money(sum('cash') + sum('bank')),
		payments: lines,
	};
}
