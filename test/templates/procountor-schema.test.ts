/**
 * Procountor as its published schema says: customers abroad with their own country, business ID
 * and channel; zero-rated EU and export sales with their own VAT status; the seller's bank account
 * and a reference on every bank transfer; nothing created for an invoice that cannot reach its
 * customer; the export's start date; and the sandbox refusing what the real API refuses.
 */
import * as http from 'node:http';
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { PROCOUNTOR_COUNTRIES } from '../../nodes/Procountor/helpers/enums';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { COUNTRIES } from '../../sandbox/procountor/server';

type Json = Record<string, unknown>;

function customerInvoice(sb: Sandboxes, partner: Json, taxName: string, date = '2026-11-15'): number {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	const tax = db.search(env, 'account.tax', [['name', '=', taxName]])[0];
	expect(tax).toBeDefined();
	return db.transaction(() => {
		const p = db.create(env, 'res.partner', { is_company: true, ...partner });
		const m = db.create(env, 'account.move', {
			move_type: 'out_invoice',
			partner_id: p.id,
			invoice_date: date,
			currency_id: 126,
			invoice_line_ids: [[0, 0, { name: 'Catering for 40', quantity: 1, price_unit: 1200, tax_ids: [[6, 0, [tax]]] }]],
		});
		db.call(env, 'account.move', 'action_post', [m.id], {});
		return m.id;
	});
}

/** The customer's e-invoice operator is kept in a char field of the partner; here its "ref". */
const operatorInRef = (wf: IWorkflowBase) => {
	const get = wf.nodes.find((n) => n.name === 'Odoo: Invoices to Send')!;
	get.parameters.einvoiceOperatorField = 'ref';
};

const tokens = new WeakMap<Sandboxes, { access_token: string }>();

async function api(sb: Sandboxes, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
	const o = sb.procountor.options;
	// One token per sandbox: fetching one per request would meet the rate limit.
	// The sandbox keeps Procountor's 20 requests a second: right after a template's run, a 429 waits a second and asks again.
	const send = async (url: string, init: RequestInit): Promise<Response> => {
		for (let k = 0; ; k++) {
			const res = await fetch(url, init);
			if (res.status !== 429 || k >= 5) return res;
			await new Promise((r) => setTimeout(r, 1100));
		}
	};
	let tok = tokens.get(sb);
	if (!tok) {
		const res = await send(`${sb.procountor.url}/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret, api_key: o.apiKey }).toString(),
		});
		tok = (await res.json()) as { access_token: string };
	}
	tokens.set(sb, tok);
	const res = await send(`${sb.procountor.url}${path}`, {
		method,
		headers: { Authorization: `Bearer ${tok.access_token}`, 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as Json };
}

const fields = (r: { body: Json }) => ((r.body.errors as Json[]) ?? []).map((e) => e.field);

describe('Procountor to its published schema', () => {
	let sb: Sandboxes;
	let engine: Engine;
	beforeEach(async () => {
		sb = await startSandboxes({}, { codeplus: { days: 1 } });
		engine = new Engine(sb.credentials());
		expect((await runTemplate(engine, 'procountor-master-data')).ok).toBe(true);
	});
	afterEach(async () => {
		await sb.stop();
	});

	test('a US, a Swedish and a German customer arrive with their own country, business ID, channel and VAT status; an unreachable one creates nothing', async () => {
		const us = customerInvoice(sb, { name: 'Acme Events Inc', vat: 'US98-7654321', country_code: 'US', email: 'ap@acme-events.example.com', street: '1 Market St', zip: '94105', city: 'San Francisco', lang: 'en_US' }, '0% EX');
		const se = customerInvoice(
			sb,
			{ name: 'Svensk Catering AB', vat: 'SE556677889901', country_code: 'SE', peppol_eas: '0007', peppol_endpoint: '5566778899', ref: 'PEPPOL', street: 'Storgatan 1', zip: '11122', city: 'Stockholm', lang: 'sv_SE' },
			'0% EU G',
		);
		const de = customerInvoice(sb, { name: 'Berliner Tafel GmbH', vat: 'DE123456789', country_code: 'DE', street: 'Unter den Linden 5', zip: '10117', city: 'Berlin', lang: 'de_DE' }, '0% EU S');
		const lost = customerInvoice(sb, { name: 'Nowhere Oy', company_registry: '1234567-1', country_code: 'FI' }, 'VAT 14%');

		const r = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings(), operatorInRef);
		expect(r.summary[0]).toMatchObject({ status: 'failed', failed: 1, waitingCount: 1 });
		const error = String(r.summary[0].error);
		expect(error).toMatch(/customer "Nowhere Oy" \(Odoo partner \d+\) cannot be reached: no e-invoice address, no email and no full postal address/);

		const sent = [...sb.procountor.invoices.values()];
		const byRef = (id: number) => {
			const number = sb.odoo.db.read(sb.odoo.env(), 'account.move', [id], ['name'])[0].name;
			return sent.find((i) => i.orderReference === number);
		};
		// Nothing at all for the unreachable customer: no invoice, no business partner.
		expect(byRef(lost)).toBeUndefined();
		expect([...sb.procountor.partners.values()].find((p) => p.name === 'Nowhere Oy')).toBeUndefined();

		const partner = (name: string) => [...sb.procountor.partners.values()].find((p) => p.name === name)!;
		const cases: Array<[number, string, string, string, string, number]> = [
			[us, 'Acme Events Inc', 'UNITED_STATES_OF_AMERICA', 'US98-7654321', 'EMAIL', 3],
			[se, 'Svensk Catering AB', 'SWEDEN', 'SE556677889901', 'ELECTRONIC_INVOICE', 5],
			[de, 'Berliner Tafel GmbH', 'GERMANY', 'DE123456789', 'MAIL', 6],
		];
		for (const [id, name, country, identifier, channel, vatStatus] of cases) {
			const p = partner(name);
			expect(p).toMatchObject({ address: { country }, invoicingInfo: { identifier } });
			expect(p.registryInfo ?? {}).not.toHaveProperty('businessId');
			const inv = byRef(id)!;
			expect(inv).toMatchObject({ status: 'SENT', invoiceChannel: channel, counterParty: { identifier, counterPartyAddress: { country } } });
			expect((inv.invoiceRows as Json[]).every((row) => row.vatStatus === vatStatus && row.vatPercent === 0)).toBe(true);
			// The seller's account and a reference Procountor generated: the customer knows where and how to pay.
			expect(inv.paymentInfo).toMatchObject({ paymentMethod: 'BANK_TRANSFER', bankAccount: { accountNumber: 'FI2112345600000785', bic: 'NDEAFIHH' }, bankReferenceCodeType: 'FI' });
			expect(String((inv.paymentInfo as Json).bankReferenceCode)).toMatch(/^\d{5,}$/);
		}
		expect(byRef(us)).toMatchObject({ language: 'ENGLISH', counterParty: { email: 'ap@acme-events.example.com' } });
		expect(byRef(se)).toMatchObject({ language: 'SWEDISH', counterParty: { einvoiceAddress: { address: '5566778899', operator: 'PEPPOL' } } });
		expect(byRef(de)).toMatchObject({ language: 'ENGLISH' });
	});

	test("without a bank account on the company's bank journal, an invoice waits and the message names the checklist item; nothing is created", async () => {
		const db = sb.odoo.db;
		// A company that has no bank account at all (the journal's account is the company's, in Odoo).
		db.transaction(() => {
			for (const j of db.table('account.journal').values()) if (j.type === 'bank') db.updateRaw('account.journal', j, { bank_account_id: false });
			for (const b of [...db.table('res.partner.bank').values()]) db.deleteRaw('res.partner.bank', b.id);
		});
		const id = customerInvoice(sb, { name: 'Pankiton Oy', company_registry: '2345678-0', email: 'laskut@pankiton.example.fi', country_code: 'FI' }, 'VAT 14%');
		const before = sb.procountor.invoices.size;
		const r = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, { ...sb.settings(), startDate: '2026-01-01' });
		expect(r.ok).toBe(false);
		expect(r.summary[0]).toMatchObject({ status: 'failed', waitingCount: expect.any(Number) });
		expect(Number(r.summary[0].waitingCount)).toBeGreaterThan(0);
		expect(id).toBeGreaterThan(0);
		expect(String(r.error)).toMatch(/Invoice INV\/\d{4}\/\d+: the company has no bank account to be paid to \(Preparing Odoo: "a bank journal with the company's bank account"\): set the bank account on the company's bank journal/);
		// Not created for the invoices that cannot be paid (a credit note needs no account to be paid to).
		const number = String(db.read(sb.odoo.env(), 'account.move', [id], ['name'])[0].name);
		expect([...sb.procountor.invoices.values()].filter((i) => i.orderReference === number)).toEqual([]);
		expect([...sb.procountor.invoices.values()].slice(before).every((i) => Number(i.totalAmount) < 0)).toBe(true);
	});

	test("Odoo's own payment reference is sent when it is a valid Finnish or RF reference", async () => {
		const id = customerInvoice(sb, { name: 'Viite Oy', company_registry: '2345678-0', email: 'laskut@viite.example.fi', country_code: 'FI' }, 'VAT 14%');
		sb.odoo.db.transaction(() => sb.odoo.db.updateRaw('account.move', sb.odoo.db.browse('account.move', id)!, { payment_reference: 'RF18 5390 0754 7034' }));
		const r = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings());
		expect(r.ok).toBe(true);
		const number = sb.odoo.db.read(sb.odoo.env(), 'account.move', [id], ['name'])[0].name;
		const inv = [...sb.procountor.invoices.values()].find((i) => i.orderReference === number)!;
		expect(inv.paymentInfo).toMatchObject({ bankReferenceCode: 'RF18539007547034', bankReferenceCodeType: 'RF' });
		// Matched to the Procountor customer with that business ID (found by identifier, in a header), not created again.
		expect([...sb.procountor.partners.values()].filter((p) => (p.invoicingInfo as Json)?.identifier === '2345678-0')).toHaveLength(1);
	});

	test('the export starts on the day of its first run unless a start date is set; older invoices are sent only on purpose', async () => {
		const first = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, { startDate: '' });
		expect(first.summary[0]).toMatchObject({ status: 'success', found: 0, sent: 0 });
		expect(sb.procountor.invoices.size).toBe(0);
		const env = sb.odoo.env();
		const params = sb.odoo.db.read(env, 'ir.config_parameter', sb.odoo.db.search(env, 'ir.config_parameter', [['key', '=like', 'n8n.sync.procountor-invoice-send.c%.cursor.startDate']]), ['value']);
		expect(params.map((p) => p.value)).toEqual(['2026-11-21']);
		// An invoice of today goes; the demo's older ones still do not.
		const today = customerInvoice(sb, { name: 'Tänään Oy', email: 'a@tanaan.example.fi', country_code: 'FI' }, 'VAT 14%', '2026-11-21');
		const second = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, { startDate: '' });
		expect(second.summary[0]).toMatchObject({ status: 'success', found: 1, sent: 1 });
		expect([...sb.procountor.invoices.values()].map((i) => i.orderReference)).toEqual([sb.odoo.db.read(env, 'account.move', [today], ['name'])[0].name]);
		// On purpose: a start date in Settings sends the older ones.
		const third = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, { startDate: '2026-10-01' });
		expect(third.summary[0]).toMatchObject({ status: 'success', sent: 9 });
	});

	test('the sandbox refuses what the published schema refuses, naming the field', async () => {
		const good = {
			type: 'SALES_INVOICE',
			date: '2026-11-15',
			counterParty: { counterPartyAddress: { name: 'X Oy', country: 'FINLAND' }, email: 'x@x.example.fi' },
			paymentInfo: { paymentMethod: 'BANK_TRANSFER', currency: 'EUR', currencyRate: 1, dueDate: '2026-11-29', bankAccount: { accountNumber: 'FI2112345600000785' }, bankReferenceCode: '' },
			extraInfo: { accountingByRow: false, unitPricesIncludeVat: false },
			discountPercent: 0,
			invoiceChannel: 'EMAIL',
			language: 'FINNISH',
			vatStatus: 1,
			invoiceRows: [{ product: 'X', quantity: 1, unit: 'PIECE', unitPrice: 10, discountPercent: 0, vatPercent: 14 }],
		};
		expect((await api(sb, 'POST', '/invoices', good)).status).toBe(200);
		const bad = async (change: (b: IDataObject) => void) => {
			const b = JSON.parse(JSON.stringify(good)) as IDataObject;
			change(b);
			const r = await api(sb, 'POST', '/invoices', b);
			expect(r.status).toBe(400);
			return fields(r);
		};
		expect(await bad((b) => (b.invoiceChannel = 'EINVOICE'))).toEqual(['invoiceChannel']);
		expect(await bad((b) => delete (b.counterParty as IDataObject).email)).toEqual(['counterParty.email']);
		expect(await bad((b) => (b.invoiceChannel = 'ELECTRONIC_INVOICE'))).toEqual(['counterParty.einvoiceAddress']);
		expect(await bad((b) => ((b.counterParty as IDataObject).counterPartyAddress = { name: 'X', country: 'FI' }))).toEqual(['counterParty.counterPartyAddress.country']);
		expect(await bad((b) => delete (b.paymentInfo as IDataObject).bankAccount)).toEqual(['paymentInfo.bankAccount.accountNumber']);
		expect(await bad((b) => Object.assign(b.paymentInfo as IDataObject, { bankReferenceCode: '12345', bankReferenceCodeType: 'FI' }))).toEqual(['paymentInfo.bankReferenceCode']);
		expect(await bad((b) => ((b.invoiceRows as IDataObject[])[0].unit = 'PCS'))).toEqual(['invoiceRows[0].unit']);
		expect(await bad((b) => (b.language = 'GERMAN'))).toEqual(['language']);
		expect(await bad((b) => delete b.extraInfo)).toEqual(['extraInfo.accountingByRow', 'extraInfo.unitPricesIncludeVat']);

		const partner = { name: 'Y Oy', type: 'CUSTOMER', paymentInfo: { paymentMethod: 'BANK_TRANSFER' } };
		expect((await api(sb, 'POST', '/businesspartners', { ...partner, registryInfo: { businessId: '2345678-0' } })).status).toBe(400);
		expect(fields(await api(sb, 'POST', '/businesspartners', { ...partner, address: { name: 'Y', country: 'SE' } }))).toEqual(['address.country']);
		expect((await api(sb, 'POST', '/businesspartners', { ...partner, invoicingInfo: { identifier: '2345678-0' } })).status).toBe(200);
		// Searched by identifier in a header; the list gives basic info.
		const found = await api(sb, 'GET', '/businesspartners', undefined, { identifier: '2345678-0' });
		expect((found.body.results as Json[]).map((p) => p.name).sort()).toEqual(['Ravintola Aurora Oy', 'Y Oy']);
		expect(Object.keys((found.body.results as Json[])[0]).sort()).toEqual(['billingAddress', 'id', 'invoicingInfo', 'name', 'registryInfo', 'type', 'version']);

		expect(fields(await api(sb, 'POST', '/products', { type: 'SALES', name: 'Z', price: 1, active: true, currency: 'EUR' }))).toEqual(['discount']);
		// No body on a GET (fetch will not send one: plain http does).
		const token = tokens.get(sb)!.access_token;
		const status = await new Promise<number>((resolve, reject) => {
			const req = http.request(`${sb.procountor.url}/vats/default`, { method: 'GET', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', reject);
			req.end(JSON.stringify({ x: 1 }));
		});
		expect(status).toBe(400);
	});

	test('payment events: the list endpoint has no type, the invoice endpoint does', async () => {
		customerInvoice(sb, { name: 'Maksaja Oy', email: 'm@maksaja.example.fi', country_code: 'FI' }, 'VAT 14%');
		expect((await runTemplate(engine, 'odoo-invoices-to-procountor', {}, sb.settings())).ok).toBe(true);
		const [inv] = [...sb.procountor.invoices.values()];
		sb.procountor.recordPayment(Number(inv.id), 10, '2026-11-20');
		const listed = (await api(sb, 'GET', `/payments/paymentevents?invoiceId=${String(inv.id)}`)).body.results as Json[];
		expect(listed[0]).not.toHaveProperty('type');
		expect(Object.keys(listed[0]).sort()).toEqual(['amount', 'id', 'invoiceId', 'paidAmount', 'paidCurrency', 'paymentDate', 'receiverName', 'serviceCharge', 'status']);
		const own = (await api(sb, 'GET', `/invoices/${String(inv.id)}/paymentevents`)).body.results as Json[];
		expect(own[0]).toMatchObject({ type: 'PAYMENT', amount: 10 });
	});

	test("every ISO country maps to one of Procountor's 251 country names, and every name is reachable", () => {
		const names = Object.values(PROCOUNTOR_COUNTRIES);
		expect(names.filter((n) => !COUNTRIES.includes(n))).toEqual([]);
		expect(COUNTRIES.filter((n) => !names.includes(n))).toEqual([]);
		expect(COUNTRIES).toHaveLength(251);
		expect(PROCOUNTOR_COUNTRIES).toMatchObject({ FI: 'FINLAND', SE: 'SWEDEN', DE: 'GERMANY', US: 'UNITED_STATES_OF_AMERICA', GB: 'UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND', AX: 'ALAND_ISLANDS' });
	});
});
