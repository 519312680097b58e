import type { INodeProperties } from 'n8n-workflow';
import * as register from './register.operation';

export { register };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['payment'] } },
		options: [
			{ name: 'Register on Invoice', value: 'register', description: 'Pay a posted customer invoice, fully or in part, by cash or bank', action: 'Register a payment on an invoice' },
		],
		default: 'register',
	},
	...register.description,
];
