import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem } from '../../helpers/items';
import { upsertRows, type UpsertOutcome } from '../../helpers/upsert';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { namespaceOf, namespaceProperty, report, requireNumber, requireText, upstreamError } from '../../helpers/posMasterData';

export const description = updateDisplayOptions({ show: { resource: ['posMasterData'], operation: ['upsertCategories'] } }, [namespaceProperty]);

/** PixelPoint categories → pos.category, parents before children, in one load. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const x = namespaceOf(this);
	const out: INodeExecutionData[] = [];
	const cats = new Map<number, { name: string; parent: number | null }>();
	const entries: Array<{ i: number; key: string; identity: IDataObject }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			if (!Object.keys(json).length) continue; // an empty item from "Always Output Data" upstream
			const upstream = upstreamError(json, 'CategoryNum');
			if (upstream) throw new InputError(`The PixelPoint step before failed: ${upstream}`);
			const num = requireNumber(json, 'CategoryNum');
			const name = requireText(json, 'Description');
			const parent = json.ParentCategoryNum === null || json.ParentCategoryNum === undefined ? null : requireNumber(json, 'ParentCategoryNum');
			if (parent === num) throw new InputError(`Category ${num} is its own parent`, 'ParentCategoryNum');
			if (!cats.has(num)) cats.set(num, { name, parent });
			entries.push({ i, key: String(num), identity: { CategoryNum: num, Description: name } });
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	// Parents first, so a child's parent/id resolves within the same load.
	const order: number[] = [];
	const visiting = new Set<number>();
	const visit = (n: number) => {
		if (order.includes(n) || !cats.has(n)) return;
		if (visiting.has(n)) throw new InputError(`Categories form a loop through ${n}`, 'ParentCategoryNum');
		visiting.add(n);
		const p = cats.get(n)!.parent;
		if (p !== null) visit(p);
		order.push(n);
	};
	[...cats.keys()].sort((a, b) => a - b).forEach(visit);
	const res = await upsertRows(
		client,
		'pos.category',
		order.map((n) => {
			const c = cats.get(n)!;
			return { xid: x.category(n), cells: { name: c.name, 'parent_id/id': c.parent === null ? '' : x.category(c.parent) } };
		}),
		{ skipUnchanged: true },
	);
	const outcomes = new Map<string, UpsertOutcome>(order.map((n, k) => [String(n), res[k]]));
	report(this, 'pos.category', entries, outcomes, out);
	return out;
}
