import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { idParam, perItem } from '../../helpers/operation';

/** Invoice ID, shown for Get, Approve and Send. */
export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['get', 'approve', 'send'] } }, [
	{ displayName: 'Invoice ID', name: 'invoiceId', type: 'string', default: '', required: true },
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	return await client.request('GET', `/invoices/${idParam(this, 'invoiceId', i)}`, { itemIndex: i });
});
