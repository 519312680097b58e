/* eslint-disable n8n-nodes-base/node-filename-against-convention */
// The description lives here, as in n8n's versioned nodes; PixelPoint.node.ts uses it.
import type { INodeTypeDescription } from 'n8n-workflow';
import { category, paymentMethod, product, saleType, store } from './catalog.resources';
import * as invoice from './invoice/Invoice.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'PixelPoint',
	name: 'pixelPoint',
	icon: 'file:pixelpoint.svg',
	group: ['input'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Read PixelPoint POS data (stores, catalogue, invoices) through the Codeplus middleware',
	defaults: { name: 'PixelPoint' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: [{ name: 'codeplusApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Category', value: 'category' },
				{ name: 'Invoice', value: 'invoice' },
				{ name: 'Payment Method', value: 'paymentMethod' },
				{ name: 'Product', value: 'product' },
				{ name: 'Sale Type', value: 'saleType' },
				{ name: 'Store', value: 'store' },
			],
			default: 'invoice',
		},
		...store.properties,
		...saleType.properties,
		...paymentMethod.properties,
		...category.properties,
		...product.properties,
		...invoice.properties,
	],
};
