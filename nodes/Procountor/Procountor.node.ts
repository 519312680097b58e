import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import * as businessPartner from './actions/businessPartner/BusinessPartner.resource';
import * as invoice from './actions/invoice/Invoice.resource';
import * as paymentEvent from './actions/paymentEvent/PaymentEvent.resource';
import * as product from './actions/product/Product.resource';
import * as vat from './actions/vat/Vat.resource';
import { router } from './actions/router';

export class Procountor implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Procountor',
		name: 'procountor',
		icon: { light: 'file:procountor.svg', dark: 'file:procountor.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Procountor accounting: sales invoices sent once, business partners, products, payment events, VAT',
		defaults: { name: 'Procountor' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
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
			...invoice.description,
			...businessPartner.description,
			...product.description,
			...paymentEvent.description,
			...vat.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
