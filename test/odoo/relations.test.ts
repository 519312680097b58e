/**
 * Relations in Record create, update and upsert, field by field: records named by ID or external
 * ID, a many2many set, added to, removed from and cleared, one2many lines created, changed and
 * removed, without writing Odoo's command tuples. Checked from the sandbox's records.
 */
import { type OdooFixture, chain, node, rl, startOdoo } from '../helpers';

type Row = { name: string; value: string; edit?: string };
const fieldsMode = (rows: Row[]) => ({ inputMode: 'fields', fieldValues: { values: rows } });
const odoo = (operation: string, model: string, params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
	node('Odoo', 'odooErp', { resource: 'record', operation, model: rl(model), ...params }, extra as never);

describe('Relations field by field', () => {
	let f: OdooFixture;
	const tags: Record<string, number> = {};
	const env = () => f.sandbox.env();
	const tagNames = (partner: number) => {
		const [p] = f.sandbox.db.read(env(), 'res.partner', [partner], ['category_id']);
		return f.sandbox.db
			.read(env(), 'res.partner.category', p.category_id as number[], ['name'])
			.map((t) => t.name)
			.sort();
	};

	beforeAll(async () => {
		f = await startOdoo();
		const db = f.sandbox.db;
		db.transaction(() => {
			for (const name of ['VIP', 'Catering', 'Wholesale']) {
				tags[name] = db.create(env(), 'res.partner.category', { name }).id;
				db.create(env(), 'ir.model.data', { module: 'crm_tags', name: name.toLowerCase(), model: 'res.partner.category', res_id: tags[name], noupdate: true });
			}
			const burger = db.search(env(), 'product.product', [], { limit: 1 })[0];
			db.create(env(), 'ir.model.data', { module: 'menu', name: 'burger', model: 'product.product', res_id: burger, noupdate: true });
			const parent = db.create(env(), 'res.partner', { name: 'Ravintolaketju Oy', is_company: true }).id;
			db.create(env(), 'ir.model.data', { module: 'crm', name: 'chain', model: 'res.partner', res_id: parent, noupdate: true });
		});
	});
	afterAll(async () => {
		await f.sandbox.stop();
	});

	test("a partner's tags (many2many): set by IDs, added and removed by external ID, replaced, cleared; its company by external ID", async () => {
		const created = await f.engine.run(
			chain(
				[{}],
				odoo(
					'create',
					'res.partner',
					fieldsMode([
						{ name: 'name', value: 'Kahvila Testi' },
						{ name: 'category_id', value: `${tags.VIP}, ${tags.Catering}` },
						{ name: 'parent_id', value: 'crm.chain' },
					]),
				),
			),
		);
		expect(created.error).toBeUndefined();
		const id = created.output('Odoo')[0].id as number;
		expect(tagNames(id)).toEqual(['Catering', 'VIP']);
		expect(f.sandbox.db.read(env(), 'res.partner', [id], ['parent_id'])[0].parent_id).toEqual([expect.any(Number), 'Ravintolaketju Oy']);

		const update = async (rows: Row[]) => {
			const r = await f.engine.run(chain([{}], odoo('update', 'res.partner', { recordId: String(id), ...fieldsMode(rows) })));
			expect(r.error).toBeUndefined();
			return tagNames(id);
		};
		expect(await update([{ name: 'category_id', edit: 'add', value: 'crm_tags.wholesale' }])).toEqual(['Catering', 'VIP', 'Wholesale']);
		expect(await update([{ name: 'category_id', edit: 'remove', value: `${tags.VIP}` }])).toEqual(['Catering', 'Wholesale']);
		// Two rows on one field: applied in order.
		expect(
			await update([
				{ name: 'category_id', edit: 'remove', value: 'crm_tags.catering' },
				{ name: 'category_id', edit: 'add', value: 'crm_tags.vip' },
			]),
		).toEqual(['VIP', 'Wholesale']);
		expect(await update([{ name: 'category_id', edit: 'set', value: 'crm_tags.catering' }])).toEqual(['Catering']);
		expect(await update([{ name: 'category_id', edit: 'clear', value: '' }])).toEqual([]);
	});

	test('Update with Skip Unchanged writes only what would change: an add of a tag it has, the same name, are no write', async () => {
		const id = f.sandbox.db.create(env(), 'res.partner', { name: 'Baari Testi', category_id: [tags.VIP] }).id;
		const stamp = () => f.sandbox.db.read(env(), 'res.partner', [id], ['write_date'])[0].write_date;
		const before = stamp();
		const update = async (rows: Row[]) => {
			f.sandbox.http.counter.reset();
			const r = await f.engine.run(chain([{}], odoo('update', 'res.partner', { recordId: String(id), ...fieldsMode(rows), options: { skipUnchanged: true } })));
			expect(r.error).toBeUndefined();
			return { out: r.output('Odoo')[0], writes: f.sandbox.http.counter.get('jsonrpc/object/res.partner/write') };
		};
		const same = await update([
			{ name: 'name', value: 'Baari Testi' },
			{ name: 'category_id', edit: 'add', value: 'crm_tags.vip' },
			{ name: 'category_id', edit: 'remove', value: 'crm_tags.wholesale' },
		]);
		expect(same).toEqual({ out: { id, model: 'res.partner', updated: false, unchanged: true }, writes: 0 });
		expect(stamp()).toEqual(before);
		const changed = await update([{ name: 'category_id', edit: 'add', value: 'crm_tags.catering' }]);
		expect(changed).toEqual({ out: { id, model: 'res.partner', updated: true }, writes: 1 });
		expect(tagNames(id)).toEqual(['Catering', 'VIP']);
	});

	test('invoice lines (one2many): created with a product by external ID, one changed by ID, one removed', async () => {
		const partner = f.sandbox.db.search(env(), 'res.partner', [['name', '=', 'Ravintolaketju Oy']])[0];
		const lines = JSON.stringify([
			{ name: 'Burgers', quantity: 10, price_unit: 9.5, product_id: 'menu.burger' },
			{ name: 'Delivery', quantity: 1, price_unit: 15 },
		]);
		const created = await f.engine.run(
			chain(
				[{}],
				odoo(
					'create',
					'account.move',
					fieldsMode([
						{ name: 'move_type', value: 'out_invoice' },
						{ name: 'partner_id', value: String(partner) },
						{ name: 'invoice_line_ids', edit: 'createLines', value: lines },
					]),
				),
			),
		);
		expect(created.error).toBeUndefined();
		const move = created.output('Odoo')[0].id as number;
		const lineRows = () => {
			const ids = f.sandbox.db.search(env(), 'account.move.line', [['move_id', '=', move], ['display_type', '=', 'product']], { order: 'id' });
			return f.sandbox.db.read(env(), 'account.move.line', ids, ['name', 'quantity', 'product_id']);
		};
		const [burgers, delivery] = lineRows() as Array<{ id: number; name: string; quantity: number }>;
		expect(burgers).toMatchObject({ name: 'Burgers', quantity: 10, product_id: [expect.any(Number), expect.any(String)] });

		const r = await f.engine.run(
			chain(
				[{}],
				odoo('update', 'account.move', {
					recordId: String(move),
					...fieldsMode([
						{ name: 'invoice_line_ids', edit: 'updateLine', value: JSON.stringify({ id: burgers.id, quantity: 12 }) },
						{ name: 'invoice_line_ids', edit: 'remove', value: String(delivery.id) },
					]),
				}),
			),
		);
		expect(r.error).toBeUndefined();
		expect(lineRows().map((l) => [l.name, l.quantity])).toEqual([['Burgers', 12]]);
	});

	test('an unknown external ID, or an edit of a field that is no relation, fails the item naming the field; nothing is written', async () => {
		const before = f.sandbox.db.search(env(), 'res.partner', []).length;
		const r = await f.engine.run(
			chain(
				[{ n: 1 }, { n: 2 }],
				odoo(
					'create',
					'res.partner',
					{
						inputMode: 'fields',
						fieldValues: {
							values: [
								{ name: 'name', value: 'Ei Tallennu Oy' },
								{ name: 'category_id', value: '={{ $json.n === 1 ? "crm_tags.no_such_tag" : "crm_tags.vip" }}' },
								{ name: 'email', edit: '={{ $json.n === 2 ? "add" : "set" }}', value: 'x@example.com' },
							],
						},
					},
					{ continueOnFail: true },
				),
			),
		);
		const [one, two] = r.output('Odoo');
		expect(String(one.error)).toMatch(/Item 0: Field "category_id": no res.partner.category record has the external ID "crm_tags.no_such_tag"/);
		expect(String(two.error)).toMatch(/Item 1: Field "email" is a char field: only a relation can be added to/);
		expect(f.sandbox.db.search(env(), 'res.partner', []).length).toBe(before);
	});

	test('Upsert by External ID: Set goes through Odoo\'s import, adds and removes are written after it, only when they change something', async () => {
		const upsert = (rows: Row[], extra: Record<string, unknown> = {}) =>
			f.engine.run(chain([{}], odoo('upsertByExternalId', 'res.partner', { namespace: 'shop', externalId: 'customer_1', ...fieldsMode(rows), ...extra }, { continueOnFail: true })));
		const r = await upsert([{ name: 'name', value: 'Asiakas Yksi' }, { name: 'category_id', value: 'crm_tags.vip, crm_tags.wholesale' }]);
		expect(r.error).toBeUndefined();
		const id = r.output('Odoo')[0].id as number;
		expect(tagNames(id)).toEqual(['VIP', 'Wholesale']);

		const edit: Row[] = [{ name: 'category_id', edit: 'add', value: 'crm_tags.catering' }, { name: 'category_id', edit: 'remove', value: 'crm_tags.wholesale' }];
		const changed = await upsert(edit, { options: { skipUnchanged: true } });
		expect(changed.output('Odoo')[0]).toMatchObject({ id, action: 'updated' });
		expect(tagNames(id)).toEqual(['Catering', 'VIP']);
		const written = f.sandbox.db.read(env(), 'res.partner', [id], ['write_date'])[0].write_date;
		const again = await upsert(edit, { options: { skipUnchanged: true } });
		expect(again.output('Odoo')[0]).toMatchObject({ id, action: 'unchanged' });
		expect(f.sandbox.db.read(env(), 'res.partner', [id], ['write_date'])[0].write_date).toBe(written);

		const cleared = await upsert([{ name: 'category_id', edit: 'clear', value: '' }]);
		expect(cleared.output('Odoo')[0]).toMatchObject({ id, action: 'updated' });
		expect(tagNames(id)).toEqual([]);
	});

	test('Upsert by External ID with Create Lines: the lines come with the record it creates, and a re-run does not add them again', async () => {
		const partner = f.sandbox.db.search(env(), 'res.partner', [['name', '=', 'Ravintolaketju Oy']])[0];
		const run = () =>
			f.engine.run(
				chain(
					[{}],
					odoo('upsertByExternalId', 'account.move', {
						namespace: 'shop',
						externalId: 'catering_invoice_7',
						...fieldsMode([
							{ name: 'move_type', value: 'out_invoice' },
							{ name: 'partner_id', value: String(partner) },
							{ name: 'invoice_line_ids', edit: 'createLines', value: JSON.stringify([{ name: 'Burgers', quantity: 20, price_unit: 9.5, product_id: 'menu.burger' }]) },
						]),
						options: { skipUnchanged: true },
					}),
				),
			);
		const first = await run();
		expect(first.error).toBeUndefined();
		const move = first.output('Odoo')[0].id as number;
		expect(first.output('Odoo')[0].action).toBe('created');
		const lines = () => f.sandbox.db.read(env(), 'account.move.line', f.sandbox.db.search(env(), 'account.move.line', [['move_id', '=', move], ['display_type', '=', 'product']]), ['name', 'quantity']);
		expect(lines().map((l) => [l.name, l.quantity])).toEqual([['Burgers', 20]]);
		const second = await run();
		expect(second.output('Odoo')[0]).toMatchObject({ id: move, action: 'unchanged' });
		expect(lines()).toHaveLength(1);
	});
});
