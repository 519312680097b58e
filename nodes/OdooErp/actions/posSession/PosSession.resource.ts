import type { INodeProperties } from 'n8n-workflow';
import * as close from './close.operation';
import * as closeReport from './closeReport.operation';

export { close, closeReport };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['posSession'] } },
		options: [
			{ name: 'Close', value: 'close', description: 'Close sessions and date their entries on the business date', action: 'Close POS sessions' },
			{
				name: 'Close Report',
				value: 'closeReport',
				description: "Each store's business days: PixelPoint's receipts beside Odoo's orders, payments, session and entry, and whether they agree",
				action: 'Report the daily close of POS sessions',
			},
		],
		default: 'close',
	},
	...close.description,
	...closeReport.description,
];
