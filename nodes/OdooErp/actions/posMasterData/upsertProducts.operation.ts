import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem } from '../../helpers/items';
import { upsertRows, type UpsertOutcome } from '../../helpers/upsert';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { namespaceOf, namespaceProperty, report, upstreamError } from '../../helpers/posMasterData';
import { posCategoryColumn, productCells, productTaxProperties, taxChooser } from '../../helpers/posProducts';

const properties: INodeProperties[] = [namespaceProperty, ...productTaxProperties];

export const description = updateDisplayOptions({ show: { resource: ['posMasterData'], operation: ['upsertProducts'] } }, properties);

/**
 * PixelPoint products → product.product available in the Point of Sale, with category, price and
 * sale tax (the price-included variant when PixelPoint's price includes tax). Inactive products
 * are archived. Only what changed is written.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const x = namespaceOf(this);
	const out: INodeExecutionData[] = [];
	const taxFor = await taxChooser(this, client);
	const posCategColumn = await posCategoryColumn(client);
	const company = await client.company();
	const products = new Map<number, { cells: Record<string, string>; updatedAt: string }>();
	const entries: Array<{ i: number; key: string; identity: IDataObject }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			if (!Object.keys(json).length) continue; // an empty item from "Always Output Data" upstream
			const upstream = upstreamError(json, 'ProdNum');
			if (upstream) throw new InputError(`The PixelPoint step before failed: ${upstream}`);
			const { num, name, cells } = productCells(json, x, posCategColumn, taxFor, company.id);
			// The same product comes from every store: keep the most recently updated.
			const updatedAt = String(json.UpdatedAt ?? '');
			const prev = products.get(num);
			if (!prev || Date.parse(updatedAt) > Date.parse(prev.updatedAt)) products.set(num, { cells, updatedAt });
			entries.push({ i, key: String(num), identity: { ProdNum: num, Name: name } });
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	const nums = [...products.keys()];
	const res = await upsertRows(client, 'product.product', nums.map((n) => ({ xid: x.product(n), cells: products.get(n)!.cells })), { skipUnchanged: true });
	report(this, 'product.product', entries, new Map<string, UpsertOutcome>(nums.map((n, k) => [String(n), res[k]])), out);
	return out;
}
