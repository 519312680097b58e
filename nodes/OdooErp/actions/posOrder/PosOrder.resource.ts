import type { INodeProperties } from 'n8n-workflow';
import * as importPixelPoint from './import.operation';

export { importPixelPoint };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['posOrder'] } },
		options: [
			{
				name: 'Import PixelPoint Invoices',
				value: 'importPixelPoint',
				description: 'PixelPoint invoices to POS orders in sessions per store and business day, exact to the cent',
				action: 'Import point of sale invoices into sessions',
			},
		],
		default: 'importPixelPoint',
	},
	...importPixelPoint.description,
];
