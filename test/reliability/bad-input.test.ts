/**
 * A catalogue of malformed inputs across the nodes. Each bad item sits between two good ones
 * in a node set to continue on fail: the bad one gets a clear error naming the field, the good
 * ones succeed, and nothing of the bad one is written in any sandbox.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { chain, node } from '../helpers';
import { type World, run, startWorld } from './world';

interface Case {
	name: string;
	node: (w: World) => INode;
	items: (w: World) => unknown[];
	/** The bad item's error: message, or message and description. */
	error: RegExp;
	/** The whole operation fails (e.g. a wrong token): every item reports it. */
	allFail?: boolean;
	/** Nothing of the bad item was written. */
	untouched?: (w: World) => void;
	engine?: (w: World) => Engine;
}

const rl = (value: string) => ({ __rl: true, mode: 'name', value });
const cof = { continueOnFail: true } as Partial<INode>;
const odoo = (params: Record<string, unknown>) => node('Node', 'odooErp', params, cof);
const pp = (params: Record<string, unknown>) => node('Node', 'pixelPoint', params, cof);
const pc = (params: Record<string, unknown>) => node('Node', 'procountor', params, cof);
const store = (id: string) => ({ __rl: true, mode: 'id', value: id });

const upsert = odoo({
	resource: 'record',
	operation: 'upsertByExternalId',
	model: rl('product.product'),
	namespace: 'badinput',
	externalId: '={{ $json.xid }}',
	inputMode: 'json',
	valuesJson: '={{ JSON.stringify($json.vals) }}',
});
const good = (k: string) => ({ xid: `good_${k}`, vals: { name: `Good ${k}`, list_price: 1 } });
const noProduct = (xid: string) => (w: World) => expect(w.sb.odoo.db.search(w.sb.odoo.env(), 'ir.model.data', [['module', '=', 'badinput'], ['name', '=', xid]])).toEqual([]);

/** Three real sandbox invoices of store 1, the middle one spoiled. */
function invoices(w: World, spoil: (inv: IDataObject) => void, offset: number): IDataObject[] {
	const sold = w.sb.codeplus.invoices.get(1)!.filter((i) => i.Status === 'CLOSED' && i.Payments.length === 1);
	const three = sold.slice(offset * 3, offset * 3 + 3).map((i) => JSON.parse(JSON.stringify(i)) as IDataObject);
	spoil(three[1]);
	return three;
}
const importNode = () => odoo({ resource: 'posOrder', operation: 'importPixelPoint', namespace: 'pixelpoint', tolerance: 0.05 });
const ordersOf = (w: World, ref: string) => w.sb.odoo.db.search(w.sb.odoo.env(), 'pos.order', [['pos_reference', '=', ref]]);
let offsets = 0;
/** Three real invoices of store 1, the middle one spoiled: the two good ones are imported once, nothing of the bad one is. */
const importCase = (name: string, spoil: (inv: IDataObject) => void, error: RegExp): Case => {
	const offset = ++offsets;
	let three: IDataObject[] = [];
	let original: IDataObject = {};
	return {
		name,
		node: importNode,
		items: (w) => {
			const sold = w.sb.codeplus.invoices.get(1)!.filter((i) => i.Status === 'CLOSED' && i.Payments.length === 1);
			original = JSON.parse(JSON.stringify(sold[offset * 3 + 1])) as IDataObject;
			three = invoices(w, spoil, offset);
			return three;
		},
		error,
		untouched: (w) => {
			for (const good of [three[0], three[2]]) expect({ good: good.TransactNum, orders: ordersOf(w, `PixelPoint 1-${good.TransactNum}`).length }).toEqual({ good: good.TransactNum, orders: 1 });
			// Neither under its own reference nor under what the spoiled fields say.
			expect(ordersOf(w, `PixelPoint 1-${original.TransactNum}`)).toEqual([]);
			expect(ordersOf(w, `PixelPoint ${three[1].StoreId}-${three[1].TransactNum}`)).toEqual([]);
		},
	};
};

function postedInvoice(w: World, post = true): number {
	const db = w.sb.odoo.db;
	const env = w.sb.odoo.env();
	return db.transaction(() => {
		const m = db.create(env, 'account.move', { move_type: 'out_invoice', partner_id: 9, invoice_date: '2026-11-02', invoice_line_ids: [[0, 0, { name: 'X', quantity: 1, price_unit: 50, tax_ids: [] }]] });
		if (post) db.call(env, 'account.move', 'action_post', [m.id], {});
		return m.id;
	});
}
const payNode = () =>
	odoo({ resource: 'payment', operation: 'register', invoiceId: '={{ $json.invoice }}', amount: '={{ $json.amount }}', journalMode: 'bank', sessionId: '={{ $json.session ?? "" }}' });
const payments = (w: World) => w.sb.odoo.db.table('account.payment').size;
let paymentsBefore = 0;
let sentBefore = '';
let sentId = 0;
let goodIds: number[] = [];

const cases: Case[] = [
	{
		name: 'upsert: external id with a space',
		node: () => upsert,
		items: () => [good('a1'), { xid: 'has space', vals: { name: 'Spaced A' } }, good('a2')],
		error: /External ID "has space".*externalId/s,
		untouched: (w) => {
			expect(w.sb.odoo.db.search(w.sb.odoo.env(), 'product.product', [['name', '=', 'Spaced A']])).toEqual([]);
			expect(w.sb.odoo.db.search(w.sb.odoo.env(), 'product.product', [['name', 'in', ['Good a1', 'Good a2']]])).toHaveLength(2);
		},
	},
	{ name: 'upsert: unknown field', node: () => upsert, items: () => [good('b1'), { xid: 'bad_b', vals: { name: 'x', nope: 1 } }, good('b2')], error: /Field "nope" does not exist/, untouched: noProduct('bad_b') },
	{ name: 'upsert: wrong type (object for a price)', node: () => upsert, items: () => [good('c1'), { xid: 'bad_c', vals: { name: 'x', list_price: { a: 1 } } }, good('c2')], error: /Field "list_price" expects a number/, untouched: noProduct('bad_c') },
	{ name: 'upsert: a value Odoo refuses', node: () => upsert, items: () => [good('d1'), { xid: 'bad_d', vals: { name: 'x', type: 'nonsense' } }, good('d2')], error: /Value 'nonsense' not found in selection field 'Type'.*type/s, untouched: noProduct('bad_d') },
	{
		name: 'create: dangling reference',
		node: () => odoo({ resource: 'record', operation: 'create', model: rl('res.partner'), inputMode: 'json', valuesJson: '={{ JSON.stringify($json) }}' }),
		items: () => [{ name: 'Good E1' }, { name: 'Bad E', parent_id: 99999999 }, { name: 'Good E2' }],
		error: /Record does not exist or has been deleted/,
		untouched: (w) => expect(w.sb.odoo.db.search(w.sb.odoo.env(), 'res.partner', [['name', '=', 'Bad E']])).toEqual([]),
	},
	{ name: 'get: an id that is not a number', node: () => odoo({ resource: 'record', operation: 'get', model: rl('res.partner'), recordId: '={{ $json.id }}' }), items: () => [{ id: 1 }, { id: 'abc' }, { id: 3 }], error: /Record ID "abc" is not a record id/ },
	{ name: 'get many: a malformed domain', node: () => odoo({ resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '={{ $json.d }}', limit: 1 }), items: () => [{ d: '[]' }, { d: '[["name", "="]]' }, { d: '[]' }], error: /Domain element/ },
	importCase('import: missing StoreId', (i) => delete i.StoreId, /StoreId is missing/),
	importCase('import: TransactNum not a number', (i) => (i.TransactNum = 'x'), /TransactNum is missing or not a number/),
	importCase('import: impossible business date', (i) => (i.BusinessDate = '2026-13-45'), /BusinessDate "2026-13-45" is not a date/),
	importCase('import: close time without time zone', (i) => (i.CloseTime = '2026-11-10T12:00:00'), /CloseTime "2026-11-10T12:00:00" is not an ISO 8601 time with offset/),
	importCase('import: unknown status', (i) => (i.Status = 'OPEN'), /Status "OPEN" is not CLOSED, REFUND or VOID/),
	importCase('import: zero quantity', (i) => ((i.Lines as IDataObject[])[0].Quantity = 0), /line 1: Quantity is zero/),
	importCase('import: negative quantity on a sale', (i) => ((i.Lines as IDataObject[])[0].Quantity = -1), /a sale line must have a positive Quantity/),
	importCase('import: unknown product without details', (i) => ((i.Lines as IDataObject[])[0].ProdNum = 999999), /product 999999 .* is not in Odoo and the invoice carries no details/),
	importCase('import: unknown store', (i) => (i.StoreId = 42), /store 42 has no POS shop in Odoo/),
	importCase('import: unknown tender', (i) => ((i.Payments as IDataObject[])[0].MethodNum = 77), /tender 77 of store 1 is not in Odoo/),
	importCase('import: total beyond the rounding tolerance', (i) => {
		i.FinalTotal = Number(i.FinalTotal) + 1;
		(i.Payments as IDataObject[])[0].Amount = Number((i.Payments as IDataObject[])[0].Amount) + 1;
	}, /Odoo computes .* but PixelPoint's FinalTotal is .*above the rounding tolerance 0.05/),
	importCase('import: payments not adding up', (i) => ((i.Payments as IDataObject[])[0].Amount = 0.01), /the payments come to -?[\d.]+ \(amounts less change\) but FinalTotal is/),
	importCase('import: refund with a positive total', (i) => (i.Status = 'REFUND'), /a refund line must have a negative Quantity/),
	{
		name: 'PixelPoint: a date that is not ISO',
		node: () => pp({ resource: 'invoice', operation: 'getMany', store: store('1'), from: '={{ $json.from }}', to: '={{ $json.to }}' }),
		// The day before the sandbox's "today", whatever the clock says.
		items: (w) => {
			const day = w.sb.codeplus.allInvoices().filter((i) => i.StoreId === 1).at(-1)!.BusinessDate;
			return [{ from: day, to: w.sb.codeplus.options.today }, { from: '19.11.2026', to: w.sb.codeplus.options.today }, { from: day, to: w.sb.codeplus.options.today }];
		},
		error: /From "19\.11\.2026" is not an ISO 8601 date/,
	},
	{ name: 'PixelPoint: unknown store', node: () => pp({ resource: 'paymentMethod', operation: 'getMany', store: { __rl: true, mode: 'id', value: '={{ $json.s }}' } }), items: () => [{ s: '1' }, { s: '99' }, { s: '2' }], error: /Codeplus NOT_FOUND: Store 99 does not exist/ },
	{
		name: 'PixelPoint: wrong token',
		node: () => pp({ resource: 'store', operation: 'getMany' }),
		items: () => [{}, {}, {}],
		error: /Codeplus INVALID_TOKEN/,
		allFail: true,
		engine: (w) => new Engine({ ...w.sb.credentials(), codeplusApi: { baseUrl: w.sb.codeplus.url, token: 'wrong-token-0001' } }),
	},
	{
		name: 'close sessions: a time zone that does not exist',
		node: () => odoo({ resource: 'posSession', operation: 'close', namespace: 'pixelpoint', which: 'past', timezone: 'Mars/Olympus' }),
		items: () => [{}],
		error: /Time Zone "Mars\/Olympus" is not an IANA time zone/,
		allFail: true,
	},
	{
		name: 'stores: another currency than the company',
		node: () => odoo({ resource: 'posMasterData', operation: 'upsertStores', namespace: 'badinput' }),
		items: () => [
			{ StoreId: 91, StoreName: 'Good 91', Currency: 'EUR', Active: true },
			{ StoreId: 92, StoreName: 'Stockholm', Currency: 'SEK', Active: true },
			{ StoreId: 93, StoreName: 'Good 93', Currency: 'EUR', Active: true },
		],
		error: /Store 92 sells in SEK but the Odoo company .* keeps its books in EUR/,
		untouched: (w) => expect(w.sb.odoo.db.search(w.sb.odoo.env(), 'pos.config', [['name', '=', 'Stockholm']])).toEqual([]),
	},
	{
		name: 'payment: more than the open balance',
		node: payNode,
		items: (w) => {
			paymentsBefore = payments(w);
			return [{ invoice: postedInvoice(w), amount: 10 }, { invoice: postedInvoice(w), amount: 5000 }, { invoice: postedInvoice(w), amount: 10 }];
		},
		error: /Amount 5000\.00 is more than the open balance 50\.00/,
		untouched: (w) => expect(payments(w)).toBe(paymentsBefore + 2),
	},
	{
		name: 'payment: a draft invoice',
		node: payNode,
		items: (w) => {
			paymentsBefore = payments(w);
			return [{ invoice: postedInvoice(w), amount: 10 }, { invoice: postedInvoice(w, false), amount: 10 }, { invoice: postedInvoice(w), amount: 10 }];
		},
		error: /is a draft invoice: only posted invoices can be paid/,
		untouched: (w) => expect(payments(w)).toBe(paymentsBefore + 2),
	},
	{
		name: 'payment: a closed POS session',
		node: payNode,
		items: (w) => {
			paymentsBefore = payments(w);
			return [{ invoice: postedInvoice(w), amount: 10 }, { invoice: postedInvoice(w), amount: 10, session: 1 }, { invoice: postedInvoice(w), amount: 10 }];
		},
		error: /POS session POS\/00001 is closed/,
		untouched: (w) => expect(payments(w)).toBe(paymentsBefore + 2),
	},
	{
		name: 'payment: an amount that is not a number',
		node: payNode,
		items: (w) => {
			paymentsBefore = payments(w);
			return [{ invoice: postedInvoice(w), amount: 10 }, { invoice: postedInvoice(w), amount: 'ten' }, { invoice: postedInvoice(w), amount: 10 }];
		},
		error: /Amount "ten" must be a number above zero/,
		untouched: (w) => expect(payments(w)).toBe(paymentsBefore + 2),
	},
	{
		name: 'Procountor: an invoice already sent',
		node: () => pc({ resource: 'invoice', operation: 'send', invoiceId: '={{ $json.id }}' }),
		items: (w) => {
			const [sent, a, b] = [...w.sb.procountor.invoices.values()];
			for (const inv of [a, b]) Object.assign(inv, { status: 'NOT_SENT' });
			sentBefore = JSON.stringify(sent);
			sentId = Number(sent.id);
			goodIds = [Number(a.id), Number(b.id)];
			return [{ id: a.id }, { id: sent.id }, { id: b.id }];
		},
		error: /was already sent: an invoice can be sent only once/,
		untouched: (w) => {
			expect(JSON.stringify(w.sb.procountor.invoices.get(sentId))).toBe(sentBefore);
			for (const id of goodIds) expect(w.sb.procountor.invoices.get(id)?.status).toBe('SENT');
		},
	},
	{
		name: 'Procountor: a tax without VAT mapping',
		node: () => pc({ resource: 'invoice', operation: 'sendSalesInvoice', invoice: '={{ JSON.stringify($json) }}', vatMapping: '{"none": {"vatPercent": 0, "vatStatus": 1}, "1": {"vatPercent": 14, "vatStatus": 1}}', options: { channel: 'NO_SENDING' } }),
		items: () => {
			const inv = (n: string, tax: IDataObject[]) => ({
				odooId: 1,
				number: n,
				kind: 'invoice',
				date: '2026-11-05',
				currency: 'EUR',
				partner: { odooId: 9, name: 'Deco Addict' },
				sellerBankAccount: { iban: 'FI2112345600000785', bic: 'NDEAFIHH' },
				lines: [{ description: 'Service', quantity: 1, unitPrice: 10, discountPercent: 0, taxes: tax, subtotal: 10, total: 11.4 }],
				amountTotal: 11.4,
			});
			return [inv('BAD-1', [{ id: 1, name: 'VAT 14%', percent: 14 }]), inv('BAD-2', [{ id: 555, name: 'Mystery tax', percent: 7 }]), inv('BAD-3', [])];
		},
		error: /Odoo tax "Mystery tax" has no Procountor VAT in the mapping/,
		untouched: (w) => expect([...w.sb.procountor.invoices.values()].filter((i) => i.orderReference === 'BAD-2')).toEqual([]),
	},
	{
		name: 'Odoo: an unreachable server',
		node: () => odoo({ resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '[]', limit: 1 }),
		items: () => [{}, {}, {}],
		error: /Odoo could not be reached at http:\/\/127\.0\.0\.1:1: connection refused/,
		allFail: true,
		engine: (w) => new Engine({ odooErpApi: { ...(w.sb.credentials().odooErpApi as IDataObject), url: 'http://127.0.0.1:1' } as never }),
	},
	{
		name: 'save export cursor: not a cursor',
		node: () => odoo({ resource: 'invoice', operation: 'saveCanonicalCursor', cursorKey: 'badinputCursor', cursor: '={{ $json.c }}' }),
		items: () => [{ c: '{"writeDate":"2026-11-01 10:00:00","ids":[1]}' }, { c: '{"writeDate":5}' }, { c: '{"writeDate":"2026-11-01 10:00:01","ids":[2]}' }],
		error: /Cursor is not a cursor of Get Many \(Canonical\).*cursor/s,
		untouched: (w) =>
			expect(w.sb.odoo.db.read(w.sb.odoo.env(), 'ir.config_parameter', w.sb.odoo.db.search(w.sb.odoo.env(), 'ir.config_parameter', [['key', '=', 'n8n.badinputCursor']]), ['value'])).toEqual([
				expect.objectContaining({ value: '{"writeDate":"2026-11-01 10:00:01","ids":[2]}' }),
			]),
	},
	{
		name: 'Procountor: a wrong client secret',
		node: () => pc({ resource: 'vat', operation: 'getDefault' }),
		items: () => [{}, {}, {}],
		error: /Procountor refused the client credentials/,
		allFail: true,
		engine: (w) => new Engine({ procountorApi: { ...(w.sb.credentials().procountorApi as IDataObject), clientSecret: 'not-the-secret-9', accessToken: '' } as never }),
	},
];

describe('Bad input', () => {
	let w: World;
	beforeAll(async () => {
		w = await startWorld();
		for (const t of ['pixelpoint-master-data', 'procountor-master-data', 'odoo-invoices-to-procountor']) expect((await run(w, t)).ok).toBe(true);
	});
	afterAll(async () => {
		await w.sb.stop();
	});

	test('the catalogue holds at least 25 cases', () => {
		expect(cases.length).toBeGreaterThanOrEqual(25);
	});

	test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const engine = c.engine?.(w) ?? w.engine;
		const r = await engine.run(chain(c.items(w), c.node(w)));
		expect(r.error).toBeUndefined();
		const out = r.items('Node');
		const text = (j: IDataObject) => `${j.error ?? ''} ${j.description ?? ''}`;
		if (c.allFail) {
			expect(out.length).toBeGreaterThan(0);
			for (const o of out) expect(text(o.json)).toMatch(c.error);
		} else {
			const bad = out.filter((o) => (o.pairedItem as { item: number }).item === 1);
			expect(bad.map((o) => text(o.json))).toEqual([expect.stringMatching(c.error)]);
			const others = out.filter((o) => (o.pairedItem as { item: number }).item !== 1);
			expect(others.length).toBeGreaterThan(0);
			for (const o of others) expect(o.json.error).toBeUndefined();
		}
		c.untouched?.(w);
	});
});
