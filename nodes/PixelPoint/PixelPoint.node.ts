import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { category, paymentMethod, product, saleType, store } from './actions/catalog.resources';
import * as invoice from './actions/invoice/Invoice.resource';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';

export class PixelPoint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PixelPoint',
		name: 'pixelPoint',
		icon: { light: 'file:pixelpoint.svg', dark: 'file:pixelpoint.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read PixelPoint POS data (stores, catalogue, invoices) through the Codeplus middleware',
		defaults: { name: 'PixelPoint' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
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

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
