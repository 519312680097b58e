import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

/** Each operation's execute, by its value in the Operation options. */
export const operations: Record<string, Operation> = { create: create.execute, get: get.execute, getMany: getMany.execute, update: update.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['product'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'A product with its price, unit and VAT', action: 'Create a product' },
			{ name: 'Get', value: 'get', description: 'One product by its Procountor ID, with its version', action: 'Get a product' },
			{ name: 'Get Many', value: 'getMany', description: 'The company\'s products', action: 'Get many products' },
			{ name: 'Update', value: 'update', description: 'Replace a product; give its current version', action: 'Update a product' },
		],
		default: 'getMany',
	},
	...get.description,
	...create.description,
	...getMany.description,
	...update.description,
];
