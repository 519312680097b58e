/* eslint-disable n8n-nodes-base/node-filename-against-convention */
// The description lives here, as in n8n's versioned nodes; Procountor.node.ts uses it.
import type { INodeTypeDescription } from 'n8n-workflow';
import { invoiceProperties, partnerProperties, paymentEventProperties, productProperties, vatProperties } from './resources';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Procountor',
	name: 'procountor',
	icon: 'file:procountor.svg',
	group: ['output'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Procountor accounting: sales invoices sent once, business partners, products, payment events, VAT',
	defaults: { name: 'Procountor' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
	credentials: [{ name: 'procountorApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Business Partner', value: 'businessPartner' },
				{ name: 'Invoice', value: 'invoice' },
				{ name: 'Payment Event', value: 'paymentEvent' },
				{ name: 'Product', value: 'product' },
				{ name: 'VAT', value: 'vat' },
			],
			default: 'invoice',
		},
		...invoiceProperties,
		...partnerProperties,
		...productProperties,
		...paymentEventProperties,
		...vatProperties,
	],
};
