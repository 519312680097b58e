import type { INodeProperties } from 'n8n-workflow';

export const modelLocator: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Odoo model, e.g. res.partner or product.product',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. res.partner',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^[a-z0-9_]+(\\.[a-z0-9_]+)+$', errorMessage: 'A model name looks like res.partner' },
				},
			],
		},
	],
};

export const valuesInput: INodeProperties[] = [
	{
		displayName: 'Define Values',
		name: 'inputMode',
		type: 'options',
		options: [
			{
				name: 'Auto-Map Input Data',
				value: 'auto',
				description: "Each item's fields become the record's fields (names must match Odoo's); fastest for many items",
			},
			{ name: 'Using JSON', value: 'json', description: 'An object of field names and values, with expressions' },
			{ name: 'Field by Field', value: 'fields', description: 'Pick each field from the model and type its value' },
		],
		default: 'json',
	},
	{
		displayName: 'Input Fields to Ignore',
		name: 'ignoreFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. source, note',
		description: 'Fields of the input items that are not Odoo fields, separated by commas',
		displayOptions: { show: { inputMode: ['auto'] } },
	},
	{
		displayName: 'Values (JSON)',
		name: 'valuesJson',
		type: 'json',
		default: '{}',
		displayOptions: { show: { inputMode: ['json'] } },
		description: 'For example {"name": "Burger", "list_price": 9.5, "taxes_id": [[6, 0, [1]]]}',
	},
	{
		displayName: 'Fields',
		name: 'fieldValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { inputMode: ['fields'] } },
		options: [
			{
				displayName: 'Field',
				name: 'values',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'name',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getModelFields', loadOptionsDependsOn: ['model.value'] },
						default: '',
						description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Numbers, true/false and record IDs are converted to the field type; a many2many takes IDs separated by commas',
					},
				],
			},
		],
	},
];
