import type { INodeProperties } from 'n8n-workflow';

export const storeLocator: INodeProperties = {
	displayName: 'Store',
	name: 'store',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchStores', searchable: true } },
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1',
			validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'A store ID is a number' } }],
		},
	],
};

export const allStores: INodeProperties = {
	displayName: 'All Stores',
	name: 'allStores',
	type: 'boolean',
	default: false,
	description: 'Whether to read every store of the company instead of one; each item gets its StoreId',
};

export { limitProperty as limit, returnAllProperty as returnAll } from '../../shared/descriptions';
