import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/operation';
import * as create from './create.operation';
import * as find from './find.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

/** Each operation's execute, by its value in the Operation options. */
export const operations: Record<string, Operation> = { create: create.execute, find: find.execute, get: get.execute, getMany: getMany.execute, update: update.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['businessPartner'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'A customer or supplier from a Procountor business partner body', action: 'Create a business partner' },
			{ name: 'Find by Business ID or VAT', value: 'find', description: 'Partners whose identifier (invoicingInfo.identifier) is this business ID or VAT number', action: 'Find business partners' },
			{ name: 'Get', value: 'get', description: 'One partner by its Procountor ID, in full', action: 'Get a business partner' },
			{ name: 'Get Many', value: 'getMany', description: 'Every partner, with its basic info (Get gives one in full)', action: 'Get many business partners' },
			{ name: 'Update', value: 'update', description: 'Change fields of a partner: read, merged and written back with its version', action: 'Update a business partner' },
		],
		default: 'getMany',
	},
	...get.description,
	...find.description,
	...create.description,
	...getMany.description,
	...update.description,
];
