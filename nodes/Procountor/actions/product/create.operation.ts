import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { jsonParam, perItem } from '../../helpers/operation';

/** Product (JSON), shown for Create and Update. */
export const description = updateDisplayOptions({ show: { resource: ['product'], operation: ['create', 'update'] } }, [
	{ displayName: 'Product (JSON)', name: 'product', type: 'json', default: '{}' },
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	return await client.request('POST', '/products', { body: { type: 'SALES', ...jsonParam(this, 'product', i) }, itemIndex: i });
});
