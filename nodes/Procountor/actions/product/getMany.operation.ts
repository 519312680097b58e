import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { limitOf, listProperties, perItem } from '../../helpers/operation';

export const description = updateDisplayOptions({ show: { resource: ['product'], operation: ['getMany'] } }, [
	{ displayName: 'Code', name: 'code', type: 'string', default: '', description: 'Only the product with this code' },
	...listProperties,
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	const code = String(this.getNodeParameter('code', i, '') ?? '').trim();
	return await client.getAll('/products', { type: 'SALES', ...(code ? { code } : {}) }, limitOf(this, i), i);
});
