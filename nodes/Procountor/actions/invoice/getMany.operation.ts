import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { limitOf, listProperties, perItem } from '../../helpers/operation';

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['getMany'] } }, [
	{ displayName: 'Status', name: 'status', type: 'string', default: '', placeholder: 'e.g. SENT' },
	{ displayName: 'Start Date', name: 'startDate', type: 'string', default: '', placeholder: 'e.g. 2026-11-01' },
	{ displayName: 'End Date', name: 'endDate', type: 'string', default: '', placeholder: 'e.g. 2026-11-30' },
	...listProperties,
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	const qs: IDataObject = {};
	for (const f of ['status', 'startDate', 'endDate']) {
		const v = String(this.getNodeParameter(f, i, '') ?? '').trim();
		if (v) qs[f] = v;
	}
	return await client.getAll('/invoices', qs, limitOf(this, i), i);
});
