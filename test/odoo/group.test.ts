/**
 * Restaurant groups on the sandboxes (issue #16; the same is proven on real Odoo 17, 18 and 19 in
 * test/odoo-real/group.ts): flows' state kept per company, audit records naming the company and
 * stores, tips on the orders and on the shops, and the Codeplus group (a token per company, the
 * Berlin store priced and taxed in Germany). Checked from the sandboxes' own records.
 */
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { GROUP_TOKENS } from '../../sandbox/codeplus/server';
import { germanTaxRate, priceInvoice, taxRate } from '../../sandbox/codeplus/data';
import { GERMAN_TAXES, type OdooFixture, chain, node, startCodeplus, startOdoo, templateCopy, totalWithTips } from '../helpers';

const money = (v: number) => Math.round(v * 100) / 100;

describe('Flows kept per company', () => {
	let f: OdooFixture;
	let berlin: number;
	let own: number;
	const env = () => f.sandbox.env({ active_test: false });
	const params = () =>
		f.sandbox.db
			.read(env(), 'ir.config_parameter', f.sandbox.db.search(env(), 'ir.config_parameter', [['key', '=like', 'n8n.sync.flowx.%']]), ['key', 'value'])
			.map((r) => String(r.key))
			.sort();
	const syncNode = (operation: string, extra: IDataObject = {}) => node('State', 'odooErp', { resource: 'syncState', operation, flow: 'flowx', ...extra }, { onError: 'continueRegularOutput' });
	const as = (company: string) => new Engine({ odooErpApi: { ...f.creds, company } });

	beforeAll(async () => {
		f = await startOdoo();
		const db = f.sandbox.db;
		db.transaction(() => {
			own = db.read(env(), 'res.users', [2], ['company_id'])[0].company_id as unknown as number;
			own = Array.isArray(own) ? own[0] : own;
			berlin = db.create(env(), 'res.company', { name: 'Restaurant Berlin GmbH', currency_id: 1 }).id;
			db.write(env(), 'res.users', [2], { company_ids: [[4, berlin]] });
			// Kept by a version that did not tell companies apart.
			db.create(env(), 'ir.config_parameter', { key: 'n8n.sync.flowx.cursor.1', value: '2026-01-01T00:00:00.000Z' });
			db.create(env(), 'ir.config_parameter', {
				key: 'n8n.sync.flowx.waiting.1-5',
				value: JSON.stringify({ key: '1-5', scope: '1', reason: 'no shop', retryable: true, since: '2026-01-01T00:00:00.000Z', details: {} }),
			});
		});
	});
	afterAll(async () => {
		await f.sandbox.stop();
	});

	test('state kept before companies were told apart is the first saving company\'s; another company never sees it, and keeps its own', async () => {
		const fi = await f.engine.run(chain([{}], syncNode('get')));
		expect(fi.output('State')[0]).toMatchObject({ cursors: { 1: '2026-01-01T00:00:00.000Z' }, waiting: [expect.objectContaining({ key: '1-5' })] });

		// Saving moves it under the company's key, and writes nothing more when run again.
		const save = syncNode('save', { results: '[]', cursors: '{}' });
		expect((await f.engine.run(chain([{}], save))).error).toBeUndefined();
		expect(params()).toEqual([`n8n.sync.flowx.c${own}.cursor.1`, `n8n.sync.flowx.c${own}.waiting.1-5`]);
		const written = f.sandbox.db.read(env(), 'ir.config_parameter', f.sandbox.db.search(env(), 'ir.config_parameter', [['key', '=like', 'n8n.sync.flowx.%']]), ['write_date']);
		await f.engine.run(chain([{}], syncNode('save', { results: '[]', cursors: '{}' })));
		expect(f.sandbox.db.read(env(), 'ir.config_parameter', f.sandbox.db.search(env(), 'ir.config_parameter', [['key', '=like', 'n8n.sync.flowx.%']]), ['write_date'])).toEqual(written);

		// An older worker writing the old key again: the company's own value counts, the old one goes at the next save.
		f.sandbox.db.transaction(() => f.sandbox.db.create(env(), 'ir.config_parameter', { key: 'n8n.sync.flowx.cursor.1', value: '2025-06-01T00:00:00.000Z' }));
		expect((await f.engine.run(chain([{}], syncNode('get')))).output('State')[0]).toMatchObject({ cursors: { 1: '2026-01-01T00:00:00.000Z' } });
		await f.engine.run(chain([{}], syncNode('save', { results: '[]', cursors: '{}' })));
		expect(params()).toEqual([`n8n.sync.flowx.c${own}.cursor.1`, `n8n.sync.flowx.c${own}.waiting.1-5`]);

		// The Berlin company's flow of the same name and store number: its own state.
		const de = as('Restaurant Berlin GmbH');
		expect((await de.run(chain([{}], syncNode('get')))).output('State')[0]).toMatchObject({ cursors: {}, waiting: [] });
		const saved = await de.run(chain([{}], syncNode('save', { results: JSON.stringify([{ key: '1-7', scope: '1', error: 'no tax', retryable: true }]), cursors: '{"1":"2026-02-01T00:00:00.000Z"}' })));
		expect(saved.error).toBeUndefined();
		expect((await de.run(chain([{}], syncNode('get')))).output('State')[0]).toMatchObject({ cursors: { 1: '2026-02-01T00:00:00.000Z' }, waiting: [expect.objectContaining({ key: '1-7' })] });
		expect((await f.engine.run(chain([{}], syncNode('get')))).output('State')[0]).toMatchObject({ cursors: { 1: '2026-01-01T00:00:00.000Z' }, waiting: [expect.objectContaining({ key: '1-5' })] });

		// A person's decision reaches the company's own item only.
		const skipped = await de.run(chain([{}], syncNode('skip', { itemKey: '1-5', note: 'not ours' })));
		expect(skipped.output('State')[0].error).toMatch(/Nothing named "1-5" is waiting/);
	});

	test('an audit record names the company it was made in and the stores the run covered', async () => {
		const r = await as('Restaurant Berlin GmbH').run(
			chain([{}], node('Audit', 'odooErp', { resource: 'audit', operation: 'post', channel: 'PixelPoint Sync', record: JSON.stringify({ operation: 'PixelPoint order import', status: 'success', created: 4, stores: [3] }) })),
		);
		expect(r.error).toBeUndefined();
		const out = r.output('Audit')[0];
		expect(out.company).toEqual({ id: berlin, name: 'Restaurant Berlin GmbH' });
		const [message] = f.sandbox.db.read(env(), 'mail.message', [out.auditMessageId as number], ['body']);
		expect(String(message.body)).toMatch(/^Restaurant Berlin GmbH: PixelPoint order import: success — created 4 — stores 3 — /);
	});
});

describe('Tips', () => {
	let sb: Sandboxes;
	let engine: Engine;
	beforeEach(async () => {
		sb = await startSandboxes({}, { codeplus: { days: 2 } });
		engine = new Engine(sb.credentials());
		expect((await runTemplate(engine, 'pixelpoint-master-data')).ok).toBe(true);
	});
	afterEach(async () => {
		await sb.stop();
	});
	const xid = (name: string) => sb.odoo.db.read(sb.odoo.env(), 'ir.model.data', sb.odoo.db.search(sb.odoo.env(), 'ir.model.data', [['module', '=', 'pixelpoint'], ['name', '=', name]]), ['res_id'])[0]?.res_id as number;

	test("shops take tips on the package's tip product, in the company, without tax; a shop whose tips a person switched off stays so", async () => {
		const env = sb.odoo.env({ active_test: false });
		const db = sb.odoo.db;
		const tip = xid('tip_product');
		const [product] = db.read(env, 'product.product', [tip], ['name', 'taxes_id', 'company_id', 'type', 'available_in_pos']);
		expect(product).toMatchObject({ name: 'Tips (PixelPoint)', taxes_id: [], type: 'service', available_in_pos: true });
		expect(product.company_id).toEqual([1, expect.any(String)]);
		for (const store of [1, 2, 3]) expect(db.read(env, 'pos.config', [xid(`store_${store}`)], ['iface_tipproduct', 'tip_product_id'])[0]).toMatchObject({ iface_tipproduct: true, tip_product_id: [tip, expect.any(String)] });
		// The products and pricelists the master data made are the company's.
		const products = db.read(env, 'product.product', db.search(env, 'product.product', [['default_code', '!=', false]]), ['company_id', 'default_code']);
		expect(products.filter((p) => /^\d+$/.test(String(p.default_code)) && (p.company_id as [number, string])?.[0] !== 1)).toEqual([]);
		expect(db.read(env, 'product.pricelist', [1, 2, 3, 4].map((n) => xid(`saletype_${n}`)), ['company_id']).map((p) => (p.company_id as [number, string])[0])).toEqual([1, 1, 1, 1]);

		db.write(env, 'pos.config', [xid('store_1')], { iface_tipproduct: false });
		const again = await runTemplate(engine, 'pixelpoint-master-data');
		expect(again.summary[0]).toMatchObject({ status: 'success', created: 0, updated: 0 });
		expect(db.read(env, 'pos.config', [xid('store_1')], ['iface_tipproduct'])[0].iface_tipproduct).toBe(false);
	});

	test('with Import Tips off the orders are FinalTotal and the payments what PixelPoint says without the tip, as before', async () => {
		const off = await runTemplate(engine, 'pixelpoint-order-import', {}, {}, (wf) => {
			const imp = wf.nodes.find((n) => n.name === 'Odoo: Import Orders')!;
			imp.parameters.options = { ...(imp.parameters.options as IDataObject), importTips: false };
		});
		expect(off.summary[0]).toMatchObject({ status: 'success', failed: 0, tips: 0 });
		const env = sb.odoo.env();
		const orders = sb.odoo.db.read(env, 'pos.order', sb.odoo.db.search(env, 'pos.order', []), ['pos_reference', 'amount_total', 'is_tipped']);
		const sold = sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
		expect(sold.some((i) => totalWithTips(i) !== i.FinalTotal)).toBe(true);
		const byRef = new Map(orders.map((o) => [o.pos_reference, o]));
		for (const inv of sold) expect(byRef.get(`PixelPoint ${inv.StoreId}-${inv.TransactNum}`)).toMatchObject({ amount_total: inv.FinalTotal, is_tipped: false });
	});

	test('a tip that is not a number, or negative, fails its invoice naming the field; the others are imported', async () => {
		const [a, b] = sb.codeplus.allInvoices().filter((i) => i.Status === 'CLOSED');
		const items = [
			{ ...a, Payments: [{ ...a.Payments[0], Tip: -1 }] },
			{ ...b, Payments: [{ ...b.Payments[0], Tip: 2.5 }] },
		];
		const r = await engine.run(
			chain(items, node('Import', 'odooErp', { resource: 'posOrder', operation: 'importPixelPoint', namespace: 'pixelpoint', options: { taxExcluded: { __rl: true, mode: 'name', value: 'VAT 14%' }, taxIncluded: { __rl: true, mode: 'name', value: 'VAT 14% incl' } } }, { onError: 'continueRegularOutput' })),
		);
		const [bad, good] = r.output('Import');
		expect(bad.error).toMatch(new RegExp(`Store ${a.StoreId}, transaction ${a.TransactNum}, payment 1: Tip is negative`));
		expect(good).toMatchObject({ status: 'imported', tip: money(2.5 + b.Payments.slice(1).reduce((s, p) => s + p.Tip, 0)), amountTotal: money(b.FinalTotal + 2.5 + b.Payments.slice(1).reduce((s, p) => s + p.Tip, 0)) });
	});
});

describe('Codeplus: the restaurant group', () => {
	test("each company's token sees its own stores; the Berlin store sells at German prices and VAT, exact to the cent", async () => {
		const { sandbox, creds } = await startCodeplus({ group: true, days: 3 });
		try {
			const get = async (token: string, path: string) => {
				const res = await fetch(`${String(creds.baseUrl)}${path}`, { headers: { Authorization: `Bearer ${token}` } });
				return { status: res.status, body: (await res.json()) as { data?: Array<Record<string, unknown>> } };
			};
			expect((await get(GROUP_TOKENS.fi.token, '/stores')).body.data!.map((s) => s.StoreId)).toEqual([1, 2]);
			expect((await get(GROUP_TOKENS.de.token, '/stores')).body.data!.map((s) => s.StoreId)).toEqual([3]);
			expect((await get(GROUP_TOKENS.de.token, '/stores/1/products')).status).toBe(404);
			expect((await get(String(creds.token), '/stores')).body.data).toHaveLength(3);

			const helsinki = new Map(sandbox.products.get(1)!.map((p) => [p.ProdNum, p]));
			const berlin = new Map(sandbox.products.get(3)!.map((p) => [p.ProdNum, p]));
			expect([...berlin.values()].filter((p) => p.Price === helsinki.get(p.ProdNum)!.Price).length).toBeLessThan(10);
			for (const inv of sandbox.invoices.get(3)!.filter((i) => i.Status !== 'VOID')) expect(priceInvoice(inv.Lines, berlin, germanTaxRate).FinalTotal).toBe(inv.FinalTotal);
			for (const inv of sandbox.invoices.get(1)!.filter((i) => i.Status !== 'VOID')) expect(priceInvoice(inv.Lines, helsinki, taxRate).FinalTotal).toBe(inv.FinalTotal);
			expect(germanTaxRate(23)).toBe(19);
			expect(germanTaxRate(11)).toBe(7);
		} finally {
			await sandbox.stop();
		}
	});
});

describe("The Berlin store on Odoo 19, which rounds a document's taxes per tax", () => {
	test('every sale is imported equal to FinalTotal and its tip, also those paid with change whose total Odoo 19 recomputes from the lines', async () => {
		const sb = await startSandboxes({}, { odoo: { version: 19 }, codeplus: { group: true, days: 14 } });
		try {
			const db = sb.odoo.db;
			const env = sb.odoo.env();
			db.transaction(() => {
				db.updateRaw('res.company', db.browse('res.company', 1)!, { tax_calculation_rounding_method: 'round_globally' });
				for (const [name, amount, incl] of [['USt 19%', 19, false], ['USt 19% incl', 19, true], ['USt 7%', 7, false], ['USt 7% incl', 7, true]] as const) {
					const t = db.create(env, 'account.tax', { name, amount, amount_type: 'percent', type_tax_use: 'sale', description: name, price_include_override: incl ? 'tax_included' : 'tax_excluded' });
					for (const l of db.table('account.tax.repartition.line').values()) if (l.tax_id === t.id && l.repartition_type === 'tax') db.updateRaw('account.tax.repartition.line', l, { account_id: 19 });
				}
			});
			const creds = sb.credentials();
			const engine = new Engine({ ...creds, codeplusApi: { ...creds.codeplusApi, token: GROUP_TOKENS.de.token } });
			for (const t of ['pixelpoint-master-data', 'pixelpoint-order-import']) {
				const r = await runTemplate(engine, t, {}, {}, templateCopy(GERMAN_TAXES));
				expect({ t, error: r.error, status: r.summary[0]?.status }).toEqual({ t, error: undefined, status: 'success' });
			}
			const sold = sb.codeplus.invoices.get(3)!.filter((i) => i.Status !== 'VOID');
			const orders = db.read(env, 'pos.order', db.search(env, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']]), ['pos_reference', 'amount_total', 'amount_paid', 'amount_return']);
			expect(orders).toHaveLength(sold.length);
			const byRef = new Map(orders.map((o) => [o.pos_reference, o]));
			for (const inv of sold) {
				const o = byRef.get(`PixelPoint 3-${inv.TransactNum}`)!;
				expect({ n: inv.TransactNum, total: o.amount_total, paid: money(o.amount_paid as number) }).toEqual({ n: inv.TransactNum, total: totalWithTips(inv), paid: totalWithTips(inv) });
			}
			// These two were refused by real Odoo 19 as "not fully paid" before the import rounded as it does.
			for (const n of [300169, 300339]) expect(byRef.get(`PixelPoint 3-${n}`)).toBeDefined();
			expect(orders.filter((o) => Number(o.amount_return) > 0).length).toBeGreaterThan(50);
		} finally {
			await sb.stop();
		}
	});
});
