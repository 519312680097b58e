import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { checkFlow, decide } from '../../helpers/syncState';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Item Key',
		name: 'itemKey',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1-10452',
		description: 'Key of the waiting item, as Get lists it',
		displayOptions: {
			show: { resource: ['syncState'], operation: ['skip', 'retry'] },
		},
	},
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. entered by hand in Odoo on 2026-11-30 (M. Virtanen)',
		description: 'Why it is skipped and who decided; kept with the item and shown in the audit',
		displayOptions: { show: { resource: ['syncState'], operation: ['skip'] } },
	},
];

/** Skip or retry one waiting item; the item is returned as it now stands. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const action = this.getNodeParameter('operation', 0) === 'skip' ? 'skip' : 'retry';
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const flow = checkFlow(String(this.getNodeParameter('flow', i)));
			const key = String(this.getNodeParameter('itemKey', i)).trim();
			if (!key) throw new InputError('Item Key is empty', 'itemKey');
			const note = action === 'skip' ? String(this.getNodeParameter('note', i, '')).trim() : '';
			if (action === 'skip' && !note) throw new InputError('Note is empty: say why the item is skipped and who decided', 'note');
			const item = await decide(client, flow, key, action, note, new Date().toISOString());
			out.push(ok({ flow, action, ...item }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
