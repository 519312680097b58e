import type { INodeProperties } from 'n8n-workflow';
import * as close from './close.operation';

export { close };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['posSession'] } },
		options: [{ name: 'Close', value: 'close', description: 'Close sessions and date their entries on the business date', action: 'Close POS sessions' }],
		default: 'close',
	},
	...close.description,
];
