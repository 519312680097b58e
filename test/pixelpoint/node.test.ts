/** PixelPoint node and trigger against the Codeplus sandbox, through n8n's engine. */
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { type CodeplusFixture, chain, node, startCodeplus } from '../helpers';

const store = (id: number) => ({ __rl: true, mode: 'id', value: String(id) });

describe('PixelPoint node', () => {
	let f: CodeplusFixture;
	let engine: Engine;
	beforeAll(async () => {
		f = await startCodeplus();
		engine = new Engine({ codeplusApi: f.creds });
	});
	afterAll(async () => {
		await f.sandbox.stop();
	});
	const run = (params: Record<string, unknown>, items: unknown[] = [{}], extra = {}) => engine.run(chain(items, node('PP', 'pixelPoint', params, extra)));

	test('stores, and catalogue lists for all stores tagged with their StoreId', async () => {
		const stores = (await run({ resource: 'store', operation: 'getMany' })).output('PP');
		expect(stores.map((s) => s.StoreName)).toEqual(['Helsinki Kamppi', 'Tampere Keskusta', 'Berlin Mitte']);
		const products = (await run({ resource: 'product', operation: 'getMany', allStores: true })).output('PP');
		expect(products).toHaveLength(960);
		expect(new Set(products.map((p) => p.StoreId))).toEqual(new Set([1, 2, 3]));
		const methods = (await run({ resource: 'paymentMethod', operation: 'getMany', store: store(3) })).output('PP');
		expect(methods.map((m) => m.Description)).toEqual(['Cash', 'Visa', 'Mastercard', 'Gift Card']);
		const one = (await run({ resource: 'saleType', operation: 'get', store: store(1), recordId: '2' })).output('PP');
		expect(one).toEqual([{ StoreId: 1, SaleTypeNum: 2, Description: 'Take Out', Active: true }]);
		const limited = (await run({ resource: 'product', operation: 'getMany', store: store(1), returnAll: false, limit: 7 })).output('PP');
		expect(limited).toHaveLength(7);
	});

	test('products updated since a time', async () => {
		f.sandbox.updateProduct(1005, { Price: 99.9 });
		const changed = (await run({ resource: 'product', operation: 'getMany', store: store(2), updatedSince: '2026-11-01' })).output('PP');
		expect(changed.map((p) => p.ProdNum)).toEqual([1005]);
	});

	test('invoices of a date range with product details attached', async () => {
		const r = await run({ resource: 'invoice', operation: 'getMany', store: store(1), from: '2026-11-10', to: '2026-11-11', options: { attachProducts: true } });
		const invoices = r.output('PP') as IDataObject[];
		expect(invoices.length).toBeGreaterThan(20);
		for (const inv of invoices) {
			const nums = new Set((inv.Lines as IDataObject[]).map((l) => l.ProdNum));
			expect(new Set((inv.Products as IDataObject[]).map((p) => p.ProdNum))).toEqual(nums);
			const t = Date.parse(String(inv.CloseTime));
			expect(t).toBeGreaterThanOrEqual(Date.parse('2026-11-10T00:00:00+02:00'));
			expect(t).toBeLessThan(Date.parse('2026-11-11T00:00:00+02:00'));
		}
		// A local time without offset is read in the store's zone (Berlin: +01:00).
		const berlin = (await run({ resource: 'invoice', operation: 'getMany', store: store(3), from: '2026-11-10T00:00:00', to: '2026-11-10T12:00:00' })).output('PP');
		for (const inv of berlin) expect(Date.parse(String(inv.CloseTime))).toBeGreaterThanOrEqual(Date.parse('2026-11-10T00:00:00+01:00'));
	});

	test('clear errors: wrong token, unknown store, bad date; continue-on-fail keeps the good items', async () => {
		const bad = new Engine({ codeplusApi: { ...f.creds, token: 'wrong-token-123' } });
		const r = await bad.run(chain([{}], node('PP', 'pixelPoint', { resource: 'store', operation: 'getMany' })));
		expect(r.error?.message).toBe('Codeplus INVALID_TOKEN: The token is missing or not valid for this company');
		expect(JSON.stringify(r.run.data)).not.toContain('wrong-token-123');

		const items = [{ s: 1, from: '2026-11-10' }, { s: 99, from: '2026-11-10' }, { s: 1, from: '10.11.2026' }];
		const out = (
			await run({ resource: 'invoice', operation: 'getMany', store: { __rl: true, mode: 'id', value: '={{ $json.s }}' }, from: '={{ $json.from }}', to: '2026-11-10T12:00:00+02:00' }, items, { continueOnFail: true })
		).output('PP');
		const errors = out.filter((o) => o.error);
		expect(errors.map((e) => e.error)).toEqual(['Codeplus NOT_FOUND: Store 99 does not exist', expect.stringMatching(/^Item 2: From "10.11.2026" is not an ISO 8601 date/)]);
		expect(out.filter((o) => !o.error).length).toBeGreaterThan(0);
	});

	test('429 and 502 storms are retried transparently', async () => {
		f.sandbox.http.setFaults({ rate: 0.3, kinds: ['429', '502', 'reset'], retryAfterSeconds: 0, seed: 3 });
		try {
			const products = (await run({ resource: 'product', operation: 'getMany', allStores: true })).output('PP');
			expect(products).toHaveLength(960);
			expect(f.sandbox.http.injected['429'] + f.sandbox.http.injected['502'] + f.sandbox.http.injected.reset).toBeGreaterThan(0);
		} finally {
			f.sandbox.http.clearFaults();
		}
	});
});

describe('PixelPoint Trigger', () => {
	test('new invoices per store come exactly once, including ones closed in the same second', async () => {
		const f = await startCodeplus();
		const engine = new Engine({ codeplusApi: f.creds });
		const wf = { id: 't', name: 't', nodes: [node('PP Trigger', 'pixelPointTrigger', { stores: [1, 2], statuses: ['CLOSED', 'REFUND'] })], connections: {}, active: true, settings: {} } as unknown as IWorkflowBase;
		const state: IDataObject = {};
		const poll = async () => ((await engine.poll(wf, 'PP Trigger', state))?.[0] ?? []).map((i) => i.json);
		try {
			expect(await poll()).toEqual([]);
			const template = f.sandbox.invoices.get(1)![5];
			const at = new Date(Date.now() + 2000).toISOString().replace(/\.\d+Z$/, '+00:00');
			const mk = (num: number, storeId = 1, status = 'CLOSED' as const) => ({ ...template, TransactNum: num, StoreId: storeId, Status: status, CloseTime: at });
			f.sandbox.addInvoice(mk(900001));
			f.sandbox.addInvoice(mk(900002, 2));
			f.sandbox.addInvoice({ ...mk(900003), Status: 'VOID' });
			expect((await poll()).map((i) => i.TransactNum).sort()).toEqual([900001, 900002]);
			expect(await poll()).toEqual([]);
			f.sandbox.addInvoice(mk(900004)); // same CloseTime as the cursor
			f.sandbox.addInvoice(mk(900005, 3)); // store 3 is not watched
			expect((await poll()).map((i) => i.TransactNum)).toEqual([900004]);
			expect(await poll()).toEqual([]);

			// A poll that fails on store 2 after reading store 1 delivers nothing and moves no cursor:
			// store 1's new invoice comes with the next poll.
			const later = new Date(Date.now() + 4000).toISOString().replace(/\.\d+Z$/, '+00:00');
			f.sandbox.addInvoice({ ...mk(900006), CloseTime: later });
			f.sandbox.addInvoice({ ...mk(900007, 2), CloseTime: later });
			f.sandbox.http.setFaults({ rate: 1, kinds: ['502'], only: '/stores/2/invoices', retryAfterSeconds: 0 });
			await expect(poll()).rejects.toThrow();
			f.sandbox.http.setFaults({ rate: 0 });
			expect((await poll()).map((i) => i.TransactNum).sort()).toEqual([900006, 900007]);
			expect(await poll()).toEqual([]);
		} finally {
			await f.sandbox.stop();
		}
	});
});
