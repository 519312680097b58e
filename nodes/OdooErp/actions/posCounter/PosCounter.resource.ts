import type { INodeProperties } from 'n8n-workflow';
import * as request from './request.operation';

export { request };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['posCounter'] } },
		options: [
			{
				name: 'Answer Till Request',
				value: 'request',
				description: "A till's authenticated request (open invoices, a payment, its session's summary), checked and answered as HTTP status and body",
				action: 'Answer a till request',
			},
		],
		default: 'request',
	},
	...request.description,
];
