/** Order import and session auto-close, through n8n's engine against the sandboxes: exact to the cent. */
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { rng } from '../../sandbox/common/http';
import { chain, node, totalWithTips } from '../helpers';

const money = (v: number) => Math.round(v * 100) / 100;

function ordersByRef(sb: Sandboxes) {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	const ids = db.search(env, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']]);
	return db.read(env, 'pos.order', ids, ['pos_reference', 'amount_total', 'amount_paid', 'state', 'session_id', 'lines', 'pricelist_id']);
}

function sessionsOf(sb: Sandboxes): Array<IDataObject & { xid: string }> {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	const xids = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']]), ['name', 'res_id']);
	return xids.map((x) => {
		const s = db.read(env, 'pos.session', [x.res_id as number], ['state', 'move_id', 'config_id'])[0];
		return { xid: String(x.name), ...s };
	});
}

/** The session's journal entry: balanced, posted, dated on its business date. */
function checkEntry(sb: Sandboxes, moveId: number, businessDate: string) {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	const [move] = db.read(env, 'account.move', [moveId], ['date', 'state', 'line_ids']);
	const lines = db.read(env, 'account.move.line', move.line_ids as number[], ['debit', 'credit']);
	const debit = money(lines.reduce((s, l) => s + (l.debit as number), 0));
	const credit = money(lines.reduce((s, l) => s + (l.credit as number), 0));
	return { date: move.date, state: move.state, balanced: debit === credit, debit, businessDate };
}

/** The import step's Parallel Requests set to n. */
const parallel = (n: number) => (wf: IWorkflowBase) => {
	const step = wf.nodes.find((x) => x.name === 'Odoo: Import Orders')!;
	step.parameters = { ...step.parameters, options: { ...(step.parameters.options as IDataObject), parallelRequests: n } };
};

describe('Template: PixelPoint order import and session auto-close', () => {
	let sb: Sandboxes;
	let engine: Engine;
	beforeEach(async () => {
		sb = await startSandboxes();
		engine = new Engine(sb.credentials());
		expect((await runTemplate(engine, 'pixelpoint-master-data')).ok).toBe(true);
	});
	afterEach(async () => {
		await sb.stop();
	});

	test('14 days of invoices: every order equals FinalTotal (and its tip) to the cent, sessions balance on their business date, voids skipped, refunds negative, re-run imports 0', async () => {
		const invoices = sb.codeplus.allInvoices();
		const state: IDataObject = {};
		const r = await runTemplate(engine, 'pixelpoint-order-import', state);
		expect(r.error).toBeUndefined();
		const sold = invoices.filter((i) => i.Status !== 'VOID');
		expect(r.summary[0]).toMatchObject({ status: 'success', created: sold.length, voids: invoices.length - sold.length, failed: 0 });

		const orders = ordersByRef(sb);
		expect(orders).toHaveLength(sold.length);
		const byRef = new Map(orders.map((o) => [o.pos_reference, o]));
		let rounded = 0;
		let tipped = 0;
		for (const inv of sold) {
			const o = byRef.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)!;
			expect(o.amount_total).toBe(totalWithTips(inv));
			expect(money(o.amount_paid as number)).toBe(totalWithTips(inv));
			const lines = sb.odoo.db.read(sb.odoo.env(), 'pos.order.line', o.lines as number[], ['price_subtotal_incl', 'full_product_name', 'tax_ids']);
			// The sale is FinalTotal; the tip a line of its own, without tax.
			const tip = lines.filter((l) => l.full_product_name === 'Tip');
			expect(money(lines.filter((l) => !tip.includes(l)).reduce((s, l) => s + (l.price_subtotal_incl as number), 0))).toBe(inv.FinalTotal);
			expect(money(tip.reduce((s, l) => s + (l.price_subtotal_incl as number), 0))).toBe(money(totalWithTips(inv) - inv.FinalTotal));
			for (const l of tip) expect(l.tax_ids).toEqual([]);
			if (tip.length) tipped++;
			const rounding = lines.find((l) => l.full_product_name === 'Rounding difference');
			if (rounding) {
				rounded++;
				expect(Math.abs(rounding.price_subtotal_incl as number)).toBeLessThanOrEqual(0.05);
			}
			if (inv.Status === 'REFUND') expect(o.amount_total as number).toBeLessThan(0);
			expect(o.state).not.toBe('draft');
		}
		expect(rounded).toBeGreaterThan(0); // PixelPoint's rounding differs on some invoices
		expect(tipped).toBeGreaterThan(50);
		expect(r.summary[0].tips).toBe(money(sold.reduce((s, i) => s + totalWithTips(i) - i.FinalTotal, 0)));

		// Each session's takings per payment method: what PixelPoint collected (amount + tip − change).
		{
			const db = sb.odoo.db;
			const env = sb.odoo.env();
			const pays = db.read(env, 'pos.payment', db.search(env, 'pos.payment', []), ['amount', 'payment_method_id', 'session_id']);
			const inOdoo = new Map<string, number>();
			for (const p of pays) {
				const k = `${(p.session_id as [number, string])[0]}|${(p.payment_method_id as [number, string])[1]}`;
				inOdoo.set(k, money((inOdoo.get(k) ?? 0) + (p.amount as number)));
			}
			const methodName = new Map(db.read(env, 'pos.payment.method', db.search(env, 'pos.payment.method', []), ['name']).map((m) => [m.id, m.name]));
			const xid = (name: string) => db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['name', '=', name]]), ['res_id'])[0]?.res_id as number;
			const collected = new Map<string, number>();
			for (const inv of sold) {
				const session = (byRef.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)!.session_id as [number, string])[0];
				for (const p of inv.Payments) {
					const k = `${session}|${methodName.get(xid(p.MethodNum === 1 ? `cash_method_store_${inv.StoreId}` : `paymethod_${p.MethodNum}`))}`;
					collected.set(k, money((collected.get(k) ?? 0) + p.Amount + p.Tip - p.Change));
				}
			}
			expect(collected.size).toBeGreaterThan(100);
			expect(Object.fromEntries(inOdoo)).toEqual(Object.fromEntries(collected));
		}

		// One session per store and business date.
		const dates = new Set(sold.map((i) => `${i.StoreId}_${i.BusinessDate.replace(/-/g, '')}`));
		const sessions = sessionsOf(sb);
		expect(sessions.map((s) => s.xid.replace('session_', '')).sort()).toEqual([...dates].sort());

		const close = await runTemplate(engine, 'pos-session-auto-close');
		expect(close.error).toBeUndefined();
		expect(close.summary[0]).toMatchObject({ status: 'success', failed: 0 });
		for (const s of sessionsOf(sb)) {
			expect(s.state).toBe('closed');
			const m = /session_\d+_(\d{4})(\d{2})(\d{2})/.exec(s.xid)!;
			const entry = checkEntry(sb, (s.move_id as [number, string])[0], `${m[1]}-${m[2]}-${m[3]}`);
			expect(entry).toMatchObject({ state: 'posted', balanced: true, date: entry.businessDate });
		}
		// Combined bank payments are dated on the business date too.
		const env = sb.odoo.env();
		const payments = sb.odoo.db.read(env, 'account.payment', sb.odoo.db.search(env, 'account.payment', [['pos_session_id', '!=', false]]), ['date', 'pos_session_id']);
		expect(payments.length).toBeGreaterThan(40);
		for (const p of payments) {
			const s = sessionsOf(sb).find((x) => x.id === (p.pos_session_id as [number, string])[0])!;
			expect(String(p.date).replace(/-/g, '')).toBe(s.xid.split('_')[2]);
		}

		// Cash lines too, and every session's POS receivable is settled: nothing left open after the close.
		const cashLines = sb.odoo.db.read(env, 'account.bank.statement.line', sb.odoo.db.search(env, 'account.bank.statement.line', []), ['date', 'pos_session_id']);
		expect(cashLines.length).toBeGreaterThan(20);
		for (const l of cashLines) {
			const s = sessionsOf(sb).find((x) => x.id === (l.pos_session_id as [number, string])[0])!;
			expect(String(l.date).replace(/-/g, '')).toBe(s.xid.split('_')[2]);
		}
		const receivable = sb.odoo.db.read(env, 'account.move.line', sb.odoo.db.search(env, 'account.move.line', [['account_id', '=', 40], ['parent_state', '=', 'posted']]), ['amount_residual']);
		expect(receivable.length).toBeGreaterThan(100);
		expect(money(receivable.reduce((a, l) => a + Math.abs(l.amount_residual as number), 0))).toBe(0);

		// Re-running over the same range imports nothing.
		const again = await runTemplate(engine, 'pixelpoint-order-import', {});
		expect(again.summary[0]).toMatchObject({ status: 'success', created: 0, failed: 0 });
		expect(ordersByRef(sb)).toHaveLength(sold.length);
		const closeAgain = await runTemplate(engine, 'pos-session-auto-close');
		expect(closeAgain.summary[0]).toMatchObject({ closed: 0, failed: 0 });
	});

	test('Parallel Requests 3: the stores go to Odoo side by side, and the books are those of a run one request at a time', async () => {
		// A few milliseconds per request, as over a network: requests of different stores overlap.
		sb.odoo.http.setFaults({ delayMs: 5 });
		const parallel = await runTemplate(engine, 'pixelpoint-order-import', {}, {}, (wf) => {
			const step = wf.nodes.find((n) => n.name === 'Odoo: Import Orders')!;
			step.parameters = { ...step.parameters, options: { ...(step.parameters.options as IDataObject), parallelRequests: 3 } };
		});
		expect(parallel.summary[0]).toMatchObject({ status: 'success', failed: 0 });
		// The same invoices, one request at a time, into fresh sandboxes.
		const seq = await startSandboxes();
		try {
			const seqEngine = new Engine(seq.credentials());
			expect((await runTemplate(seqEngine, 'pixelpoint-master-data')).ok).toBe(true);
			expect((await runTemplate(seqEngine, 'pixelpoint-order-import', {})).summary[0]).toMatchObject({ status: 'success', failed: 0 });
			const books = (s: Sandboxes) => {
				const sessions = new Map(sessionsOf(s).map((x) => [x.id, x.xid]));
				return ordersByRef(s)
					.map((o) => `${String(o.pos_reference)} ${String(o.amount_total)} ${String(o.amount_paid)} ${sessions.get((o.session_id as [number, string])[0])}`)
					.sort();
			};
			expect(books(sb)).toEqual(books(seq));
			expect(books(sb)).toHaveLength(sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID').length);
			// Side by side: more than one store's session had a request in flight at the same moment.
			expect(sb.odoo.http.peakConcurrency).toBeGreaterThan(1);
			expect(seq.odoo.http.peakConcurrency).toBe(1);
		} finally {
			await seq.stop();
		}
	});

	test('Parallel Requests 3 on an Odoo whose session closes take time (two in one company at once collide, as on real Odoo with workers): the lanes close one at a time, every earlier day closes, each order once', async () => {
		sb.odoo.http.setFaults({ delayMs: 5 });
		// A close's transaction takes 100 ms: another close in the company meanwhile is refused, as real Odoo refuses it.
		sb.odoo.options.closeTransactionMs = 100;
		const r = await runTemplate(engine, 'pixelpoint-order-import', {}, {}, parallel(3));
		expect(r.summary[0]).toMatchObject({ status: 'success', failed: 0 });
		expect(sb.odoo.closeCollisions).toBe(0);
		const sold = sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
		expect(ordersByRef(sb)).toHaveLength(sold.length);
		// Each store's last day stays open for the nightly close; every earlier one was closed by the import.
		const sessions = sessionsOf(sb);
		expect(sessions.filter((s) => s.state !== 'closed')).toHaveLength(sb.codeplus.stores.length);
		expect(sessions.length).toBe(new Set(sold.map((i) => `${i.StoreId} ${i.BusinessDate}`)).size);
	});

	test("a close Odoo refuses because another execution's close took its entry number (rolled back) is tried again: the day closes", async () => {
		sb.odoo.options.collideCloses = 2;
		const r = await runTemplate(engine, 'pixelpoint-order-import', {}, {}, parallel(3));
		expect(r.summary[0]).toMatchObject({ status: 'success', failed: 0, heldBack: 0 });
		expect(sb.odoo.closeCollisions).toBe(2);
		const sessions = sessionsOf(sb);
		expect(sessions.filter((s) => s.state !== 'closed')).toHaveLength(sb.codeplus.stores.length);
	});

	test('history backfill: the range in chunks, each a sub-execution of the order import; a chunk that fails stops it there, the next run goes on from that chunk; each order once, every day closed, a last run writes nothing', async () => {
		const invoices = sb.codeplus.allInvoices();
		const sold = invoices.filter((i) => i.Status !== 'VOID');
		const dates = [...new Set(invoices.map((i) => i.BusinessDate))].sort();
		const day = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
		// Chunks of 5 days from the first business day to the day after the last one's night shift.
		const settings = { from: dates[0], to: day(dates[dates.length - 1], 2), chunkDays: 5 };
		// An invoice of the second chunk paid with a tender Odoo does not know: wrong in itself, it fails.
		const bad = invoices.find((i) => i.Status === 'CLOSED' && i.BusinessDate === day(dates[0], 6) && i.Payments.length === 1)!;
		const method = bad.Payments[0].MethodNum;
		bad.Payments[0].MethodNum = 77;
		const first = await runTemplate(engine, 'pixelpoint-order-backfill', {}, settings);
		expect(first.summary[0]).toMatchObject({ status: 'failed', chunks: 2, chunksDone: 1, chunksLeft: 2, closed: 0 });
		expect(String(first.summary[0].error)).toMatch(new RegExp(`^chunk ${day(dates[0], 5)}_${day(dates[0], 10)} not done`));
		const firstCreated = Number(first.summary[0].created);
		expect(ordersByRef(sb)).toHaveLength(firstCreated);
		// Fixed in PixelPoint: the next run takes the second chunk again, not the first.
		bad.Payments[0].MethodNum = method;
		const second = await runTemplate(engine, 'pixelpoint-order-backfill', {}, settings);
		expect(second.summary[0]).toMatchObject({ status: 'success', chunks: 2, chunksDone: 2, chunksLeft: 0, failed: 0 });
		expect(firstCreated + Number(second.summary[0].created)).toBe(sold.length);
		const orders = ordersByRef(sb);
		expect(orders).toHaveLength(sold.length);
		expect(new Set(orders.map((o) => o.pos_reference)).size).toBe(sold.length);
		// Ends with the books of the range closed: every session, the last days' included, once per store and day.
		const sessions = sessionsOf(sb);
		expect(sessions.length).toBe(new Set(sold.map((i) => `${i.StoreId} ${i.BusinessDate}`)).size);
		expect(sessions.filter((s) => s.state !== 'closed')).toEqual([]);
		expect(Number(second.summary[0].closed)).toBe(sb.codeplus.stores.length);
		// Each chunk done is kept in Odoo, in the flow's Sync State.
		const env = sb.odoo.env();
		const done = sb.odoo.db.read(env, 'ir.config_parameter', sb.odoo.db.search(env, 'ir.config_parameter', [['key', '=like', 'n8n.sync.pixelpoint-order-backfill.%']]), ['key', 'write_date']);
		expect(done).toHaveLength(3);
		// Nothing left: a last run imports nothing, closes nothing and keeps its records as they were.
		const third = await runTemplate(engine, 'pixelpoint-order-backfill', {}, settings);
		expect(third.summary[0]).toMatchObject({ status: 'success', chunks: 0, chunksLeft: 0, created: 0, closed: 0 });
		const after = sb.odoo.db.read(env, 'ir.config_parameter', sb.odoo.db.search(env, 'ir.config_parameter', [['key', '=like', 'n8n.sync.pixelpoint-order-backfill.%']]), ['key', 'write_date']);
		expect(after).toEqual(done);
		expect(ordersByRef(sb)).toHaveLength(sold.length);
	});

	test('two imports of the same range at once: no duplicate order and no second session', async () => {
		const other = new Engine(sb.credentials());
		const [a, b] = await Promise.all([runTemplate(engine, 'pixelpoint-order-import', {}), runTemplate(other, 'pixelpoint-order-import', {})]);
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		const sold = sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
		const orders = ordersByRef(sb);
		expect(orders).toHaveLength(sold.length);
		expect(new Set(orders.map((o) => o.pos_reference)).size).toBe(sold.length);
		expect(Number(a.summary[0].created) + Number(b.summary[0].created)).toBe(sold.length);
		const sessions = sessionsOf(sb);
		expect(new Set(sessions.map((s) => s.xid)).size).toBe(sessions.length);
		const env = sb.odoo.env();
		for (const shop of sb.odoo.db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.config']])) {
			const configId = sb.odoo.db.browse('ir.model.data', shop)!.res_id as number;
			const all = sb.odoo.db.search(env, 'pos.session', [['config_id', '=', configId]]);
			expect(all.length).toBe(sessions.filter((s) => (s.config_id as [number, string])[0] === configId).length);
		}
	});

	test('1,000 generated invoices with included, excluded and cascading taxes, discounts and multi-tender: all equal to the cent', async () => {
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		// Taxes of every kind, and products carrying random sets of them.
		const tax = (vals: IDataObject) => db.transaction(() => db.create(env, 'account.tax', { type_tax_use: 'sale', ...vals }).id);
		const sets = [
			[tax({ name: 'Gen VAT 24% incl', amount: 24, price_include: true })],
			[tax({ name: 'Gen VAT 14%', amount: 14 })],
			[tax({ name: 'Gen Eco 2%', amount: 2, include_base_amount: true, sequence: 1 }), tax({ name: 'Gen VAT 10% cascading', amount: 10, sequence: 5 })],
			[tax({ name: 'Gen Eco 2% incl', amount: 2, price_include: true, include_base_amount: true, sequence: 1 }), tax({ name: 'Gen VAT 25.5% incl cascading', amount: 25.5, price_include: true, sequence: 5 })],
			[tax({ name: 'Gen Deposit 0.15', amount: 0.15, amount_type: 'fixed', sequence: 1 }), tax({ name: 'Gen VAT 25.5%', amount: 25.5, sequence: 2 })],
			[],
		];
		const r = rng(99);
		const products = Array.from({ length: 60 }, (_, k) => {
			const taxIds = sets[k % sets.length];
			const price = money(0.5 + r() * 40);
			const id = db.transaction(() => {
				const p = db.create(env, 'product.product', { name: `Gen product ${k}`, list_price: price, taxes_id: [[6, 0, taxIds]], available_in_pos: true });
				db.create(env, 'ir.model.data', { module: 'pixelpoint', name: `product_${5000 + k}`, model: 'product.product', res_id: p.id });
				return p.id;
			});
			return { num: 5000 + k, id, price, taxIds, set: k % sets.length };
		});
		const byNum = new Map(products.map((p) => [p.num, p]));
		// What Odoo computes for a line (round per line, currency 0.01), worked out here for each of
		// the tax sets above — independently of the package's tax engine and of the sandbox's.
		const cent = (v: number) => Math.sign(v) * Math.round(Math.abs(v) * 100 + 1e-7) / 100;
		const lineTotal = (set: number, price: number, qty: number): number => {
			const b = cent(price * qty);
			switch (set) {
				case 1:
					return cent(b + cent(b * 0.14));
				case 2: {
					const eco = cent(b * 0.02);
					return cent(b + eco + cent((b + eco) * 0.1));
				}
				case 4:
					return cent(b + 0.15 * qty + cent(b * 0.255));
				default:
					return b; // included taxes (0, 3) and no tax (5): the price is the total
			}
		};
		const invoices = Array.from({ length: 1000 }, (_, k) => {
			const refund = k % 17 === 0;
			const lines = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, n) => {
				const p = products[Math.floor(r() * products.length)];
				const qty = (1 + Math.floor(r() * 4)) * (refund ? -1 : 1);
				const discount = r() < 0.2 ? money(qty * p.price * (r() < 0.5 ? 0.1 : 0.15)) : 0;
				return { LineNum: n + 1, ProdNum: p.num, Description: `Gen product ${p.num - 5000}`, Quantity: qty, UnitPrice: p.price, Discount: discount, LineTotal: money(qty * p.price - discount), p };
			});
			const exact = money(lines.reduce((s, l) => {
				const pct = l.Discount ? Math.round((l.Discount / (l.Quantity * l.UnitPrice)) * 10000) / 100 : 0;
				return s + lineTotal(l.p.set, l.UnitPrice * (1 - pct / 100), l.Quantity);
			}, 0));
			const final = money(exact + (k % 3 === 0 ? [-0.02, -0.01, 0.01, 0.02][k % 4] : 0));
			const split = !refund && final > 10 && r() < 0.4;
			const payments = refund
				? [{ MethodNum: 2, Amount: final, Tip: 0, Change: 0 }]
				: split
					? [
							{ MethodNum: 1, Amount: 50, Tip: 0, Change: money(50 - 5) },
							{ MethodNum: 3, Amount: money(final - 5), Tip: 0, Change: 0 },
						]
					: [{ MethodNum: r() < 0.5 ? 1 : 2, Amount: final, Tip: 0, Change: 0 }];
			const day = `2026-10-${String(1 + (k % 5)).padStart(2, '0')}`;
			return {
				TransactNum: 700000 + k,
				StoreId: 1 + (k % 3),
				BusinessDate: day,
				OpenTime: `${day}T10:00:00+02:00`,
				CloseTime: `${day}T${String(10 + (k % 10)).padStart(2, '0')}:30:00+02:00`,
				SaleTypeNum: 1,
				Status: refund ? 'REFUND' : 'CLOSED',
				CustomerRef: null,
				SubTotal: 0,
				TaxTotal: 0,
				FinalTotal: final,
				Lines: lines.map(({ p: _p, ...l }) => l),
				Payments: payments,
			};
		});
		const importNode = node('Import', 'odooErp', { resource: 'posOrder', operation: 'importPixelPoint', namespace: 'pixelpoint', tolerance: 0.05 });
		const res = await engine.run(chain(invoices, importNode));
		expect(res.error).toBeUndefined();
		const out = res.output('Import');
		expect(out.filter((o) => o.status === 'imported')).toHaveLength(1000);
		const orders = new Map(ordersByRef(sb).map((o) => [o.pos_reference, o]));
		expect(orders.size).toBeGreaterThanOrEqual(1000);
		let drifted = 0;
		for (const inv of invoices) {
			const o = orders.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)!;
			expect(o.amount_total).toBe(inv.FinalTotal);
			// Line by line: each product line as worked out above, and the drift alone on the rounding line.
			const lines = db.read(env, 'pos.order.line', o.lines as number[], ['price_subtotal_incl', 'full_product_name', 'qty']);
			const products = lines.filter((l) => l.full_product_name !== 'Rounding difference');
			expect(products.map((l) => l.price_subtotal_incl)).toEqual(
				inv.Lines.map((l) => {
					const p = byNum.get(l.ProdNum)!;
					const pct = l.Discount ? Math.round((l.Discount / (l.Quantity * l.UnitPrice)) * 10000) / 100 : 0;
					return lineTotal(p.set, l.UnitPrice * (1 - pct / 100), l.Quantity);
				}),
			);
			const rounding = lines.find((l) => l.full_product_name === 'Rounding difference');
			if (rounding) drifted++;
			expect(money(products.reduce((sum, l) => sum + (l.price_subtotal_incl as number), 0) + ((rounding?.price_subtotal_incl as number) ?? 0))).toBe(inv.FinalTotal);
		}
		expect(drifted).toBeGreaterThan(100); // a third of the invoices carry PixelPoint's drift

		// Every session of those days closes with a balanced entry.
		const closeNode = node('Close', 'odooErp', { resource: 'posSession', operation: 'close', namespace: 'pixelpoint', which: 'past', timezone: 'Europe/Helsinki' });
		const closed = (await engine.run(chain([{}], closeNode))).output('Close');
		expect(closed.length).toBeGreaterThan(0);
		expect(closed.filter((c) => c.status !== 'closed')).toEqual([]);
		for (const c of closed) expect(checkEntry(sb, c.moveId as number, String(c.businessDate))).toMatchObject({ balanced: true, state: 'posted', date: c.businessDate });
	});
});
