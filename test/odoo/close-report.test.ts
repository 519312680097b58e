/**
 * The daily close report against the sandboxes: after the nightly master data, import and close,
 * every (store, day) row agrees; then differences are made in Odoo and in PixelPoint's data
 * (an order gone, a receipt that waits, a payment method's total changed, a session left open)
 * and each is reported on its row with its amount.
 */
import type { IDataObject } from 'n8n-workflow';
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { chain, node, runNightly } from '../helpers';

const report = (from: string, to: string) =>
	node('Report', 'odooErp', { resource: 'posSession', operation: 'closeReport', from, to, timezone: 'Europe/Helsinki', waitingFlow: 'pixelpoint-order-import' });

describe('POS Session → Close Report', () => {
	let sb: Sandboxes;
	let engine: Engine;
	const days: string[] = [];
	beforeAll(async () => {
		setClock('2026-03-09T08:00:00Z');
		sb = await startSandboxes({}, { codeplus: { days: 3 } });
		engine = new Engine(sb.credentials());
		// A receipt whose payments do not add up to its total: wrong in itself, it waits for a person.
		const inv = sb.codeplus.allInvoices().find((i) => i.StoreId === 2 && i.Status === 'CLOSED' && i.Payments.length === 1)!;
		inv.Payments[0].Amount = Math.round((inv.Payments[0].Amount + 1) * 100) / 100;
		await runNightly(engine, ['pixelpoint-master-data']);
		expect((await runTemplate(engine, 'pixelpoint-order-import')).summary[0]).toMatchObject({ failed: 1 });
		await runTemplate(engine, 'pos-session-auto-close');
		days.push(...[...new Set(sb.codeplus.allInvoices().map((i) => i.BusinessDate))].sort());
	});
	afterAll(async () => {
		await sb.stop();
	});

	async function run(): Promise<{ rows: IDataObject[]; summary: IDataObject }> {
		const r = await engine.run(chain(sb.codeplus.allInvoices(), report(days[0], days[days.length - 1])));
		expect(r.error).toBeUndefined();
		const out = r.output('Report');
		return { rows: out.filter((j) => !j.summary), summary: out.find((j) => j.summary)! };
	}

	test('after the nightly run every row agrees but the days of the store whose receipt waits, which say why', async () => {
		const { rows, summary } = await run();
		const waiting = sb.codeplus.allInvoices().find((i) => i.StoreId === 2 && i.Status === 'CLOSED' && i.Payments.length === 1 && Math.abs(i.Payments[0].Amount - i.Payments[0].Change - i.FinalTotal) > 0.5)!;
		expect(rows).toHaveLength(3 * days.length);
		// Wrong in itself, it holds back nothing: only its own day differs.
		const held = [waiting.BusinessDate];
		const differ = rows.filter((r) => !r.agrees);
		expect(differ.map((r) => [r.storeId, r.businessDate])).toEqual(held.map((d) => [2, d]));
		const first = differ.find((r) => r.businessDate === waiting.BusinessDate)!;
		const what = (r: IDataObject) => (r.differences as IDataObject[]).map((d) => String(d.what));
		expect(what(first)[0]).toMatch(/^1 receipt of PixelPoint not in Odoo; 1 waiting: .*the payments come to/);
		expect((first.differences as IDataObject[]).find((d) => /^total /.test(String(d.what)))?.amount).toBe(
			Math.round((waiting.FinalTotal + waiting.Payments.reduce((s, p) => s + p.Tip, 0)) * 100) / 100,
		);
		expect(summary).toMatchObject({ rows: 3 * days.length, agree: 3 * days.length - held.length, differ: held.length });
		// Bounded: a query per kind of record, not per order.
		expect(summary.odooCalls).toBeLessThan(30);
	});

	test('a payment changed in Odoo and a session left open are each reported on their row, to the cent', async () => {
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const sessionXid = (store: number, day: string) => db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['name', '=', `session_${store}_${day.replace(/-/g, '')}`]]);
		const [x1] = db.read(env, 'ir.model.data', sessionXid(1, days[0]), ['res_id']);
		const [pay] = db.read(env, 'pos.payment', db.search(env, 'pos.payment', [['session_id', '=', x1.res_id as number]], { limit: 1 }), ['amount', 'payment_method_id']);
		db.transaction(() => db.updateRaw('pos.payment', db.browse('pos.payment', pay.id as number)!, { amount: Math.round((Number(pay.amount) - 12.5) * 100) / 100 }));
		const [x3] = db.read(env, 'ir.model.data', sessionXid(3, days[1]), ['res_id']);
		db.transaction(() => db.updateRaw('pos.session', db.browse('pos.session', x3.res_id as number)!, { state: 'opened' }));
		const { rows } = await run();
		const row = (store: number, day: string) => rows.find((r) => r.storeId === store && r.businessDate === day)!;
		const paid = (row(1, days[0]).differences as IDataObject[]).find((d) => / in PixelPoint, /.test(String(d.what)) && !/^total/.test(String(d.what)));
		expect(paid).toMatchObject({ amount: 12.5 });
		expect(row(1, days[0]).agrees).toBe(false);
		expect((row(3, days[1]).differences as IDataObject[]).map((d) => d.what)).toEqual([expect.stringMatching(/^session .* is still open$/)]);
	});

	test('the template posts the report once; run again on the same data it posts nothing, after a change it posts anew', async () => {
		const first = await runTemplate(engine, 'pos-daily-close-report');
		expect(first.summary[0]).toMatchObject({ status: 'success', auditMessageId: expect.any(Number) });
		expect(first.summary[0].auditAlreadyPosted).toBeUndefined();
		const again = await runTemplate(engine, 'pos-daily-close-report');
		expect(again.summary[0]).toMatchObject({ auditAlreadyPosted: true, auditMessageId: first.summary[0].auditMessageId });
		// Something changes in Odoo: the report says something new.
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const [pay] = db.read(env, 'pos.payment', db.search(env, 'pos.payment', [], { limit: 1 }), ['amount']);
		db.transaction(() => db.updateRaw('pos.payment', db.browse('pos.payment', pay.id as number)!, { amount: Number(pay.amount) + 1 }));
		const changed = await runTemplate(engine, 'pos-daily-close-report');
		expect(changed.summary[0].auditAlreadyPosted).toBeUndefined();
		expect(changed.summary[0].auditMessageId).not.toBe(first.summary[0].auditMessageId);
	});

	test("Procountor's side per day: an invoice Procountor refuses and one posted but not sent are each reported with their amount; the rest agree", async () => {
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const settings = { ...sb.settings(), startDate: days[0] };
		expect((await runTemplate(engine, 'procountor-master-data', {}, settings)).ok).toBe(true);
		const [model] = db.read(env, 'account.move', db.search(env, 'account.move', [['move_type', '=', 'out_invoice'], ['state', '=', 'posted']], { limit: 1 }), ['partner_id']);
		const tax = db.search(env, 'account.tax', [['name', '=', 'VAT 14%']])[0];
		const invoice = (date: string, line: string) =>
			db.transaction(() => {
				const m = db.create(env, 'account.move', {
					move_type: 'out_invoice',
					partner_id: (model.partner_id as [number, string])[0],
					invoice_date: date,
					currency_id: 126,
					invoice_line_ids: [[0, 0, { name: line, quantity: 1, price_unit: 100, tax_ids: [[6, 0, [tax]]] }]],
				});
				db.call(env, 'account.move', 'action_post', [m.id], {});
				return db.read(env, 'account.move', [m.id], ['name', 'amount_total'])[0];
			});
		// Procountor takes only text that fits Windows-1252: this one it refuses (HTTP 400), and it waits.
		const refused = invoice(days[1], 'Birthday menu 🎉');
		const fine = invoice(days[1], 'Lunch buffet for 8');
		const send = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, settings);
		expect(send.summary[0]).toMatchObject({ status: 'failed', failed: 1 });
		const late = invoice(days[2], 'Catering, posted after the send');
		// Before the first day anything was sent, an unsent invoice is a difference only from the start date set for the send flow.
		const early = invoice(days[0], 'Catering, before the start');
		const withReport = async (sentFrom: string) => {
			const step = report(days[0], days[days.length - 1]);
			const r = await engine.run(chain(sb.codeplus.allInvoices(), { ...step, parameters: { ...step.parameters, procountorFlow: 'procountor-invoice-send', procountorFrom: sentFrom } }));
			expect(r.error).toBeUndefined();
			return r.output('Report');
		};
		const out = await withReport('');
		const byDay = (d: string) => out.find((j) => j.kind === 'procountor' && j.businessDate === d)!;
		expect(byDay(days[0]).agrees).toBe(true);
		expect((await withReport(days[0])).find((j) => j.kind === 'procountor' && j.businessDate === days[0])!.differences).toEqual([{ what: `1 invoice posted in Odoo not sent to Procountor (${String(early.name)})`, amount: early.amount_total }]);
		expect(byDay(days[1]).differences).toEqual([{ what: expect.stringMatching(new RegExp(`^1 invoice refused by Procountor \\(${String(refused.name).replace(/\//g, '\\/')}\\): Procountor: .*1252`)), amount: refused.amount_total }]);
		expect(byDay(days[1]).procountor).toMatchObject({ invoices: 2, sent: 1, refused: 1, waiting: 0 });
		expect(byDay(days[2]).differences).toEqual([{ what: `1 invoice posted in Odoo not sent to Procountor (${String(late.name)})`, amount: late.amount_total }]);
		expect(fine.name).toBeDefined();
		const summary = out.find((j) => j.summary)!;
		expect(summary.invoiceDaysDiffer).toBe(2);
		expect((summary.differences as string[]).filter((d) => d.startsWith('Procountor '))).toHaveLength(2);
		// The template's message carries them too.
		const posted = await runTemplate(engine, 'pos-daily-close-report');
		expect(String(posted.summary[0].html)).toContain('Customer invoices to Procountor');
		expect((posted.summary[0].differences as string[]).filter((d) => / Procountor: /.test(d))).toHaveLength(2);
	});

	test('mailed through n8n\'s Send Email where Settings name a recipient: once per new report, logged in, with the table and the chart; a refused login fails the run, the report stays posted', async () => {
		const settings = sb.settings();
		// Something new for the report to say, so it is posted (and mailed) again.
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const [pay] = db.read(env, 'pos.payment', db.search(env, 'pos.payment', [], { limit: 1, order: 'id desc' }), ['amount']);
		db.transaction(() => db.updateRaw('pos.payment', db.browse('pos.payment', pay.id as number)!, { amount: Number(pay.amount) + 2 }));
		const before = sb.mail.received.length;
		const first = await runTemplate(engine, 'pos-daily-close-report', {}, settings);
		if (!first.summary[0]) throw new Error(`${first.lastNode}: ${first.error}`);
		expect(first.summary[0]).toMatchObject({ status: 'success', mailedTo: settings.mailTo, auditMessageId: expect.any(Number) });
		expect(sb.mail.received).toHaveLength(before + 1);
		const mail = sb.mail.received[before];
		expect(mail).toMatchObject({ from: settings.mailFrom, to: [settings.mailTo], user: sb.mail.user });
		expect(mail.data).toMatch(/^Subject: Daily close \S+ to \S+: \d+ store days differ/m);
		expect(mail.data).toMatch(/Content-Type: text\/html/);
		expect(mail.data).toMatch(/Content-Type: image\/svg\+xml; name=daily-close-\S+\.svg/);
		// The same report again: neither posted nor mailed.
		const again = await runTemplate(engine, 'pos-daily-close-report', {}, settings);
		expect(again.summary[0]).toMatchObject({ auditAlreadyPosted: true });
		expect(again.summary[0].mailedTo).toBeUndefined();
		expect(sb.mail.received).toHaveLength(before + 1);
		// The mail server refuses the login: the run fails saying so; the report is posted all the same.
		db.transaction(() => db.updateRaw('pos.payment', db.browse('pos.payment', pay.id as number)!, { amount: Number(pay.amount) + 3 }));
		const wrong = new Engine({ ...sb.credentials(), smtp: { ...sb.credentials().smtp, password: 'not-the-password' } });
		const refused = await runTemplate(wrong, 'pos-daily-close-report', {}, settings);
		expect(refused.ok).toBe(false);
		expect(refused.summary[0]).toMatchObject({ status: 'failed', auditMessageId: expect.any(Number), mailError: expect.stringMatching(/auth|535|credentials/i) });
		expect(String(refused.summary[0].error)).toMatch(/^The report was not mailed to accounting@ravintola\.example: /);
		expect(JSON.stringify(refused.summary)).not.toContain('not-the-password');
		expect(sb.mail.received).toHaveLength(before + 1);
	});
});

