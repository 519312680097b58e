import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/operation';
import * as getMany from './getMany.operation';

/** Each operation's execute, by its value in the Operation options. */
export const operations: Record<string, Operation> = { getMany: getMany.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['paymentEvent'] } },
		options: [{ name: 'Get Many', value: 'getMany', description: 'Payment events of the input items\' invoices, 200 invoices per call', action: 'Get many payment events' }],
		default: 'getMany',
	},
	...getMany.description,
];
