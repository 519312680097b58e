/** Odoo ERP Trigger: records created or updated between polls come out exactly once. */
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { type OdooFixture, node, rl, startOdoo } from '../helpers';

function triggerWorkflow(params: Record<string, unknown>): IWorkflowBase {
	return {
		id: 'trigger',
		name: 'trigger',
		nodes: [node('Odoo Trigger', 'odooErpTrigger', { model: rl('res.partner'), domain: '[["name", "like", "Poll"]]', event: 'createdOrUpdated', ...params })],
		connections: {},
		active: true,
		settings: {},
	} as unknown as IWorkflowBase;
}

describe('Odoo ERP Trigger', () => {
	let f: OdooFixture;
	let now = Date.parse('2026-11-21T10:00:00Z');
	const create = (names: string[]) => {
		const env = f.sandbox.env();
		return f.sandbox.db.transaction(() => names.map((name) => f.sandbox.db.create(env, 'res.partner', { name }).id));
	};
	const poll = async (wf: IWorkflowBase, state: IDataObject) => {
		const res = await f.engine.poll(wf, 'Odoo Trigger', state);
		return (res?.[0] ?? []).map((i) => i.json);
	};

	beforeAll(async () => {
		f = await startOdoo();
		f.sandbox.db.clock = () => new Date(now);
	});
	afterAll(async () => {
		await f.sandbox.stop();
	});

	test('records created between two polls are returned exactly once, including ones in the same second as the cursor', async () => {
		const wf = triggerWorkflow({});
		const state: IDataObject = {};
		create(['Poll existing']);
		expect(await poll(wf, state)).toEqual([]); // activation: existing records are not replayed

		now += 5000;
		const ids = create(['Poll A', 'Poll B', 'Poll C']);
		const first = await poll(wf, state);
		expect(first.map((r) => r.id)).toEqual(ids);
		expect(await poll(wf, state)).toEqual([]);

		// Same second as the cursor: must not be lost, and A-C must not come back.
		const more = create(['Poll D', 'Poll E']);
		const second = await poll(wf, state);
		expect(second.map((r) => r.id)).toEqual(more);
		expect(await poll(wf, state)).toEqual([]);

		// An update is an event too, once.
		now += 1000;
		f.sandbox.db.transaction(() => f.sandbox.db.write(f.sandbox.env(), 'res.partner', [ids[1]], { email: 'b@example.com' }));
		const third = await poll(wf, state);
		expect(third.map((r) => r.id)).toEqual([ids[1]]);
		expect(await poll(wf, state)).toEqual([]);

		// A second update within the same second keeps write_date as it was: still an event, once.
		f.sandbox.db.transaction(() => f.sandbox.db.write(f.sandbox.env(), 'res.partner', [ids[1]], { email: 'b2@example.com' }));
		const fourth = await poll(wf, state);
		expect(fourth.map((r) => [r.id, r.email])).toEqual([[ids[1], 'b2@example.com']]);
		expect(await poll(wf, state)).toEqual([]);

		// Records outside the domain never show up.
		now += 1000;
		create(['Somebody else']);
		expect(await poll(wf, state)).toEqual([]);
	});

	test('"Record Created" ignores updates', async () => {
		const wf = triggerWorkflow({ event: 'created', domain: '[["name", "like", "Created"]]' });
		const state: IDataObject = {};
		expect(await poll(wf, state)).toEqual([]);
		now += 2000;
		const [id] = create(['Created 1']);
		expect((await poll(wf, state)).map((r) => r.id)).toEqual([id]);
		now += 2000;
		f.sandbox.db.transaction(() => f.sandbox.db.write(f.sandbox.env(), 'res.partner', [id], { email: 'x@example.com' }));
		expect(await poll(wf, state)).toEqual([]);
	});

	test('more records than one page are all returned once', async () => {
		const wf = triggerWorkflow({ domain: '[["name", "like", "Bulk"]]', fields: ['name'] });
		const state: IDataObject = {};
		expect(await poll(wf, state)).toEqual([]);
		now += 2000;
		const ids = create(Array.from({ length: 2500 }, (_, k) => `Bulk ${k}`));
		const got = await poll(wf, state);
		expect(got).toHaveLength(2500);
		expect(new Set(got.map((r) => r.id))).toEqual(new Set(ids));
		expect(Object.keys(got[0]).sort()).toEqual(['id', 'name', 'write_date']);
		expect(await poll(wf, state)).toEqual([]);
	});

	test('manual mode returns a sample without moving the cursor', async () => {
		const wf = triggerWorkflow({ domain: '[["name", "like", "Sample"]]' });
		const state: IDataObject = {};
		expect(await poll(wf, state)).toEqual([]);
		now += 2000;
		const [id] = create(['Sample 1']);
		const sample = await f.engine.poll(wf, 'Odoo Trigger', state, 'manual');
		expect(sample?.[0].map((i) => i.json.id)).toEqual([id]);
		// the real poll still delivers it
		expect((await poll(wf, state)).map((r) => r.id)).toEqual([id]);
	});
});
