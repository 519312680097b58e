/** The master-data template, unchanged, through n8n's engine against the Odoo and Codeplus sandboxes. */
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';

const TEMPLATE = 'pixelpoint-master-data';

/** What the template left in Odoo, by external id namespace. */
function odooState(sb: Sandboxes) {
	const db = sb.odoo.db;
	const env = sb.odoo.env({ active_test: false });
	const xids = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint']]), ['name', 'model', 'res_id']);
	const byModel = (m: string) => xids.filter((x) => x.model === m);
	return {
		configs: byModel('pos.config'),
		methods: byModel('pos.payment.method'),
		categories: byModel('pos.category'),
		products: byModel('product.product'),
		pricelists: byModel('product.pricelist'),
		journals: byModel('account.journal'),
		writeDates: Object.fromEntries(
			['product.product', 'pos.category', 'pos.config', 'pos.payment.method', 'product.pricelist'].flatMap((m) =>
				byModel(m).map((x) => [`${m}:${x.res_id}`, db.browse(m, x.res_id as number)?.write_date]),
			),
		),
	};
}

describe('Template: PixelPoint master data', () => {
	let sb: Sandboxes;
	let engine: Engine;
	beforeEach(async () => {
		sb = await startSandboxes();
		engine = new Engine(sb.credentials());
		sb.odoo.http.counter.reset();
	});
	afterEach(async () => {
		await sb.stop();
	});

	test('creates exactly the seeded master data; a re-run writes nothing; 5 changed prices make exactly 5 updates', async () => {
		const first = await runTemplate(engine, TEMPLATE);
		expect(first.error).toBeUndefined();
		expect(first.ok).toBe(true);
		const audit = first.summary[0];
		expect(audit).toMatchObject({ status: 'success', failed: 0, updated: 0 });
		expect(audit.detail).toMatchObject({
			stores: { created: 3 },
			paymentMethods: { created: 4 },
			categories: { created: 10 },
			products: { created: 320 },
			saleTypes: { created: 4 },
		});
		expect(audit.auditMessageId).toEqual(expect.any(Number));

		const s1 = odooState(sb);
		expect(s1.configs).toHaveLength(3);
		// A cash method per store and the shared card tenders; each store's cash tender points at its cash method.
		expect(new Set(s1.methods.map((m) => m.res_id)).size).toBe(3 + 4);
		expect(s1.methods.filter((m) => String(m.name).startsWith('tender_')).map((m) => m.name).sort()).toEqual(['tender_1_1', 'tender_2_1', 'tender_3_1']);
		expect(s1.categories).toHaveLength(10);
		// The 320 products, and the tip product the shops take tips on.
		expect(s1.products.filter((p) => String(p.name).startsWith('product_'))).toHaveLength(320);
		expect(s1.products.map((p) => p.name)).toContain('tip_product');
		expect(s1.pricelists).toHaveLength(4);

		const db = sb.odoo.db;
		const env = sb.odoo.env({ active_test: false });
		// Each shop: its own cash method and the store's active card tenders (Berlin takes no MobilePay).
		const methodName = (id: number) => db.browse('pos.payment.method', id)!.name;
		const shopMethods = (storeId: number) => {
			const x = s1.configs.find((c) => c.name === `store_${storeId}`)!;
			return (db.browse('pos.config', x.res_id as number)!.payment_method_ids as number[]).map(methodName).sort();
		};
		expect(shopMethods(1)).toEqual(['Cash Helsinki Kamppi', 'Mastercard', 'MobilePay', 'Visa']);
		expect(shopMethods(3)).toEqual(['Cash Berlin Mitte', 'Mastercard', 'Visa']);
		// Taxes: beer on the 25.5 % included tax, catering (priced without tax) on 14 % excluded.
		const taxOf = (prodNum: number) => {
			const x = s1.products.find((p) => p.name === `product_${prodNum}`)!;
			const [rec] = db.read(env, 'product.product', [x.res_id as number], ['taxes_id', 'active', 'pos_categ_ids', 'list_price']);
			return { ...rec, taxes: (rec.taxes_id as number[]).map((t) => db.browse('account.tax', t)!.name) } as IDataObject;
		};
		const catalogue = sb.codeplus.products.get(1)!;
		const beer = catalogue.find((p) => p.CategoryNum === 23)!;
		const catering = catalogue.find((p) => p.CategoryNum === 40)!;
		const burger = catalogue.find((p) => p.CategoryNum === 11)!;
		expect(taxOf(beer.ProdNum).taxes).toEqual(['VAT 25.5% incl']);
		expect(taxOf(catering.ProdNum).taxes).toEqual(['VAT 14%']);
		expect(taxOf(burger.ProdNum)).toMatchObject({ taxes: ['VAT 14% incl'], list_price: burger.Price });
		const inactive = catalogue.find((p) => !p.Active)!;
		expect(taxOf(inactive.ProdNum).active).toBe(false); // archived, not deleted

		// Second run: nothing created, nothing written.
		const second = await runTemplate(engine, TEMPLATE);
		expect(second.summary[0]).toMatchObject({ status: 'success', created: 0, updated: 0, failed: 0 });
		expect(odooState(sb).writeDates).toEqual(s1.writeDates);

		// Five price changes in PixelPoint: exactly five updates.
		const changed = catalogue.filter((p) => p.Active).slice(10, 15);
		const newPrice = new Map(changed.map((p) => [p.ProdNum, Math.round((p.Price + 1.1) * 100) / 100]));
		for (const p of changed) sb.codeplus.updateProduct(p.ProdNum, { Price: newPrice.get(p.ProdNum) });
		const third = await runTemplate(engine, TEMPLATE);
		expect(third.summary[0]).toMatchObject({ status: 'success', created: 0, updated: 5, failed: 0 });
		expect((third.summary[0].detail as IDataObject).products).toMatchObject({ updated: 5, unchanged: 315 });
		for (const p of changed) expect(taxOf(p.ProdNum).list_price).toBe(newPrice.get(p.ProdNum));

		// Archiving in PixelPoint archives in Odoo.
		sb.codeplus.updateProduct(changed[0].ProdNum, { Active: false });
		const fourth = await runTemplate(engine, TEMPLATE);
		expect(fourth.summary[0]).toMatchObject({ updated: 1, archived: 1 });
		expect(taxOf(changed[0].ProdNum).active).toBe(false);
	});

	test('a wrong Codeplus token fails clearly, posts a failed audit record and writes no master data', async () => {
		engine.credentials.set('codeplusApi', { baseUrl: sb.codeplus.url, token: 'not-the-token', timeoutSeconds: 5 });
		const r = await runTemplate(engine, TEMPLATE);
		expect(r.ok).toBe(false);
		expect(r.summary[0]).toMatchObject({ status: 'failed' });
		expect(String(r.summary[0].error)).toContain('Codeplus INVALID_TOKEN');
		expect(JSON.stringify(r.summary)).not.toContain('not-the-token');
		const s = odooState(sb);
		expect([s.configs, s.methods, s.categories, s.products, s.pricelists].map((x) => x.length)).toEqual([0, 0, 0, 0, 0]);
		// The audit message is in the channel for Odoo users to see.
		const msgs = sb.odoo.db.search(sb.odoo.env(), 'mail.message', [['model', '=', 'discuss.channel']]);
		expect(msgs.length).toBe(1);
	});

	test('429, 502, reset and hang storms on both systems are retried: the end state equals a fault-free run', async () => {
		const clean = await startSandboxes();
		try {
			await runTemplate(new Engine(clean.credentials()), TEMPLATE);
			const creds = sb.credentials();
			(creds.odooErpApi as IDataObject).timeoutSeconds = 1;
			(creds.codeplusApi as IDataObject).timeoutSeconds = 1;
			const stormy = new Engine(creds);
			for (const http of [sb.odoo.http, sb.codeplus.http]) http.setFaults({ rate: 0.2, kinds: ['502', '429', 'reset', 'hang'], retryAfterSeconds: 0, hangMs: 2000, seed: 11 });
			// A run that meets an unknown outcome (a reset on a create) fails and is run again, as its schedule would.
			const runs: Array<Awaited<ReturnType<typeof runTemplate>>> = [];
			for (let k = 0; k < 5 && !runs.at(-1)?.ok; k++) runs.push(await runTemplate(stormy, TEMPLATE));
			for (const http of [sb.odoo.http, sb.codeplus.http]) http.clearFaults();
			const r = runs.at(-1)!;
			expect(r.error).toBeUndefined();
			expect(r.summary[0]).toMatchObject({ status: 'success' });
			const injected = [sb.odoo.http, sb.codeplus.http].reduce((n, h) => n + h.injected['502'] + h.injected['429'] + h.injected.reset + h.injected.hang, 0);
			expect(injected).toBeGreaterThan(5);
			const shape = (s: ReturnType<typeof odooState>) =>
				[s.configs, s.methods, s.categories, s.products, s.pricelists, s.journals].map((list) => list.map((x) => x.name).sort());
			expect(shape(odooState(sb))).toEqual(shape(odooState(clean)));
		} finally {
			await clean.stop();
		}
	});
});
