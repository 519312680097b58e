import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem } from '../../helpers/items';
import { upsertRows, type UpsertOutcome } from '../../helpers/upsert';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { flag, namespaceOf, namespaceProperty, report, requireNumber, requireText, upstreamError } from '../../helpers/posMasterData';

export const description = updateDisplayOptions({ show: { resource: ['posMasterData'], operation: ['upsertSaleTypes'] } }, [namespaceProperty]);

/**
 * PixelPoint sale types (Dine In, Take Out, Delivery) → product.pricelist without rules, so
 * prices stay PixelPoint's. Imported orders carry their sale type's pricelist, which the
 * Point of Sale analysis groups by in every version from 16 to 19.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const x = namespaceOf(this);
	const out: INodeExecutionData[] = [];
	const types = new Map<number, { name: string; active: string }>();
	const entries: Array<{ i: number; key: string; identity: IDataObject }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			if (!Object.keys(json).length) continue; // an empty item from "Always Output Data" upstream
			const upstream = upstreamError(json, 'SaleTypeNum');
			if (upstream) throw new InputError(`The PixelPoint step before failed: ${upstream}`);
			const num = requireNumber(json, 'SaleTypeNum');
			const name = requireText(json, 'Description');
			if (!types.has(num)) types.set(num, { name, active: flag(json.Active) });
			entries.push({ i, key: String(num), identity: { SaleTypeNum: num, Description: name } });
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	const nums = [...types.keys()];
	// In the company: a pricelist without one is offered by every company's shops.
	const company = await client.company();
	const res = await upsertRows(
		client,
		'product.pricelist',
		nums.map((n) => ({ xid: x.saleType(n), cells: { name: types.get(n)!.name, active: types.get(n)!.active, 'company_id/.id': String(company.id) } })),
		{ skipUnchanged: true },
	);
	report(this, 'product.pricelist', entries, new Map<string, UpsertOutcome>(nums.map((n, k) => [String(n), res[k]])), out);
	return out;
}
