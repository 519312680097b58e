/**
 * Shops with cash control (the Upsert Stores option): the close counts the drawer. PixelPoint does
 * not count it, so the counted cash sent to Odoo must be exactly what the payments put in the
 * drawer; anything else makes Odoo post a cash difference (a loss or profit that never happened).
 * Read from Odoo's records: what was counted, the takings, and the statement lines.
 */
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { runNightly } from '../helpers';

describe.each([17, 18, 19] as const)('Cash control at the close, Odoo %i', (version) => {
	let sb: Sandboxes;
	beforeAll(async () => {
		setClock('2026-03-05T08:00:00Z');
		sb = await startSandboxes({}, { odoo: { version }, codeplus: { days: 3 } });
	});
	afterAll(async () => {
		await sb.stop();
	});

	test('the counted cash is the opening balance plus the cash takings, and no cash difference is posted', async () => {
		const engine = new Engine(sb.credentials());
		const master = await runTemplate(engine, 'pixelpoint-master-data', {}, {}, (wf) => {
			const stores = wf.nodes.find((n) => n.parameters.operation === 'upsertStores')!;
			stores.parameters.options = { cashControl: true };
		});
		expect(master.ok).toBe(true);
		await runNightly(engine, ['pixelpoint-order-import', 'pos-session-auto-close']);
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const xids = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']]), ['res_id']);
		const sessions = db.read(env, 'pos.session', xids.map((x) => x.res_id as number), ['state', 'cash_control', 'cash_register_balance_start', 'cash_register_balance_end_real', 'statement_line_ids']);
		expect(sessions.length).toBeGreaterThan(3);
		const rows = sessions.map((s) => {
			const orders = db.search(env, 'pos.order', [['session_id', '=', s.id]]);
			const cash = db.read(env, 'pos.payment', db.search(env, 'pos.payment', [['pos_order_id', 'in', orders], ['payment_method_id.is_cash_count', '=', true]]), ['amount']);
			const takings = Math.round(cash.reduce((a, p) => a + (p.amount as number), 0) * 100) / 100;
			const lines = db.read(env, 'account.bank.statement.line', s.statement_line_ids as number[], ['payment_ref']);
			return {
				state: s.state,
				cashControl: s.cash_control,
				counted: s.cash_register_balance_end_real,
				expected: Math.round(((s.cash_register_balance_start as number) + takings) * 100) / 100,
				differences: lines.filter((l) => /cash difference/i.test(String(l.payment_ref))).length,
			};
		});
		expect(rows.some((r) => r.expected > 0)).toBe(true);
		for (const r of rows) expect(r).toEqual({ state: 'closed', cashControl: true, counted: r.expected, expected: r.expected, differences: 0 });
	});

	test('a drawer counted short is posted by Odoo as a loss (the sandbox does as Odoo does)', () => {
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const config = db.search(env, 'pos.config', [['cash_control', '=', true]], { limit: 1 })[0];
		const session = db.transaction(() => db.create(env, 'pos.session', { config_id: config }));
		db.transaction(() => db.call(env, 'pos.session', 'post_closing_cash_details', [session.id], { counted_cash: Number(session.cash_register_balance_start ?? 0) - 5 }));
		db.transaction(() => db.call(env, 'pos.session', 'close_session_from_ui', [session.id], {}));
		const [s] = db.read(env, 'pos.session', [session.id], ['statement_line_ids']);
		const lines = db.read(env, 'account.bank.statement.line', s.statement_line_ids as number[], ['payment_ref', 'amount']);
		expect(lines).toEqual([expect.objectContaining({ payment_ref: 'Cash difference observed during the counting (Loss) - closing', amount: -5 })]);
	});
});
