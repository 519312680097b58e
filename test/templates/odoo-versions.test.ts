/** The POS templates against Odoo 16 (pos_categ_id), 18 (sync_from_ui) and 19 (JSON-2). */
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes } from '../../sandbox';
import { totalWithTips } from '../helpers';

describe.each([16, 18, 19] as const)('Odoo %i', (version) => {
	test('master data, order import and auto-close run unchanged and import every sale', async () => {
		const sb = await startSandboxes({}, { odoo: { version }, codeplus: { days: 3 } });
		try {
			const engine = new Engine(sb.credentials());
			for (const t of ['pixelpoint-master-data', 'pixelpoint-order-import', 'pos-session-auto-close']) {
				const r = await runTemplate(engine, t, {});
				expect({ t, error: r.error, status: r.summary[0]?.status }).toEqual({ t, error: undefined, status: 'success' });
			}
			const env = sb.odoo.env();
			const sold = sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
			const ids = sb.odoo.db.search(env, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']]);
			expect(ids).toHaveLength(sold.length);
			const totals = new Map(sb.odoo.db.read(env, 'pos.order', ids, ['pos_reference', 'amount_total']).map((o) => [o.pos_reference, o.amount_total]));
			for (const inv of sold) expect(totals.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)).toBe(totalWithTips(inv));
			if (version >= 19) expect(sb.odoo.http.counter.get('jsonrpc/object')).toBe(0);
		} finally {
			await sb.stop();
		}
	});
});

describe('Odoo 19 with a company that rounds taxes globally (its Finnish chart does)', () => {
	test('every sale is imported and equal to FinalTotal, also those paid with change, whose total Odoo recomputes from the lines', async () => {
		const sb = await startSandboxes({}, { odoo: { version: 19 }, codeplus: { days: 14 } });
		try {
			const env = sb.odoo.env();
			const company = sb.odoo.db.browse('res.company', 1)!;
			sb.odoo.db.transaction(() => sb.odoo.db.updateRaw('res.company', company, { tax_calculation_rounding_method: 'round_globally' }));
			const engine = new Engine(sb.credentials());
			for (const t of ['pixelpoint-master-data', 'pixelpoint-order-import']) {
				const r = await runTemplate(engine, t, {});
				expect({ t, error: r.error, status: r.summary[0]?.status }).toEqual({ t, error: undefined, status: 'success' });
			}
			const sold = sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
			const ids = sb.odoo.db.search(env, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']]);
			expect(ids).toHaveLength(sold.length);
			const orders = sb.odoo.db.read(env, 'pos.order', ids, ['pos_reference', 'amount_total', 'amount_return']);
			const totals = new Map(orders.map((o) => [o.pos_reference, o.amount_total]));
			for (const inv of sold) expect(totals.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)).toBe(totalWithTips(inv));
			// (the orders with change are the ones whose total Odoo 19 recomputed)
			expect(orders.filter((o) => Number(o.amount_return) > 0).length).toBeGreaterThan(100);
		} finally {
			await sb.stop();
		}
	});
});
