/** The POS counter payment API and the canonical invoice export, through n8n's engine. */
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { loadTemplate, runTemplate } from '../../runner/flows';
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

describe('Template: POS counter invoice payments', () => {
	let sb: Sandboxes;
	let engine: Engine;
	const wf = loadTemplate('pos-invoice-payment');
	const call = async (hook: string, request: IDataObject) => {
		const r = await engine.run({ ...wf, pinData: {} }, { startNode: hook, mode: 'webhook', startItems: [{ json: { headers: {}, params: {}, query: {}, body: {}, ...request } }] });
		expect(r.error).toBeUndefined();
		return r.responses[0] as unknown as { statusCode: number; body: IDataObject };
	};
	const pay = (body: IDataObject, headers: IDataObject = {}) => call('POST Payment', { body, headers });
	const paymentCount = () => sb.odoo.db.table('account.payment').size;
	beforeEach(async () => {
		sb = await startSandboxes();
		engine = new Engine(sb.credentials());
	});
	afterEach(async () => {
		await sb.stop();
	});

	test('partial then full payment: not_paid → partial → paid; the refusals write nothing', async () => {
		const customer = 9;
		const id = invoice(sb, customer, 100); // 114.00 with VAT 14 %
		const unpaid = await call('GET Unpaid Invoices', { query: { customer: String(customer) } });
		expect(unpaid.statusCode).toBe(200);
		expect(unpaid.body).toMatchObject({ customerId: 9, openCount: 2 });
		expect((unpaid.body.invoices as IDataObject[]).find((i) => i.id === id)).toMatchObject({ residual: 114, paymentState: 'not_paid' });

		const first = await pay({ invoice: id, customer, amount: 40, method: 'cash' });
		expect(first).toMatchObject({ statusCode: 200, body: { status: 'registered', paymentState: 'partial', residual: 74 } });
		const before = paymentCount();
		const refusals: Array<[IDataObject, number, RegExp]> = [
			[{ invoice: id, customer, amount: 500, method: 'bank' }, 422, /500\.00 is more than the open balance 74\.00/],
			[{ invoice: id, amount: 10, method: 'bank' }, 400, /customer is required/],
			[{ invoice: invoice(sb, customer, 50, false), customer, amount: 10, method: 'bank' }, 409, /draft invoice: only posted invoices can be paid/],
			[{ invoice: id, customer: 10, amount: 10, method: 'bank' }, 409, /belongs to Deco Addict, not to customer 10/],
			[{ invoice: id, customer, amount: 10, method: 'cash', session: 1 }, 409, /POS session POS\/00001 is closed/],
			[{ invoice: 999999, customer, amount: 10, method: 'cash' }, 404, /No invoice with ID 999999/],
			[{ invoice: id, customer, amount: -3, method: 'cash' }, 400, /must be a number above zero/],
		];
		for (const [body, status, message] of refusals) {
			const res = await pay(body);
			expect({ body, status: res.statusCode }).toEqual({ body, status });
			expect(String(res.body.error)).toMatch(message);
		}
		expect(paymentCount()).toBe(before);

		// The rest by bank, with an idempotency key: a retry returns the same payment.
		const rest = await pay({ invoice: id, customer, method: 'bank' }, { 'idempotency-key': 'till-7-0042' });
		expect(rest).toMatchObject({ statusCode: 200, body: { status: 'registered', amount: 74, paymentState: 'paid', residual: 0 } });
		const retry = await pay({ invoice: id, customer, method: 'bank' }, { 'idempotency-key': 'till-7-0042' });
		expect(retry.body).toMatchObject({ status: 'already registered', paymentId: rest.body.paymentId, paymentState: 'paid' });
		const paidAgain = await pay({ invoice: id, customer, amount: 1, method: 'bank' });
		expect(paidAgain.statusCode).toBe(409);
		expect(paymentCount()).toBe(before + 1);
	});

	test('the session summary equals the cash and bank invoice payments registered in that session', async () => {
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const session = db.transaction(() => {
			const cash = db.create(env, 'account.journal', { name: 'Cash Counter', type: 'cash', code: 'CCTR' });
			const method = db.create(env, 'pos.payment.method', { name: 'Cash Counter', journal_id: cash.id });
			const config = db.create(env, 'pos.config', { name: 'Counter', payment_method_ids: [[6, 0, [method.id, 2]]] });
			return db.create(env, 'pos.session', { config_id: config.id, state: 'opened' }).id;
		});
		const a = invoice(sb, 9, 100);
		const b = invoice(sb, 10, 200);
		await pay({ invoice: a, customer: 9, amount: 20, method: 'cash', session });
		await pay({ invoice: a, customer: 9, amount: 30.5, method: 'cash', session });
		await pay({ invoice: b, customer: 10, amount: 99.99, method: 'bank', session });
		await pay({ invoice: b, customer: 10, amount: 1, method: 'bank' }); // not at the counter
		const s = await call('GET Session Summary', { query: { session: String(session) } });
		expect(s.statusCode).toBe(200);
		expect(s.body).toMatchObject({ cash: { total: 50.5, count: 2 }, bank: { total: 99.99, count: 1 }, total: 150.49 });
		expect((s.body.payments as IDataObject[]).map((p) => p.journalType).sort()).toEqual(['bank', 'cash', 'cash']);
	});
});

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
			expect(state).toEqual({});
		} finally {
			await sb.stop();
		}
	});
});
