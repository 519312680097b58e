import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { OdooClient } from '../transport';

/** Models by technical name or description, from ir.model. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await OdooClient.fromContext(this);
	const domain = filter ? ['|', ['model', 'ilike', filter], ['name', 'ilike', filter]] : [];
	const rows = await client.call<Array<{ model: string; name: string }>>('ir.model', 'search_read', {
		args: [domain],
		kwargs: { fields: ['model', 'name'], order: 'model', limit: 200 },
	});
	return { results: rows.map((r) => ({ name: `${r.name} (${r.model})`, value: r.model })) };
}

/** Sale taxes, marking which include the price. */
export async function searchSaleTaxes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await OdooClient.fromContext(this);
	const domain: unknown[] = [['type_tax_use', '=', 'sale']];
	if (filter) domain.push(['name', 'ilike', filter]);
	const rows = await client.call<Array<{ id: number; name: string; price_include: boolean }>>('account.tax', 'search_read', {
		args: [domain],
		kwargs: { fields: ['name', 'price_include'], order: 'name', limit: 200 },
	});
	return { results: rows.map((r) => ({ name: `${r.name}${r.price_include ? ' (price included)' : ''}`, value: String(r.id) })) };
}

/** Cash and bank journals, where payments are booked. */
export async function searchPaymentJournals(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = await OdooClient.fromContext(this);
	const domain: unknown[] = [['type', 'in', ['cash', 'bank']]];
	if (filter) domain.push('|', ['name', 'ilike', filter], ['code', 'ilike', filter]);
	const rows = await client.call<Array<{ id: number; name: string; code: string; type: string }>>('account.journal', 'search_read', {
		args: [domain],
		kwargs: { fields: ['name', 'code', 'type'], order: 'type, name', limit: 200 },
	});
	return { results: rows.map((r) => ({ name: `${r.name} (${r.code}, ${r.type})`, value: String(r.id) })) };
}
