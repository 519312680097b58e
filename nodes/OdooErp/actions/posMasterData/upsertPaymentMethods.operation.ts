import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { ExternalIdRow } from '../../helpers/interfaces';
import { failItem, ok, passOn } from '../../helpers/items';
import { resolveXids, upsertRows, type UpsertOutcome } from '../../helpers/upsert';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { flag, namespaceOf, namespaceProperty, report, requireNumber, requireText, upstreamError } from '../../helpers/posMasterData';

const properties: INodeProperties[] = [
	namespaceProperty,
	{
		displayName: 'Card Journal Name',
		name: 'cardJournalName',
		type: 'string',
		default: 'PixelPoint Cards',
		description: 'Bank journal that card, mobile and gift card payments are booked on (created if missing)',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['posMasterData'], operation: ['upsertPaymentMethods'] } }, properties);

/**
 * PixelPoint tenders → pos.payment.method. A cash tender maps to its store's own cash method
 * (made by Upsert Stores). Cards share one method per MethodNum across stores, on a bank
 * journal, and each shop offers exactly the active tenders its store has.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const x = namespaceOf(this);
	const out: INodeExecutionData[] = [];
	const cards = new Map<number, { description: string; active: string }>();
	const cardEntries: Array<{ i: number; key: string; identity: IDataObject }> = [];
	const cashEntries: Array<{ i: number; storeId: number; identity: IDataObject }> = [];
	const storeCards = new Map<number, Set<number>>();
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			if (!Object.keys(json).length) continue; // an empty item from "Always Output Data" upstream
			const upstream = upstreamError(json, 'MethodNum');
			if (upstream) throw new InputError(`The PixelPoint step before failed: ${upstream}`);
			const storeId = requireNumber(json, 'StoreId');
			const num = requireNumber(json, 'MethodNum');
			const description = requireText(json, 'Description');
			const identity = { StoreId: storeId, MethodNum: num, Description: description };
			storeCards.set(storeId, storeCards.get(storeId) ?? new Set());
			if (json.IsCash === true || json.IsCash === 'true') {
				cashEntries.push({ i, storeId, identity });
				continue;
			}
			if (!cards.has(num)) cards.set(num, { description, active: flag(json.Active) });
			else if (flag(json.Active) === '1') cards.get(num)!.active = '1';
			if (flag(json.Active) === '1') storeCards.get(storeId)!.add(num);
			cardEntries.push({ i, key: String(num), identity });
		} catch (error) {
			out[i] = failItem(this, error, i);
		}
	}

	const outcomes = new Map<string, UpsertOutcome>();
	if (cards.size) {
		const [journal] = await upsertRows(
			client,
			'account.journal',
			[{ xid: x.cardJournal(), cells: { name: String(this.getNodeParameter('cardJournalName', 0, 'PixelPoint Cards')), type: 'bank', code: 'PPCRD' } }],
			{ skipUnchanged: true },
		);
		if (journal.error) throw new InputError(`Odoo refused the card journal ${journal.xid}: ${journal.error}`);
		const nums = [...cards.keys()];
		const res = await upsertRows(
			client,
			'pos.payment.method',
			nums.map((n) => ({ xid: x.cardMethod(n), cells: { name: cards.get(n)!.description, 'journal_id/id': x.cardJournal(), active: cards.get(n)!.active } })),
			{ skipUnchanged: true },
		);
		nums.forEach((n, k) => outcomes.set(String(n), res[k]));
	}
	report(this, 'pos.payment.method', cardEntries, outcomes, out);

	// Cash tenders: the store's own cash method must exist.
	const stores = [...storeCards.keys()];
	const refs = await resolveXids(client, [...stores.map((s) => x.store(s)), ...stores.map((s) => x.cashMethod(s))]);
	// Cash tenders get an alias external id tender_<store>_<method> on the store's cash method,
	// so the order import maps any cash MethodNum of a store without knowing which tenders are cash.
	const aliases = await resolveXids(client, cashEntries.map((c) => x.tender(c.storeId, Number(c.identity.MethodNum))));
	const newAliases: IDataObject[] = [];
	for (const c of cashEntries) {
		const id = refs.get(x.cashMethod(c.storeId));
		if (!id) {
			out[c.i] = failItem(this, new InputError(`Store ${c.storeId} has no shop in Odoo yet: run Upsert Stores first`, 'StoreId'), c.i);
			continue;
		}
		const alias = x.tender(c.storeId, Number(c.identity.MethodNum));
		if (aliases.get(alias) !== id && !newAliases.some((a) => `${a.module}.${a.name}` === alias)) {
			const [module, name] = [alias.slice(0, alias.indexOf('.')), alias.slice(alias.indexOf('.') + 1)];
			if (aliases.has(alias)) await client.call('ir.model.data', 'unlink', { ids: await client.call<number[]>('ir.model.data', 'search', { args: [[['module', '=', module], ['name', '=', name]]] }), idempotent: true });
			newAliases.push({ module, name, model: 'pos.payment.method', res_id: id });
		}
		out[c.i] = ok({ ...c.identity, externalId: x.cashMethod(c.storeId), odooModel: 'pos.payment.method', id, action: 'unchanged' }, c.i);
	}
	if (newAliases.length) {
		try {
			await client.call('ir.model.data', 'create', { args: [newAliases] });
		} catch (error) {
			// Another execution registered them meanwhile (unique module+name): nothing to do.
			const again = await resolveXids(client, newAliases.map((a) => `${a.module}.${a.name}`));
			if (again.size < newAliases.length) throw passOn(client.node, error);
		}
	}

	// Each shop offers its cash method and exactly the active card tenders of its store.
	const ours = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
		args: [[['model', '=', 'pos.payment.method'], ['module', '=', x.cardMethod(0).split('.')[0]], ['name', '=like', 'paymethod_%']]],
		kwargs: { fields: ['res_id'] },
	});
	const ourCards = new Set(ours.map((r) => r.res_id));
	const shopIds = stores.map((s) => refs.get(x.store(s))).filter((id): id is number => !!id);
	const shops = shopIds.length
		? await client.call<Array<{ id: number; payment_method_ids: number[] }>>('pos.config', 'read', { ids: shopIds, kwargs: { fields: ['payment_method_ids'] } })
		: [];
	for (const s of stores) {
		const shopId = refs.get(x.store(s));
		const shop = shops.find((r) => r.id === shopId);
		if (!shop) continue;
		const cash = refs.get(x.cashMethod(s));
		const wanted = [...storeCards.get(s)!].map((n) => outcomes.get(String(n))?.id).filter((id): id is number => !!id);
		const next = new Set(shop.payment_method_ids.filter((id) => !ourCards.has(id)));
		wanted.forEach((id) => next.add(id));
		if (cash) next.add(cash);
		const same = next.size === shop.payment_method_ids.length && shop.payment_method_ids.every((id) => next.has(id));
		// Setting a set is safe to repeat.
		if (!same) await client.call('pos.config', 'write', { ids: [shop.id], args: [{ payment_method_ids: [[6, 0, [...next].sort((a, b) => a - b)]] }], idempotent: true });
	}
	return out;
}
