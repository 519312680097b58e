/**
 * Every call in the credential's company. Here the login's current company is an empty holding and
 * the restaurant is the credential's Company: only Odoo's allowed_company_ids context on every
 * call (reads, creates, imports, writes) keeps the work in the restaurant. The sandbox applies
 * Odoo's multi-company rules (other companies' records invisible, writing one refused, new records
 * in the first allowed company), so a call without the context fails or lands in the holding.
 * Sessions are closed days after their business day, so the close writes (re-dates) entries too.
 */
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { runNightly } from '../helpers';

const MODELS = ['pos.config', 'pos.payment.method', 'account.journal', 'pos.session', 'pos.order', 'account.move'];

describe.each([17, 19] as const)('The company context on every call, Odoo %i', (version) => {
	let sb: Sandboxes;
	let holding: number;
	beforeAll(async () => {
		setClock('2026-03-09T08:00:00Z');
		sb = await startSandboxes({}, { odoo: { version }, codeplus: { days: 3 } });
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		holding = db.transaction(() => {
			const c = db.create(env, 'res.company', { name: 'Holding Oy', currency_id: 126 });
			db.updateRaw('res.users', db.browse('res.users', 2)!, { company_id: c.id, company_ids: [c.id, 1] });
			return c.id;
		});
	});
	afterAll(async () => {
		await sb.stop();
	});

	test("master data, orders and the close land in the credential's company, none in the login's current one", async () => {
		const creds = sb.credentials();
		const engine = new Engine({ ...creds, odooErpApi: { ...creds.odooErpApi, company: 'Ravintola Demo Oy' } });
		await runNightly(engine);
		const db = sb.odoo.db;
		const counts = Object.fromEntries(
			MODELS.map((m) => {
				const recs = [...db.table(m).values()];
				return [m, { restaurant: recs.filter((r) => r.company_id === 1).length > 0, holding: recs.filter((r) => r.company_id === holding).length }];
			}),
		);
		for (const m of MODELS) expect({ m, ...counts[m] }).toEqual({ m, restaurant: true, holding: 0 });
		// Sessions closed after their day: their entries were re-dated (written) in the restaurant company.
		const xids = db.read(sb.odoo.env(), 'ir.model.data', db.search(sb.odoo.env(), 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']]), ['res_id']);
		const sessions = db.read(sb.odoo.env(), 'pos.session', xids.map((x) => x.res_id as number), ['state', 'move_id']);
		expect(sessions.length).toBeGreaterThan(3);
		expect(sessions.every((s) => s.state === 'closed' && s.move_id)).toBe(true);
	});
});
