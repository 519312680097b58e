/**
 * Demo data shaped like the database the recordings in shared/odoo17 came from (company,
 * journals, taxes, the demo "Shop" with cash control, demo invoices and credit notes), with
 * id sequences positioned where that database had them.
 */
import type { Database, Env, Rec } from './orm';

export interface SeedOptions {
	/** `recorded`: as the recorded Odoo 17 demo database (USD). `finland`: the same plus a EUR company with Finnish VAT. */
	profile: 'recorded' | 'finland';
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
		withId('res.currency', 126, { name: 'EUR', symbol: '€', rounding: 0.01, active: false });
		withId('res.partner', 1, { name: 'My Company (San Francisco)', is_company: true });
		withId('res.partner', 2, { name: 'OdooBot' });
		withId('res.partner', 3, { name: 'Mitchell Admin', email: 'admin@yourcompany.example.com' });
		// Odoo's demo customers, with the US addresses and example.com emails of its demo data.
		const customers: Array<[string, string, string, string, string]> = [
			['Deco Addict', '77 Santa Barbara Rd', 'Pleasant Hill', '94523', 'deco.addict82@example.com'],
			['Azure Interior', '4557 De Silva St', 'Fremont', '94538', 'azure.Interior24@example.com'],
			['Gemini Furniture', '317 Fairchild Dr', 'Fairfield', '94535', 'gemini.furniture39@example.com'],
			['Ready Mat', '7500 W Linne Road', 'Tracy', '95304', 'ready.mat28@example.com'],
			['Lumber Inc', '1337 N San Joaquin St', 'Stockton', '95202', 'lumber-inv92@example.com'],
			['Wood Corner', '1839 Arbor Way', 'Turlock', '95380', 'wood.corner26@example.com'],
		];
		customers.forEach(([name, street, city, zip, email], i) =>
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

		withId('account.tax', 1, { name: '15%', amount: 15, amount_type: 'percent', type_tax_use: 'sale', sequence: 1 });
		withId('account.tax', 2, { name: '15%', amount: 15, amount_type: 'percent', type_tax_use: 'purchase', sequence: 1 });
		withId('account.tax', 3, { name: 'Default Tax for PoS', amount: 0, amount_type: 'percent', type_tax_use: 'sale', sequence: 1 });
		for (const l of db.table('account.tax.repartition.line').values()) {
			if (l.tax_id === 1 && l.repartition_type === 'tax') db.updateRaw('account.tax.repartition.line', l, { account_id: 19 });
		}
		db.updateRaw('res.company', db.browse('res.company', 1)!, { account_sale_tax_id: 1 });

		db.setSequence('ir.model.data', 1);
		xid('base', 'main_company', 'res.company', 1);
		xid('base', 'user_admin', 'res.users', 2);
		xid('base', 'USD', 'res.currency', 1);
		xid('base', 'EUR', 'res.currency', 126);
		xid('account', '1_sale_tax_template', 'account.tax', 1);
		xid('account', '1_purchase_tax_template', 'account.tax', 2);
		xid('product', 'product_category_all', 'product.category', 1);
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

		if (opts.profile === 'finland') finland(db, env, withId, xid);

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
