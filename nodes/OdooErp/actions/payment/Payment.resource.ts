import type { INodeProperties } from 'n8n-workflow';
import * as register from './register.operation';
import * as sessionSummary from './sessionSummary.operation';

export { register, sessionSummary };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['payment'] } },
		options: [
			{ name: 'Register on Invoice', value: 'register', description: 'Pay a posted customer invoice, fully or in part, by cash or bank', action: 'Register a payment on an invoice' },
			{ name: 'Session Summary', value: 'sessionSummary', description: 'Invoice payments of a POS session, cash and bank', action: 'Summarize the invoice payments of a session' },
		],
		default: 'register',
	},
	...register.description,
	...sessionSummary.description,
];
