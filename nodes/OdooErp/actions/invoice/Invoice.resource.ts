import type { INodeProperties } from 'n8n-workflow';
import * as getOp from './get.operation';
import * as getForExport from './getForExport.operation';
import * as getManyCanonical from './getManyCanonical.operation';
import * as getManyUnpaid from './getManyUnpaid.operation';
import * as recordExport from './recordExport.operation';
import * as saveCanonicalCursor from './saveCanonicalCursor.operation';

export const get = { execute: getOp.execute };
export const post = { execute: getOp.post };
export { getForExport, getManyCanonical, getManyUnpaid, recordExport, saveCanonicalCursor };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a customer invoice', action: 'Get an invoice' },
			{
				name: 'Get for Export',
				value: 'getForExport',
				description: 'Posted customer invoices and credit notes not yet exported, claimed, with lines, taxes and customer',
				action: 'Get invoices for export',
			},
			{
				name: 'Get Many (Canonical)',
				value: 'getManyCanonical',
				description: 'Customer invoices in the canonical export shape, as a preview or synced from a cursor',
				action: 'Get many invoices in canonical shape',
			},
			{ name: 'Get Many Unpaid', value: 'getManyUnpaid', description: "A customer's open invoices, open count and total due", action: 'Get many unpaid invoices' },
			{ name: 'Post', value: 'post', description: 'Post a draft invoice', action: 'Post an invoice' },
			{ name: 'Record Export', value: 'recordExport', description: "Record an invoice's ID in another system as an external ID", action: 'Record an exported invoice' },
			{
				name: 'Save Export Cursor',
				value: 'saveCanonicalCursor',
				description: 'Store the cursor of Get Many (Canonical) in Odoo once its invoices are delivered; items pass through',
				action: 'Save the canonical export cursor',
			},
		],
		default: 'getManyUnpaid',
	},
	...getOp.description,
	...getForExport.description,
	...getManyCanonical.description,
	...getManyUnpaid.description,
	...recordExport.description,
	...saveCanonicalCursor.description,
];
