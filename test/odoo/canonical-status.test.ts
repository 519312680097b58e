/**
 * The canonical export's status from Odoo's payment_state: money received (paid, or in_payment —
 * what Odoo with the accountant app shows until the bank statement is matched) is INTEGRATED;
 * anything still open, partly paid included, is PENDING. Community Odoo never shows in_payment, so
 * no flow run reaches it: the mapping is checked here for every state Odoo has.
 */
import { canonical } from '../../nodes/OdooErp/actions/invoice/getManyCanonical.operation';

describe('Canonical export status', () => {
	const row = (payment_state: string): Parameters<typeof canonical>[0] => ({
		id: 7,
		name: 'INV/2026/00007',
		ref: '',
		state: 'posted',
		move_type: 'out_invoice',
		invoice_date: '2026-11-02',
		currency_id: [1, 'EUR'] as [number, string],
		amount_total: 114,
		payment_state,
		write_date: '2026-11-02 10:00:00',
	});
	test.each([
		['not_paid', 'PENDING'],
		['partial', 'PENDING'],
		['in_payment', 'INTEGRATED'],
		['paid', 'INTEGRATED'],
		['reversed', 'PENDING'],
	])('payment_state %s → %s', (state, status) => {
		expect(canonical(row(state), 'EUR', '2026-12-01').item).toMatchObject({ status, metadata: expect.objectContaining({ paymentState: state }) });
	});
});
