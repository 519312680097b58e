import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { idParam, perItem } from '../../helpers/operation';

/** Partner ID, shown for Get and Update. */
export const description = updateDisplayOptions({ show: { resource: ['businessPartner'], operation: ['get', 'update'] } }, [
	{ displayName: 'Partner ID', name: 'partnerId', type: 'string', default: '', required: true },
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	return await client.request('GET', `/businesspartners/${idParam(this, 'partnerId', i)}`, { itemIndex: i });
});
