import type { INodeProperties } from 'n8n-workflow';
import { idParam, perItem } from '../../helpers/operation';

/** Its Invoice ID is Get's (get.operation.ts). */
export const description: INodeProperties[] = [];

export const execute = perItem(async function (client, i) {
	const id = idParam(this, 'invoiceId', i);
	await client.request('PUT', `/invoices/${id}/send`, { itemIndex: i });
	return { id, status: 'SENT' };
});
