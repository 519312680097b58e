/** Upsert by External ID through n8n's engine: 1,000 products created, then updated, in a handful of calls. */
import { type OdooFixture, chain, node, odooCallsBesidesAuth, rl, startOdoo } from '../helpers';

const products = Array.from({ length: 1000 }, (_, k) => ({
	ProdNum: 1000 + k,
	Name: `Product ${1000 + k}`,
	Price: Math.round((2 + (k % 37) * 0.35) * 100) / 100,
}));

const upsertNode = (priceDelta = 0) =>
	node('Upsert', 'odooErp', {
		resource: 'record',
		operation: 'upsertByExternalId',
		model: rl('product.product'),
		namespace: 'pixelpoint',
		externalId: '=product_{{ $json.ProdNum }}',
		inputMode: 'json',
		valuesJson: `={{ JSON.stringify({ name: $json.Name, list_price: $json.Price + ${priceDelta}, default_code: String($json.ProdNum), available_in_pos: true }) }}`,
	});

describe('Upsert by External ID on 1,000 products', () => {
	let f: OdooFixture;
	beforeAll(async () => {
		f = await startOdoo();
	});
	afterAll(async () => {
		await f.sandbox.stop();
	});

	test('first run creates 1,000, second updates 1,000 and creates 0, each in at most 5 calls besides authentication', async () => {
		const first = await f.engine.run(chain(products, upsertNode()));
		expect(first.error).toBeUndefined();
		const out1 = first.output('Upsert');
		expect(out1).toHaveLength(1000);
		expect(out1.filter((o) => o.action === 'created')).toHaveLength(1000);
		expect(out1[0]).toMatchObject({ model: 'product.product', externalId: 'pixelpoint.product_1000', action: 'created' });
		const calls1 = odooCallsBesidesAuth(f.sandbox);
		expect(calls1).toBeLessThanOrEqual(5);
		// pairing: output k belongs to input k
		expect(first.items('Upsert').map((i) => (i.pairedItem as { item: number }).item)).toEqual(products.map((_, k) => k));

		f.sandbox.http.counter.reset();
		const second = await f.engine.run(chain(products, upsertNode(1)));
		expect(second.error).toBeUndefined();
		const out2 = second.output('Upsert');
		expect(out2.filter((o) => o.action === 'updated')).toHaveLength(1000);
		expect(out2.filter((o) => o.action === 'created')).toHaveLength(0);
		expect(out2.map((o) => o.id)).toEqual(out1.map((o) => o.id));
		expect(odooCallsBesidesAuth(f.sandbox)).toBeLessThanOrEqual(5);

		// The sandbox holds exactly 1,000 such products, with the second run's prices.
		const env = f.sandbox.env();
		const ids = f.sandbox.db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'product.product']]);
		expect(ids).toHaveLength(1000);
		const [p] = f.sandbox.db.read(env, 'product.product', [out2[3].id as number], ['list_price', 'name']);
		expect(p.list_price).toBeCloseTo(products[3].Price + 1, 6);
	});

	test('a row Odoo refuses is reported against its item; with continue-on-fail the others are saved', async () => {
		const items = [
			{ ProdNum: 9001, Name: 'Good A', Price: 1 },
			{ ProdNum: 9002, Name: 'Bad price', Price: 'abc' },
			{ ProdNum: 9003, Name: 'Good B', Price: 2 },
		];
		const n = node('Upsert', 'odooErp', {
			resource: 'record',
			operation: 'upsertByExternalId',
			model: rl('product.product'),
			namespace: 'pixelpoint',
			externalId: '=product_{{ $json.ProdNum }}',
			inputMode: 'json',
			valuesJson: '={{ JSON.stringify({ name: $json.Name, list_price: $json.Price }) }}',
		}, { continueOnFail: true } as never);
		const r = await f.engine.run(chain(items, n));
		const out = r.output('Upsert');
		expect(out).toHaveLength(3);
		expect(out[0]).toMatchObject({ action: 'created' });
		expect(String(out[1].error)).toMatch(/Item 1/);
		expect(String(out[1].error)).toMatch(/list_price/);
		expect(out[2]).toMatchObject({ action: 'created' });

		// Without continue-on-fail the run fails, naming the item, and that batch writes nothing.
		const strict = node('Upsert', 'odooErp', (n.parameters as Record<string, unknown>));
		const before = f.sandbox.db.table('product.product').size;
		const r2 = await f.engine.run(chain([{ ProdNum: 9101, Name: 'x', Price: 1 }, { ProdNum: 9102, Name: 'y', Price: 'zz' }], strict));
		expect(r2.error?.message).toMatch(/Item 1.*list_price|list_price.*Item 1/s);
		expect(f.sandbox.db.table('product.product').size).toBe(before);
	});

	test('invalid external ids and unknown fields fail before anything is written', async () => {
		const n = node('Upsert', 'odooErp', {
			resource: 'record',
			operation: 'upsertByExternalId',
			model: rl('product.product'),
			namespace: 'pixelpoint',
			externalId: '={{ $json.xid }}',
			inputMode: 'json',
			valuesJson: '={{ JSON.stringify($json.vals) }}',
		}, { continueOnFail: true } as never);
		const before = f.sandbox.db.table('product.product').size;
		const r = await f.engine.run(chain([
			{ xid: 'has space', vals: { name: 'a' } },
			{ xid: 'ok_1', vals: { name: 'b', no_such_field: 1 } },
			{ xid: 'ok_2', vals: { name: 'c', list_price: { nested: true } } },
		], n));
		const out = r.output('Upsert');
		expect(out.map((o) => String(o.error))).toEqual([
			expect.stringMatching(/Item 0: External ID "has space"/),
			expect.stringMatching(/Item 1: Field "no_such_field" does not exist/),
			expect.stringMatching(/Item 2: Field "list_price" expects a number/),
		]);
		expect(f.sandbox.db.table('product.product').size).toBe(before);
	});
});
