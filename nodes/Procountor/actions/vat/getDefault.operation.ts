import type { INodeProperties } from 'n8n-workflow';
import { perItem } from '../../helpers/operation';

export const description: INodeProperties[] = [];

export const execute = perItem(async function (client, i) {
	return await client.request('GET', '/vats/default', { itemIndex: i });
});
