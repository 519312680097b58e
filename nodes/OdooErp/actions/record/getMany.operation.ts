import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { getModel } from '../../helpers/params';
import { parseDomain } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { limitProperty, returnAllOffProperty } from '../../../shared/descriptions';
import { fieldsOption, modelLocator } from '../common.descriptions';

const PAGE = 1000;

export const domainProperty: INodeProperties = {
	displayName: 'Domain',
	name: 'domain',
	type: 'string',
	default: '[]',
	description:
		'Odoo filter in JSON or Python syntax, e.g. [["state", "=", "posted"]] or [(\'state\', \'=\', \'posted\')]; prefix operators \'|\' and \'!\' as in Odoo',
};

const properties: INodeProperties[] = [
	modelLocator,
	domainProperty,
	fieldsOption,
	returnAllOffProperty,
	limitProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Sort Order',
				name: 'order',
				type: 'string',
				default: '',
				placeholder: 'e.g. write_date desc',
				description: 'Odoo order clause; the record key is appended so paging is stable',
			},
			{
				displayName: 'Offset',
				name: 'offset',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How many matching records to skip',
			},
			{
				displayName: 'Include Archived',
				name: 'includeArchived',
				type: 'boolean',
				default: false,
				description: 'Whether to include archived records (active = false)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const model = getModel(this, i);
			const domain = parseDomain(this.getNodeParameter('domain', i, '[]'));
			const fields = (this.getNodeParameter('fields', i, []) as string[]) ?? [];
			const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
			const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const order = [String(options.order ?? '').trim(), 'id'].filter(Boolean).join(', ');
			const kwargs: IDataObject = { order };
			if (fields.length) kwargs.fields = fields;
			if (options.includeArchived) kwargs.context = { active_test: false };
			let offset = Number(options.offset ?? 0);
			let got = 0;
			for (;;) {
				const page = Math.min(PAGE, limit - got);
				const rows = await client.call<IDataObject[]>(model, 'search_read', { args: [domain], kwargs: { ...kwargs, offset, limit: page }, itemIndex: i });
				for (const r of rows) out.push(ok(r, i));
				got += rows.length;
				offset += rows.length;
				if (rows.length < page || got >= limit) break;
			}
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
