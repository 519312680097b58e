import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { failItem } from '../../helpers/items';
import { ownProducts } from '../../helpers/pixelpoint';
import { resolveXids, upsertRows, type UpsertOutcome, type UpsertRow } from '../../helpers/upsert';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { flag, namespaceOf, namespaceProperty, report, requireNumber, requireText, upstreamError } from '../../helpers/posMasterData';

const properties: INodeProperties[] = [
	namespaceProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Cash Control',
				name: 'cashControl',
				type: 'boolean',
				default: false,
				description: 'Whether new shops count cash at opening and closing (sessions then open through the cash box)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['posMasterData'], operation: ['upsertStores'] } }, properties);

/**
 * PixelPoint stores → pos.config, one shop per store, each with its own cash journal and cash
 * payment method: Odoo refuses a cash method shared by two shops. Card methods are attached by
 * Upsert Payment Methods. Inactive stores are archived, never deleted. Shops take tips on the
 * package's tip product (as Odoo's restaurant POS does), unless a person set tips up otherwise.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const x = namespaceOf(this);
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const out: INodeExecutionData[] = [];
	const company = await client.company();
	const companyCurrency = company.currency;
	// Odoo refuses a POS shop in a company without a warehouse (18 makes none with a new company): said up front.
	const warehouses = await client.call<number>('stock.warehouse', 'search_count', { args: [[['company_id', '=', company.id]]] });
	if (!warehouses) {
		throw new NodeOperationError(this.getNode(), `The Odoo company ${company.name} has no warehouse: POS shops need one`, {
			description: 'Create it in Odoo under Inventory → Configuration → Warehouses (Odoo 18 does not make one with a new company), then run the master data again.',
		});
	}

	const stores = new Map<number, { i: number; name: string; active: string }>();
	const entries: Array<{ i: number; key: string; identity: IDataObject }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			if (!Object.keys(json).length) continue; // an empty item from "Always Output Data" upstream
			const upstream = upstreamError(json, 'StoreId');
			if (upstream) throw new InputError(`The PixelPoint step before failed: ${upstream}`);
			const id = requireNumber(json, 'StoreId');
			const name = requireText(json, 'StoreName');
			const currency = String(json.Currency ?? '');
			if (companyCurrency && currency && currency !== companyCurrency) {
				throw new InputError(`Store ${id} sells in ${currency} but the Odoo company ${company.name} keeps its books in ${companyCurrency}`, 'Currency');
			}
			if (!stores.has(id)) stores.set(id, { i, name, active: flag(json.Active) });
			entries.push({ i, key: String(id), identity: { StoreId: id, StoreName: name } });
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}
	if (!stores.size) return out;

	const ids = [...stores.keys()];
	const journalOutcomes = await upsertRows(
		client,
		'account.journal',
		ids.map((id) => ({ xid: x.cashJournal(id), cells: { name: `Cash ${stores.get(id)!.name}`, type: 'cash', code: `PP${id}`.slice(0, 5) } })),
		{ skipUnchanged: true },
	);
	const methodOutcomes = await upsertRows(
		client,
		'pos.payment.method',
		ids.map((id) => ({ xid: x.cashMethod(id), cells: { name: `Cash ${stores.get(id)!.name}`, 'journal_id/id': x.cashJournal(id) } })),
		{ skipUnchanged: true },
	);
	const [tip] = await upsertRows(client, 'product.product', [ownProducts(x, company.id).tip], { skipUnchanged: true });
	if (!tip.id) throw new NodeOperationError(this.getNode(), `Odoo refused the tip product ${tip.xid}: ${tip.error}`);
	// A new shop gets its cash method at creation: Odoo's default would lend it another shop's.
	const existingShops = await resolveXids(client, ids.map((id) => x.store(id)), 'pos.config');
	const shopRows: UpsertRow[] = ids.map((id) => {
		const cells: Record<string, string> = { name: stores.get(id)!.name, active: stores.get(id)!.active };
		if (!existingShops.has(x.store(id))) {
			cells['payment_method_ids/id'] = x.cashMethod(id);
			cells.cash_control = options.cashControl ? '1' : '0';
			cells.iface_tipproduct = '1';
			cells['tip_product_id/id'] = x.tip();
		}
		return { xid: x.store(id), cells };
	});
	const shopOutcomes = await upsertRows(client, 'pos.config', shopRows, { skipUnchanged: true });

	const outcomes = new Map<string, UpsertOutcome>();
	ids.forEach((id, k) => {
		const failed = [journalOutcomes[k], methodOutcomes[k], shopOutcomes[k]].find((o) => o.error);
		outcomes.set(String(id), failed ?? shopOutcomes[k]);
	});

	// An existing shop keeps its methods, but must offer its own cash method.
	const shopIds = shopOutcomes.filter((o) => o.id && !o.error).map((o) => o.id!);
	if (shopIds.length) {
		const shops = await client.call<Array<{ id: number; payment_method_ids: number[]; iface_tipproduct: boolean; tip_product_id: [number, string] | false }>>('pos.config', 'read', {
			ids: shopIds,
			kwargs: { fields: ['payment_method_ids', 'iface_tipproduct', 'tip_product_id'] },
		});
		for (const shop of shops) {
			const k = shopOutcomes.findIndex((o) => o.id === shop.id);
			const cash = methodOutcomes[k]?.id;
			const values: IDataObject = {};
			// Adding to a set is safe to repeat.
			if (cash && !shop.payment_method_ids.includes(cash)) values.payment_method_ids = [[4, cash]];
			// Once, on a shop made before tips were imported: a person's later choice (tips off, another
			// tip product) is theirs to keep.
			if (!shop.iface_tipproduct && (shop.tip_product_id || [0])[0] !== tip.id) Object.assign(values, { iface_tipproduct: true, tip_product_id: tip.id });
			if (Object.keys(values).length) {
				await client.call('pos.config', 'write', { ids: [shop.id], args: [values], idempotent: true });
				if (outcomes.get(String(ids[k]))?.action === 'unchanged') outcomes.set(String(ids[k]), { ...shopOutcomes[k], action: 'updated' });
			}
		}
	}
	report(this, 'pos.config', entries, outcomes, out);
	for (const e of entries) {
		const json = out[e.i]?.json;
		const k = ids.indexOf(Number(e.key));
		if (json && !json.error) {
			json.cashJournalId = journalOutcomes[k].id;
			json.cashPaymentMethodId = methodOutcomes[k].id;
		}
	}
	return out;
}
