import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { jsonParam, perItem } from '../../helpers/operation';

/** Invoice (JSON), shown for Create and Send Sales Invoice. */
export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['create', 'sendSalesInvoice'] } }, [
	{
		displayName: 'Invoice (JSON)',
		name: 'invoice',
		type: 'json',
		default: '={{ JSON.stringify($json) }}',
		description: 'For Create: a Procountor invoice body. For Send Sales Invoice: the accounting invoice from the Odoo node.',
	},
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	return await client.request('POST', '/invoices', { body: jsonParam(this, 'invoice', i), itemIndex: i });
});
