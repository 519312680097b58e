import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { OdooClient } from '../transport';

/** Fields of the chosen model, for field pickers. */
export async function getModelFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const model = this.getCurrentNodeParameter('model', { extractValue: true }) as string;
	if (!model) return [];
	const client = await OdooClient.fromContext(this);
	const fields = await client.fields(model);
	return Object.entries(fields)
		.map(([name, f]) => ({ name: `${f.string} (${name})`, value: name, description: `${f.type}${f.relation ? ` → ${f.relation}` : ''}${f.required ? ', required' : ''}` }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
