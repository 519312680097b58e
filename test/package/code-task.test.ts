/**
 * The test engine's answer to n8n 2's Code node tasks (runner/code-task.ts): what the templates'
 * Code nodes rely on behaves as in n8n's JavaScript task runner.
 */
import { Engine } from '../../runner/engine';
import { chain, node } from '../helpers';

const code = (name: string, jsCode: string, mode?: string) => node(name, 'n8n-nodes-base.code', { jsCode, ...(mode ? { mode } : {}) });

describe('Code node tasks in the test engine', () => {
	const engine = new Engine({});

	test('once for all items: items, $input, $json of the first item, and a code that declares its own `items`', async () => {
		const r = await engine.run(
			chain(
				[{ n: 1 }, { n: 2 }, { n: 3 }],
				code('All', 'return [{ json: { count: items.length, sum: $input.all().reduce((s, i) => s + i.json.n, 0), first: $json.n } }];'),
				code('Shadow', 'const items = $input.all(); return items.map((i) => ({ json: { doubled: i.json.count * 2 } }));'),
			),
		);
		expect(r.error).toBeUndefined();
		expect(r.output('All')).toEqual([{ count: 3, sum: 6, first: 1 }]);
		expect(r.output('Shadow')).toEqual([{ doubled: 6 }]);
	});

	test("once for each item: item, $json and $('Node') of that item, paired to it", async () => {
		const r = await engine.run(chain([{ n: 1 }, { n: 2 }], code('Each', "return { json: { n: $json.n, again: item.json.n, from: $('Items').item.json.n } };", 'runOnceForEachItem')));
		expect(r.error).toBeUndefined();
		expect(r.output('Each')).toEqual([
			{ n: 1, again: 1, from: 1 },
			{ n: 2, again: 2, from: 2 },
		]);
		expect(r.items('Each').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('static data and the date helpers are there; an error in the code fails the node with its message', async () => {
		const staticData = {};
		const ok = await engine.run(chain([{}], code('Keep', "const s = $getWorkflowStaticData('global'); s.runs = (s.runs ?? 0) + 1; return [{ json: { runs: s.runs, today: typeof $today.toISODate(), now: typeof $now.toISO() } }];")), { staticData });
		expect(ok.output('Keep')).toEqual([{ runs: 1, today: 'string', now: 'string' }]);
		const bad = await engine.run(chain([{}], code('Bad', 'throw new Error("no such store");')));
		expect(bad.error?.message).toMatch(/no such store/);
	});
});
