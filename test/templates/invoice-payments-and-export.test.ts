/** Register on Invoice with the cap, and the canonical invoice export, through n8n's engine (the counter API: counter-api.test.ts). */
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { chain, node } from '../helpers';

function invoice(sb: Sandboxes, partner: number, price: number, post = true): number {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	return db.transaction(() => {
		const m = db.create(env, 'account.move', {
			move_type: 'out_invoice',
			partner_id: partner,
			invoice_date: '2026-11-02',
			currency_id: 126,
			invoice_line_ids: [[0, 0, { name: 'Catering', quantity: 1, price_unit: price, tax_ids: [[6, 0, [db.search(env, 'account.tax', [['name', '=', 'VAT 14%']])[0]]]] }]],
		});
		if (post) db.call(env, 'account.move', 'action_post', [m.id], {});
		return m.id;
	});
}

describe('Payment → Register on Invoice: the cap at the open balance', () => {
	test('with the cap, a payment above the residual pays exactly the residual; a second is "nothing to pay"; without it, it is refused and nothing is written', async () => {
		const sb = await startSandboxes();
		try {
			const engine = new Engine(sb.credentials());
			const db = sb.odoo.db;
			const env = sb.odoo.env();
			const inv = invoice(sb, 10, 100); // 114.00 with VAT 14 %
			const residual = () => db.read(env, 'account.move', [inv], ['amount_residual', 'payment_state'])[0];
			expect(residual()).toEqual({ id: inv, amount_residual: 114, payment_state: 'not_paid' });
			const register = (amount: number, cap: boolean) =>
				engine.run(chain([{}], node('Pay', 'odooErp', { resource: 'payment', operation: 'register', invoiceId: String(inv), amount: String(amount), journalMode: 'bank', cap }, { continueOnFail: true })));
			const payments = () => db.search(env, 'account.payment', []).length;
			const before = payments();

			const refused = (await register(150, false)).output('Pay')[0];
			expect(String(refused.error)).toMatch(/Amount 150\.00 is more than the open balance 114\.00 of INV\//);
			expect(payments()).toBe(before);

			const capped = (await register(150, true)).output('Pay')[0];
			expect(capped).toMatchObject({ status: 'registered', amount: 114, paymentState: expect.stringMatching(/paid|in_payment/), residual: 0 });
			expect(payments()).toBe(before + 1);
			const [payment] = db.read(env, 'account.payment', [capped.paymentId as number], ['amount']);
			expect(payment.amount).toBe(114); // Odoo's own record, not what the node reported
			expect(residual().amount_residual).toBe(0);

			const again = (await register(10, true)).output('Pay')[0];
			expect(again).toMatchObject({ status: 'nothing to pay', residual: 0 });
			expect(payments()).toBe(before + 1);
		} finally {
			await sb.stop();
		}
	});
});

describe('Template: canonical invoice export', () => {
	test('matches the mapping field by field, with the "/" and missing-date cases; repeated syncs send each change once', async () => {
		const sb = await startSandboxes();
		try {
			const engine = new Engine(sb.credentials());
			const db = sb.odoo.db;
			const env = sb.odoo.env();
			const draft = invoice(sb, 9, 10, false); // named "/": skipped and counted
			const noDate = invoice(sb, 9, 20);
			db.transaction(() => {
				db.call(env, 'account.move', 'button_draft', [noDate], {});
				db.write(env, 'account.move', [noDate], { invoice_date: false });
			});
			const byRef = invoice(sb, 10, 30);
			db.transaction(() => db.updateRaw('account.move', db.browse('account.move', byRef)!, { name: '', ref: 'EXT-42' }));
			const paid = invoice(sb, 10, 40);
			await engine.run(chain([{}], node('Pay', 'odooErp', { resource: 'payment', operation: 'register', invoiceId: String(paid), journalMode: 'bank' })));

			const preview = await engine.run(chain([{}], node('Preview', 'odooErp', { resource: 'invoice', operation: 'getManyCanonical', mode: 'preview', limit: 3, offset: 2, options: { currency: 'EUR' } })));
			expect(preview.output('Preview')).toHaveLength(3);

			const state: IDataObject = {};
			const first = await runTemplate(engine, 'odoo-invoices-canonical-sync', state, sb.settings());
			expect(first.error).toBeUndefined();
			const received = sb.receiver.received as IDataObject[];
			const posted = db.search(env, 'account.move', [['move_type', 'in', ['out_invoice', 'out_refund']]]).filter((id) => id !== draft);
			expect(received).toHaveLength(posted.length);
			expect(first.summary[0]).toMatchObject({ status: 'success', sent: posted.length, skipped: 1 });
			const get = (id: number) => received.find((r) => (r.metadata as IDataObject).id === id)!;
			const today = new Date().toISOString().slice(0, 10);
			const [paidRow] = db.read(env, 'account.move', [paid], ['name', 'invoice_date', 'amount_total']);
			expect(get(paid)).toEqual({
				invoiceNumber: paidRow.name,
				issueDate: paidRow.invoice_date,
				currencyCode: 'EUR',
				totalAmount: paidRow.amount_total,
				status: 'INTEGRATED',
				metadata: expect.objectContaining({ provider: 'Odoo', id: paid, paymentState: 'paid' }),
			});
			expect(get(noDate)).toMatchObject({ issueDate: today, status: 'PENDING', warnings: [expect.stringMatching(/invoice_date is missing/)] });
			expect(get(byRef)).toMatchObject({ invoiceNumber: 'EXT-42' });
			expect(received.find((r) => (r.metadata as IDataObject).id === draft)).toBeUndefined();

			const second = await runTemplate(engine, 'odoo-invoices-canonical-sync', state, sb.settings());
			expect(second.summary[0]).toMatchObject({ status: 'success', sent: 0 });
			db.transaction(() => db.write(env, 'account.move', [byRef], { ref: 'EXT-43' }));
			const third = await runTemplate(engine, 'odoo-invoices-canonical-sync', state, sb.settings());
			expect(third.summary[0]).toMatchObject({ status: 'success', sent: 1 });
			expect(received).toHaveLength(posted.length + 1);
			// A second change within the same second leaves write_date as it was: the content still tells.
			db.transaction(() => db.updateRaw('account.move', db.browse('account.move', byRef)!, { ref: 'EXT-44' }));
			const fourth = await runTemplate(engine, 'odoo-invoices-canonical-sync', state, sb.settings());
			expect(fourth.summary[0]).toMatchObject({ status: 'success', sent: 1 });
			expect(received.at(-1)).toMatchObject({ invoiceNumber: 'EXT-44' });
			const fifth = await runTemplate(engine, 'odoo-invoices-canonical-sync', state, sb.settings());
			expect(fifth.summary[0]).toMatchObject({ status: 'success', sent: 0 });
			// The cursor lives in Odoo: a manual run (n8n saves no static data for it) or another worker sends nothing again.
			const manual = await runTemplate(engine, 'odoo-invoices-canonical-sync', {}, sb.settings());
			expect(manual.summary[0]).toMatchObject({ status: 'success', sent: 0 });
			// Nothing kept in the workflow: n8n's empty per-node objects (made when a step looks) hold nothing.
			expect(Object.values(state).filter((v) => !(v && typeof v === 'object' && Object.keys(v).length === 0))).toEqual([]);
		} finally {
			await sb.stop();
		}
	});
});

describe('Template: canonical invoice export, sent with its credential', () => {
	test('the endpoint gets the Header Auth credential; a wrong token or a plain-http endpoint elsewhere sends nothing and moves nothing', async () => {
		const sb = await startSandboxes();
		try {
			invoice(sb, 9, 25);
			const creds = sb.credentials();
			// A plain http endpoint on another host: refused before any request, the invoices wait.
			const plain = await runTemplate(new Engine(creds), 'odoo-invoices-canonical-sync', {}, { ...sb.settings(), endpoint: 'http://invoices.example.com/canonical' });
			expect(plain.ok).toBe(false);
			expect(plain.error).toMatch(/plain http to another host: use https, or set allowPlainHttp/);
			expect(sb.receiver.requests + sb.receiver.refused).toBe(0);
			// A wrong token: the platform refuses, nothing counts as sent, the token is not printed.
			const wrong = await runTemplate(new Engine({ ...creds, httpHeaderAuth: { name: 'Authorization', value: 'Bearer not-the-token-4711' } }), 'odoo-invoices-canonical-sync', {}, sb.settings());
			expect(wrong.ok).toBe(false);
			expect(sb.receiver.refused).toBe(1);
			expect(sb.receiver.received).toHaveLength(0);
			expect(JSON.stringify(wrong)).not.toContain('not-the-token-4711');
			// With the credential: sent once.
			const right = await runTemplate(new Engine(creds), 'odoo-invoices-canonical-sync', {}, sb.settings());
			expect(right.summary[0]).toMatchObject({ status: 'success' });
			expect(sb.receiver.received.length).toBeGreaterThan(0);
		} finally {
			await sb.stop();
		}
	});
});
