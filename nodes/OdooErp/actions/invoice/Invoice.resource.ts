import type { INodeProperties } from 'n8n-workflow';
import * as getForExport from './getForExport.operation';
import * as recordExport from './recordExport.operation';

export { getForExport, recordExport };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [
			{
				name: 'Get for Export',
				value: 'getForExport',
				description: 'Posted customer invoices and credit notes not yet exported, claimed, with lines, taxes and customer',
				action: 'Get invoices for export',
			},
			{ name: 'Record Export', value: 'recordExport', description: "Record an invoice's ID in another system as an external ID", action: 'Record an exported invoice' },
		],
		default: 'getForExport',
	},
	...getForExport.description,
	...recordExport.description,
];
