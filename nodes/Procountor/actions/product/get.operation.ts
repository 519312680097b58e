import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { idParam, perItem } from '../../helpers/operation';

/** Product ID, shown for Get and Update. */
export const description = updateDisplayOptions({ show: { resource: ['product'], operation: ['get', 'update'] } }, [
	{ displayName: 'Product ID', name: 'productId', type: 'string', default: '', required: true },
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	return await client.request('GET', `/products/${idParam(this, 'productId', i)}`, { itemIndex: i });
});
