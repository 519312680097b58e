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
