/**
 * A database set up as an integrator sets up a Finnish restaurant company — through Odoo's API
 * only, never SQL: the restaurant is the *second* company of the database (the first is a US
 * holding in USD), with the Finnish chart, the taxes the templates name, customers with
 * business IDs and a few posted invoices and a credit note for the Procountor flows.
 */
import type { Rpc } from './rpc';

export const RESTAURANT = 'Ravintola Testi Oy';
export const HOLDING = 'Testi Holding Inc';
/** The restaurant group's German company, with the Berlin store (issue #16). */
export const BERLIN = 'Restaurant Berlin GmbH';
/** Bumped whenever what setUp() does changes: part of the cached dump's key. */
export const SETUP_VERSION = 7;

/** A Finnish business ID (Y-tunnus) with its check digit, and its VAT number. */
function businessId(seven: string): { registry: string; vat: string } {
	const weights = [7, 9, 10, 5, 8, 4, 2];
	const sum = seven.split('').reduce((s, d, k) => s + Number(d) * weights[k], 0);
	const r = sum % 11;
	const check = r === 0 ? 0 : 11 - r;
	if (check === 10) throw new Error(`${seven} has no valid check digit`);
	return { registry: `${seven}-${check}`, vat: `FI${seven}${check}` };
}

export interface SetUpResult {
	companyId: number;
	berlinId: number;
	holdingId: number;
	customers: number[];
	invoices: number[];
}

export async function setUp(rpc: Rpc, version: number, invoiceDate: string): Promise<SetUpResult> {
	const eur = (await rpc.searchRead<{ id: number }>('res.currency', [['name', '=', 'EUR'], ['active', 'in', [true, false]]], ['id']))[0].id;
	const usd = (await rpc.searchRead<{ id: number }>('res.currency', [['name', '=', 'USD'], ['active', 'in', [true, false]]], ['id']))[0].id;
	await rpc.call('res.currency', 'write', [[eur, usd], { active: true }]);
	const fi = (await rpc.searchRead<{ id: number }>('res.country', [['code', '=', 'FI']], ['id']))[0].id;
	const us = (await rpc.searchRead<{ id: number }>('res.country', [['code', '=', 'US']], ['id']))[0].id;

	// The first company: a holding in another country and currency (no journal items yet, so it may change).
	const holdingId = 1;
	await rpc.call('res.company', 'write', [[holdingId], { name: HOLDING, country_id: us, currency_id: usd }]);

	// The restaurant: a company of its own with the Finnish chart, as Settings → Companies → New and
	// Accounting → Fiscal Localization do.
	const companyId = await rpc.call<number>('res.company', 'create', [{ name: RESTAURANT, country_id: fi, currency_id: eur, city: 'Helsinki', street: 'Mannerheimintie 1', zip: '00100' }]);
	// try_loading is a record method: called on no records, with the template code and the company.
	await rpc.call('account.chart.template', 'try_loading', [[], 'fi', companyId], { install_demo: false });
	// A warehouse for the shops' stock moves (Odoo 17 makes one with the company; 18 leaves it to the integrator).
	const warehouses = await rpc.searchRead('stock.warehouse', [['company_id', '=', companyId]], ['id'], { context: { allowed_company_ids: [companyId] } });
	if (!warehouses.length) await rpc.call('stock.warehouse', 'create', [{ name: 'Ravintola Testi', code: 'RAV', company_id: companyId }], { context: { allowed_company_ids: [companyId] } });
	// The integration user works in the restaurant company. Its contact is shared by the companies
	// first: Odoo 19 moves a user's contact with its company and then refuses the contact's
	// receivable and payable accounts of the first company ("no company crossover").
	if (version >= 19) {
		const [admin] = await rpc.call<Array<{ partner_id: [number, string] }>>('res.users', 'read', [[2], ['partner_id']]);
		await rpc.call('res.partner', 'write', [[admin.partner_id[0]], { company_id: false }]);
	}
	await rpc.call('res.users', 'write', [[2], { company_ids: [[4, companyId]], company_id: companyId, tz: 'Europe/Helsinki' }]);
	const ctx = { allowed_company_ids: [companyId], active_test: false };

	// The taxes the templates name, made from the chart's own (accounts and tax groups kept).
	const chartTax = async (name: string) =>
		(await rpc.searchRead<{ id: number }>('account.tax', [['name', '=', name], ['type_tax_use', '=', 'sale'], ['company_id', '=', companyId]], ['id'], { context: ctx }))[0]?.id;
	const included = (yes: boolean) => (version >= 18 ? { price_include_override: yes ? 'tax_included' : 'tax_excluded' } : { price_include: yes });
	for (const [from, name, incl] of [
		['14%', 'VAT 14%', false],
		['14%', 'VAT 14% incl', true],
		['25.5%', 'VAT 25.5%', false],
		['25.5%', 'VAT 25.5% incl', true],
	] as const) {
		const source = await chartTax(from);
		if (!source) throw new Error(`the Finnish chart of Odoo ${version} has no sale tax "${from}" in ${RESTAURANT}`);
		await rpc.call('account.tax', 'copy', [[source]], { default: { name, active: true, description: name, ...included(incl) }, context: { allowed_company_ids: [companyId] } });
	}

	// The company's bank account on its bank journal, as Accounting → Configuration → Journals → Bank
	// does: where customers pay the invoices sent through Procountor.
	const [company] = await rpc.call<Array<{ partner_id: [number, string] }>>('res.company', 'read', [[companyId], ['partner_id']]);
	const bankId = await rpc.call<number>('res.bank', 'create', [{ name: 'Nordea Bank Abp', bic: 'NDEAFIHH' }]);
	const accountId = await rpc.call<number>('res.partner.bank', 'create', [{ acc_number: 'FI21 1234 5600 0007 85', partner_id: company.partner_id[0], bank_id: bankId, company_id: companyId }], {
		context: { allowed_company_ids: [companyId] },
	});
	const [bankJournal] = await rpc.searchRead<{ id: number }>('account.journal', [['type', '=', 'bank'], ['company_id', '=', companyId]], ['id'], { context: ctx });
	await rpc.call('account.journal', 'write', [[bankJournal.id], { bank_account_id: accountId }], { context: { allowed_company_ids: [companyId] } });

	// Customers with business IDs, as the Procountor flows need them.
	const customers: number[] = [];
	for (const [name, seven] of [
		['Kahvila Esimerkki Oy', '1234567'],
		['Catering Helsinki Oy', '2345678'],
		['Tapahtumapalvelu Oy', '3456788'],
	] as const) {
		const id = businessId(seven);
		customers.push(
			await rpc.call<number>('res.partner', 'create', [{ name, is_company: true, company_registry: id.registry, vat: id.vat, country_id: fi, email: `laskut@${seven}.example.fi`, company_id: companyId }], {
				context: { allowed_company_ids: [companyId] },
			}),
		);
	}

	// Posted customer invoices and a credit note in the restaurant company.
	const tax = await chartTax('VAT 14%');
	const journal = (await rpc.searchRead<{ id: number }>('account.journal', [['type', '=', 'sale'], ['company_id', '=', companyId]], ['id'], { context: ctx }))[0].id;
	const invoices: number[] = [];
	const lines = [120, 340.5, 89.9, 1250, 42];
	for (const [k, price] of lines.entries()) {
		const move = await rpc.call<number>(
			'account.move',
			'create',
			[
				{
					move_type: k === lines.length - 1 ? 'out_refund' : 'out_invoice',
					partner_id: customers[k % customers.length],
					invoice_date: invoiceDate,
					journal_id: journal,
					invoice_line_ids: [[0, 0, { name: `Catering ${k + 1}`, quantity: 1 + (k % 3), price_unit: price, tax_ids: [[6, 0, [tax]]] }]],
				},
			],
			{ context: { allowed_company_ids: [companyId], default_move_type: k === lines.length - 1 ? 'out_refund' : 'out_invoice' } },
		);
		await rpc.call('account.move', 'action_post', [[move]], { context: { allowed_company_ids: [companyId] } });
		invoices.push(move);
	}
	const berlinId = await germanCompany(rpc, version, eur);
	return { companyId, berlinId, holdingId, customers, invoices };
}

/**
 * The group's second legal entity: a German company with the German chart (SKR03) and the taxes
 * its template names, a warehouse, and the integration user allowed in it (its current company
 * stays the Finnish one: a credential names this one in its Company field).
 */
async function germanCompany(rpc: Rpc, version: number, eur: number): Promise<number> {
	const de = (await rpc.searchRead<{ id: number }>('res.country', [['code', '=', 'DE']], ['id']))[0].id;
	const id = await rpc.call<number>('res.company', 'create', [{ name: BERLIN, country_id: de, currency_id: eur, city: 'Berlin', street: 'Rosenthaler Str. 1', zip: '10119' }]);
	await rpc.call('account.chart.template', 'try_loading', [[], 'de_skr03', id], { install_demo: false });
	const ctx = { allowed_company_ids: [id], active_test: false };
	const warehouses = await rpc.searchRead('stock.warehouse', [['company_id', '=', id]], ['id'], { context: ctx });
	if (!warehouses.length) await rpc.call('stock.warehouse', 'create', [{ name: 'Berlin Mitte', code: 'BER', company_id: id }], { context: { allowed_company_ids: [id] } });
	await rpc.call('res.users', 'write', [[2], { company_ids: [[4, id]] }]);
	const included = (yes: boolean) => (version >= 18 ? { price_include_override: yes ? 'tax_included' : 'tax_excluded' } : { price_include: yes });
	// Odoo's German localisation books a product's revenue on the revenue account whose default
	// taxes hold the product's tax (8300 for 7 %, 8400 for 19 % in SKR03); Odoo 17 refuses to close
	// a POS session otherwise ("Please define income account"). So the taxes made here become
	// default taxes of those accounts, as an accountant sets them up.
	for (const [from, name, incl, account] of [
		['19%', 'USt 19%', false, '8400'],
		['19%', 'USt 19% incl', true, '8400'],
		['7%', 'USt 7%', false, '8300'],
		['7%', 'USt 7% incl', true, '8300'],
	] as const) {
		const [source] = await rpc.searchRead<{ id: number }>('account.tax', [['name', '=', from], ['type_tax_use', '=', 'sale'], ['company_id', '=', id]], ['id'], { context: ctx });
		if (!source) throw new Error(`the German chart (SKR03) of Odoo ${version} has no sale tax "${from}" in ${BERLIN}`);
		const tax = await rpc.call<number>('account.tax', 'copy', [[source.id]], { default: { name, active: true, description: name, ...included(incl) }, context: { allowed_company_ids: [id] } });
		const copied = Array.isArray(tax) ? (tax as number[])[0] : tax;
		const [revenue] = await rpc.searchRead<{ id: number }>('account.account', [['code', '=', account], ...(version >= 18 ? [['company_ids', 'in', [id]]] : [['company_id', '=', id]])], ['id'], { context: ctx });
		if (!revenue) throw new Error(`the German chart (SKR03) of Odoo ${version} has no revenue account ${account} in ${BERLIN}`);
		await rpc.call('account.account', 'write', [[revenue.id], { tax_ids: [[4, copied]] }], { context: { allowed_company_ids: [id] } });
	}
	return id;
}
