/** The POS templates against Odoo 16 (pos_categ_id), 18 (sync_from_ui) and 19 (JSON-2). */
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes } from '../../sandbox';

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
			for (const inv of sold) expect(totals.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)).toBe(inv.FinalTotal);
			if (version >= 19) expect(sb.odoo.http.counter.get('jsonrpc/object')).toBe(0);
		} finally {
			await sb.stop();
		}
	});
});
