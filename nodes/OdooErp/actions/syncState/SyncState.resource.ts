import type { INodeProperties } from 'n8n-workflow';
import * as decide from './decide.operation';
import * as get from './get.operation';
import * as save from './save.operation';

const retry = decide;
const skip = decide;
export { get, retry, save, skip };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['syncState'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "A flow's cursors and the items waiting to be done again",
				action: 'Get the sync state of a flow',
			},
			{
				name: 'Retry',
				value: 'retry',
				description: 'Put an item skipped by hand back on the waiting list, tried on the next run',
				action: 'Retry a waiting item',
			},
			{
				name: 'Save Results',
				value: 'save',
				description: 'Record a run: failed items wait, done items leave the list, cursors move forward',
				action: 'Save the results of a run',
			},
			{
				name: 'Skip',
				value: 'skip',
				description: 'Decide not to import a waiting item: it is no longer retried',
				action: 'Skip a waiting item',
			},
		],
		default: 'get',
	},
	{
		displayName: 'Flow',
		name: 'flow',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. pixelpoint-order-import',
		description: 'Name of the flow whose state this is; kept in Odoo as system parameters n8n.sync.&lt;flow&gt;.*, seen by every worker and manual run',
		displayOptions: { show: { resource: ['syncState'] } },
	},
	...get.description,
	...save.description,
	...decide.description,
];
