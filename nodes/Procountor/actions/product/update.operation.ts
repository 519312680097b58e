import type { INodeProperties } from 'n8n-workflow';
import { idParam, jsonParam, perItem } from '../../helpers/operation';

/** Its Product ID is Get's, its Product (JSON) Create's. */
export const description: INodeProperties[] = [];

export const execute = perItem(async function (client, i) {
	return await client.request('PUT', `/products/${idParam(this, 'productId', i)}`, { body: jsonParam(this, 'product', i), itemIndex: i, idempotent: true });
});
