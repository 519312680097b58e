/** Procountor templates through n8n's engine against the Odoo and Procountor sandboxes. */
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';

const money = (v: number) => Math.round(v * 100) / 100;

/** 50 customer invoices and 5 credit notes with Finnish VAT, posted. */
function createInvoices(sb: Sandboxes): number[] {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	const tax = (name: string) => db.search(env, 'account.tax', [['name', '=', name]])[0];
	const taxes = [tax('VAT 25.5%'), tax('VAT 14%'), tax('VAT 10%'), tax('VAT 25.5% incl')];
	return db.transaction(() => {
		const customers = [
			db.create(env, 'res.partner', { name: 'Ravintola Aurora Oy', company_registry: '2345678-0', vat: 'FI23456780', is_company: true }).id,
			db.create(env, 'res.partner', { name: 'Uusi Asiakas Oy', company_registry: '7777777-4', vat: 'FI77777774', is_company: true, city: 'Vaasa', email: 'laskut@uusiasiakas.example.fi' }).id,
		];
		const ids: number[] = [];
		for (let k = 0; k < 55; k++) {
			const refund = k >= 50;
			const lines = Array.from({ length: 1 + (k % 4) }, (_, n) => [
				0,
				0,
				{ name: `Service ${k}-${n}`, quantity: 1 + ((k + n) % 3), price_unit: money(9.99 + k * 3.17 + n * 1.3), discount: n === 1 ? 10 : 0, tax_ids: [[6, 0, [taxes[(k + n) % (k % 5 === 0 ? 4 : 3)]]]] },
			]);
			const m = db.create(env, 'account.move', {
				move_type: refund ? 'out_refund' : 'out_invoice',
				partner_id: customers[k % 2],
				invoice_date: `2026-11-${String(1 + (k % 20)).padStart(2, '0')}`,
				currency_id: 126,
				invoice_line_ids: lines,
				...(refund ? { reversed_entry_id: ids[k - 50] } : {}),
			});
			db.call(env, 'account.move', 'action_post', [m.id], {});
			ids.push(m.id);
		}
		return ids;
	});
}

function sentInvoices(sb: Sandboxes): Array<{ odooId: number; procId: number }> {
	const env = sb.odoo.env();
	const x = sb.odoo.db.search(env, 'ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.move'], ['name', '=like', 'invoice_%']]);
	return sb.odoo.db.read(env, 'ir.model.data', x, ['name', 'res_id']).map((r) => ({ odooId: r.res_id as number, procId: Number(String(r.name).split('_')[1]) }));
}

describe('Templates: Procountor', () => {
	let sb: Sandboxes;
	let engine: Engine;
	let created: number[];
	beforeEach(async () => {
		sb = await startSandboxes({}, { codeplus: { days: 1 } });
		engine = new Engine(sb.credentials());
		created = createInvoices(sb);
		expect((await runTemplate(engine, 'procountor-master-data')).summary[0]).toMatchObject({ status: 'success' });
	});
	afterEach(async () => {
		await sb.stop();
	});

	test('50 invoices and 5 credit notes sent once, equal to Odoo in rows, VAT and total; rate never above 20/s; an expiring token is refreshed', async () => {
		sb.procountor.options.expiresIn = 2; // tokens expire several times during the run
		sb.procountor.expireTokens();
		const issuedBefore = sb.procountor.tokensIssued;
		const r = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings());
		expect(r.error).toBeUndefined();
		const demo = 9; // the demo database's own posted invoices and credit notes
		expect(r.summary[0]).toMatchObject({ status: 'success', sent: 55 + demo, creditNotes: 5 + 5, failed: 0 });
		expect(sb.procountor.tokensIssued - issuedBefore).toBeGreaterThan(2);
		// The limiter keeps us under by itself: not one request over the limit, so never a 429 to retry.
		expect({ max: sb.procountor.maxPerSecond, window: sb.procountor.maxPerSecond > 20 ? sb.procountor.busiestWindow : [] }).toEqual({ max: sb.procountor.maxPerSecond, window: [] });
		expect(sb.procountor.maxPerSecond).toBeLessThanOrEqual(20);
		expect(sb.procountor.rateLimitedAnswers).toBe(0);

		const env = sb.odoo.env();
		const sent = sentInvoices(sb);
		expect(sent).toHaveLength(55 + demo);
		for (const id of created) {
			const link = sent.find((s) => s.odooId === id)!;
			const pinv = sb.procountor.invoices.get(link.procId)!;
			expect(pinv.status).toBe('SENT');
			const [move] = sb.odoo.db.read(env, 'account.move', [id], ['move_type', 'amount_total', 'name', 'invoice_line_ids', 'reversed_entry_id']);
			const refund = move.move_type === 'out_refund';
			expect(pinv.totalAmount).toBe(money((refund ? -1 : 1) * (move.amount_total as number)));
			const rows = pinv.invoiceRows as IDataObject[];
			const lines = sb.odoo.db.read(env, 'account.move.line', move.invoice_line_ids as number[], ['tax_ids', 'quantity']);
			expect(rows).toHaveLength(lines.length);
			rows.forEach((row, n) => {
				const t = sb.odoo.db.browse('account.tax', (lines[n].tax_ids as number[])[0])!;
				expect(row.vatPercent).toBe(t.amount);
				expect(row.quantity).toBe((refund ? -1 : 1) * (lines[n].quantity as number));
			});
			if (refund) expect(String(pinv.notes)).toContain((move.reversed_entry_id as [number, string])[1]);
		}
		// The new customer was created once, the existing one matched by business ID.
		const partners = [...sb.procountor.partners.values()];
		expect(partners.filter((p) => p.name === 'Uusi Asiakas Oy')).toHaveLength(1);
		expect(partners.filter((p) => p.name === 'Ravintola Aurora Oy')).toHaveLength(1);

		const again = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings());
		expect(again.summary[0]).toMatchObject({ status: 'success', sent: 0, found: 0 });
		expect(sb.procountor.invoices.size).toBe(55 + demo);
	});

	test('two overlapping runs send each invoice once', async () => {
		const [a, b] = await Promise.all([runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings()), runTemplate(new Engine(sb.credentials()), 'odoo-invoices-to-procountor', {}, sb.settings())]);
		expect(Number(a.summary[0].sent) + Number(b.summary[0].sent)).toBe(64);
		expect(sb.procountor.invoices.size).toBe(64);
		expect(sb.procountor.maxPerSecond).toBeLessThanOrEqual(20);
		expect(sb.procountor.rateLimitedAnswers).toBe(0);
	});

	test('partial and full payments land in Odoo with the right payment state and residual; re-run registers nothing', async () => {
		await runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings());
		const sent = sentInvoices(sb).filter((s) => created.slice(0, 50).includes(s.odooId));
		const env = sb.odoo.env();
		const total = (id: number) => sb.odoo.db.read(env, 'account.move', [id], ['amount_total'])[0].amount_total as number;
		const [a, b, c] = sent;
		sb.procountor.recordPayment(a.procId, money(total(a.odooId) / 2), '2026-11-10');
		sb.procountor.recordPayment(b.procId, total(b.odooId), '2026-11-11');
		sb.procountor.recordPayment(c.procId, 10, '2026-11-12');
		sb.procountor.recordPayment(c.procId, money(total(c.odooId) - 10), '2026-11-13');
		sb.procountor.recordPayment(c.procId, -5, '2026-11-14'); // a removal: handled by hand, not imported

		const r = await runTemplate(engine, 'procountor-payments-to-odoo');
		expect(r.error).toBeUndefined();
		expect(r.summary[0]).toMatchObject({ status: 'success', paid: 4, failed: 0 });
		const state = (id: number) => sb.odoo.db.read(env, 'account.move', [id], ['payment_state', 'amount_residual'])[0];
		expect(state(a.odooId)).toMatchObject({ payment_state: 'partial', amount_residual: money(total(a.odooId) - money(total(a.odooId) / 2)) });
		expect(state(b.odooId)).toMatchObject({ payment_state: 'paid', amount_residual: 0 });
		expect(state(c.odooId)).toMatchObject({ payment_state: 'paid', amount_residual: 0 });
		const payments = sb.odoo.db.search(env, 'ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.payment']]);
		expect(payments).toHaveLength(4);

		const again = await runTemplate(engine, 'procountor-payments-to-odoo');
		expect(again.summary[0]).toMatchObject({ status: 'success', paid: 0, failed: 0 });
		expect(sb.odoo.db.search(env, 'ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.payment']])).toHaveLength(4);
	});
});
