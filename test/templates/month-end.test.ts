/**
 * A month end and a year end on the sandbox: 7 business days from 2026-12-27 to 2027-01-02
 * imported on 2027-01-03. Sessions of December are closed in January: their entries must be dated
 * on their business day with a number of December's sequence (Odoo refuses a January number on a
 * December date), and the POS receivable must be settled again after the re-dating.
 */
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { dateOfSessionXid } from '../../nodes/OdooErp/helpers/posSessions';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { runNightly } from '../helpers';

describe('Month end and year end', () => {
	let sb: Sandboxes;
	beforeAll(async () => {
		setClock('2027-01-03T08:00:00Z');
		sb = await startSandboxes({}, { codeplus: { days: 7 } });
	});
	afterAll(async () => {
		await sb.stop();
	});

	test('every session of 2026-12-27…2027-01-02 closes with its entries dated and numbered in its own month, the POS receivable settled', async () => {
		const engine = new Engine(sb.credentials());
		await runNightly(engine);
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const xids = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']]), ['name', 'res_id']);
		expect(xids).toHaveLength(21); // 3 stores × 7 days
		const months = new Set<string>();
		for (const x of xids) {
			const day = dateOfSessionXid(String(x.name))!;
			months.add(day.slice(0, 7));
			const [s] = db.read(env, 'pos.session', [x.res_id as number], ['state', 'move_id', 'statement_line_ids']);
			expect(s.state).toBe('closed');
			const payments = db.read(env, 'account.payment', db.search(env, 'account.payment', [['pos_session_id', '=', s.id], ['pos_payment_method_id', '!=', false]]), ['move_id']);
			const cash = db.read(env, 'account.bank.statement.line', s.statement_line_ids as number[], ['move_id']);
			const moveIds = [(s.move_id as [number, string])[0], ...payments.map((p) => (p.move_id as [number, string])[0]), ...cash.map((c) => (c.move_id as [number, string])[0])];
			for (const mv of db.read(env, 'account.move', moveIds, ['name', 'date', 'state'])) {
				expect({ session: x.name, date: mv.date, state: mv.state }).toEqual({ session: x.name, date: day, state: 'posted' });
				// The number belongs to the business day's period: POSS/2026/12/… or PBNK/2026/… for December.
				expect(String(mv.name)).toContain(`/${day.slice(0, 4)}/`);
				if (/\/\d{4}\/\d{2}\/\d+$/.test(String(mv.name))) expect(String(mv.name)).toContain(`/${day.slice(0, 4)}/${day.slice(5, 7)}/`);
			}
			const open = db.read(env, 'account.move.line', db.search(env, 'account.move.line', [['move_id', 'in', moveIds], ['account_id', '=', 40]]), ['amount_residual']);
			expect(open.length).toBeGreaterThan(0);
			expect(open.filter((l) => l.amount_residual !== 0)).toEqual([]);
		}
		expect([...months].sort()).toEqual(['2026-12', '2027-01']);
		expect(sb.odoo.db.ignoredLeaves).toEqual([]); // no domain on a field Odoo cannot search
	});

	test('an entry left in draft with the wrong month\'s number (what older versions left behind) is finished by the next nightly close', async () => {
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const [x] = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['name', '=like', 'session_1_20261230']]), ['res_id']);
		const [s] = db.read(env, 'pos.session', [x.res_id as number], ['move_id']);
		const moveId = (s.move_id as [number, string])[0];
		db.transaction(() => db.call(env, 'account.move', 'button_draft', [moveId], {}));
		db.transaction(() => db.updateRaw('account.move', db.browse('account.move', moveId)!, { name: 'POSS/2027/01/0099' }));
		expect(() => db.transaction(() => db.call(env, 'account.move', 'action_post', [moveId], {}))).toThrow(/doesn't match the sequence number/);

		const r = await runTemplate(new Engine(sb.credentials()), 'pos-session-auto-close');
		expect(r.ok).toBe(true);
		const [after] = db.read(env, 'account.move', [moveId], ['name', 'date', 'state']);
		expect(after).toMatchObject({ date: '2026-12-30', state: 'posted', name: expect.stringMatching(/\/2026\/12\/\d+$/) });
		const lines = db.read(env, 'account.move.line', db.search(env, 'account.move.line', [['account_id', '=', 40], ['parent_state', '=', 'posted']]), ['amount_residual']);
		expect(lines.filter((l) => l.amount_residual !== 0)).toEqual([]);
	});
});

/**
 * Odoo 18 and 19 give a payment a date of its own and write it back onto its entry at the
 * payment's next edit: a session closed after its day must leave its combined bank payments dated
 * on the business day too, or one later edit moves their entries into the closing day's period.
 */
describe.each([18, 19] as const)('Payments of sessions closed after their day, Odoo %i', (version) => {
	let sb: Sandboxes;
	beforeAll(async () => {
		setClock('2027-01-03T08:00:00Z');
		sb = await startSandboxes({}, { odoo: { version }, codeplus: { days: 3 } });
	});
	afterAll(async () => {
		await sb.stop();
	});

	test("every combined payment's own date is its business day, and stays so after the payment is edited", async () => {
		const engine = new Engine(sb.credentials());
		await runNightly(engine);
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const sessions = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']]), ['name', 'res_id']);
		const rows: Array<{ day: string; payment: string; entry: string }> = [];
		for (const x of sessions) {
			const day = dateOfSessionXid(String(x.name))!;
			for (const p of db.read(env, 'account.payment', db.search(env, 'account.payment', [['pos_session_id', '=', x.res_id], ['pos_payment_method_id', '!=', false]]), ['date', 'move_id'])) {
				const [mv] = db.read(env, 'account.move', [(p.move_id as [number, string])[0]], ['date']);
				rows.push({ day, payment: String(p.date), entry: String(mv.date) });
			}
		}
		expect(rows.length).toBeGreaterThan(3);
		expect(rows.filter((r) => r.payment !== r.day || r.entry !== r.day)).toEqual([]);

		// An edit that makes Odoo rewrite the entry from the payment (its partner) is refused while posted,
		// as real 18 does; through draft it is taken, and the entry keeps the business day.
		const [one] = db.search(env, 'account.payment', [['pos_payment_method_id', '!=', false]], { limit: 1 });
		const [before] = db.read(env, 'account.payment', [one], ['date', 'move_id']);
		expect(() => db.transaction(() => db.write(env, 'account.payment', [one], { partner_id: false }))).toThrow(/readonly fields on a posted move/);
		db.transaction(() => {
			db.call(env, 'account.payment', 'action_draft', [one], {});
			db.write(env, 'account.payment', [one], { partner_id: false, memo: 'edited by an accountant' });
			db.call(env, 'account.payment', 'action_post', [one], {});
		});
		const [entry] = db.read(env, 'account.move', [(before.move_id as [number, string])[0]], ['date', 'state']);
		expect(entry).toMatchObject({ date: before.date, state: 'posted' });

		// The next close writes nothing more.
		const again = await runTemplate(engine, 'pos-session-auto-close');
		expect(again.ok).toBe(true);
	});
});

/**
 * Sessions an earlier version closed on 18 leave their combined payments dated on the closing
 * day. The nightly close revisits the last month's closed sessions and dates those payments on
 * their business day — except one an accountant has matched with a bank statement line: drafting
 * it would undo the accountant's matching, so it stays as it is and the close says so.
 */
describe('Payments an earlier version left on the closing day, Odoo 18', () => {
	let sb: Sandboxes;
	beforeAll(async () => {
		setClock('2027-01-03T08:00:00Z');
		sb = await startSandboxes({}, { odoo: { version: 18 }, codeplus: { days: 3 } });
	});
	afterAll(async () => {
		await sb.stop();
	});

	test('are dated on their business day by the next close, except one matched with the bank by an accountant', async () => {
		const engine = new Engine(sb.credentials());
		await runNightly(engine);
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const payments = db.read(env, 'account.payment', db.search(env, 'account.payment', [['pos_payment_method_id', '!=', false]], { order: 'id' }), ['date', 'move_id', 'amount', 'outstanding_account_id']);
		expect(payments.length).toBeGreaterThan(2);
		const [matched, plain] = payments;
		const day = String(matched.date);
		// As an earlier version left them: the payment's own date on the closing day.
		db.transaction(() => {
			for (const p of [matched, plain]) db.updateRaw('account.payment', db.browse('account.payment', p.id as number)!, { date: '2027-01-03' });
		});
		// The accountant matches the first one's outstanding line with a bank statement entry.
		const outstanding = (matched.outstanding_account_id as [number, string])[0];
		const bankEntry = db.transaction(() => {
			const m = db.create(env, 'account.move', {
				move_type: 'entry',
				journal_id: db.search(env, 'account.journal', [['code', '=', 'BNK1']])[0],
				date: '2027-01-04',
				line_ids: [
					[0, 0, { account_id: 45, name: 'Card settlement', debit: matched.amount, credit: 0 }],
					[0, 0, { account_id: outstanding, name: 'Card settlement', debit: 0, credit: matched.amount }],
				],
			});
			db.call(env, 'account.move', 'action_post', [m.id], {});
			const lines = db.search(env, 'account.move.line', [['account_id', '=', outstanding], ['move_id', 'in', [m.id, (matched.move_id as [number, string])[0]]]]);
			db.call(env, 'account.move.line', 'reconcile', lines, {});
			return m.id;
		});
		const partials = () => db.search(env, 'account.partial.reconcile', [['credit_move_id.move_id', '=', bankEntry]]).length;
		expect(partials()).toBe(1);

		const close = await runTemplate(engine, 'pos-session-auto-close');
		expect(close.ok).toBe(true);
		const [m, p] = db.read(env, 'account.payment', [matched.id as number, plain.id as number], ['date']);
		expect(p.date).toBe(String(plain.date));
		// Left as the accountant left it: still matched, its entry not drafted, and said.
		expect(m.date).toBe('2027-01-03');
		expect(partials()).toBe(1);
		expect(db.read(env, 'account.move', [(matched.move_id as [number, string])[0]], ['date', 'state'])[0]).toMatchObject({ date: day, state: 'posted' });
		const said = (close.summary[0].sessions as Array<{ message: string | null }>).map((s) => String(s.message)).filter((t) => t.includes('matched by an accountant'));
		const [entry] = db.read(env, 'account.move', [(matched.move_id as [number, string])[0]], ['name']);
		expect(said).toEqual([expect.stringContaining(String(entry.name))]);
	});
});
