import type { INodeProperties } from 'n8n-workflow';
import * as callMethod from './callMethod.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export { callMethod, create, del as delete, get, getMany, update, upsert as upsertByExternalId };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['record'] } },
		options: [
			{ name: 'Call Method', value: 'callMethod', description: 'Call any public method of a model', action: 'Call a method' },
			{ name: 'Create', value: 'create', description: 'Create records, batched', action: 'Create records' },
			{ name: 'Delete', value: 'delete', description: 'Delete records', action: 'Delete records' },
			{ name: 'Get', value: 'get', description: 'Get records by ID', action: 'Get records' },
			{ name: 'Get Many', value: 'getMany', description: 'Search records with a domain', action: 'Get many records' },
			{ name: 'Update', value: 'update', description: 'Update records by ID', action: 'Update records' },
			{
				name: 'Upsert by External ID',
				value: 'upsertByExternalId',
				description: 'Create or update records keyed by an external ID, in batches',
				action: 'Upsert records by external ID',
			},
		],
		default: 'upsertByExternalId',
	},
	...callMethod.description,
	...create.description,
	...del.description,
	...get.description,
	...getMany.description,
	...update.description,
	...upsert.description,
];
