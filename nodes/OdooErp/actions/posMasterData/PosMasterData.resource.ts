import type { INodeProperties } from 'n8n-workflow';
import * as upsertCategories from './upsertCategories.operation';
import * as upsertPaymentMethods from './upsertPaymentMethods.operation';
import * as upsertProducts from './upsertProducts.operation';
import * as upsertSaleTypes from './upsertSaleTypes.operation';
import * as upsertStores from './upsertStores.operation';

export { upsertCategories, upsertPaymentMethods, upsertProducts, upsertSaleTypes, upsertStores };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['posMasterData'] } },
		options: [
			{ name: 'Upsert Categories', value: 'upsertCategories', description: 'PixelPoint categories to POS categories', action: 'Upsert categories' },
			{ name: 'Upsert Payment Methods', value: 'upsertPaymentMethods', description: 'PixelPoint tenders to POS payment methods', action: 'Upsert payment methods' },
			{ name: 'Upsert Products', value: 'upsertProducts', description: 'PixelPoint products to products available in POS', action: 'Upsert products' },
			{ name: 'Upsert Sale Types', value: 'upsertSaleTypes', description: 'PixelPoint sale types to pricelists', action: 'Upsert sale types' },
			{ name: 'Upsert Stores', value: 'upsertStores', description: 'PixelPoint stores to POS shops with their cash journals', action: 'Upsert stores' },
		],
		default: 'upsertStores',
	},
	...upsertStores.description,
	...upsertPaymentMethods.description,
	...upsertCategories.description,
	...upsertProducts.description,
	...upsertSaleTypes.description,
];
