/**
 * Demo data shaped like the database the recordings in shared/odoo17 came from (company,
 * journals, taxes, the demo "Shop" with cash control, demo invoices and credit notes), with
 * id sequences positioned where that database had them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, Env, Rec } from './orm';

export interface SeedOptions {
	/**
	 * `recorded`: as the recorded Odoo 17 demo database (USD). `finland`: the same plus a EUR company
	 * with Finnish VAT. `integrator`: as the real-Odoo harness sets a database up (a US holding, the
	 * Finnish restaurant company with the real chart's taxes, customers and invoices), from the facts
	 * the contract recorder read from real Odoo (fixtures/integrator-odoo<N>.json).
	 */
	profile: 'recorded' | 'finland' | 'integrator';
}

export function seed(db: Database, opts: SeedOptions): void {
	const env: Env = { db, uid: 1, context: {} };
	const withId = (model: string, id: number, vals: Record<string, unknown>): Rec => {
		db.setSequence(model, id);
		return db.create(env, model, vals);
	};
	const xid = (module: string, name: string, model: string, res_id: number) =>
		db.create(env, 'ir.model.data', { module, name, model, res_id, noupdate: true });

	db.transaction(() => {
		withId('res.currency', 1, { name: 'USD', symbol: '$', rounding: 0.01, active: true });
		// The integrator's database has EUR where its Odoo version put it (126 on 17, 125 on 18).
		const facts = opts.profile === 'integrator' ? integratorFacts(db.version) : undefined;
		const eurId = facts?.currencies.find((c) => c.name === 'EUR')?.id ?? 126;
		withId('res.currency', eurId, { name: 'EUR', symbol: '€', rounding: 0.01, active: false });
		withId('res.partner', 1, { name: 'My Company (San Francisco)', is_company: true });
		withId('res.partner', 2, { name: 'OdooBot' });
		withId('res.partner', 3, { name: 'Mitchell Admin', email: 'admin@yourcompany.example.com' });
		const demo = opts.profile !== 'integrator';
		// Odoo's demo customers, with the US addresses and example.com emails of its demo data.
		const customers: Array<[string, string, string, string, string]> = [
			['Deco Addict', '77 Santa Barbara Rd', 'Pleasant Hill', '94523', 'deco.addict82@example.com'],
			['Azure Interior', '4557 De Silva St', 'Fremont', '94538', 'azure.Interior24@example.com'],
			['Gemini Furniture', '317 Fairchild Dr', 'Fairfield', '94535', 'gemini.furniture39@example.com'],
			['Ready Mat', '7500 W Linne Road', 'Tracy', '95304', 'ready.mat28@example.com'],
			['Lumber Inc', '1337 N San Joaquin St', 'Stockton', '95202', 'lumber-inv92@example.com'],
			['Wood Corner', '1839 Arbor Way', 'Turlock', '95380', 'wood.corner26@example.com'],
		];
		if (demo) customers.forEach(([name, street, city, zip, email], i) =>
			withId('res.partner', 9 + i, { name, is_company: true, customer_rank: 1, street, city, zip, email, country_code: 'US', lang: 'en_US' }),
		);
		withId('res.company', 1, { name: 'My Company (San Francisco)', currency_id: 1, partner_id: 1 });
		withId('stock.warehouse', 1, { name: 'YourCompany', code: 'WH', company_id: 1 });
		withId('res.users', 1, { name: 'OdooBot', login: '__system__', partner_id: 2 });
		withId('res.users', 2, { name: 'Mitchell Admin', login: 'admin', partner_id: 3 });
		withId('product.category', 1, { name: 'All' });
		withId('product.category', 2, { name: 'Saleable', parent_id: 1 });
		withId('product.pricelist', 1, { name: 'Public Pricelist', currency_id: 1 });

		withId('account.account', 6, { code: '121000', name: 'Account Receivable', account_type: 'asset_receivable', reconcile: true });
		withId('account.account', 19, { code: '251000', name: 'Tax Received', account_type: 'liability_current' });
		withId('account.account', 24, { code: '400000', name: 'Product Sales', account_type: 'income' });
		withId('account.account', 40, { code: '101300', name: 'Account Receivable (PoS)', account_type: 'asset_receivable', reconcile: true });
		withId('account.account', 45, { code: '101401', name: 'Bank', account_type: 'asset_cash' });
		withId('account.account', 46, { code: '101501', name: 'Cash', account_type: 'asset_cash' });
		withId('account.account', 47, { code: '101402', name: 'Outstanding Receipts', account_type: 'asset_current', reconcile: true });
		withId('account.account', 48, { code: '101403', name: 'Outstanding Payments', account_type: 'asset_current', reconcile: true });
		db.updateRaw('res.company', db.browse('res.company', 1)!, { account_journal_payment_debit_account_id: 47, account_journal_payment_credit_account_id: 48 });

		const journals: Array<[string, string, string, number | false]> = [
			['Customer Invoices', 'INV', 'sale', false],
			['Vendor Bills', 'BILL', 'purchase', false],
			['Miscellaneous Operations', 'MISC', 'general', false],
			['Exchange Difference', 'EXCH', 'general', false],
			['Cash Basis Taxes', 'CABA', 'general', false],
			['Bank', 'BNK1', 'bank', 45],
			['Cash', 'CSH1', 'cash', 46],
			['Inventory Valuation', 'STJ', 'general', false],
			['Point of Sale', 'POSS', 'general', false],
		];
		journals.forEach(([name, code, type, acc], i) =>
			withId('account.journal', i + 1, { name, code, type, default_account_id: acc, sequence: i + 1 }),
		);

		if (demo) {
		withId('account.tax', 1, { name: '15%', amount: 15, amount_type: 'percent', type_tax_use: 'sale', sequence: 1 });
		withId('account.tax', 2, { name: '15%', amount: 15, amount_type: 'percent', type_tax_use: 'purchase', sequence: 1 });
		withId('account.tax', 3, { name: 'Default Tax for PoS', amount: 0, amount_type: 'percent', type_tax_use: 'sale', sequence: 1 });
		for (const l of db.table('account.tax.repartition.line').values()) {
			if (l.tax_id === 1 && l.repartition_type === 'tax') db.updateRaw('account.tax.repartition.line', l, { account_id: 19 });
		}
		db.updateRaw('res.company', db.browse('res.company', 1)!, { account_sale_tax_id: 1 });
		}

		db.setSequence('ir.model.data', 1);
		xid('base', 'main_company', 'res.company', 1);
		xid('base', 'user_admin', 'res.users', 2);
		xid('base', 'USD', 'res.currency', 1);
		xid('base', 'EUR', 'res.currency', eurId);
		xid('product', 'product_category_all', 'product.category', 1);
		if (facts) {
			integrator(db, env, withId, facts);
			return;
		}
		xid('account', '1_sale_tax_template', 'account.tax', 1);
		xid('account', '1_purchase_tax_template', 'account.tax', 2);
		xid('point_of_sale', 'pos_config_main', 'pos.config', 1);

		withId('pos.category', 1, { name: 'Miscellaneous', sequence: 1 });
		withId('pos.category', 2, { name: 'Desks', sequence: 2 });
		withId('pos.category', 3, { name: 'Chairs', sequence: 3 });
		const products: Array<[string, string, number]> = [
			['Office Chair', 'FURN_7777', 70],
			['Desk Organizer', 'FURN_0001', 5.1],
			['Large Desk', 'FURN_0002', 250],
			['Whiteboard Pen', 'CONS_0001', 1.2],
			['Monitor Stand', 'FURN_0003', 3.19],
		];
		products.forEach(([name, code, price], i) => {
			db.setSequence('product.template', i + 1);
			withId('product.product', i + 1, { name, default_code: code, list_price: price, available_in_pos: true });
		});
		withId('pos.payment.method', 1, { name: 'Cash', journal_id: 7 });
		withId('pos.payment.method', 2, { name: 'Bank', journal_id: 6 });
		withId('pos.payment.method', 3, { name: 'Customer Account', split_transactions: true });
		withId('pos.config', 1, { name: 'Shop', cash_control: true, payment_method_ids: [1, 2, 3] });
		withId('pos.session', 1, { config_id: 1, state: 'closed', start_at: '2026-11-19 07:00:00', stop_at: '2026-11-19 19:00:00', cash_register_balance_end_real: 1985.2 });
		withId('pos.session', 2, { config_id: 1, state: 'closed', start_at: '2026-11-20 07:00:00', stop_at: '2026-11-20 19:00:00', cash_register_balance_end_real: 2243.57 });

		// Demo customer invoices and credit notes, posted in id order so their numbers follow.
		const moves: Array<[number, string, string, number]> = [
			[1, 'out_invoice', '2026-11-01', 31750],
			[2, 'out_invoice', '2026-11-19', 41750],
			[3, 'out_invoice', '2026-11-18', 19250],
			[4, 'out_invoice', '2026-11-06', 31750],
			[8, 'out_refund', '2026-10-02', 11750],
			[9, 'out_refund', '2026-10-03', 20000],
			[12, 'out_refund', '2026-11-11', 31750],
			[13, 'out_refund', '2026-11-20', 41750],
			[14, 'out_refund', '2026-11-19', 19250],
		];
		moves.forEach(([id, move_type, date, amount], i) => {
			const m = withId('account.move', id, {
				move_type,
				partner_id: 9 + (i % customers.length),
				invoice_date: date,
				invoice_line_ids: [[0, 0, { name: 'Furniture', quantity: 1, price_unit: amount, tax_ids: [] }]],
			});
			db.call(env, 'account.move', 'action_post', [m.id], {});
		});

		if (opts.profile !== 'recorded') finland(db, env, withId, xid);

		db.setSequence('res.partner', 43);
		db.setSequence('product.product', 51);
		db.setSequence('product.template', 44);
		db.setSequence('pos.category', 4);
		db.setSequence('pos.config', 2);
		db.setSequence('pos.session', 3);
		db.setSequence('pos.order', 5);
		db.setSequence('pos.order.line', 9);
		db.setSequence('pos.payment', 5);
		db.setSequence('account.move', 29);
		db.setSequence('account.move.line', 66);
		db.setSequence('ir.model.data', 21101);
	});
}

type Pair = [number, string] | false;
interface IntegratorFacts {
	companyId: number;
	companyIds: number[];
	companies: Array<{ id: number; name: string; currency_id: Pair; partner_id: Pair; country_code: string; tax_calculation_rounding_method: string }>;
	currencies: Array<{ id: number; name: string; active: boolean }>;
	taxes: Array<Record<string, unknown> & { id: number }>;
	repartition: Array<{ id: number; tax_id: Pair; document_type: string; repartition_type: string; factor_percent: number; account_id: Pair; tag_ids: number[] }>;
	customers: Array<{ id: number; name: string; vat: string | false; company_registry: string | false; email: string | false; country_code: string; lang: string }>;
	invoices: Array<{ id: number; move_type: string; partner_id: Pair; invoice_date: string; name: string }>;
	lines: Array<{ id: number; move_id: Pair; name: string; quantity: number; price_unit: number; tax_ids: number[] }>;
	banks: Array<{ id: number; name: string; bic: string }>;
	warehouses: Array<{ id: number; name: string; code: string }>;
	bankAccounts: Array<{ id: number; acc_number: string; partner_id: Pair; bank_id: Pair }>;
	sequences: Record<string, number>;
}

function integratorFacts(version: number): IntegratorFacts {
	const file = path.join(__dirname, 'fixtures', `integrator-odoo${version}.json`);
	if (!fs.existsSync(file)) throw new Error(`no integrator fixture for Odoo ${version}: record one with npm run record:odoo`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as IntegratorFacts;
}

const idOf = (p: Pair): number | false => (p ? p[0] : false);

/** The integrator's database as read from real Odoo: the same ids, so a replay needs no translation for what was there before. */
function integrator(
	db: Database,
	env: Env,
	withId: (model: string, id: number, vals: Record<string, unknown>) => Rec,
	f: IntegratorFacts,
): void {
	for (const c of f.currencies) {
		const cur = [...db.table('res.currency').values()].find((x) => x.name === c.name);
		if (cur && cur.id !== c.id) throw new Error(`the integrator fixture's ${c.name} has id ${c.id}, the sandbox ${cur.id}`);
		if (cur) db.updateRaw('res.currency', cur, { active: c.active });
	}
	for (const c of f.companies) {
		const partner = idOf(c.partner_id) ? db.browse('res.partner', idOf(c.partner_id) as number) ?? withId('res.partner', idOf(c.partner_id) as number, { name: c.name, is_company: true }) : false;
		const vals = {
			name: c.name,
			currency_id: idOf(c.currency_id),
			partner_id: partner ? partner.id : false,
			country_code: c.country_code,
			tax_calculation_rounding_method: c.tax_calculation_rounding_method,
			account_journal_payment_debit_account_id: 47,
			account_journal_payment_credit_account_id: 48,
		};
		const existing = db.browse('res.company', c.id);
		if (existing) db.updateRaw('res.company', existing, vals);
		else withId('res.company', c.id, vals);
		if (partner) db.updateRaw('res.partner', partner, { name: c.name });
	}
	db.updateRaw('res.users', db.browse('res.users', 2)!, { company_id: f.companyId, company_ids: f.companyIds });
	const tags = new Set(f.repartition.flatMap((r) => r.tag_ids));
	for (const t of [...tags].sort((a, b) => a - b)) withId('account.account.tag', t, { name: `tag ${t}` });
	for (const t of f.taxes) {
		const { id, ...vals } = t;
		withId('account.tax', id, vals);
	}
	// The chart's repartition: its tax-report grids, and the tax account of the sandbox's chart.
	for (const l of db.table('account.tax.repartition.line').values()) {
		const real = f.repartition.find((r) => idOf(r.tax_id) === l.tax_id && r.document_type === l.document_type && r.repartition_type === l.repartition_type);
		if (real) db.updateRaw('account.tax.repartition.line', l, { tag_ids: real.tag_ids, account_id: l.repartition_type === 'tax' && real.account_id ? 19 : false });
	}
	for (const c of f.customers) {
		withId('res.partner', c.id, { name: c.name, is_company: true, vat: c.vat, company_registry: c.company_registry, email: c.email, country_code: c.country_code, lang: c.lang });
	}
	for (const w of f.warehouses) withId('stock.warehouse', w.id, { name: w.name, code: w.code, company_id: f.companyId });
	for (const b of f.banks) withId('res.bank', b.id, { name: b.name, bic: b.bic });
	for (const a of f.bankAccounts) withId('res.partner.bank', a.id, { acc_number: a.acc_number, partner_id: idOf(a.partner_id), bank_id: idOf(a.bank_id) });
	const bank = [...db.table('account.journal').values()].find((j) => j.code === 'BNK1')!;
	if (f.bankAccounts[0]) db.updateRaw('account.journal', bank, { bank_account_id: f.bankAccounts[0].id });
	for (const inv of f.invoices) {
		const lines = f.lines.filter((l) => idOf(l.move_id) === inv.id);
		const m = withId('account.move', inv.id, {
			move_type: inv.move_type,
			partner_id: idOf(inv.partner_id),
			invoice_date: inv.invoice_date,
			currency_id: idOf(f.companies.find((c) => c.id === f.companyId)!.currency_id),
			invoice_line_ids: lines.map((l) => [0, 0, { name: l.name, quantity: l.quantity, price_unit: l.price_unit, tax_ids: [[6, 0, l.tax_ids]] }]),
		});
		db.call(env, 'account.move', 'action_post', [m.id], {});
	}
	for (const [model, next] of Object.entries(f.sequences)) if (db.models.has(model)) db.setSequence(model, Math.max(next, db.nextId(model)));
	// The chart, journals, shops and documents made above belong to the restaurant company, as on the
	// real database (the holding's own chart is not modelled): Odoo's company rules then show them
	// to a call in that company only.
	for (const [name, m] of db.models) {
		if (['res.users', 'res.company', 'stock.warehouse'].includes(name) || m.fields.company_id?.relation !== 'res.company' || m.fields.company_id.compute) continue;
		for (const r of db.table(name).values()) if (r.company_id === 1) db.updateRaw(name, r, { company_id: f.companyId });
	}
}

/** A Finnish restaurant company: EUR, the VAT rates PixelPoint stores use, price-included variants. */
function finland(
	db: Database,
	env: Env,
	withId: (model: string, id: number, vals: Record<string, unknown>) => Rec,
	xid: (module: string, name: string, model: string, res_id: number) => Rec,
): void {
	const eur = db.browse('res.currency', 126)!;
	db.updateRaw('res.currency', eur, { active: true });
	const company = db.browse('res.company', 1)!;
	db.updateRaw('res.company', company, { name: 'Ravintola Demo Oy', currency_id: 126, country_code: 'FI' });
	db.updateRaw('res.partner', db.browse('res.partner', 1)!, { name: 'Ravintola Demo Oy' });
	const rates: Array<[string, number, boolean]> = [
		['VAT 25.5%', 25.5, false],
		['VAT 14%', 14, false],
		['VAT 10%', 10, false],
		['VAT 25.5% incl', 25.5, true],
		['VAT 14% incl', 14, true],
		['VAT 10% incl', 10, true],
		['VAT 0%', 0, false],
	];
	rates.forEach(([name, amount, incl], i) => {
		// Odoo 18 made price_include computed from price_include_override.
		const mode = db.version >= 18 ? { price_include_override: incl ? 'tax_included' : 'tax_excluded' } : { price_include: incl };
		const t = withId('account.tax', 101 + i, { name, amount, amount_type: 'percent', type_tax_use: 'sale', description: name, ...mode });
		for (const l of db.table('account.tax.repartition.line').values()) {
			if (l.tax_id === t.id && l.repartition_type === 'tax') db.updateRaw('account.tax.repartition.line', l, { account_id: 19 });
		}
		xid('demo_fi', `tax_${String(amount).replace('.', '_')}${incl ? '_incl' : ''}`, 'account.tax', t.id);
	});
	// Zero-rated sales as l10n_fi names them: EU goods, EU services, exports outside the EU.
	(
		[
			['0% EU G', 'tax_eu_sales_goods_0'],
			['0% EU S', 'tax_eu_sales_service_0'],
			['0% EX', 'vat0export'],
		] as const
	).forEach(([name, ref], i) => {
		const mode = db.version >= 18 ? { price_include_override: 'tax_excluded' } : { price_include: false };
		const t = withId('account.tax', 111 + i, { name, amount: 0, amount_type: 'percent', type_tax_use: 'sale', description: name, ...mode });
		xid('demo_fi', ref, 'account.tax', t.id);
	});
	db.updateRaw('res.company', company, { account_sale_tax_id: 102 });
	// The company's bank account on its bank journal: where customers pay Procountor invoices.
	withId('res.bank', 1, { name: 'Nordea Bank Abp', bic: 'NDEAFIHH' });
	withId('res.partner.bank', 1, { acc_number: 'FI21 1234 5600 0007 85', partner_id: 1, bank_id: 1 });
	const bank = [...db.table('account.journal').values()].find((j) => j.code === 'BNK1')!;
	db.updateRaw('account.journal', bank, { bank_account_id: 1 });
	// The demo invoices are the Finnish company's: in euros.
	for (const m of db.table('account.move').values()) db.updateRaw('account.move', m, { currency_id: 126 });
	void env;
}
