/** Record operations through n8n's engine: batching, pairing, per-item errors, continue-on-fail. */
import { type OdooFixture, chain, node, odooCallsBesidesAuth, rl, startOdoo } from '../helpers';

const op = (operation: string, params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	node('Odoo', 'odooErp', { resource: 'record', operation, model: rl('res.partner'), ...params }, extra as never);

describe('Record operations', () => {
	let f: OdooFixture;
	beforeAll(async () => {
		f = await startOdoo();
	});
	afterAll(async () => {
		await f.sandbox.stop();
	});
	beforeEach(() => f.sandbox.http.counter.reset());

	test('Create batches all items into one call and pairs each id with its item', async () => {
		const items = Array.from({ length: 25 }, (_, k) => ({ name: `Batch ${k}`, email: `b${k}@example.com` }));
		const r = await f.engine.run(chain(items, op('create', { inputMode: 'json', valuesJson: '={{ JSON.stringify($json) }}' })));
		const out = r.output('Odoo');
		expect(out).toHaveLength(25);
		expect(f.sandbox.http.counter.get('jsonrpc/object/res.partner/create')).toBe(1);
		const rows = f.sandbox.db.read(f.sandbox.env(), 'res.partner', out.map((o) => o.id as number), ['name']);
		expect(rows.map((x) => x.name)).toEqual(items.map((i) => i.name));
	});

	test('Create with a failing item: continue-on-fail reports it and creates the others', async () => {
		const items = [{ name: 'Good 1' }, { name: 'Dangling', parent_id: 99999999 }, { name: 'Good 2' }];
		const r = await f.engine.run(chain(items, op('create', { inputMode: 'json', valuesJson: '={{ JSON.stringify($json) }}' }, { continueOnFail: true })));
		const out = r.output('Odoo');
		expect(out[0].id).toEqual(expect.any(Number));
		expect(String(out[1].error)).toMatch(/Record does not exist or has been deleted/);
		expect(out[2].id).toEqual(expect.any(Number));
		expect(f.sandbox.db.search(f.sandbox.env(), 'res.partner', [['name', '=', 'Dangling']])).toEqual([]);
	});

	test('Create field by field converts typed values', async () => {
		const r = await f.engine.run(
			chain([{}], op('create', { inputMode: 'fields', fieldValues: { values: [{ name: 'name', value: 'Typed Co' }, { name: 'is_company', value: 'true' }, { name: 'customer_rank', value: '3' }] } })),
		);
		const [row] = f.sandbox.db.read(f.sandbox.env(), 'res.partner', [r.output('Odoo')[0].id as number], ['is_company', 'customer_rank']);
		expect(row).toMatchObject({ is_company: true, customer_rank: 3 });
	});

	test('Get reads all items in one call; Get Many pages through everything', async () => {
		const created = f.sandbox.db.transaction(() => Array.from({ length: 1200 }, (_, k) => f.sandbox.db.create(f.sandbox.env(), 'res.partner', { name: `Many ${k}` }).id));
		const get = await f.engine.run(chain(created.slice(0, 5).map((id) => ({ id })), op('get', { recordId: '={{ $json.id }}', fields: ['name'] })));
		expect(get.output('Odoo').map((o) => o.name)).toEqual(['Many 0', 'Many 1', 'Many 2', 'Many 3', 'Many 4']);
		expect(f.sandbox.http.counter.get('jsonrpc/object/res.partner/read')).toBe(1);

		const all = await f.engine.run(chain([{}], op('getMany', { domain: "[('name', 'like', 'Many ')]", returnAll: true, fields: ['name'] })));
		expect(all.output('Odoo')).toHaveLength(1200);
		const some = await f.engine.run(chain([{}], op('getMany', { domain: '[["name", "like", "Many "]]', limit: 7, options: { order: 'id desc' } })));
		expect(some.output('Odoo').map((o) => o.id)).toEqual([...created].reverse().slice(0, 7));
	});

	test('Get of a missing id names the item and the id', async () => {
		const r = await f.engine.run(chain([{ id: 987654 }], op('get', { recordId: '={{ $json.id }}' })));
		expect(r.error?.message).toMatch(/Item 0: No res.partner record with id 987654/);
	});

	test('Update with the same values is one write; Delete is one unlink', async () => {
		const ids = f.sandbox.db.transaction(() => [1, 2, 3].map((k) => f.sandbox.db.create(f.sandbox.env(), 'res.partner', { name: `Arch ${k}` }).id));
		const up = await f.engine.run(chain(ids.map((id) => ({ id })), op('update', { recordId: '={{ $json.id }}', inputMode: 'json', valuesJson: '{"active": false}' })));
		expect(up.output('Odoo').every((o) => o.updated === true)).toBe(true);
		expect(f.sandbox.http.counter.get('jsonrpc/object/res.partner/write')).toBe(1);
		expect(f.sandbox.db.search(f.sandbox.env(), 'res.partner', [['name', 'like', 'Arch ']])).toEqual([]);

		const del = await f.engine.run(chain(ids.map((id) => ({ id })), op('delete', { recordId: '={{ $json.id }}' })));
		expect(del.output('Odoo').every((o) => o.deleted === true)).toBe(true);
		expect(f.sandbox.http.counter.get('jsonrpc/object/res.partner/unlink')).toBe(1);
		expect(ids.every((id) => !f.sandbox.db.table('res.partner').has(id))).toBe(true);
	});

	test('Call Method passes ids, args and kwargs, and Odoo errors name the exception', async () => {
		const r = await f.engine.run(
			chain([{}], node('Odoo', 'odooErp', { resource: 'record', operation: 'callMethod', model: rl('account.tax'), method: 'compute_all', recordIds: '1', args: '[10.0]', kwargs: '{"quantity": 3}' })),
		);
		expect((r.output('Odoo')[0].result as { total_included: number }).total_included).toBe(34.5);
		const bad = await f.engine.run(chain([{}], node('Odoo', 'odooErp', { resource: 'record', operation: 'callMethod', model: rl('res.partner'), method: 'no_such_method' })));
		expect(bad.error?.message).toMatch(/The method 'no_such_method' does not exist/);
		expect((bad.error as { description?: string }).description).toMatch(/AttributeError/);
	});

	test('Domains in Python syntax and bad domains', async () => {
		const ok = await f.engine.run(chain([{}], op('getMany', { domain: "['|', ('name', '=', 'OdooBot'), ('name', '=', 'Mitchell Admin')]", fields: ['name'], returnAll: true })));
		expect(ok.output('Odoo').map((o) => o.name).sort()).toEqual(['Mitchell Admin', 'OdooBot']);
		const bad = await f.engine.run(chain([{}], op('getMany', { domain: '[["name", "="]]' })));
		expect(bad.error?.message).toMatch(/Item 0: Domain element/);
		const unknownField = await f.engine.run(chain([{}], op('getMany', { domain: '[["nope", "=", 1]]' })));
		expect(unknownField.error?.message).toMatch(/Invalid field res.partner.nope/);
	});

	test('the login handshake happens once per execution, not per item', async () => {
		await f.engine.run(chain(Array.from({ length: 10 }, (_, k) => ({ k })), op('getMany', { domain: '[]', limit: 1 })));
		expect(f.sandbox.http.counter.get('jsonrpc/common/authenticate')).toBe(1);
		// One call per item, and two once per execution: the credential's company (the user's, then its currency).
		expect(odooCallsBesidesAuth(f.sandbox)).toBe(12);
	});
});
