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

/** The option of Update and Upsert that reads first and writes only what would change. */
export const skipUnchangedOption: INodeProperties = {
	displayName: 'Skip Unchanged',
	name: 'skipUnchanged',
	type: 'boolean',
	default: false,
	description: 'Whether to read the records first and write only those the values would change (reported as unchanged), so re-runs leave write dates and chatter untouched',
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
						description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Operation',
						name: 'edit',
						type: 'options',
						default: 'set',
						description: 'What to do with the field; all but Set apply to relations (links to other records)',
						options: [
							{ name: 'Add Records', value: 'add', description: 'Link the records in Value as well (many2many, one2many)' },
							{ name: 'Change Lines', value: 'updateLine', description: 'Value: JSON of a line with its "ID" and the fields to change, or a list of them (one2many)' },
							{ name: 'Clear', value: 'clear', description: 'Unlink every record (a many2one becomes empty)' },
							{ name: 'Create Lines', value: 'createLines', description: 'Value: JSON of a new line\'s fields, or a list of lines (one2many); in an upsert only when it creates the record' },
							{ name: 'Remove Records', value: 'remove', description: 'Unlink the records in Value; lines of a one2many are deleted' },
							{ name: 'Set', value: 'set', description: 'The field becomes Value; a relation is linked to exactly the records in Value' },
						],
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description:
							'Numbers, true/false and dates are converted to the field type. Records are named by ID or by external ID (module.name), several separated by commas; lines are JSON, where a many2one may be an external ID too.',
					},
				],
			},
		],
	},
];

/** The fields a Get or Get Many returns, loaded from the model. */
export const fieldsOption: INodeProperties = {
	displayName: 'Field Names or IDs',
	name: 'fields',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getModelFields', loadOptionsDependsOn: ['model.value'] },
	default: [],
	description: 'Fields to return; none returns every field. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
