import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/operation';
import * as getDefault from './getDefault.operation';

/** Each operation's execute, by its value in the Operation options. */
export const operations: Record<string, Operation> = { getDefault: getDefault.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vat'] } },
		options: [{ name: 'Get Default', value: 'getDefault', description: "The company's VAT percentages and VAT statuses", action: 'Get default VAT settings' }],
		default: 'getDefault',
	},
	...getDefault.description,
];
